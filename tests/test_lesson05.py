"""Lesson 05: the code-taking U-Net and the encoder against the reference's counts, the task, the diversity
metrics and losses (exact values), BicycleGAN's latent regression training G alone, and the lesson's claims on
the `ci` profile on three seeds (the numbers the tour and notebook show)."""

import math

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from i2i_course import CourseError
from i2i_course.data.palette_fills import PaletteFills, interior_of, outline_of
from i2i_course.experiments import l05_diversity
from i2i_course.metrics import diversity
from i2i_course.nets import Encoder, UNet, count_parameters
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.objectives import BicycleGAN, Pix2PixZ
from i2i_course.objectives.bicyclegan import kl_divergence, reparameterize
from i2i_course.objectives.pix2pix_z import draw_codes, ds_loss, latent_ratio, ms_loss

matplotlib.use("Agg")


# ---------------------------------------------------------------- nets


def test_unet_with_a_code_matches_bicyclegans_generators():
    """G_Unet_add_input and G_Unet_add_all (unet_256, nz 8, instance norm, as BicycleGAN trains them)."""
    assert count_parameters(UNet(3, 3, 8, norm="instance", nz=8, inject="input")) == 54_417_795
    assert count_parameters(UNet(3, 3, 8, norm="instance", nz=8, inject="all")) == 54_794_627
    assert count_parameters(UNet(3, 3, 8)) == 54_413_955  # no code: lesson 02's unet_256, untouched
    downs = [m for m in UNet(3, 3, 5, ngf=8, nz=4, inject="all").modules() if isinstance(m, nn.Conv2d)]
    assert [conv.in_channels for conv in downs] == [3 + 4, 8 + 4, 16 + 4, 32 + 4, 64 + 4]  # z at every level
    downs = [m for m in UNet(3, 3, 5, ngf=8, nz=4, inject="input").modules() if isinstance(m, nn.Conv2d)]
    assert [conv.in_channels for conv in downs] == [3 + 4, 8, 16, 32, 64]  # at the input only


@pytest.mark.parametrize("inject", ["input", "all"])
def test_the_code_reaches_the_output_and_the_net_runs_at_32_px_in_training(inject):
    net = UNet(3, 3, 5, ngf=8, norm="instance", nz=8, inject=inject).train()  # a 1x1 bottleneck at 32 px
    x = torch.randn(4, 3, 32, 32)
    z = torch.randn(4, 8, requires_grad=True)
    out = net(x, z)
    assert out.shape == (4, 3, 32, 32)
    out.sum().backward()
    assert z.grad.abs().sum() > 0


def test_a_missing_or_misshapen_code_is_refused():
    with pytest.raises(CourseError, match=r"takes a code z of shape \(2, 8\): net\(x, z\); got none"):
        UNet(3, 3, 5, ngf=8, nz=8)(torch.randn(2, 3, 32, 32))
    with pytest.raises(CourseError, match=r"got shape \(2, 4\)"):
        UNet(3, 3, 5, ngf=8, nz=8)(torch.randn(2, 3, 32, 32), torch.randn(2, 4))
    with pytest.raises(CourseError, match="takes no z"):
        UNet(3, 3, 5, ngf=8)(torch.randn(2, 3, 32, 32), torch.randn(2, 8))
    with pytest.raises(CourseError, match="unknown inject 'middle'"):
        UNet(3, 3, 5, nz=8, inject="middle")


def test_encoder_matches_bicyclegans_and_is_sized_to_the_image():
    assert count_parameters(Encoder(3, 8, nef=64, image_size=256)) == 2_590_032  # resnet_256
    assert count_parameters(Encoder(3, 8, nef=64, image_size=128)) == 1_344_080  # resnet_128
    for size, blocks in ((16, 1), (32, 2), (64, 3), (256, 5)):
        encoder = Encoder(3, 8, nef=8, image_size=size).train()
        last = encoder.conv[:-3](torch.randn(2, 3, size, size))  # before the activation and the average
        assert last.shape[-2:] == (8, 8), size  # the reference's AvgPool2d(8) sees an 8x8 map at 256 and 128
        assert sum(isinstance(m, nn.Module) and type(m).__name__ == "ResidualDown" for m in encoder.modules()) \
            == blocks - 1
        mu, logvar = encoder(torch.randn(2, 3, size, size))
        assert mu.shape == logvar.shape == (2, 8)
    with pytest.raises(CourseError, match="built for images of 32x32"):
        Encoder(3, 8, nef=8, image_size=32)(torch.randn(1, 3, 64, 64))
    with pytest.raises(CourseError, match="power of two, 16 or more"):
        Encoder(image_size=48)


# ---------------------------------------------------------------- the task


def test_every_target_holds_the_m_palette_fills_and_the_sampled_one_among_them():
    task = PaletteFills(32)
    batch = task.sample(64, torch.Generator().manual_seed(0))
    targets = task.every_target(batch)
    assert targets.shape == (64, 4, 3, 32, 32) and task.modes == 4
    assert torch.equal(targets[torch.arange(64), batch.mode], batch.y)
    for m in range(4):
        pixels = targets[:, m].permute(0, 2, 3, 1)
        assert torch.equal(pixels[batch.mask], task.palette[m].expand(int(batch.mask.sum()), -1))
        assert torch.equal(pixels[~batch.mask].unique(), torch.tensor([-0.6]))  # the dark grey background
    lines = batch.x[:, 0] > 0
    assert torch.equal(lines, outline_of(batch.mask)) and torch.equal(batch.mask, interior_of(batch.mask) | lines)
    assert batch.square.any() and (~batch.square).any()


def test_modes_are_equiprobable():
    modes = PaletteFills(16).sample(40_000, torch.Generator().manual_seed(1)).mode
    assert torch.allclose(torch.bincount(modes, minlength=4) / 40_000, torch.full((4,), 0.25), atol=0.01)


def test_the_median_and_the_mean_fill_grey_which_is_no_palette_colour():
    task = PaletteFills(32)
    batch = task.sample(8, torch.Generator().manual_seed(2))
    for statistic in ("median", "mean"):
        fill = task.oracle(batch, statistic).permute(0, 2, 3, 1)[batch.mask]
        assert torch.equal(fill, torch.zeros_like(fill)), statistic
    assert torch.cdist(torch.zeros(1, 3), task.palette).min() == 1.0  # light green and purple, 1 away
    samples = task.every_target(batch)  # (N, M, ...) as if M samples per input
    median = task.oracle(batch, "median")
    assert (samples - median[:, None]).abs().sum() > 0
    # per pixel, over the M equiprobable targets, L1 is lowest at the median: every palette fill costs more
    costs = [(samples - image[:, None]).abs().mean().item() for image in (median, *samples.unbind(1))]
    assert costs[0] < min(costs[1:])


def test_the_task_draws_every_tensor_on_the_generators_device():
    generator = torch.Generator(device="cpu").manual_seed(0)
    torch.set_default_device("meta")
    try:
        batch = PaletteFills(16).sample(4, generator)
    finally:
        torch.set_default_device("cpu")
    assert all(t.device.type == "cpu" for t in vars(batch).values() if torch.is_tensor(t))


# ---------------------------------------------------------------- metrics


def test_modes_are_read_back_from_the_fill_and_counted():
    task = PaletteFills(32)
    batch = task.sample(16, torch.Generator().manual_seed(3))
    targets = task.every_target(batch)
    modes = l05_diversity.read_modes(targets, batch, task)
    assert torch.equal(modes, torch.arange(4).expand(16, -1))
    assert diversity.modes_covered(modes).tolist() == [4] * 16
    off = targets + 0.4 * torch.tensor([1.0, -1.0, 0.0]).view(1, 1, 3, 1, 1)  # 0.57 away: no palette colour
    assert (l05_diversity.read_modes(off, batch, task) == diversity.INVALID).all()
    assert diversity.modes_covered(torch.tensor([[0, 0, 1, -1], [-1, -1, -1, -1], [3, 2, 1, 0]])).tolist() == [2, 0, 4]
    assert diversity.valid_rate(torch.tensor([[0, -1], [-1, -1]])) == 0.25
    assert diversity.encode_accuracy(torch.tensor([1, 2, 3, -1]), torch.tensor([1, 2, 0, 3])) == 0.5


def test_pairwise_and_best_mode_l1_known_values():
    samples = torch.stack([torch.zeros(3, 2, 2), torch.full((3, 2, 2), 0.5), torch.ones(3, 2, 2)])[None]
    assert diversity.pairwise_l1(samples).item() == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert diversity.pairwise_l1(samples.expand(2, -1, -1, -1, -1)).tolist() == pytest.approx([2 / 3] * 2)
    targets = torch.stack([torch.zeros(3, 2, 2), torch.ones(3, 2, 2)])[None]
    assert diversity.best_mode_l1(samples, targets).tolist() == [[0.0, 0.5, 0.0]]


def test_the_exact_expectations():
    assert diversity.modes_ceiling(4, 8) == pytest.approx(3.5995, abs=1e-4)
    assert diversity.modes_ceiling(4, 1) == pytest.approx(1.0) and diversity.modes_ceiling(1, 9) == pytest.approx(1.0)
    assert diversity.mean_latent_distance() == pytest.approx(1.1284, abs=1e-4)
    draws = torch.randint(0, 4, (50_000, 8), generator=torch.Generator().manual_seed(4))
    assert diversity.modes_covered(draws).float().mean().item() == pytest.approx(3.5995, abs=0.02)


def test_lpips_is_used_only_where_it_needs_no_download(monkeypatch):
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url",
                        lambda *args, **kwargs: pytest.fail("LPIPS tried to download its backbone"))
    if not diversity.lpips_available():
        assert diversity.lpips_pairwise(torch.zeros(2, 3, 3, 32, 32)) is None


# ---------------------------------------------------------------- losses and objectives


def test_diversity_losses_in_the_papers_form():
    fake_1 = torch.zeros(2, 3, 4, 4)
    fake_2 = torch.stack([torch.full((3, 4, 4), 0.5), torch.full((3, 4, 4), 0.1)])
    z_1, z_2 = torch.zeros(2, 8), torch.ones(2, 8)
    assert latent_ratio(fake_1, fake_2, z_1, z_2).tolist() == pytest.approx([0.5, 0.1])
    assert ds_loss(fake_1, fake_2, z_1, z_2, tau=10.0).item() == pytest.approx(-0.3)
    assert ds_loss(fake_1, fake_2, z_1, z_2, tau=0.2).item() == pytest.approx(-0.15)  # clamped, then negated
    assert ds_loss(fake_1, fake_2, z_1, z_2, tau=0.01).item() == pytest.approx(-0.01)  # a no-op clamp gives -0.3
    assert ms_loss(fake_1, fake_2, z_1, z_2).item() == pytest.approx((1 / (0.5 + 1e-5) + 1 / (0.1 + 1e-5)) / 2)
    moving = fake_2.clone().requires_grad_(True)
    ds_loss(fake_1, moving, z_1, z_2, tau=0.01).backward()
    assert torch.count_nonzero(moving.grad) == 0  # past tau: nothing more to gain


def test_kl_and_reparameterisation_exact_values():
    assert kl_divergence(torch.zeros(4, 8), torch.zeros(4, 8)).item() == 0.0
    assert kl_divergence(torch.ones(4, 8), torch.zeros(4, 8)).item() == pytest.approx(4.0)  # summed over the code
    mu, logvar = torch.randn(2, 6, 8, generator=torch.Generator().manual_seed(5))
    assert kl_divergence(mu.repeat(3, 1), logvar.repeat(3, 1)).item() == pytest.approx(kl_divergence(mu, logvar).item())
    z = reparameterize(torch.tensor([[1.0]]), torch.tensor([[math.log(4.0)]]), torch.tensor([[0.5]]))
    assert z.item() == pytest.approx(2.0)


def small_bicyclegan(lambda_z=0.5):
    torch.manual_seed(0)
    return BicycleGAN(UNet(3, 3, 4, ngf=8, nz=8, inject="all"), Encoder(3, 8, nef=8, image_size=16),
                      PatchDiscriminator(6, ndf=8, n_layers=1), PatchDiscriminator(6, ndf=8, n_layers=1),
                      lambda_z=lambda_z, device="cpu")


def test_latent_regression_trains_g_alone():
    """The same step with lambda_z 0.5 and 0: E's gradients are the same (the term does not reach E's weights),
    G's differ (it does reach G)."""
    x, y = torch.rand(2, 4, 3, 16, 16, generator=torch.Generator().manual_seed(6)) * 2 - 1
    grads = {}
    for lambda_z in (0.5, 0.0):
        objective = small_bicyclegan(lambda_z)
        seen = {}
        real_update = objective.update

        def update(loss, optimizer, objective=objective, seen=seen, real_update=real_update):
            real_update(loss, optimizer)
            if optimizer is objective.opt_ge:
                seen["E"] = [p.grad.clone() for p in objective.encoder.parameters()]
                seen["G"] = [p.grad.clone() for p in objective.generator.parameters()]

        objective.update = update
        torch.manual_seed(1)
        losses = objective.step(x, y)
        grads[lambda_z] = seen
    assert set(losses) == {"loss", "d", "d2", "g_gan", "g_gan2", "g_l1", "kl", "z_l1"}
    assert all(torch.allclose(a, b) for a, b in zip(grads[0.5]["E"], grads[0.0]["E"]))
    assert not all(torch.allclose(a, b) for a, b in zip(grads[0.5]["G"], grads[0.0]["G"]))


def test_translate_draws_k_samples_per_input():
    torch.manual_seed(0)
    objective = Pix2PixZ(UNet(3, 3, 4, ngf=8, nz=8), PatchDiscriminator(6, ndf=8, n_layers=1), diversity="ds",
                         diversity_weight=8.0, tau=0.15, device="cpu")
    x = torch.rand(5, 3, 16, 16) * 2 - 1
    codes = draw_codes(5, 3, 8, torch.Generator().manual_seed(0))
    samples = objective.translate(x, z=codes, batch_size=2)
    assert samples.shape == (5, 3, 3, 16, 16)
    assert torch.allclose(samples[:, 1], objective.translate(x, z=codes[:, 1]), atol=1e-6)
    with pytest.raises(CourseError, match="needs codes"):
        objective.translate(x)
    with pytest.raises(CourseError, match="unknown diversity term 'lpips'"):
        Pix2PixZ(UNet(3, 3, 4, ngf=8, nz=8), PatchDiscriminator(6, ndf=8, n_layers=1), diversity="lpips")
    losses = objective.step(x[:4], x[:4])
    assert set(losses) == {"loss", "d", "g_gan", "g_l1", "g_div", "ratio"} and losses["g_div"] <= 0


# ---------------------------------------------------------------- the lesson's claims on ci, three seeds


def test_tau_is_the_real_pairwise_l1_over_the_latent_distance():
    task = PaletteFills(32)
    targets = task.every_target(task.sample(512, torch.Generator().manual_seed(7)))
    # two real targets of one outline differ only where their fills differ: 3 of every 4 pairs, by the palette's
    # mean per-channel gap inside the shape
    real_pairwise = diversity.pairwise_l1(targets).mean().item() * 3 / 4
    assert l05_diversity.tau_from_data(task) == pytest.approx(real_pairwise / (2 / math.sqrt(math.pi)), rel=0.05)
    assert 0.13 < l05_diversity.tau_from_data(task) < 0.17  # 0.153 at 32 px (0.151 in the design prototype)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_claims_hold(seed):
    """Measured at ci on seeds 0-4: pix2pix + z's pairwise L1 0.0073-0.0157 (real 0.166-0.173), 0 modes per
    input; DSGAN 0.194-0.267 and BicycleGAN 0.193-0.302; MSGAN 0.30-0.40 with a valid rate of 0.23-0.33."""
    result = l05_diversity.run("ci", seed=seed, progress=False)
    claims = {claim.id: claim for claim in result.claims}
    assert list(claims) == ["modes-ceiling", "latent-distance", "median-is-no-mode", "pix2pix-ignores-z",
                            "diversity-comes-back"]
    assert all(c.holds for c in claims.values()), [c for c in claims.values() if not c.holds]
    assert list(result.variants) == ["pix2pix-z", "pix2pix-z-l1-10", "dsgan", "msgan", "bicyclegan", "real", "median"]
    real, median = result.variants["real"].metrics, result.variants["median"].metrics
    assert real["valid_rate"] == 1.0 and real["best_mode_l1"] == 0.0 and 3.3 < real["modes_per_input"] <= 4
    assert median["valid_rate"] == 0.0 and median["pairwise_l1"] == 0.0
    for key in ("pix2pix-z", "pix2pix-z-l1-10", "dsgan", "msgan", "bicyclegan"):
        variant = result.variants[key]
        assert variant.history.steps_done == 300 and not variant.history.interrupted, key
        assert variant.visuals["samples"].shape == (64, l05_diversity.SAMPLES, 3, 32, 32), key
    assert 0.0 <= result.variants["bicyclegan"].metrics["encode_accuracy"] <= 1.0  # shown, not claimed
    assert set(result.figures) == {"samples", "table", "diversity_validity"}
    for figure in result.figures.values():
        plt.close(figure)

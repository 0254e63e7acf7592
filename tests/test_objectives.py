"""The objectives: Pix2Pix's D-then-G step against the reference, Regression, and the shared base (frozen,
update, train, translate)."""

import copy
import math

import pytest
import torch
from torch import nn

from i2i_course import CourseError
from i2i_course.adversarial import discriminator_loss, generator_loss
from i2i_course.nets import UNet
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.losses import l1_loss
from i2i_course.objectives import Pix2Pix, Regression
from i2i_course.runtime import seed_everything


def tiny(seed=0, **options):
    """A U-Net for 8x8 images and a 16x16-patch conditional D (a 2x2 map at 8x8), on the CPU."""
    seed_everything(seed)
    return Pix2Pix(UNet(3, 3, 3, ngf=4), PatchDiscriminator(6, ndf=4, n_layers=1), device="cpu", **options)


def floats(losses):
    """A step's losses (0-dim tensors) as floats."""
    return {name: value.item() for name, value in losses.items()}


def batch(seed=1, n=2):
    x, y = torch.rand(2, n, 3, 8, 8, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return x, y


def batches(seed=1):
    generator = torch.Generator().manual_seed(seed)
    while True:
        yield tuple(torch.rand(2, 2, 3, 8, 8, generator=generator) * 2 - 1)


class ConstantJudge(nn.Module):
    """A discriminator that says 0 (probability 1/2) to everything; its one parameter never gets a gradient."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, pair):
        return torch.zeros_like(pair[:, :1]) + 0 * self.unused


def spy_on(optimizer, name, calls, grads=None):
    """Record each optimizer.step call in `calls` (and a copy of its parameters' gradients in `grads`)."""
    real_step = optimizer.step

    def step(*args, **kwargs):
        calls.append(name)
        if grads is not None:
            grads[:] = [p.grad.clone() for group in optimizer.param_groups for p in group["params"]]
        return real_step(*args, **kwargs)

    optimizer.step = step


def test_d_steps_before_g_and_g_is_judged_by_the_updated_d():
    model = tiny()
    g_before, d_before = copy.deepcopy(model.generator), copy.deepcopy(model.discriminator)
    calls = []
    spy_on(model.opt_d, "D", calls)
    spy_on(model.opt_g, "G", calls)
    x, y = batch()
    losses = floats(model.step(x, y))
    assert calls == ["D", "G"]
    # both nets in train mode, as in step: BatchNorm uses the batch's statistics, so this recomputes
    # the fakes G made and the logits D gave them in G's step
    fake = g_before(x)
    with torch.no_grad():
        judged_after = generator_loss(model.discriminator(torch.cat([x, fake], 1))).item()
        judged_before = generator_loss(d_before(torch.cat([x, fake], 1))).item()
    assert losses["g_gan"] == pytest.approx(judged_after, rel=1e-5)
    assert abs(judged_after - judged_before) > 1e-4  # the D step changed the verdict


def test_d_loss_is_half_the_sum_of_its_two_terms():
    model = tiny()
    g_before, d_before = copy.deepcopy(model.generator), copy.deepcopy(model.discriminator)
    x, y = batch()
    losses = floats(model.step(x, y))
    with torch.no_grad():
        real = d_before(torch.cat([x, y], 1))
        fake = d_before(torch.cat([x, g_before(x)], 1))
    assert losses["d"] == pytest.approx(0.5 * discriminator_loss(real, fake).item(), rel=1e-5)


@pytest.mark.parametrize("lambda_l1", [0.0, 7.0])
def test_g_loss_is_gan_plus_lambda_l1(lambda_l1):
    seed_everything(0)
    model = Pix2Pix(UNet(3, 3, 3, ngf=4), ConstantJudge(), lambda_l1=lambda_l1, device="cpu")
    g_before = copy.deepcopy(model.generator)
    x, y = batch()
    losses = floats(model.step(x, y))
    l1 = (g_before(x) - y).abs().mean().item()
    assert losses["g_gan"] == pytest.approx(math.log(2))  # BCE(0, 1): D says 1/2
    assert losses["d"] == pytest.approx(0.5 * 2 * math.log(2))
    assert losses["g_l1"] == pytest.approx(l1, rel=1e-5)
    assert losses["loss"] == pytest.approx(math.log(2) + lambda_l1 * l1, rel=1e-5)


def test_lsgan_mode_reaches_both_losses():
    seed_everything(0)
    model = Pix2Pix(UNet(3, 3, 3, ngf=4), ConstantJudge(), gan_mode="lsgan", lambda_l1=0.0, device="cpu")
    losses = floats(model.step(*batch()))
    assert losses["g_gan"] == pytest.approx(1.0) and losses["d"] == pytest.approx(0.5 * (1.0 + 0.0))


def test_d_gets_no_gradient_from_g_step():
    model = tiny()
    calls, d_grads = [], []
    spy_on(model.opt_d, "D", calls, d_grads)
    model.step(*batch())
    after = [p.grad for p in model.discriminator.parameters()]
    assert len(d_grads) == len(after) > 0
    for at_d_step, now in zip(d_grads, after):
        assert torch.equal(at_d_step, now)  # G's backward added nothing to D's gradients
    assert all(p.requires_grad for p in model.discriminator.parameters())  # D is trainable again


def test_d_sees_the_fake_pair_first_as_the_reference():
    """The reference's backward_D judges fake_AB, then real_AB (only BatchNorm's running statistics can tell)."""
    model = tiny()
    seen = []
    model.discriminator.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0][:, 3:].clone()))
    x, y = batch()
    model.step(x, y)
    assert len(seen) == 3  # D step: fake, real; G step: fake
    assert torch.equal(seen[1], y) and not torch.equal(seen[0], y) and torch.equal(seen[0], seen[2])


def test_regression_trains_g_alone_on_its_loss():
    seed_everything(0)
    model = Regression(UNet(3, 3, 3, ngf=4), l1_loss, device="cpu")
    g_before = copy.deepcopy(model.generator)
    x, y = batch()
    losses = floats(model.step(x, y))
    assert set(losses) == {"loss"} and set(model.nets()) == {"generator"}
    assert losses["loss"] == pytest.approx((g_before(x) - y).abs().mean().item(), rel=1e-5)
    assert any(not torch.equal(a, b) for a, b in zip(g_before.parameters(), model.generator.parameters()))


def test_frozen_restores_each_parameters_own_setting():
    model = tiny()
    first = next(model.discriminator.parameters())
    first.requires_grad_(False)  # a student froze one layer by hand: frozen() must give it back frozen
    with model.frozen(model.discriminator):
        assert not any(p.requires_grad for p in model.discriminator.parameters())
    assert not first.requires_grad
    assert all(p.requires_grad for p in list(model.discriminator.parameters())[1:])


def test_translate_runs_in_eval_mode_in_chunks_and_returns_cpu_floats():
    model = tiny()
    x = torch.rand(10, 3, 8, 8, generator=torch.Generator().manual_seed(5)) * 2 - 1
    model.generator.train()
    whole, chunked = model.translate(x, batch_size=10), model.translate(x, batch_size=3)
    assert not model.generator.training and whole.device.type == "cpu" and whole.dtype == torch.float32
    assert torch.allclose(whole, chunked, atol=1e-6)
    with torch.no_grad():
        assert torch.allclose(whole, model.generator(x), atol=1e-6)


def test_unknown_gan_mode_refused_at_once():
    with pytest.raises(CourseError, match="'vanilla', 'lsgan', 'hinge'"):
        tiny(gan_mode="wgan")


def test_same_seed_same_losses():
    runs = [tiny(seed=3).train(batches(), steps=3, progress=False).parts for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) == 3


def test_train_keeps_every_term_and_leaves_the_nets_in_eval_mode():
    model = tiny()
    history = model.train(batches(), steps=4, progress=False)
    assert history.steps_done == 4 and not history.interrupted
    assert [set(part) for part in history.parts] == [{"loss", "g_l1", "g_gan", "d"}] * 4
    assert history.losses == [part["loss"] for part in history.parts]
    assert not model.generator.training and not model.discriminator.training


def test_ctrl_c_keeps_the_partial_history():
    model = tiny()
    seen = []

    def stop_at_step_20(step, loss):  # the callback comes at every read-back: steps 20, 40, ...
        seen.append((step, loss))
        if step == 20:
            raise KeyboardInterrupt

    history = model.train(batches(), steps=50, progress=False, callback=stop_at_step_20)
    assert history.interrupted and history.steps_done == 20 and len(history.parts) == 20
    assert seen == [(20, history.losses[-1])]
    assert not model.generator.training and not model.discriminator.training

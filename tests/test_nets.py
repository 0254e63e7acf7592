import pytest
import torch
from torch import nn

from i2i_course import CourseError
from i2i_course.nets import UNet, count_parameters


@pytest.fixture(scope="module")
def unet_256():
    return UNet(3, 3, num_downs=8)


def test_unet_256_matches_the_reference_parameter_count(unet_256):
    assert count_parameters(unet_256) == 54_413_955


def test_unet_256_layers_match_the_reference(unet_256):
    convs = [m for m in unet_256.modules() if isinstance(m, nn.Conv2d)]
    ups = [m for m in unet_256.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 512, 512, 512, 512, 512]
    # modules() walks down the U first, then meets the up-convs from the innermost level outwards;
    # each up-conv above the innermost takes 2 * inner channels: its level's output plus the skip
    assert [u.in_channels for u in ups] == [512, 1024, 1024, 1024, 1024, 512, 256, 128]
    for conv in convs + ups:
        assert conv.kernel_size == (4, 4) and conv.stride == (2, 2) and conv.padding == (1, 1)
    # BatchNorm carries the shift, so only the outermost up-conv keeps a bias
    assert [u.bias is not None for u in ups] == [False] * 7 + [True]
    assert [c.bias is not None for c in convs] == [False] * 8
    norms = [m for m in unet_256.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(norms) == 6 + 7  # no norm on the outermost down conv nor the innermost down path
    dropouts = [m for m in unet_256.modules() if isinstance(m, nn.Dropout)]
    assert len(dropouts) == 3 and all(d.p == 0.5 for d in dropouts)
    assert isinstance(list(unet_256.modules())[-1], nn.Tanh)


def test_unet_256_runs_at_256(unet_256):
    with torch.no_grad():
        y = unet_256.eval()(torch.randn(1, 3, 256, 256))
    assert y.shape == (1, 3, 256, 256) and y.abs().max() <= 1


@pytest.mark.parametrize("num_downs, size", [(1, 8), (3, 16), (5, 32), (6, 64)])
def test_depths_and_channels(num_downs, size):
    net = UNet(1, 2, num_downs=num_downs, ngf=8)
    y = net(torch.randn(2, 1, size, size))
    assert y.shape == (2, 2, size, size)


def test_non_square_images_work():
    assert UNet(3, 3, num_downs=4, ngf=8)(torch.randn(1, 3, 32, 48)).shape == (1, 3, 32, 48)


def test_instance_norm_variant_has_biases_and_no_batchnorm():
    net = UNet(3, 3, num_downs=5, ngf=8, norm="instance")
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())
    assert all(m.bias is not None for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)))


def test_size_it_cannot_halve_names_the_nearest_sizes():
    net = UNet(3, 3, num_downs=8, ngf=4)
    with pytest.raises(CourseError) as error:
        net(torch.randn(1, 3, 250, 300))
    message = str(error.value)
    assert "\n" not in message and "multiples of 256" in message and "250x300" in message
    assert "256" in message and "512" in message


def test_wrong_channel_count_says_what_to_do():
    net = UNet(3, 3, num_downs=5, ngf=8)
    with pytest.raises(CourseError, match=r"3 input channels, got 1 .*in_channels=1"):
        net(torch.randn(1, 1, 32, 32))
    with pytest.raises(CourseError, match="unsqueeze"):
        net(torch.randn(3, 32, 32))


def test_bad_settings():
    with pytest.raises(CourseError, match="norm"):
        UNet(3, 3, num_downs=5, norm="layer")
    with pytest.raises(CourseError, match="num_downs"):
        UNet(3, 3, num_downs=0)


# ------------------------------------------------------------------ the skip ablation (lesson 02)


def up_conv_inputs(net):
    """The up-convs' input channels, outermost level first."""
    return [u.in_channels for u in net.modules() if isinstance(u, nn.ConvTranspose2d)][::-1]


def test_severed_skips_halve_the_up_conv_inputs():
    unet = UNet(3, 3, num_downs=5, ngf=8)
    ed = UNet(3, 3, num_downs=5, ngf=8, skips=False)
    assert up_conv_inputs(unet) == [16, 32, 64, 128, 64]  # 2 * inner at levels 1-4, inner at 5
    assert up_conv_inputs(ed) == [8, 16, 32, 64, 64]
    some = UNet(3, 3, num_downs=5, ngf=8, skips=[1, 3])
    assert up_conv_inputs(some) == [16, 16, 64, 64, 64]
    assert some.skips == {1, 3} and unet.skips == {1, 2, 3, 4} and ed.skips == set()


def test_encoder_decoder_256_parameter_count():
    # unet_256 minus the skip halves of the up-convs' weights at levels 1-7 (in 2*inner -> inner)
    saved = sum(4 * 4 * inner * outer for inner, outer in
                [(64, 3), (128, 64), (256, 128), (512, 256), (512, 512), (512, 512), (512, 512)])
    assert count_parameters(UNet(3, 3, num_downs=8, skips=False)) == 54_413_955 - saved == 39_075_459


def test_gradient_reaches_the_input_through_the_outermost_skip_alone():
    """With only the outermost skip, the input's gradient must flow even when the bottleneck is cut."""
    net = UNet(3, 3, num_downs=4, ngf=8, norm="none", dropout=False, skips=[1])
    x = torch.randn(1, 3, 16, 16, requires_grad=True)
    inner = net.model.inner  # level 2 and deeper
    for p in inner.parameters():
        p.data.zero_()  # the deeper levels now output zeros whatever their input
    net(x).sum().backward()
    assert x.grad.abs().sum() > 0
    ed = UNet(3, 3, num_downs=4, ngf=8, norm="none", dropout=False, skips=False)
    for p in ed.model.inner.parameters():
        p.data.zero_()
    x.grad = None
    ed(x).sum().backward()
    assert x.grad.abs().sum() == 0  # without the skip, nothing gets past the cut


def test_unknown_skip_levels_are_refused():
    with pytest.raises(CourseError, match=r"skips \[5\] do not exist.*levels 1 \(outermost\) to 4"):
        UNet(3, 3, num_downs=5, skips=[1, 5])


# --- the reference's initialisation (nets/layers.py), for every net the course builds


def every_net():
    """A fresh net of each kind the course builds, at sizes big enough for the statistics below."""
    from i2i_course.nets import PatchDiscriminator, PixelDiscriminator

    return {"unet": UNet(3, 3, num_downs=5, ngf=32), "unet-instance": UNet(3, 3, 5, ngf=32, norm="instance"),
            "patchgan": PatchDiscriminator(6, ndf=32, n_layers=3), "pixelgan": PixelDiscriminator(6, ndf=128)}


@pytest.mark.parametrize("name", ["unet", "unet-instance", "patchgan", "pixelgan"])
def test_fresh_nets_are_initialised_as_the_reference(name):
    """conv weights ~ N(0, 0.02), BatchNorm weights ~ N(1, 0.02), biases 0 (the reference's init "normal")."""
    net = every_net()[name]
    convs = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    weights = torch.cat([m.weight.detach().flatten() for m in convs])
    # tens of thousands of draws: the sample std is within 3 % of 0.02, the mean within 0.001 of 0
    # (PyTorch's default init, kaiming-uniform with a = sqrt(5), gives a std of 1/sqrt(3 fan_in): 0.02 to 0.14 here)
    assert weights.numel() > 20_000
    assert weights.std().item() == pytest.approx(0.02, rel=0.03) and abs(weights.mean().item()) < 1e-3
    assert all(torch.all(m.bias == 0) for m in convs if m.bias is not None)
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    if norms:
        scales = torch.cat([m.weight.detach() for m in norms])
        assert scales.mean().item() == pytest.approx(1.0, abs=0.005) and scales.std().item() == pytest.approx(0.02, rel=0.2)
        assert all(torch.all(m.bias == 0) for m in norms)


def test_init_draws_from_the_seed():
    from i2i_course.runtime import seed_everything

    seed_everything(1)
    a = UNet(3, 3, 3, ngf=4)
    seed_everything(1)
    b = UNet(3, 3, 3, ngf=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_init_keeps_the_reference_parameter_counts():
    from i2i_course.nets import PatchDiscriminator

    assert count_parameters(PatchDiscriminator(3)) == 2_765_633  # the reference "basic" D, BatchNorm

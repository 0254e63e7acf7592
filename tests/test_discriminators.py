import pytest
import torch
from torch import nn

from i2i_course import CourseError
from i2i_course.nets.discriminators import (PatchDiscriminator, PixelDiscriminator, measured_receptive_field,
                                            receptive_field)
from i2i_course.nets.unet import count_parameters


def convs(net):
    return [m for m in net.modules() if isinstance(m, nn.Conv2d)]


def test_basic_patchgan_matches_the_reference_parameter_count_and_output():
    net = PatchDiscriminator(3)
    assert count_parameters(net) == 2_765_633
    with torch.no_grad():
        assert net.eval()(torch.randn(2, 3, 256, 256)).shape == (2, 1, 30, 30)


def test_conditional_patchgan_sees_input_and_output_stacked():
    assert count_parameters(PatchDiscriminator(6)) == 2_768_705  # 3 more input channels: 3 * 64 * 4 * 4 more
    with torch.no_grad():
        assert PatchDiscriminator(6).eval()(torch.randn(1, 6, 256, 256)).shape == (1, 1, 30, 30)


@pytest.mark.parametrize("n_layers, widths, strides", [
    (1, [8, 16, 1], [2, 1, 1]),
    (3, [8, 16, 32, 64, 1], [2, 2, 2, 1, 1]),
    (5, [8, 16, 32, 64, 64, 64, 1], [2, 2, 2, 2, 2, 1, 1]),  # widths capped at 8 ndf
])
def test_layer_layout_matches_the_reference(n_layers, widths, strides):
    net = PatchDiscriminator(3, ndf=8, n_layers=n_layers)
    layers = convs(net)
    assert [c.out_channels for c in layers] == widths
    assert [c.stride for c in layers] == [(s, s) for s in strides]
    assert all(c.kernel_size == (4, 4) and c.padding == (1, 1) for c in layers)
    # no bias before BatchNorm: only the first conv (no norm) and the last (the logits) keep one
    assert [c.bias is not None for c in layers] == [True] + [False] * n_layers + [True]
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert [n.num_features for n in norms] == widths[1:-1]
    relus = [m for m in net.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == n_layers + 1 and all(r.negative_slope == 0.2 for r in relus)
    assert isinstance(list(net.children())[-1], nn.Conv2d)  # logits: no sigmoid


def test_instance_norm_keeps_the_biases():
    net = PatchDiscriminator(3, ndf=8, norm="instance")
    assert all(c.bias is not None for c in convs(net))
    assert not any(isinstance(m, nn.BatchNorm2d) for m in net.modules())


def test_pixelgan_matches_the_reference():
    net = PixelDiscriminator(6)
    # 1x1 convs: 6*64 + 64 bias, 64*128 (no bias: BatchNorm), BatchNorm 2*128, 128*1 (no bias, as the reference)
    assert count_parameters(net) == 448 + 8192 + 256 + 128 == 9_024
    assert all(c.kernel_size == (1, 1) and c.stride == (1, 1) for c in convs(net))
    with torch.no_grad():
        assert net.eval()(torch.randn(2, 6, 37, 21)).shape == (2, 1, 37, 21)  # one logit per pixel


REFERENCE_FIELDS = {1: 16, 2: 34, 3: 70, 4: 142, 5: 286, 6: 574}


@pytest.mark.parametrize("n_layers", sorted(REFERENCE_FIELDS))
def test_receptive_field_exact_and_measured(n_layers):
    net = PatchDiscriminator(3, ndf=4, n_layers=n_layers)
    assert receptive_field(net) == REFERENCE_FIELDS[n_layers] == 9 * 2 ** n_layers - 2
    assert measured_receptive_field(net, 3) == (REFERENCE_FIELDS[n_layers],) * 2


def test_pixelgan_receptive_field_is_one_pixel():
    net = PixelDiscriminator(3, ndf=4)
    assert receptive_field(net) == 1
    assert measured_receptive_field(net, 3) == (1, 1)


def test_measured_receptive_field_measures_and_leaves_the_mode_alone():
    torch.manual_seed(0)
    fields = []
    for first in (1, 3):
        net = nn.Sequential(nn.Conv2d(2, 4, first), nn.LeakyReLU(0.2), nn.Conv2d(4, 1, 3),
                            nn.BatchNorm2d(1)).train()
        fields.append(measured_receptive_field(net, 2, size=20))
        assert net.training  # put back in train mode after measuring in eval mode
    assert fields == [(3, 3), (5, 5)]
    wide = nn.Conv2d(1, 1, (3, 7))  # a non-square kernel: the measurement sees both sides
    assert measured_receptive_field(wide, 1, size=20) == (3, 7)


def test_receptive_field_of_textbook_nets():
    # conv 3, conv 3, pool 2, conv 3, conv 3, pool 2 (VGG's first blocks): 3, 5, 6, 10, 14, 16
    vgg = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.MaxPool2d(2),
                        nn.Conv2d(4, 4, 3, padding=1), nn.Conv2d(4, 4, 3, padding=1), nn.AvgPool2d(2))
    assert receptive_field(vgg) == 16
    # dilations 1, 2, 4 (Yu and Koltun's context module): 3, 7, 15
    dilated = nn.Sequential(*[nn.Conv2d(1, 1, 3, dilation=d, padding=d) for d in (1, 2, 4)])
    assert receptive_field(dilated) == 15
    assert measured_receptive_field(dilated, 1, size=40) == (15, 15)
    # a stride multiplies what every later layer adds: 7/2 then 3/1 -> 7 + 2 * 2 = 11
    assert receptive_field(nn.Sequential(nn.Conv2d(1, 1, 7, stride=2), nn.Conv2d(1, 1, 3))) == 11


def test_receptive_field_refuses_nets_it_cannot_describe():
    with pytest.raises(CourseError, match="ConvTranspose2d"):
        receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.ConvTranspose2d(1, 1, 4, stride=2)))
    with pytest.raises(CourseError, match="square"):
        receptive_field(nn.Conv2d(1, 1, (3, 5)))


def test_zero_layers_points_to_the_pixelgan():
    with pytest.raises(CourseError, match="PixelDiscriminator") as error:
        PatchDiscriminator(3, n_layers=0)
    assert "\n" not in str(error.value)

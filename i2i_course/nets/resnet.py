"""CycleGAN's ResNet generator, laid out as the reference's `ResnetGenerator` (Johnson et al.'s style net).

    x ─ pad 3 ─ conv 7x7 ─ norm ─ relu                                   ngf channels, full size
      ─ [conv 3x3/2 ─ norm ─ relu] x 2                                   2ngf, then 4ngf channels: 1/4 size
      ─ [residual block] x n_blocks                                      4ngf channels
      ─ [conv-transpose 3x3/2 ─ norm ─ relu] x 2                         2ngf, then ngf: full size again
      ─ pad 3 ─ conv 7x7 ─ tanh ──> y

    residual block:  x + [pad 1 ─ conv 3x3 ─ norm ─ relu ─ (dropout) ─ pad 1 ─ conv 3x3 ─ norm](x)

Padding is by reflection (the reference's default): the border of an image is continued by its mirror image,
not by zeros, so the 7x7 and 3x3 convolutions see no dark frame to reproduce. The normalisation is
InstanceNorm without parameters (each image's channels normalised on their own), so the convolutions keep
their bias. `ResnetGenerator(3, 3)` (9 blocks, ngf 64) has 11,378,179 parameters, the reference's
`resnet_9blocks`; 6 blocks (`resnet_6blocks`) 7,837,699. The net is fully convolutional: H and W must be
multiples of 4 (two halvings and two doublings).

Images are (N, C, H, W) with values in [-1, 1].
"""

from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.layers import conv_bias, init_weights, norm_layer

PADDINGS = {"reflect": nn.ReflectionPad2d, "replicate": nn.ReplicationPad2d, "zero": None}


def padded_conv(kind, channels_in, channels_out, kernel_size, bias):
    """A same-size conv with `kind` padding: an explicit pad layer, then the conv with none (as the reference);
    "zero" pads inside the conv."""
    if kind not in PADDINGS:
        raise CourseError(f"unknown padding {kind!r}: choose {', '.join(map(repr, PADDINGS))}")
    pad = kernel_size // 2
    if PADDINGS[kind] is None:
        return [nn.Conv2d(channels_in, channels_out, kernel_size, padding=pad, bias=bias)]
    return [PADDINGS[kind](pad), nn.Conv2d(channels_in, channels_out, kernel_size, padding=0, bias=bias)]


class ResnetBlock(nn.Module):
    """x + two 3x3 convs (pad, conv, norm, relu, [dropout], pad, conv, norm): (N, dim, H, W) -> the same."""

    def __init__(self, dim, norm="instance", padding="reflect", dropout=False):
        super().__init__()
        bias = conv_bias(norm)
        self.block = nn.Sequential(
            *padded_conv(padding, dim, dim, 3, bias), norm_layer(norm, dim), nn.ReLU(True),
            *([nn.Dropout(0.5)] if dropout else []),
            *padded_conv(padding, dim, dim, 3, bias), norm_layer(norm, dim))

    def forward(self, x):
        return x + self.block(x)  # the residual: the block learns a change to x, and x passes unchanged


class ResnetGenerator(nn.Sequential):
    """(N, in_channels, H, W) -> (N, out_channels, H, W) in [-1, 1]; see the module's docstring."""

    def __init__(self, in_channels=3, out_channels=3, ngf=64, n_blocks=9, norm="instance", padding="reflect",
                 dropout=False):
        if n_blocks < 0:
            raise CourseError(f"n_blocks must be 0 or more, got {n_blocks}")
        bias = conv_bias(norm)
        layers = [*padded_conv(padding, in_channels, ngf, 7, bias), norm_layer(norm, ngf), nn.ReLU(True)]
        for i in range(2):  # down: ngf -> 2ngf -> 4ngf, halving the size each time
            width = ngf * 2 ** i
            layers += [nn.Conv2d(width, 2 * width, kernel_size=3, stride=2, padding=1, bias=bias),
                       norm_layer(norm, 2 * width), nn.ReLU(True)]
        layers += [ResnetBlock(4 * ngf, norm, padding, dropout) for _ in range(n_blocks)]
        for i in range(2):  # up: 4ngf -> 2ngf -> ngf, doubling the size each time
            width = ngf * 2 ** (2 - i)
            layers += [nn.ConvTranspose2d(width, width // 2, kernel_size=3, stride=2, padding=1, output_padding=1,
                                          bias=bias),
                       norm_layer(norm, width // 2), nn.ReLU(True)]
        layers += [*padded_conv(padding, ngf, out_channels, 7, True), nn.Tanh()]
        super().__init__(*layers)
        self.n_blocks = n_blocks
        init_weights(self)

    def forward(self, x):
        if x.shape[-1] % 4 or x.shape[-2] % 4:
            raise CourseError(f"the ResNet generator halves and doubles the image twice: H and W must be "
                              f"multiples of 4, got {tuple(x.shape[-2:])}")
        return super().forward(x)

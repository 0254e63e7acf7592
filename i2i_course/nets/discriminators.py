"""The pix2pix discriminators: the PatchGAN and the 1x1 PixelGAN, laid out as in the reference networks.py.

A PatchGAN does not say "real or fake" once per image: it slides over the image and says it once per
patch, so its output is a map of logits, one per patch. How big a patch each logit sees (its receptive
field) is set by the number of layers:

    in ─ conv 4x4/2 ─ lrelu ─ [conv 4x4/2 ─ norm ─ lrelu] x (n_layers - 1) ─ conv 4x4/1 ─ norm ─ lrelu ─ conv 4x4/1 ─> logits
    widths: ndf, 2ndf, 4ndf, 8ndf, then 8ndf                                                           1 channel

    n_layers    1    2    3    4    5    6          (PixelGAN: 1, every pixel on its own)
    receptive  16   34   70  142  286  574 px

`PatchDiscriminator(3, n_layers=3)` is the reference's "basic" D: 2,765,633 parameters and a 30x30 map for
a 256x256 image, each logit seeing a 70x70 patch. pix2pix's D is conditional: it sees the input x and
the output y stacked on the channels, so its in_channels is 3 + 3.

Images are (N, C, H, W) with values in [-1, 1]; the output is (N, 1, H', W') of logits (no sigmoid).
"""

import torch
from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.layers import conv_bias, init_weights, norm_layer


class PatchDiscriminator(nn.Sequential):
    """The PatchGAN: (N, in_channels, H, W) -> (N, 1, H', W') logits, one per receptive-field patch."""

    def __init__(self, in_channels, ndf=64, n_layers=3, norm="batch"):
        if n_layers < 1:
            raise CourseError(f"n_layers must be at least 1, got {n_layers} (for a 1x1 patch use "
                              "PixelDiscriminator)")
        use_bias = conv_bias(norm)
        layers = [nn.Conv2d(in_channels, ndf, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        width = ndf
        for n in range(1, n_layers + 1):
            stride = 2 if n < n_layers else 1  # the last of these keeps the size
            wider = ndf * min(2 ** n, 8)
            layers += [nn.Conv2d(width, wider, kernel_size=4, stride=stride, padding=1, bias=use_bias),
                       norm_layer(norm, wider), nn.LeakyReLU(0.2, True)]
            width = wider
        layers.append(nn.Conv2d(width, 1, kernel_size=4, stride=1, padding=1))  # one logit per patch
        super().__init__(*layers)
        self.n_layers = n_layers
        init_weights(self)


class PixelDiscriminator(nn.Sequential):
    """The 1x1 PixelGAN: (N, in_channels, H, W) -> (N, 1, H, W) logits, each pixel judged on its own."""

    def __init__(self, in_channels, ndf=64, norm="batch"):
        use_bias = conv_bias(norm)
        super().__init__(
            nn.Conv2d(in_channels, ndf, kernel_size=1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, 2 * ndf, kernel_size=1, bias=use_bias), norm_layer(norm, 2 * ndf),
            nn.LeakyReLU(0.2, True),
            nn.Conv2d(2 * ndf, 1, kernel_size=1, bias=use_bias))
        init_weights(self)


def _pair(value):
    return value if isinstance(value, tuple) else (value, value)


def receptive_field(net):
    """The side of the input patch that one output unit of `net` sees, from its layers.

    Walks the convolutions and poolings in order: each adds (kernel - 1) * dilation * jump pixels, where
    jump is the product of the strides so far. Normalisations and activations work pixel by pixel and
    add nothing. Square kernels only (every net in this course).
    """
    size, jump = 1, 1
    for layer in net.modules():
        if isinstance(layer, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            kernel, stride = _pair(layer.kernel_size), _pair(layer.stride)
            dilation = _pair(getattr(layer, "dilation", 1))
            if kernel[0] != kernel[1] or stride[0] != stride[1]:
                raise CourseError(f"receptive_field handles square kernels and strides; {layer} is not")
            size += (kernel[0] - 1) * dilation[0] * jump
            jump *= stride[0]
        elif isinstance(layer, (nn.ConvTranspose2d, nn.Upsample, nn.Linear)):
            raise CourseError(f"receptive_field is for discriminators (convolutions and pooling); "
                              f"{type(layer).__name__} makes every output see a different patch")
    return size


def measured_receptive_field(net, in_channels, size=None):
    """The receptive field as measured: the rows and columns of the input that the centre output unit's
    gradient reaches. (height, width); equals `receptive_field(net)` for square layers.

    The net runs in eval mode (BatchNorm then uses its running statistics: in train mode the batch
    statistics would spread every output over the whole image), on a random image large enough for the
    patch to fit inside, (1, in_channels, size, size).
    """
    size = size or receptive_field(net) + 32
    was_training = net.training
    net.eval()
    try:
        x = torch.randn(1, in_channels, size, size, generator=torch.Generator().manual_seed(0),
                        requires_grad=True)
        out = net(x.clone())  # a copy: the in-place LeakyReLUs must not touch the leaf x
        out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    finally:
        net.train(was_training)
    reached = x.grad[0].abs().sum(0) > 0  # (size, size)
    rows, cols = reached.any(1).nonzero(), reached.any(0).nonzero()
    return (int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1))

"""BicycleGAN's encoder E: an image y -> the mean and log-variance of a Gaussian over the latent code z.

As the reference's E_ResNet: a 4x4 stride-2 conv, then residual blocks that each halve the image (3x3 conv,
3x3 conv, 2x2 average pooling; a 1x1 conv after pooling on the shortcut), LeakyReLU 0.2, an average over
the last map, and two linear heads, mu and logvar (the "VAE-like" E):

    y ── conv 4x4/2 ── [block: /2] x (n_blocks - 1) ── lrelu ── average ──┬── linear ── mu       (N, nz)
                                                                            └── linear ── logvar   (N, nz)
    widths: nef, 2nef, 3nef, 4nef, then 4nef

The reference ends with AvgPool2d(8), which is right only when the last map is 8x8, so its number of blocks
must match the image size (256: 5, 128: 4; other sizes break, BicycleGAN issues #17, #75, #95). Here the
number of blocks follows from the image size (the last map is 8x8 at every size, as the reference's) and the
average is taken over whatever map there is, so any size from 16 up works. `Encoder(3, 8, image_size=256)`
is the reference resnet_256 (instance norm): 2,590,032 parameters; at 128, resnet_128: 1,344,080.

Images are (N, C, H, W) in [-1, 1].
"""

import math

from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.layers import init_weights, norm_layer


def encoder_blocks(image_size):
    """How many blocks (the first conv included) bring `image_size` down to an 8x8 map: 5 at 256, 2 at 32."""
    if image_size < 16 or image_size & (image_size - 1):
        raise CourseError(f"the encoder takes square images whose side is a power of two, 16 or more; got "
                          f"{image_size}")
    return int(math.log2(image_size)) - 3


class ResidualDown(nn.Module):
    """(N, in_nc, H, W) -> (N, out_nc, H/2, W/2): norm, lrelu, conv 3x3, norm, lrelu, conv 3x3, average 2x2;
    plus the shortcut, average 2x2 then conv 1x1."""

    def __init__(self, in_nc, out_nc, norm):
        super().__init__()
        self.conv = nn.Sequential(
            norm_layer(norm, in_nc), nn.LeakyReLU(0.2), nn.Conv2d(in_nc, in_nc, 3, padding=1),
            norm_layer(norm, in_nc), nn.LeakyReLU(0.2), nn.Conv2d(in_nc, out_nc, 3, padding=1), nn.AvgPool2d(2))
        self.shortcut = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(in_nc, out_nc, 1))

    def forward(self, x):
        return self.conv(x) + self.shortcut(x)


class Encoder(nn.Module):
    """E: (N, in_channels, H, W) in [-1, 1] -> (mu, logvar), each (N, nz).

    image_size: the side of the images it will see (sets the number of blocks, `encoder_blocks`).
    nef: the first conv's width (64 in the reference). norm: "instance" (BicycleGAN's), "batch" or "none".
    """

    def __init__(self, in_channels=3, nz=8, nef=64, image_size=256, norm="instance"):
        super().__init__()
        self.image_size = image_size
        layers = [nn.Conv2d(in_channels, nef, kernel_size=4, stride=2, padding=1)]
        width = nef
        for n in range(1, encoder_blocks(image_size)):
            wider = nef * min(4, n + 1)
            layers.append(ResidualDown(width, wider, norm))
            width = wider
        layers += [nn.LeakyReLU(0.2), nn.AdaptiveAvgPool2d(1), nn.Flatten()]  # the average over the last map
        self.conv = nn.Sequential(*layers)
        self.mu, self.logvar = nn.Linear(width, nz), nn.Linear(width, nz)
        init_weights(self)

    def forward(self, y):
        if y.dim() != 4 or y.shape[-1] != self.image_size or y.shape[-2] != self.image_size:
            raise CourseError(f"this encoder was built for images of {self.image_size}x{self.image_size}, got "
                              f"shape {tuple(y.shape)}: build Encoder(image_size={y.shape[-1]}, ...)")
        features = self.conv(y)
        return self.mu(features), self.logvar(features)

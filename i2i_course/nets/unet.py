"""The pix2pix U-Net generator, built from the inside out as in the paper's reference code.

    x ─ down1 ──────────────────────────────────── up1 ─ tanh ─> y        level 1 (outermost)
          └─ down2 ─────────────────────── up2 ─┘                          level 2
                └─ ...  down_n ─ up_n  ... ─┘                              level n (innermost)

Each level halves the image on the way down (Conv 4x4, stride 2, pad 1, LeakyReLU 0.2 before it) and
doubles it on the way up (ConvTranspose 4x4, stride 2, pad 1, ReLU before it). The skip connection of a
level concatenates the level's input to its output, so the up-convolution of the level above sees
2 * inner channels. Widths: ngf, 2ngf, 4ngf, 8ngf, then 8ngf for every deeper level. No norm on the
outermost down conv nor on the innermost down path; dropout 0.5 after the up path of the middle
8ngf levels (levels 5 .. num_downs - 1, as in the reference). `UNet(3, 3, num_downs=8)` is the reference
`unet_256`: 54,413,955 parameters.

Images are (N, C, H, W) with values in [-1, 1]; H and W must be multiples of 2**num_downs.
"""

import torch
from torch import nn

from i2i_course.errors import CourseError


def norm_layer(kind, channels):
    """The normalisation after a conv: "batch" (pix2pix), "instance" (CycleGAN) or "none"."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "none":
        return nn.Identity()
    raise CourseError(f"unknown norm {kind!r}: choose 'batch', 'instance' or 'none'")


def level_width(ngf, level):
    """Channels inside level `level` (1 = outermost): ngf, 2ngf, 4ngf, then 8ngf."""
    return ngf * min(2 ** (level - 1), 8)


class UNetBlock(nn.Module):
    """One level: down-conv, the inner levels (`submodule`), up-conv, and the skip around them.

    (N, outer_nc, H, W) -> (N, 2 * outer_nc, H, W): the input concatenated with the up path's output.
    The outermost level returns the up path alone, (N, out_channels, H, W), through a Tanh.
    """

    def __init__(self, outer_nc, inner_nc, in_nc=None, submodule=None, outermost=False,
                 innermost=False, norm="batch", dropout=False):
        super().__init__()
        self.outermost = outermost
        in_nc = outer_nc if in_nc is None else in_nc
        use_bias = norm != "batch"  # BatchNorm has its own shift
        down_conv = nn.Conv2d(in_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        up_in = inner_nc if innermost else 2 * inner_nc  # the inner level's output carries its skip
        if outermost:
            up_conv = nn.ConvTranspose2d(up_in, outer_nc, kernel_size=4, stride=2, padding=1)
            down = [down_conv]
            up = [nn.ReLU(True), up_conv, nn.Tanh()]
        else:
            up_conv = nn.ConvTranspose2d(up_in, outer_nc, kernel_size=4, stride=2, padding=1,
                                         bias=use_bias)
            down = [nn.LeakyReLU(0.2, True), down_conv]
            if not innermost:
                down.append(norm_layer(norm, inner_nc))
            up = [nn.ReLU(True), up_conv, norm_layer(norm, outer_nc)]
            if dropout:
                up.append(nn.Dropout(0.5))
        middle = [] if submodule is None else [submodule]
        self.model = nn.Sequential(*down, *middle, *up)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        return torch.cat([x, self.model(x)], dim=1)  # the skip connection


class UNet(nn.Module):
    """U-Net generator: (N, in_channels, H, W) in [-1, 1] -> (N, out_channels, H, W) in [-1, 1].

    num_downs: how many times the image is halved (8 for 256x256 images: a 1x1 bottleneck).
    ngf: channels of the outermost level. norm: "batch", "instance" or "none".
    dropout: dropout 0.5 in the middle 8ngf levels (pix2pix's only source of noise).
    """

    def __init__(self, in_channels, out_channels, num_downs, ngf=64, norm="batch", dropout=True):
        super().__init__()
        if num_downs < 1:
            raise CourseError(f"num_downs must be at least 1, got {num_downs}")
        self.in_channels, self.out_channels, self.num_downs = in_channels, out_channels, num_downs
        block = None
        for level in range(num_downs, 0, -1):  # innermost first, as in the reference
            inner = level_width(ngf, level)
            if level == 1:
                block = UNetBlock(out_channels, inner, in_nc=in_channels, submodule=block,
                                  outermost=True, innermost=num_downs == 1, norm=norm)
            else:
                block = UNetBlock(level_width(ngf, level - 1), inner, submodule=block,
                                  innermost=level == num_downs,
                                  norm=norm, dropout=dropout and 5 <= level < num_downs)
        self.model = block

    def check_input(self, x):
        """Raise a one-line CourseError when `x` is not (N, in_channels, H, W) with H, W halvable."""
        if x.dim() != 4:
            raise CourseError(f"UNet expects a batch (N, C, H, W), got shape {tuple(x.shape)}: "
                              f"add a batch dimension with x.unsqueeze(0)")
        if x.shape[1] != self.in_channels:
            raise CourseError(
                f"UNet was built for {self.in_channels} input channels, got {x.shape[1]} "
                f"(shape {tuple(x.shape)}): convert the images or build UNet(in_channels="
                f"{x.shape[1]}, ...)")
        multiple = 2 ** self.num_downs
        h, w = x.shape[-2:]
        if h % multiple or w % multiple:
            sizes = sorted({s for n in (h, w) for s in (n // multiple * multiple,
                                                        n // multiple * multiple + multiple) if s})
            raise CourseError(
                f"UNet(num_downs={self.num_downs}) halves the image {self.num_downs} times, so height "
                f"and width must be multiples of {multiple}; got {h}x{w}: resize or crop to a size "
                f"that works (nearest: {', '.join(map(str, sizes))}) or use a smaller num_downs")

    def forward(self, x):
        self.check_input(x)
        return self.model(x)


def count_parameters(module):
    """Number of trainable parameters (the figure the papers and the reference code report)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)

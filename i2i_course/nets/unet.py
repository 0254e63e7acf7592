"""The pix2pix U-Net generator, built from the inside out as in the paper's reference code.

    x ── down1 ─────────────────────────────── cat ─ up1 ─ tanh ──> y     level 1 (outermost)
           └── down2 ──────────────── cat ─ up2 ─┘                         level 2
                 └── ... down_n ─ up_n ... ┘                               level n (innermost)

Each level halves the image on the way down (LeakyReLU 0.2, Conv 4x4 stride 2 pad 1, norm) and
doubles it on the way up (ReLU, ConvTranspose 4x4 stride 2 pad 1, norm). The skip connection of a level
("cat") concatenates the level's down features to what comes back from the deeper levels, so its
up-convolution sees 2 * inner channels; with the skip severed it sees inner channels, and the net is
the paper's encoder-decoder. Levels 1 .. n-1 have skips; the innermost has nothing to skip across.
Widths: ngf, 2ngf, 4ngf, 8ngf, then 8ngf for every deeper level. No norm on the outermost down conv
nor on the innermost down path; dropout 0.5 after the up path of the middle 8ngf levels (levels
5 .. n-1, as in the reference). `UNet(3, 3, num_downs=8)` is the reference `unet_256`: 54,413,955
parameters, initialised as the reference does (`layers.init_weights`).

A latent code z (N, nz) (lesson 05) can be fed in as nz constant channels, tiled over the image and
concatenated to a level's input before its down-conv: at the input only (`inject="input"`, BicycleGAN's
G_Unet_add_input) or at every level (`inject="all"`, its G_Unet_add_all). With nz = 0 (the default) the
net is exactly the one above. At 256x256, nz 8 and instance norm the two have 54,417,795 and 54,794,627
parameters, as the reference's.

Images are (N, C, H, W) with values in [-1, 1]; H and W must be multiples of 2**num_downs.
"""

import torch
from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.layers import conv_bias, count_parameters, init_weights, norm_layer  # noqa: F401 (re-exported)

INJECT = ("input", "all")  # where a latent code z goes in: the first level's input, or every level's


def level_width(ngf, level):
    """Channels inside level `level` (1 = outermost): ngf, 2ngf, 4ngf, then 8ngf."""
    return ngf * min(2 ** (level - 1), 8)


class UNetBlock(nn.Module):
    """One level: down-conv, the deeper levels (`inner`), the skip, up-conv.

    (N, outer_nc, H, W) -> (N, outer_nc, H, W) (the outermost level maps in_nc to outer_nc channels,
    through a Tanh). With `skip`, the up-conv sees the down features concatenated to the deeper levels'
    output, 2 * inner_nc channels; without, only the deeper levels' output, inner_nc channels.
    nz > 0: the block takes a latent code z (N, nz) too and tiles it onto its input, nz more channels
    into the down-conv.
    """

    def __init__(self, outer_nc, inner_nc, in_nc=None, inner=None, outermost=False, innermost=False,
                 norm="batch", dropout=False, skip=True, nz=0):
        super().__init__()
        self.skip = skip and not innermost
        self.nz = nz
        in_nc = outer_nc if in_nc is None else in_nc
        use_bias = conv_bias(norm)
        down_conv = nn.Conv2d(in_nc + nz, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        up_in = 2 * inner_nc if self.skip else inner_nc
        if outermost:
            self.down = nn.Sequential(down_conv)
            up_conv = nn.ConvTranspose2d(up_in, outer_nc, kernel_size=4, stride=2, padding=1)
            self.inner = inner
            self.up = nn.Sequential(nn.ReLU(True), up_conv, nn.Tanh())
            return
        down_norm = [] if innermost else [norm_layer(norm, inner_nc)]
        self.down = nn.Sequential(nn.LeakyReLU(0.2, True), down_conv, *down_norm)
        self.inner = inner
        up_conv = nn.ConvTranspose2d(up_in, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        self.up = nn.Sequential(nn.ReLU(True), up_conv, norm_layer(norm, outer_nc),
                                *([nn.Dropout(0.5)] if dropout else []))

    def forward(self, x, z=None):
        if self.nz:  # z as nz constant channels: (N, nz) -> (N, nz, H, W), next to x
            x = torch.cat([x, z[:, :, None, None].expand(-1, -1, *x.shape[-2:])], dim=1)
        features = self.down(x)
        if self.inner is None:
            deeper = features
        else:  # z only where there is one: lesson 02's blocks take x alone
            deeper = self.inner(features) if z is None else self.inner(features, z)
        if self.skip:
            deeper = torch.cat([features, deeper], dim=1)  # the skip connection
        return self.up(deeper)


def skip_levels(skips, num_downs):
    """The set of levels (1 = outermost .. num_downs - 1) that keep their skip, from True/False/levels."""
    all_levels = set(range(1, num_downs))
    if skips is True:
        return all_levels
    if skips is False or skips is None:
        return set()
    levels = set(skips)
    if not levels <= all_levels:
        raise CourseError(f"skips {sorted(levels - all_levels)} do not exist: a UNet with "
                          f"num_downs={num_downs} has skips at levels 1 (outermost) to {num_downs - 1}")
    return levels


class UNet(nn.Module):
    """U-Net generator: (N, in_channels, H, W) in [-1, 1] -> (N, out_channels, H, W) in [-1, 1].

    num_downs: how many times the image is halved (8 for 256x256 images: a 1x1 bottleneck).
    ngf: channels of the outermost level. norm: "batch", "instance" or "none".
    dropout: dropout 0.5 in the middle 8ngf levels (pix2pix's only source of noise).
    skips: True (every level), False (the encoder-decoder), or the level numbers to keep (1 = outermost).
    nz: the size of a latent code z to take as well, `net(x, z)` (0: none, `net(x)`); inject: where z
    goes in, "input" (the first level only) or "all" (every level).
    """

    def __init__(self, in_channels, out_channels, num_downs, ngf=64, norm="batch", dropout=True,
                 skips=True, nz=0, inject="input"):
        super().__init__()
        if num_downs < 1:
            raise CourseError(f"num_downs must be at least 1, got {num_downs}")
        if inject not in INJECT:
            raise CourseError(f"unknown inject {inject!r}: choose {' or '.join(map(repr, INJECT))}")
        self.in_channels, self.out_channels, self.num_downs = in_channels, out_channels, num_downs
        self.nz, self.inject = nz, inject
        self.skips = skip_levels(skips, num_downs)
        block = None
        for level in range(num_downs, 0, -1):  # innermost first, as in the reference
            inner_nc = level_width(ngf, level)
            outermost = level == 1
            code = {"nz": nz} if nz and (outermost or inject == "all") else {}  # lesson 02's block has no nz
            block = UNetBlock(
                out_channels if outermost else level_width(ngf, level - 1), inner_nc,
                in_nc=in_channels if outermost else None, inner=block, outermost=outermost,
                innermost=level == num_downs, norm=norm, skip=level in self.skips,
                dropout=dropout and 5 <= level < num_downs, **code)
        self.model = block
        init_weights(self)

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

    def check_code(self, x, z):
        """Raise a one-line CourseError unless z is (N, nz) for a net with nz > 0, and None for one without."""
        fits = z is None if self.nz == 0 else z is not None and tuple(z.shape) == (len(x), self.nz)
        if not fits:
            wanted = f"a code z of shape ({len(x)}, {self.nz}): net(x, z)" if self.nz else "no z: net(x)"
            got = "none" if z is None else f"shape {tuple(z.shape)}"
            raise CourseError(f"this UNet (nz={self.nz}) takes {wanted}; got {got}")

    def forward(self, x, z=None):
        self.check_input(x)
        self.check_code(x, z)
        return self.model(x) if z is None else self.model(x, z)

"""SPADE (GauGAN, Park et al. 2019): normalise, then modulate by the label map, pixel by pixel.

A generator that gets the label map only at its input, through conv + InstanceNorm, can lose it: a uniform
map (one class everywhere) becomes a constant, and the norm subtracts the constant. SPADE re-injects the
map at every normalisation instead of letting it wash out:

    out = norm(x) * (1 + gamma(seg)) + beta(seg)

norm has no parameters of its own (InstanceNorm or BatchNorm, affine=False); gamma and beta are (N, C, H, W)
maps from a small conv net on the label map resized to x's size with nearest interpolation: a shared 3x3 conv
to `hidden` channels and a ReLU, then one 3x3 conv each for gamma and beta. With C = 1024, 184 labels (COCO)
and hidden 128, one SPADE layer has 128 * (9 * 184 + 1) + 2 * (9 * 128 * 1024 + 1024) = 2,573,440 parameters.

`SPADEResnetBlock`: two (SPADE, LeakyReLU 0.2, conv 3x3) steps and a skip (a SPADE + 1x1 conv without bias when
the width changes): 24,023,296 parameters at 1024 -> 1024 channels and 184 labels, as the reference's.
`SPADEGenerator`: the label map resized to the lowest resolution, a 3x3 conv, then SPADE residual blocks with
nearest x2 upsampling between them, halving the width, then LeakyReLU, a 3x3 conv to RGB and Tanh. Built with
`num_up=5, middle=2, ngf=64` it is the reference's generator (97,480,899 parameters for COCO's 184 labels).

Label maps are (N, K, H, W) one-hot floats; images (N, C, H, W), outputs in [-1, 1].
"""

import torch.nn.functional as F
from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.layers import init_weights

PARAM_FREE_NORMS = ("instance", "batch")


def param_free_norm(kind, channels):
    """SPADE's normalisation without a learned scale or shift: InstanceNorm or BatchNorm, affine=False."""
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "batch":
        return nn.BatchNorm2d(channels, affine=False)
    raise CourseError(f"unknown SPADE norm {kind!r}: choose {' or '.join(map(repr, PARAM_FREE_NORMS))}")


class SPADE(nn.Module):
    """(x (N, C, H, W), seg (N, K, H', W')) -> norm(x) * (1 + gamma(seg)) + beta(seg), (N, C, H, W)."""

    def __init__(self, channels, label_channels, hidden=128, norm="instance", kernel_size=3):
        super().__init__()
        pad = kernel_size // 2
        self.norm = param_free_norm(norm, channels)
        self.shared = nn.Sequential(nn.Conv2d(label_channels, hidden, kernel_size, padding=pad), nn.ReLU())
        self.gamma = nn.Conv2d(hidden, channels, kernel_size, padding=pad)
        self.beta = nn.Conv2d(hidden, channels, kernel_size, padding=pad)

    def forward(self, x, seg):
        normalized = self.norm(x)  # the map's own statistics removed (or the batch's)
        seg = F.interpolate(seg, size=x.shape[-2:], mode="nearest")  # the labels at x's resolution
        features = self.shared(seg)
        return normalized * (1 + self.gamma(features)) + self.beta(features)  # out = norm(x)(1 + gamma) + beta


class SPADEResnetBlock(nn.Module):
    """(x (N, fin, H, W), seg) -> (N, fout, H, W): x_s + conv_1(act(SPADE(conv_0(act(SPADE(x)))))).

    The middle width is min(fin, fout); the skip x_s is x itself, or conv_s(SPADE(x)) (1x1, no bias) when
    fin != fout. act is LeakyReLU(0.2).
    """

    def __init__(self, fin, fout, label_channels, hidden=128, norm="instance"):
        super().__init__()
        middle = min(fin, fout)
        self.learned_shortcut = fin != fout
        self.conv_0 = nn.Conv2d(fin, middle, 3, padding=1)
        self.conv_1 = nn.Conv2d(middle, fout, 3, padding=1)
        self.norm_0 = SPADE(fin, label_channels, hidden, norm)
        self.norm_1 = SPADE(middle, label_channels, hidden, norm)
        if self.learned_shortcut:
            self.conv_s = nn.Conv2d(fin, fout, 1, bias=False)
            self.norm_s = SPADE(fin, label_channels, hidden, norm)

    def forward(self, x, seg):
        x_s = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), 0.2))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), 0.2))
        return x_s + dx


class SPADEGenerator(nn.Module):
    """(N, K, H, W) one-hot label map -> (N, out_channels, H, W) image in [-1, 1].

    The map, resized to H / 2**num_up (nearest), goes through a 3x3 conv to `top` = ngf * 2**(num_up - 1)
    channels; then a SPADE block there (head), x2 up, `middle` blocks at that width, and for each further
    x2 up one block halving the width, down to ngf at H x W; then LeakyReLU, conv 3x3 to RGB, Tanh.
    """

    def __init__(self, label_channels, out_channels=3, ngf=64, hidden=128, num_up=5, middle=2, norm="instance"):
        super().__init__()
        if num_up < 1 or middle < 1:
            raise CourseError(f"the SPADE generator needs num_up >= 1 and middle >= 1, got {num_up} and {middle}")
        self.num_up = num_up
        top = ngf * 2 ** (num_up - 1)
        self.fc = nn.Conv2d(label_channels, top, 3, padding=1)
        widths = [top] * (middle + 2) + [top >> k for k in range(1, num_up)]  # in and out of every block
        self.blocks = nn.ModuleList(SPADEResnetBlock(fin, fout, label_channels, hidden, norm)
                                    for fin, fout in zip(widths[:-1], widths[1:]))
        self.ups = [False, True] + [False] * (middle - 1) + [True] * (num_up - 1)  # x2 before this block?
        width = widths[-1]
        self.conv_img = nn.Conv2d(width, out_channels, 3, padding=1)
        init_weights(self)

    def forward(self, seg):
        size = seg.shape[-1]
        if size % 2 ** self.num_up:
            raise CourseError(f"the SPADE generator halves {self.num_up} times: the image's side must be a "
                              f"multiple of {2 ** self.num_up}, got {size}")
        x = self.fc(F.interpolate(seg, size=(seg.shape[-2] >> self.num_up, size >> self.num_up), mode="nearest"))
        for up, block in zip(self.ups, self.blocks):
            if up:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = block(x, seg)
        return self.conv_img(F.leaky_relu(x, 0.2)).tanh()

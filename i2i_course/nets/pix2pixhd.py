"""pix2pixHD's nets (Wang et al. 2018), the ones SPADE is built on: the global generator (an encoder-decoder fed
the one-hot label map), its coarse-to-fine local enhancer, and the multi-scale discriminator.

GlobalGenerator, as the reference's (InstanceNorm, ReLU, reflect padding around the 7x7 and residual convs):

    reflect-pad 3, conv 7x7 -> ngf, norm, ReLU                       the stem: the map's only way in
    [conv 3x3 stride 2, norm, ReLU] x n_down                        ngf -> ngf * 2**n_down
    [residual block: pad, conv 3x3, norm, ReLU, pad, conv 3x3, norm] x n_blocks
    [conv-transpose 3x3 stride 2, norm, ReLU] x n_down              back to ngf
    reflect-pad 3, conv 7x7 -> out_channels, Tanh

With 36 input channels, ngf 64, 4 downsamplings and 9 blocks it has 182,546,755 parameters.

`constancy=True` swaps the two layers that turn a constant input into spatial structure: the stride-2 convs pad
by reflection instead of zeros, and each conv-transpose becomes nearest x2 upsampling + a reflect-padded 3x3
conv (the same parameter count). Every layer then maps a spatially constant input to a constant output, so
after the stem's InstanceNorm a uniform label map is *exactly* washed out and the K uniform maps give one and
the same output. With the reference's layers, borders and the transposed convs' checkerboard turn rounding
residue into structure that each InstanceNorm scales up by as much as 1/sqrt(eps) ~ 316, so the outputs on
uniform maps differ (lesson 06's trap). `concat=True` is the SPADE paper's own ablation: the label map, resized
with nearest interpolation, is concatenated to the input of every conv after the stem.

MultiscaleDiscriminator: `num_d` PatchGAN-like discriminators (4x4 convs with padding 2, LeakyReLU 0.2, norm
after all but the first and last conv) on the image at full size, then average-pooled (3x3, stride 2) to
half, a quarter, ...; each returns its intermediate features and its logits, for the feature-matching loss.
pix2pixHD's (2 x n_layers 3, 39 input channels) has 5,603,202 parameters; SPADE's is the same with no bias
before a norm (`norm_bias=False`; SPADE counts the first conv in its n_layers_D = 4): 5,904,514 at 187
input channels. Receptive fields in the full-size image: 70, 141, 283 px for n_layers 3.

Label maps (N, K, H, W) one-hot; images (N, C, H, W) in [-1, 1].
"""

import torch
import torch.nn.functional as F
from torch import nn

from i2i_course.errors import CourseError
from i2i_course.nets.discriminators import receptive_field
from i2i_course.nets.layers import conv_bias, init_weights, norm_layer


class MapConv(nn.Module):
    """A conv that optionally sees the label map too: (x, seg) -> conv(pad(x ++ seg resized to x)).

    pad: "reflect" (pads `padding` by reflection before the conv) or "zeros" (the conv's own zero padding).
    """

    def __init__(self, cin, cout, kernel_size, stride=1, padding=0, pad="zeros", label_channels=0, bias=True):
        super().__init__()
        self.label_channels, self.pad, self.padding = label_channels, pad, padding
        self.conv = nn.Conv2d(cin + label_channels, cout, kernel_size, stride=stride,
                              padding=padding if pad == "zeros" else 0, bias=bias)

    def forward(self, x, seg=None):
        if self.label_channels:
            x = torch.cat([x, F.interpolate(seg, size=x.shape[-2:], mode="nearest")], 1)
        if self.pad == "reflect" and self.padding:
            x = F.pad(x, [self.padding] * 4, mode="reflect")
        return self.conv(x)


class UpConv(nn.Module):
    """x2 up: the reference's conv-transpose 3x3 stride 2 (pad 1, output pad 1), or nearest x2 + reflect-padded
    3x3 conv (constancy-preserving: a constant stays a constant). Same parameter count."""

    def __init__(self, cin, cout, constancy=False, label_channels=0, bias=True):
        super().__init__()
        self.constancy, self.label_channels = constancy, label_channels
        if constancy:
            self.conv = MapConv(cin, cout, 3, padding=1, pad="reflect", label_channels=label_channels, bias=bias)
        else:
            self.conv = nn.ConvTranspose2d(cin + label_channels, cout, 3, stride=2, padding=1, output_padding=1,
                                           bias=bias)

    def forward(self, x, seg=None):
        if self.constancy:
            return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"), seg)
        if self.label_channels:
            x = torch.cat([x, F.interpolate(seg, size=x.shape[-2:], mode="nearest")], 1)
        return self.conv(x)


class ResnetBlock(nn.Module):
    """pix2pixHD's residual block: x + [reflect-pad 1, conv 3x3, norm, ReLU, reflect-pad 1, conv 3x3, norm](x)."""

    def __init__(self, channels, norm="instance", label_channels=0):
        super().__init__()
        bias = conv_bias(norm)
        self.conv_0 = MapConv(channels, channels, 3, padding=1, pad="reflect", label_channels=label_channels, bias=bias)
        self.norm_0 = norm_layer(norm, channels)
        self.conv_1 = MapConv(channels, channels, 3, padding=1, pad="reflect", label_channels=label_channels, bias=bias)
        self.norm_1 = norm_layer(norm, channels)

    def forward(self, x, seg=None):
        dx = F.relu(self.norm_0(self.conv_0(x, seg)))
        return x + self.norm_1(self.conv_1(dx, seg))


class GlobalGenerator(nn.Module):
    """(N, K, H, W) one-hot label map -> (N, out_channels, H, W) image in [-1, 1] (see the module's docstring).

    constancy: reflect-padded downsampling and nearest-upsample + conv (a uniform map is exactly washed out).
    concat: the label map concatenated to every conv's input after the stem (the SPADE paper's ablation).
    """

    def __init__(self, in_channels, out_channels=3, ngf=64, n_down=4, n_blocks=9, norm="instance",
                 constancy=False, concat=False):
        super().__init__()
        self.n_down, self.constancy, self.concat = n_down, constancy, concat
        extra = in_channels if concat else 0
        bias = conv_bias(norm)
        self.stem = MapConv(in_channels, ngf, 7, padding=3, pad="reflect", bias=bias)
        self.stem_norm = norm_layer(norm, ngf)
        self.downs = nn.ModuleList(MapConv(ngf << k, ngf << (k + 1), 3, stride=2, padding=1,
                                           pad="reflect" if constancy else "zeros", label_channels=extra, bias=bias)
                                   for k in range(n_down))
        self.down_norms = nn.ModuleList(norm_layer(norm, ngf << (k + 1)) for k in range(n_down))
        self.blocks = nn.ModuleList(ResnetBlock(ngf << n_down, norm, extra) for _ in range(n_blocks))
        self.ups = nn.ModuleList(UpConv(ngf << k, ngf << (k - 1), constancy, extra, bias)
                                 for k in range(n_down, 0, -1))
        self.up_norms = nn.ModuleList(norm_layer(norm, ngf << (k - 1)) for k in range(n_down, 0, -1))
        self.final = MapConv(ngf, out_channels, 7, padding=3, pad="reflect", label_channels=extra)
        init_weights(self)

    def features(self, seg):
        """Everything but the last conv: (N, ngf, H, W) (the local enhancer adds its own features to these)."""
        if seg.shape[-1] % 2 ** self.n_down or seg.shape[-2] % 2 ** self.n_down:
            raise CourseError(f"the global generator halves {self.n_down} times: the image's sides must be "
                              f"multiples of {2 ** self.n_down}, got {tuple(seg.shape[-2:])}")
        x = F.relu(self.stem_norm(self.stem(seg)))  # a uniform map: a constant, then 0 after the norm
        for conv, norm in zip(self.downs, self.down_norms):
            x = F.relu(norm(conv(x, seg)))
        for block in self.blocks:
            x = block(x, seg)
        for conv, norm in zip(self.ups, self.up_norms):
            x = F.relu(norm(conv(x, seg)))
        return x

    def forward(self, seg):
        return self.final(self.features(seg), seg).tanh()


def downsample(x):
    """pix2pixHD's x1/2: 3x3 average pooling, stride 2, padding 1 (not counting the padding)."""
    return F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)


class LocalEnhancer(nn.Module):
    """pix2pixHD's coarse-to-fine generator: a global generator (at 2 * ngf) on the half-size map, and a local
    branch at full size that adds the global generator's last features to its own.

        local:  reflect-pad 3, conv 7x7 -> ngf, norm, ReLU, conv 3x3 stride 2 -> 2 ngf, norm, ReLU
                + global.features(map at half size)
                [residual block] x n_blocks_local, conv-transpose x2 -> ngf, norm, ReLU, reflect-pad 3, conv 7x7, Tanh

    Trained as the paper does: the global generator first at half resolution, then both together. With 36
    input channels, ngf 32, 4 global downsamplings, 9 + 3 blocks: 182,857,059 parameters.
    """

    def __init__(self, in_channels, out_channels=3, ngf=32, n_down_global=4, n_blocks_global=9, n_blocks_local=3,
                 norm="instance"):
        super().__init__()
        bias = conv_bias(norm)
        self.global_generator = GlobalGenerator(in_channels, out_channels, 2 * ngf, n_down_global, n_blocks_global,
                                                norm)
        del self.global_generator.final  # its last features go to the local branch instead
        self.stem = MapConv(in_channels, ngf, 7, padding=3, pad="reflect", bias=bias)
        self.stem_norm = norm_layer(norm, ngf)
        self.down = nn.Conv2d(ngf, 2 * ngf, 3, stride=2, padding=1, bias=bias)
        self.down_norm = norm_layer(norm, 2 * ngf)
        self.blocks = nn.ModuleList(ResnetBlock(2 * ngf, norm) for _ in range(n_blocks_local))
        self.up = nn.ConvTranspose2d(2 * ngf, ngf, 3, stride=2, padding=1, output_padding=1, bias=bias)
        self.up_norm = norm_layer(norm, ngf)
        self.final = MapConv(ngf, out_channels, 7, padding=3, pad="reflect")
        init_weights(self)

    def forward(self, seg):
        coarse = self.global_generator.features(downsample(seg))  # (N, 2 ngf, H/2, W/2)
        x = F.relu(self.stem_norm(self.stem(seg)))
        x = F.relu(self.down_norm(self.down(x))) + coarse  # fine features + the global generator's
        for block in self.blocks:
            x = block(x)
        x = F.relu(self.up_norm(self.up(x)))
        return self.final(x).tanh()


class NLayerDiscriminator(nn.Module):
    """pix2pixHD's single-scale D: (N, C, H, W) -> [features of each layer..., logits (N, 1, H', W')].

    conv 4x4 stride 2 -> ndf, LeakyReLU; [conv 4x4 stride 2, norm, LeakyReLU] x (n_layers - 1), widths doubling
    to at most 512; conv 4x4 stride 1, norm, LeakyReLU; conv 4x4 stride 1 -> 1. Every conv pads by 2.
    """

    def __init__(self, in_channels, ndf=64, n_layers=3, norm="instance", norm_bias=True):
        super().__init__()
        bias = norm_bias and conv_bias(norm)
        groups = [nn.Sequential(nn.Conv2d(in_channels, ndf, 4, stride=2, padding=2), nn.LeakyReLU(0.2))]
        width = ndf
        for n in range(1, n_layers + 1):
            wider = min(width * 2, 512)
            groups.append(nn.Sequential(nn.Conv2d(width, wider, 4, stride=2 if n < n_layers else 1, padding=2,
                                                  bias=bias), norm_layer(norm, wider), nn.LeakyReLU(0.2)))
            width = wider
        groups.append(nn.Sequential(nn.Conv2d(width, 1, 4, stride=1, padding=2)))
        self.groups = nn.ModuleList(groups)

    def forward(self, x):
        outputs = []
        for group in self.groups:
            x = group(x)
            outputs.append(x)
        return outputs  # n_layers + 1 feature maps, then the logits


class Logits(nn.Module):
    """The last of a discriminator's outputs (its logits), for a stack that wants one tensor out."""

    def forward(self, outputs):
        return outputs[-1]


class MultiscaleDiscriminator(nn.Module):
    """num_d NLayerDiscriminators on the image at full size, 1/2, 1/4, ... (`downsample` between them).

    forward: (N, C, H, W) -> [[features..., logits] at full size, [...] at half size, ...].
    """

    def __init__(self, in_channels, ndf=64, n_layers=3, num_d=3, norm="instance", norm_bias=True):
        super().__init__()
        self.n_layers = n_layers
        self.scales = nn.ModuleList(NLayerDiscriminator(in_channels, ndf, n_layers, norm, norm_bias)
                                    for _ in range(num_d))
        init_weights(self)

    def forward(self, x):
        results = []
        for index, scale in enumerate(self.scales):
            if index:
                x = downsample(x)
            results.append(scale(x))
        return results

    def scale_net(self, index):
        """Scale `index`'s D as one stack of layers from the full-size image to its logits (N, 1, H', W'): its
        poolings, then its convs (what `receptive_field` and `measured_receptive_field` walk)."""
        pools = [nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False) for _ in range(index)]
        return nn.Sequential(*pools, self.scales[index], Logits())

    def receptive_fields(self):
        """The patch of the full-size image one logit of each scale sees: [70, 141, 283] for n_layers 3."""
        return [receptive_field(self.scale_net(index)) for index in range(len(self.scales))]

"""What every net of the course shares: the normalisation choice, the reference's initialisation, counting.

The reference code (pytorch-CycleGAN-and-pix2pix, `networks.init_weights`, type "normal") initialises every
net it builds the same way, and so does the course, so that the trained claims are measured on the nets a
student meets there:

    conv, transposed conv, linear weights   ~ N(0, 0.02)        biases = 0
    BatchNorm weights (its scale)            ~ N(1, 0.02)        biases (its shift) = 0

InstanceNorm in the course has no parameters (affine=False, as the reference's), so there is nothing to
initialise there.
"""

from torch import nn

from i2i_course.errors import CourseError

NORMS = ("batch", "instance", "none")
INIT_GAIN = 0.02  # the reference's init_gain


def norm_layer(kind, channels):
    """The normalisation after a conv: "batch" (pix2pix), "instance" (CycleGAN) or "none"."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "none":
        return nn.Identity()
    raise CourseError(f"unknown norm {kind!r}: choose {', '.join(map(repr, NORMS))}")


def conv_bias(norm):
    """Whether a conv followed by `norm` needs its own bias: not before BatchNorm, which has its own shift.

    The reference also drops the bias with no norm at all (`use_bias = norm_layer == InstanceNorm2d` is False
    for its identity norm): an accident of how it tests the norm's type, which leaves such a conv unable to
    shift its output. The course keeps the bias there; no reference parameter count uses norm "none".
    """
    return norm != "batch"


def init_weights(net, gain=INIT_GAIN):
    """Initialise `net` in place as the reference does (see the module's docstring); returns `net`.

    Draws from torch's global generator, so `seed_everything(seed)` before building a net fixes its weights.
    """
    for module in net.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(module.weight, 0.0, gain)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1.0, gain)
            nn.init.zeros_(module.bias)
    return net


def count_parameters(module):
    """Number of trainable parameters (the figure the papers and the reference code report)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)

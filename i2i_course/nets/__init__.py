"""Networks: the U-Net generator (lesson 02) and the PatchGAN / PixelGAN discriminators (lesson 03)."""

from i2i_course.nets.discriminators import (PatchDiscriminator, PixelDiscriminator, measured_receptive_field,
                                            receptive_field)
from i2i_course.nets.layers import count_parameters, init_weights, norm_layer
from i2i_course.nets.unet import UNet, UNetBlock

__all__ = ["UNet", "UNetBlock", "count_parameters", "init_weights", "norm_layer", "PatchDiscriminator", "PixelDiscriminator",
           "receptive_field", "measured_receptive_field"]

"""Networks: the U-Net generator (lesson 02; with a latent code, lesson 05), the PatchGAN / PixelGAN discriminators
(lesson 03), CycleGAN's ResNet generator and small MLPs trained side by side (lesson 04), BicycleGAN's encoder
(lesson 05), and SPADE and pix2pixHD's nets (lesson 06)."""

from i2i_course.nets.discriminators import (PatchDiscriminator, PixelDiscriminator, measured_receptive_field,
                                            receptive_field)
from i2i_course.nets.encoder import Encoder
from i2i_course.nets.mlp import ParallelMLPs
from i2i_course.nets.pix2pixhd import GlobalGenerator, LocalEnhancer, MultiscaleDiscriminator
from i2i_course.nets.resnet import ResnetBlock, ResnetGenerator
from i2i_course.nets.spade import SPADE, SPADEGenerator, SPADEResnetBlock
from i2i_course.nets.layers import count_parameters, init_weights, norm_layer
from i2i_course.nets.unet import UNet, UNetBlock

__all__ = ["UNet", "UNetBlock", "count_parameters", "init_weights", "norm_layer", "PatchDiscriminator",
           "PixelDiscriminator", "receptive_field", "measured_receptive_field", "Encoder", "GlobalGenerator",
           "LocalEnhancer", "MultiscaleDiscriminator", "SPADE", "SPADEGenerator", "SPADEResnetBlock",
           "ResnetBlock", "ResnetGenerator", "ParallelMLPs"]

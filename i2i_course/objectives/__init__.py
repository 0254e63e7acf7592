"""Objectives: nets, optimisers and one training step each, on the shared base (`base.Objective`).

- `Regression`: a generator and a per-pixel loss (L1 or L2) alone: lessons 01, 02, and lesson 03's baseline.
- `Pix2Pix`: the conditional GAN + lambda L1 of pix2pix (lesson 03).
- `CycleGAN`: two generators and two discriminators, no pairs, the cycle and identity losses (lesson 04).
- `Pix2PixZ`: pix2pix with a latent code, plain or with DSGAN's / MSGAN's diversity term; `BicycleGAN` (lesson 05).
- `Pix2PixHD`: a multi-scale conditional GAN + feature matching, as pix2pixHD and SPADE train (lesson 06).
"""

from i2i_course.objectives.base import Objective
from i2i_course.objectives.bicyclegan import BicycleGAN
from i2i_course.objectives.cyclegan import CycleGAN
from i2i_course.objectives.pix2pix import Pix2Pix
from i2i_course.objectives.pix2pix_z import Pix2PixZ
from i2i_course.objectives.pix2pixhd import Pix2PixHD
from i2i_course.objectives.regression import Regression

__all__ = ["Objective", "Pix2Pix", "Pix2PixHD", "Regression", "CycleGAN", "Pix2PixZ", "BicycleGAN"]

"""Networks: generators (U-Net, ...) and, in later lessons, discriminators."""

from i2i_course.nets.unet import UNet, UNetBlock, count_parameters

__all__ = ["UNet", "UNetBlock", "count_parameters"]

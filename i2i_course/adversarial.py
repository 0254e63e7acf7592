"""GAN losses on a discriminator's logits (any shape: one per image, or a PatchGAN's map of patches).

    mode       discriminator: real -> "real", fake -> "fake"         generator: make fakes look real
    vanilla    BCE(real, 1) + BCE(fake, 0), on logits                 BCE(fake, 1): the non-saturating loss
    lsgan      (real - 1)^2 + fake^2                                   (fake - 1)^2
    hinge      relu(1 - real) + relu(1 + fake)                          -fake

Each term is a mean over every logit, so a PatchGAN's patches all count equally. The generator's
vanilla loss is the non-saturating one of Goodfellow et al. (maximise log D(G(x)) rather than minimise
log(1 - D(G(x)))): it gives strong gradients early on, when D rejects every fake with confidence.
"""

import torch
import torch.nn.functional as F

from i2i_course.errors import CourseError

GAN_MODES = ("vanilla", "lsgan", "hinge")


def check_gan_mode(mode):
    """Raise a CourseError naming the valid modes unless `mode` is one of GAN_MODES."""
    if mode not in GAN_MODES:
        raise CourseError(f"unknown GAN loss {mode!r}: choose {', '.join(map(repr, GAN_MODES))}")


def discriminator_loss(real_logits, fake_logits, mode="vanilla"):
    """How badly D tells real from fake: its loss on real logits plus its loss on fake ones (0-dim)."""
    check_gan_mode(mode)
    if mode == "vanilla":
        return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    if mode == "lsgan":
        return ((real_logits - 1) ** 2).mean() + (fake_logits ** 2).mean()
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def generator_loss(fake_logits, mode="vanilla"):
    """How far G's fakes are from being taken for real (0-dim)."""
    check_gan_mode(mode)
    if mode == "vanilla":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if mode == "lsgan":
        return ((fake_logits - 1) ** 2).mean()
    return -fake_logits.mean()

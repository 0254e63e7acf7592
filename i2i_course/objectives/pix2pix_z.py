"""pix2pix with a latent code z, alone or with a diversity term (DSGAN, MSGAN): lesson 05.

G(x, z) takes a code z ~ N(0, I) (N, nz) besides the input (see `nets.unet`, nz and inject). Trained as
pix2pix (`Pix2Pix`: D step, then G step), G learns to ignore z: nothing in the loss rewards two codes for
giving two different outputs, and the L1 term rewards one answer, the per-pixel median (lesson 01).

A diversity term asks for it. Draw two codes per input and compare what they give, relative to how far apart
the codes were (distances are mean absolute values, over pixels and over code dimensions):

    ratio = |G(x, z1) - G(x, z2)| / |z1 - z2|                           one ratio per input
    DSGAN:  ds_loss = -min(ratio, tau)        maximise the ratio, up to tau (Yang et al. 2019)
    MSGAN:  ms_loss = 1 / (ratio + eps)       eps = 1e-5 (Mao et al. 2019): the same push, no ceiling

both averaged over the batch. DSGAN's tau caps the reward: beyond it, more difference earns nothing, so G is
not paid for noise. The order matters: clamp the ratio at tau, *then* negate. (DSGAN's public code negates
first and clamps -ratio at a maximum of 10, which a negative number never reaches: its cap does nothing.)

    backward_G:  sum over both samples of [gan(D(x, G(x, z)), real) + lambda_L1 |G(x, z) - y|] / 2
                 + weight * ds_loss (or ms_loss)
"""

import torch

from i2i_course.adversarial import check_gan_mode, generator_loss
from i2i_course.errors import CourseError
from i2i_course.losses import l1_loss
from i2i_course.objectives.base import BETAS
from i2i_course.objectives.pix2pix import Pix2Pix

DIVERSITY_TERMS = ("ds", "ms")
MS_EPS = 1e-5  # MSGAN's eps


def draw_codes(n, k, nz, generator=None, device=None):
    """k codes z ~ N(0, I) for each of n inputs: (n, k, nz) (or (n, nz) when k is None)."""
    shape = (n, nz) if k is None else (n, k, nz)
    return torch.randn(shape, generator=generator, device=device or (generator.device if generator else None))


def generate_with_codes(generator, x, z):
    """G(x, z) for z (N, nz): (N, C, H, W); for z (N, k, nz), k samples per input: (N, k, C, H, W)."""
    if z is None:
        raise CourseError("this generator needs codes: translate(x, z=draw_codes(len(x), k, nz)) draws k "
                          "samples per input")
    if z.dim() == 3:
        n, k = z.shape[:2]
        return generator(x.repeat_interleave(k, 0), z.flatten(0, 1)).unflatten(0, (n, k))
    return generator(x, z)


def latent_ratio(fake_1, fake_2, z_1, z_2):
    """(N,) per input: mean |fake_1 - fake_2| over pixels and channels / mean |z_1 - z_2| over the code."""
    return (fake_1 - fake_2).abs().flatten(1).mean(1) / (z_1 - z_2).abs().flatten(1).mean(1)


def ds_loss(fake_1, fake_2, z_1, z_2, tau):
    """DSGAN's diversity-sensitive loss, the paper's form: -mean(min(ratio, tau)) (0-dim; minimise it)."""
    return -latent_ratio(fake_1, fake_2, z_1, z_2).clamp(max=tau).mean()  # clamp at tau, then negate


def ms_loss(fake_1, fake_2, z_1, z_2, eps=MS_EPS):
    """MSGAN's mode-seeking loss: mean(1 / (ratio + eps)) (0-dim; minimise it)."""
    return (1 / (latent_ratio(fake_1, fake_2, z_1, z_2) + eps)).mean()


class Pix2PixZ(Pix2Pix):
    """pix2pix whose G also takes a code z (N, nz); with `diversity` "ds" or "ms", two codes per input and a
    diversity term weighted `diversity_weight` (tau: DSGAN's cap on the ratio).

    Each step draws its codes from torch's global generator (seeded by the run). Images (N, C, H, W) in
    [-1, 1]; D's in_channels is A's + B's channels. Inherits backward_D (halved) from `Pix2Pix`.
    """

    def __init__(self, generator, discriminator, nz=8, diversity=None, diversity_weight=1.0, tau=1.0,
                 gan_mode="vanilla", lambda_l1=10.0, lr=2e-4, betas=BETAS, device=None, amp=True):
        check_gan_mode(gan_mode)
        if diversity not in (None, *DIVERSITY_TERMS):
            raise CourseError(f"unknown diversity term {diversity!r}: choose None, 'ds' (DSGAN) or 'ms' (MSGAN)")
        super().__init__(generator, discriminator, gan_mode, lambda_l1, lr, betas, device, amp)
        self.nz, self.diversity, self.diversity_weight, self.tau = nz, diversity, diversity_weight, tau

    def step(self, real_A, real_B):
        """One D step, then one G step; returns {"loss": G's total, "d", "g_gan", "g_l1"[, "g_div", "ratio"]}."""
        if self.diversity:  # each input twice: two codes, two samples
            real_A, real_B = real_A.repeat(2, 1, 1, 1), real_B.repeat(2, 1, 1, 1)
        z = torch.randn(len(real_A), self.nz, device=self.device)
        with self.autocast():
            fake_B = self.generator(real_A, z)
        d_loss = self.backward_D(real_A, real_B, fake_B)
        losses = self.backward_G(real_A, real_B, fake_B, z)
        return {"d": d_loss.detach(), **{name: value.detach() for name, value in losses.items()}}

    def backward_G(self, real_A, real_B, fake_B, z):
        with self.frozen(self.discriminator), self.autocast():
            g_gan = generator_loss(self.discriminator(torch.cat([real_A, fake_B], 1)), self.gan_mode)
        fake_B = fake_B.float()
        g_l1 = l1_loss(fake_B, real_B)  # |G(A, z) - B|
        loss = g_gan.float() + self.lambda_l1 * g_l1  # gan(D(A, G(A, z)), real) + lambda_L1 |G(A, z) - B|
        losses = {"g_gan": g_gan, "g_l1": g_l1}
        if self.diversity:
            (fake_1, fake_2), (z_1, z_2) = fake_B.chunk(2), z.chunk(2)
            if self.diversity == "ds":
                g_div = ds_loss(fake_1, fake_2, z_1, z_2, self.tau)  # -min(|G(A,z1) - G(A,z2)| / |z1 - z2|, tau)
            else:
                g_div = ms_loss(fake_1, fake_2, z_1, z_2)  # 1 / (|G(A,z1) - G(A,z2)| / |z1 - z2| + eps)
            loss = loss + self.diversity_weight * g_div
            losses.update(g_div=g_div, ratio=latent_ratio(fake_1, fake_2, z_1, z_2).mean())
        self.update(loss, self.opt_g)
        return {"loss": loss, **losses}

    def generate(self, x, z=None):
        """G(x, z): z (N, nz) gives one sample per input, z (N, k, nz) k of them, (N, k, C, H, W)."""
        return generate_with_codes(self.generator, x, z)

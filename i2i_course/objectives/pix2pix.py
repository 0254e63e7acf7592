"""The pix2pix objective: a conditional GAN plus lambda * L1, trained D step first, then G step.

In the reference's words: real_A is the input x, real_B the target y, fake_B = G(real_A). D is conditional:
it sees the input stacked with an output on the channels, so it judges whether the output fits *this* input.

    backward_D:  0.5 * [ gan(D(real_A, fake_B), fake) + gan(D(real_A, real_B), real) ]   halved: D learns slower
    backward_G:  gan(D(real_A, fake_B), real) + lambda_L1 * |fake_B - real_B|           D frozen: it only judges

`gan` is the GAN loss of `adversarial` ("vanilla": binary cross-entropy on logits, G's term non-saturating).
Adam 2e-4, betas (0.5, 0.999), lambda_L1 100, as in the paper. For L1 alone (no D) use `Regression`.
"""

import torch

from i2i_course.adversarial import check_gan_mode, discriminator_loss, generator_loss
from i2i_course.losses import l1_loss
from i2i_course.objectives.base import BETAS, Objective, adam


class Pix2Pix(Objective):
    """Generator G (A -> B), conditional discriminator D ((A, B) -> logits), their optimisers.

    Images are (N, C, H, W) in [-1, 1]; D's in_channels must be A's channels + B's channels.
    gan_mode: "vanilla", "lsgan" or "hinge". amp: mixed precision (float16) on CUDA.
    """

    def __init__(self, generator, discriminator, gan_mode="vanilla", lambda_l1=100.0, lr=2e-4, betas=BETAS,
                 device=None, amp=True):
        super().__init__(device, amp)
        check_gan_mode(gan_mode)  # an unknown mode fails here, not at step 1
        self.generator, self.discriminator = generator.to(self.device), discriminator.to(self.device)
        self.gan_mode, self.lambda_l1 = gan_mode, lambda_l1
        self.opt_g, self.opt_d = adam(generator, lr, betas), adam(discriminator, lr, betas)

    def step(self, real_A, real_B):
        """One D step, then one G step; returns {"loss": G's total, "d", "g_gan", "g_l1"} (0-dim tensors)."""
        with self.autocast():
            fake_B = self.generator(real_A)
        d_loss = self.backward_D(real_A, real_B, fake_B)
        g_loss, g_gan, g_l1 = self.backward_G(real_A, real_B, fake_B)
        return {"loss": g_loss.detach(), "d": d_loss.detach(), "g_gan": g_gan.detach(), "g_l1": g_l1.detach()}

    def backward_D(self, real_A, real_B, fake_B):
        """D learns: fake pairs -> "fake", real pairs -> "real" (fake first, as the reference); G untouched."""
        with self.autocast():
            pred_fake = self.discriminator(torch.cat([real_A, fake_B.detach()], 1))
            pred_real = self.discriminator(torch.cat([real_A, real_B], 1))
            loss = 0.5 * discriminator_loss(pred_real, pred_fake, self.gan_mode)  # 0.5 [gan(real) + gan(fake)]
        self.update(loss, self.opt_d)
        return loss

    def backward_G(self, real_A, real_B, fake_B):
        """G learns to fool the just-updated D and to stay close to real_B; D is frozen meanwhile."""
        with self.frozen(self.discriminator), self.autocast():
            g_gan = generator_loss(self.discriminator(torch.cat([real_A, fake_B], 1)), self.gan_mode)
        g_l1 = l1_loss(fake_B.float(), real_B)  # |G(A) - B|, in float32
        loss = g_gan.float() + self.lambda_l1 * g_l1  # gan(D(A, G(A)), real) + lambda_L1 |G(A) - B|
        self.update(loss, self.opt_g)
        return loss, g_gan, g_l1

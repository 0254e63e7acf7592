"""The pix2pix objective: a conditional GAN plus lambda * L1, trained D step first, then G step.

    D:  0.5 * [ gan(D(x, y), real) + gan(D(x, G(x)), fake) ]       halved, so D learns slower than G
    G:  gan(D(x, G(x)), real)  +  lambda_l1 * |G(x) - y|             non-saturating GAN loss + L1

D is conditional: it sees the input x and an output (real y or fake G(x)) stacked on the channels, so
it can judge whether the output fits *this* input, not just whether it looks real. With no D at all,
the objective is L1 alone: the lesson's baseline. Adam 2e-4, betas (0.5, 0.999), as in the paper.

Every GAN objective of the course has this shape: nets and optimisers in `__init__`, one `step(x, y)`
that returns its losses as floats, and `train(...)` handing that step to `training.run_steps`.
"""

import torch

from i2i_course.adversarial import check_gan_mode, discriminator_loss, generator_loss
from i2i_course.losses import l1_loss
from i2i_course.runtime import autocast, pick_device
from i2i_course.training import run_steps


class Pix2Pix:
    """Generator G (x -> y), optional conditional discriminator D ((x, y) -> logits), their optimisers.

    x, y are (N, C, H, W) in [-1, 1]; D's in_channels must be x's channels + y's channels.
    discriminator None: L1 only (the baseline). gan_mode: "vanilla", "lsgan" or "hinge".
    amp: mixed precision (float16) on CUDA; False keeps float32 (e.g. to benchmark against).
    """

    def __init__(self, generator, discriminator=None, gan_mode="vanilla", lambda_l1=100.0, lr=2e-4,
                 betas=(0.5, 0.999), device=None, amp=True):
        self.device = pick_device(device)
        self.amp = amp
        self.generator, self.discriminator = generator.to(self.device), discriminator
        self.gan_mode, self.lambda_l1 = gan_mode, lambda_l1
        check_gan_mode(gan_mode)  # an unknown mode fails here, not at step 1
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas)
        if discriminator is not None:
            discriminator.to(self.device)
            self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=betas)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=amp and self.device.type == "cuda")

    def nets(self):
        return [net for net in (self.generator, self.discriminator) if net is not None]

    def step(self, x, y):
        """One D step, then one G step, on a batch; returns {"loss": G's total, "g_l1", ["g_gan", "d"]}."""
        with autocast(self.device, self.amp):
            fake = self.generator(x)
        losses = {}
        if self.discriminator is not None:
            with autocast(self.device, self.amp):  # D step: real pairs -> real, fake pairs -> fake (G not updated)
                real_logits = self.discriminator(torch.cat([x, y], 1))
                fake_logits = self.discriminator(torch.cat([x, fake.detach()], 1))
                d_loss = 0.5 * discriminator_loss(real_logits, fake_logits, self.gan_mode)
            self.opt_d.zero_grad(set_to_none=True)
            self.scaler.scale(d_loss).backward()
            self.scaler.step(self.opt_d)
            losses["d"] = d_loss.item()
        with autocast(self.device, self.amp):  # G step: fool the (just updated) D, and stay close to y
            g_l1 = l1_loss(fake.float(), y)
            g_loss = self.lambda_l1 * g_l1
            if self.discriminator is not None:
                self.discriminator.requires_grad_(False)  # D is only a judge here: no gradients for it
                g_gan = generator_loss(self.discriminator(torch.cat([x, fake], 1)), self.gan_mode)
                self.discriminator.requires_grad_(True)
                g_loss = g_loss + g_gan
                losses["g_gan"] = g_gan.item()
        self.opt_g.zero_grad(set_to_none=True)
        self.scaler.scale(g_loss).backward()
        self.scaler.step(self.opt_g)
        self.scaler.update()
        return {"loss": g_loss.item(), "g_l1": g_l1.item(), **losses}

    def train(self, batches, steps, progress=True, callback=None, desc="pix2pix"):
        """`steps` steps on `batches` of (x, y); returns the `History` (G's total loss per step, and
        every term in `history.parts`). The nets are left in eval mode."""
        for net in self.nets():
            net.train()
        try:
            return run_steps(self.step, batches, steps, self.device, progress, callback, desc)
        finally:
            for net in self.nets():
                net.eval()

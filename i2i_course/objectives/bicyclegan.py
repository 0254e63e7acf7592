"""BicycleGAN (Zhu et al. 2017): an encoder E ties the code z to the output, both ways round (lesson 05).

Each batch is split in halves. On the first ("encoded") half it is a conditional VAE-GAN: E reads the real
target and gives a Gaussian over codes, G must rebuild the target from a code drawn from it; on the second
("random") half's discriminator it is a conditional latent-regressor GAN: a code drawn from N(0, I) must give
an output D2 takes for real and from which E reads the same code back. In the reference's words:

    mu, logvar = E(real_B_encoded);  z_encoded = mu + exp(logvar / 2) * eps     the reparameterisation trick
    fake_B_encoded = G(real_A_encoded, z_encoded)      fake_B_random = G(real_A_encoded, z_random)

    backward_D:   gan(D(A, real_B_encoded), real) + gan(D(A, fake_B_encoded), fake)        not halved
                  gan(D2(real_A_random, real_B_random), real) + gan(D2(A, fake_B_random), fake)
    backward_EG:  gan(D(A, fake_B_encoded), real) + gan(D2(A, fake_B_random), real)
                  + lambda_L1 |fake_B_encoded - real_B_encoded|                           cVAE-GAN: rebuild y
                  + lambda_kl KL(N(mu, sigma^2) || N(0, I))                               codes near N(0, I)
    backward_G_alone:  lambda_z |E(fake_B_random).mu - z_random|                          cLR-GAN: z readable

(A = real_A_encoded.) nz 8, lambda_L1 10, lambda_kl 0.01, lambda_z 0.5, as the paper. The latent
regression trains G alone: if it trained E too, E could make the code easy to read back by ignoring the image
and G would learn nothing; with E held fixed, G must put z into the picture where E looks. Here E is frozen
while it reads fake_B_random, so that term's gradient reaches G through E's input but changes none of E's
weights; G and E then step once on the sum. One Adam over G and E stands for the reference's two: Adam works
per parameter, so with the same settings it is the same update.

The KL term is summed over the code's dimensions and averaged over the batch: the reference sums it over the
batch too, so its weight there grows with the batch size.
"""

import torch
from torch import nn

from i2i_course.adversarial import check_gan_mode, discriminator_loss, generator_loss
from i2i_course.losses import l1_loss
from i2i_course.objectives.base import BETAS, Objective, adam
from i2i_course.objectives.pix2pix_z import generate_with_codes


def reparameterize(mu, logvar, eps):
    """A code drawn from N(mu, exp(logvar)) as a differentiable function of mu and logvar: mu + sigma * eps,
    sigma = exp(logvar / 2), eps ~ N(0, I) given. All (N, nz)."""
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    """KL(N(mu, sigma^2) || N(0, I)) per sample, summed over the code, averaged over the batch (0-dim):
    -1/2 sum(1 + logvar - mu^2 - exp(logvar))."""
    return (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)).mean()


class BicycleGAN(Objective):
    """G (x, z -> y), E (y -> mu, logvar), D and D2 (conditional: (x, y) -> logits), their optimisers.

    Images are (N, C, H, W) in [-1, 1] with N even (the halves); D's in_channels are A's + B's channels.
    """

    def __init__(self, generator, encoder, discriminator, discriminator2, nz=8, lambda_l1=10.0, lambda_kl=0.01,
                 lambda_z=0.5, gan_mode="vanilla", lr=2e-4, betas=BETAS, device=None, amp=True):
        super().__init__(device, amp)
        check_gan_mode(gan_mode)
        self.generator, self.encoder = generator.to(self.device), encoder.to(self.device)
        self.discriminator, self.discriminator2 = discriminator.to(self.device), discriminator2.to(self.device)
        self.nz, self.gan_mode = nz, gan_mode
        self.lambda_l1, self.lambda_kl, self.lambda_z = lambda_l1, lambda_kl, lambda_z
        self.opt_ge = adam(nn.ModuleList([generator, encoder]), lr, betas)  # G and E step together
        self.opt_d, self.opt_d2 = adam(discriminator, lr, betas), adam(discriminator2, lr, betas)

    def step(self, real_A, real_B):
        """D and D2 steps, then one G and E step; returns {"loss": G's total, "d", "d2", "g_gan", "g_gan2",
        "g_l1", "kl", "z_l1"} (0-dim tensors)."""
        half = len(real_A) // 2
        real_A_encoded, real_A_random = real_A[:half], real_A[half:2 * half]
        real_B_encoded, real_B_random = real_B[:half], real_B[half:2 * half]
        with self.autocast():
            mu, logvar = self.encoder(real_B_encoded)
            z_encoded = reparameterize(mu, logvar, torch.randn_like(mu))
            z_random = torch.randn(half, self.nz, device=self.device)
            fake_B_encoded = self.generator(real_A_encoded, z_encoded)
            fake_B_random = self.generator(real_A_encoded, z_random)
        d = self.backward_D(self.discriminator, self.opt_d, real_A_encoded, real_B_encoded, fake_B_encoded)
        d2 = self.backward_D(self.discriminator2, self.opt_d2, real_A_random, real_B_random, fake_B_random,
                             fake_A=real_A_encoded)
        losses = self.backward_EG(real_A_encoded, real_B_encoded, fake_B_encoded, fake_B_random, z_random, mu,
                                  logvar)
        return {"d": d.detach(), "d2": d2.detach(), **{name: value.detach() for name, value in losses.items()}}

    def backward_D(self, net, optimizer, real_A, real_B, fake_B, fake_A=None):
        """One discriminator learns: (real_A, real_B) -> real, (fake_A, fake_B) -> fake (fake_A: the inputs
        fake_B was drawn for, real_A when None). Not halved, as the reference's BicycleGAN."""
        fake_A = real_A if fake_A is None else fake_A
        with self.autocast():
            pred_fake = net(torch.cat([fake_A, fake_B.detach()], 1))
            pred_real = net(torch.cat([real_A, real_B], 1))
            loss = discriminator_loss(pred_real, pred_fake, self.gan_mode)  # gan(real) + gan(fake)
        self.update(loss, optimizer)
        return loss

    def backward_EG(self, real_A, real_B, fake_B_encoded, fake_B_random, z_random, mu, logvar):
        with self.frozen(self.discriminator, self.discriminator2), self.autocast():
            g_gan = generator_loss(self.discriminator(torch.cat([real_A, fake_B_encoded], 1)), self.gan_mode)
            g_gan2 = generator_loss(self.discriminator2(torch.cat([real_A, fake_B_random], 1)), self.gan_mode)
        with self.frozen(self.encoder), self.autocast():  # backward_G_alone: E reads, only G learns from it
            mu_random, _ = self.encoder(fake_B_random)
        g_l1 = l1_loss(fake_B_encoded.float(), real_B)  # |G(A, E(B)) - B|
        kl = kl_divergence(mu.float(), logvar.float())  # KL(N(mu, sigma^2) || N(0, I)), per sample, batch mean
        z_l1 = l1_loss(mu_random.float(), z_random)  # |E(G(A, z)) - z|
        loss = (g_gan.float() + g_gan2.float() + self.lambda_l1 * g_l1 + self.lambda_kl * kl
                + self.lambda_z * z_l1)
        self.update(loss, self.opt_ge)
        return {"loss": loss, "g_gan": g_gan, "g_gan2": g_gan2, "g_l1": g_l1, "kl": kl, "z_l1": z_l1}

    def generate(self, x, z=None):
        """G(x, z): z (N, nz) gives one sample per input, z (N, k, nz) k of them, (N, k, C, H, W)."""
        return generate_with_codes(self.generator, x, z)

    @torch.no_grad()
    def encode(self, y, batch_size=64):
        """E's mean code for each target, (N, nz) on the CPU, in eval mode: `translate(x, z=encode(y))` draws
        G's version of y's mode."""
        for net in self.nets().values():
            net.eval()
        return torch.cat([self.encoder(y[start:start + batch_size].to(self.device))[0].float().cpu()
                          for start in range(0, len(y), batch_size)])

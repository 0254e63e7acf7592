"""The CycleGAN objective: two generators, two unconditional discriminators, no pairs; G step first, then D.

G maps domain A to B, F maps B to A; D_A judges A images (real_A against F's fakes), D_B judges B images
(real_B against G's fakes). A discriminator sees one image, never a pair: there are no pairs. In the
reference's words: fake_B = G(real_A), rec_A = F(fake_B), fake_A = F(real_B), rec_B = G(fake_A).

    backward_G (D_A, D_B frozen: they only judge here)
        gan(D_B(fake_B), real) + gan(D_A(fake_A), real)                 look like the other domain
      + lambda_A |rec_A - real_A| + lambda_B |rec_B - real_B|           the cycle: F(G(a)) ~ a, G(F(b)) ~ b
      + lambda_idt (lambda_B |G(real_B) - real_B| + lambda_A |F(real_A) - real_A|)    identity (optional)
    backward_D (on fakes from the image pools, detached)
        0.5 [gan(D_A(real_A), real) + gan(D_A(pool_A(fake_A)), fake)]   halved: D learns slower
      + 0.5 [gan(D_B(real_B), real) + gan(D_B(pool_B(fake_B)), fake)]

`gan` is LSGAN by default (least squares: (D - 1)^2 for "real", D^2 for "fake"), lambda_A = lambda_B = 10,
lambda_idt = 0.5, pools of 50, Adam 2e-4 with betas (0.5, 0.999), one optimiser for both generators and one
for both discriminators, as in the reference. Its names differ: its netG_A is G, netG_B is F, and its netD_A
is our D_B (it judges G's outputs, B images), its netD_B our D_A.

Inputs are (N, C, H, W) images in [-1, 1], or (N, D) points (lesson 04's 2-D mixtures): nothing here depends
on the shape. The identity terms need A and B of the same shape (G is fed B images).
"""

import itertools

import torch

from i2i_course.adversarial import check_gan_mode, discriminator_loss, generator_loss
from i2i_course.errors import CourseError
from i2i_course.image_pool import POOL_SIZE, ImagePool
from i2i_course.losses import l1_loss
from i2i_course.objectives.base import BETAS, Objective

LAMBDA_CYC = 10.0  # the reference's lambda_A = lambda_B
LAMBDA_IDT = 0.5  # the reference's lambda_identity: a share of lambda_A / lambda_B
DIRECTIONS = ("AtoB", "BtoA")


class CycleGAN(Objective):
    """G (A -> B), F (B -> A), D_A, D_B, their two optimisers and two image pools (see the module's docstring).

    lambda_cyc: the cycle weight of each direction (lambda_A = lambda_B), 0 for a GAN alone; lambda_idt: the
    identity weight as a share of it (0: off); pool_size: 0 turns the pools off; seed: the pools' coin flips.
    """

    def __init__(self, G, F, D_A, D_B, gan_mode="lsgan", lambda_cyc=LAMBDA_CYC, lambda_idt=LAMBDA_IDT,
                 pool_size=POOL_SIZE, lr=2e-4, betas=BETAS, seed=0, device=None, amp=True):
        super().__init__(device, amp)
        check_gan_mode(gan_mode)
        if lambda_cyc < 0 or lambda_idt < 0:
            raise CourseError(f"lambda_cyc and lambda_idt must be 0 or more, got {lambda_cyc} and {lambda_idt}")
        self.G, self.F = G.to(self.device), F.to(self.device)
        self.D_A, self.D_B = D_A.to(self.device), D_B.to(self.device)
        self.gan_mode, self.lambda_A, self.lambda_B, self.lambda_idt = gan_mode, lambda_cyc, lambda_cyc, lambda_idt
        self.opt_G = torch.optim.Adam(itertools.chain(self.G.parameters(), self.F.parameters()), lr=lr, betas=betas)
        self.opt_D = torch.optim.Adam(itertools.chain(self.D_A.parameters(), self.D_B.parameters()), lr=lr,
                                      betas=betas)
        pool_generator = torch.Generator().manual_seed(seed)  # one stream for both pools, drawn in a fixed order
        self.pool_A = ImagePool(pool_size, generator=pool_generator)  # past fake_A, for D_A
        self.pool_B = ImagePool(pool_size, generator=pool_generator)  # past fake_B, for D_B

    def step(self, real_A, real_B):
        """One G step (both generators), then one D step (both discriminators); returns {"loss": G's total,
        "gan_G", "gan_F", "cycle_A", "cycle_B", "idt_G", "idt_F", "d_A", "d_B"} (0-dim tensors, weighted as
        they enter the totals)."""
        with self.autocast():
            fake_B = self.G(real_A)  # G(a)
            rec_A = self.F(fake_B)  # F(G(a)): should give a back
            fake_A = self.F(real_B)  # F(b)
            rec_B = self.G(fake_A)  # G(F(b)): should give b back
        g_terms = self.backward_G(real_A, real_B, fake_A, fake_B, rec_A, rec_B)
        d_terms = self.backward_D(real_A, real_B, fake_A, fake_B)
        return {key: value.detach() for key, value in {**g_terms, **d_terms}.items()}

    def backward_G(self, real_A, real_B, fake_A, fake_B, rec_A, rec_B):
        """Both generators learn: fool the (frozen) discriminators, come back round the cycle, and (identity)
        leave an image of their target domain alone."""
        with self.frozen(self.D_A, self.D_B), self.autocast():
            gan_G = generator_loss(self.D_B(fake_B), self.gan_mode).float()  # gan(D_B(G(a)), real)
            gan_F = generator_loss(self.D_A(fake_A), self.gan_mode).float()  # gan(D_A(F(b)), real)
        cycle_A = self.lambda_A * l1_loss(rec_A.float(), real_A)  # lambda_A |F(G(a)) - a|
        cycle_B = self.lambda_B * l1_loss(rec_B.float(), real_B)  # lambda_B |G(F(b)) - b|
        zero = torch.zeros((), device=self.device)
        idt_G = idt_F = zero
        if self.lambda_idt > 0:
            with self.autocast():
                same_B, same_A = self.G(real_B), self.F(real_A)
            idt_G = self.lambda_B * self.lambda_idt * l1_loss(same_B.float(), real_B)  # lambda_B lambda_idt |G(b) - b|
            idt_F = self.lambda_A * self.lambda_idt * l1_loss(same_A.float(), real_A)  # lambda_A lambda_idt |F(a) - a|
        loss = gan_G + gan_F + cycle_A + cycle_B + idt_G + idt_F
        self.update(loss, self.opt_G)
        return {"loss": loss, "gan_G": gan_G, "gan_F": gan_F, "cycle_A": cycle_A, "cycle_B": cycle_B,
                "idt_G": idt_G, "idt_F": idt_F}

    def backward_D(self, real_A, real_B, fake_A, fake_B):
        """Both discriminators learn, each on real images of its domain and on fakes from its pool (detached:
        this step does not train the generators); each loss halved."""
        fake_A, fake_B = self.pool_A.query(fake_A.detach()), self.pool_B.query(fake_B.detach())
        with self.autocast():
            # 0.5 [gan(D(real), real) + gan(D(pool(fake)), fake)], for each discriminator
            d_A = 0.5 * discriminator_loss(self.D_A(real_A), self.D_A(fake_A), self.gan_mode).float()
            d_B = 0.5 * discriminator_loss(self.D_B(real_B), self.D_B(fake_B), self.gan_mode).float()
        self.update(d_A + d_B, self.opt_D)  # separate nets: one step on the sum is a step on each
        return {"d_A": d_A, "d_B": d_B}

    def generate(self, x, direction="AtoB"):
        """G(x) for direction "AtoB", F(x) for "BtoA"."""
        if direction not in DIRECTIONS:
            raise CourseError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
        return self.G(x) if direction == "AtoB" else self.F(x)

    @torch.no_grad()
    def score(self, images, domain):
        """The discriminator of `domain` ("A" or "B") on `images`: its mean output per image, (N,), in eval mode.
        Under LSGAN 1 means "real", 0 "fake"."""
        if domain not in ("A", "B"):
            raise CourseError(f"domain must be 'A' or 'B', got {domain!r}")
        net = self.D_A if domain == "A" else self.D_B
        was_training = net.training
        net.eval()
        scores = net(images.to(self.device)).float()
        net.train(was_training)  # leave it as it was: a score in the middle of training must not change it
        return scores.reshape(len(images), -1).mean(1).cpu()

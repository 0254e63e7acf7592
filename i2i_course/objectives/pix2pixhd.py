"""pix2pixHD's objective: a conditional multi-scale GAN plus feature matching (SPADE trains the same way).

D is a `MultiscaleDiscriminator` on the label map stacked with an image; at each scale it returns its
intermediate features and its logits. G learns to fool every scale, and to make D's features of its fakes
match D's features of the real photo (feature matching: a per-layer L1 in D's feature space, which steadies
training and asks for the real photo's statistics at several scales):

    backward_D:  0.5 * sum_scales [ gan(D_s(A, real_B), real) + gan(D_s(A, fake_B), fake) ]
    backward_G:  sum_scales gan(D_s(A, fake_B), real) + L_FM + lambda_L1 |fake_B - real_B|
    L_FM = sum_s sum_i w_i * lambda_feat * |D_s^(i)(A, fake_B) - D_s^(i)(A, real_B)|     (mean over each map)

pix2pixHD weights each of the T = n_layers + 1 feature maps w_i = 4 / T / num_D; SPADE uses w_i = 1 / num_D.
lambda_feat = 10 in both. pix2pixHD uses LSGAN and Adam (2e-4, betas (0.5, 0.999)); SPADE hinge and TTUR
(G 1e-4, D 4e-4, betas (0, 0.9)). Neither uses L1: pix2pixHD adds a VGG perceptual loss, whose pretrained
weights the course cannot download, and the course's `lambda_l1` (default 0: the paper's) stands in for it.
"""

import torch

from i2i_course.adversarial import check_gan_mode, discriminator_loss, generator_loss
from i2i_course.errors import CourseError
from i2i_course.losses import l1_loss
from i2i_course.objectives.base import BETAS, Objective, adam

WEIGHTINGS = ("pix2pixhd", "spade")
LAMBDA_FEAT = 10.0


def feature_matching_loss(fake_outputs, real_outputs, lambda_feat=LAMBDA_FEAT, weighting="pix2pixhd"):
    """L_FM between a multi-scale D's outputs on fakes and on reals ([[features..., logits] per scale]).

    Every feature map but the logits counts, as an L1 mean; the real features are targets (detached).
    weighting "pix2pixhd": each map lambda_feat * 4 / T / num_D (T maps per scale); "spade": lambda_feat / num_D.
    """
    if weighting not in WEIGHTINGS:
        raise CourseError(f"unknown feature-matching weighting {weighting!r}: choose 'pix2pixhd' or 'spade'")
    num_d = len(fake_outputs)
    loss = torch.zeros((), device=fake_outputs[0][0].device)
    for fake_scale, real_scale in zip(fake_outputs, real_outputs):
        maps = len(fake_scale) - 1  # the features; the last output is the logits
        weight = lambda_feat / num_d * (4.0 / maps if weighting == "pix2pixhd" else 1.0)
        for fake, real in zip(fake_scale[:-1], real_scale[:-1]):
            loss = loss + weight * l1_loss(fake.float(), real.detach().float())  # w |D_i(fake) - D_i(real)|
    return loss


class Pix2PixHD(Objective):
    """Generator G (label map -> photo), multi-scale conditional D, their optimisers (see the module's docstring).

    D's in_channels = label channels + image channels. gan_mode "lsgan" (pix2pixHD) or "hinge" (SPADE).
    """

    def __init__(self, generator, discriminator, gan_mode="lsgan", lambda_feat=LAMBDA_FEAT, weighting="pix2pixhd",
                 lambda_l1=0.0, lr=2e-4, betas=BETAS, device=None, amp=True):
        super().__init__(device, amp)
        check_gan_mode(gan_mode)
        if weighting not in WEIGHTINGS:
            raise CourseError(f"unknown feature-matching weighting {weighting!r}: choose 'pix2pixhd' or 'spade'")
        self.generator, self.discriminator = generator.to(self.device), discriminator.to(self.device)
        self.gan_mode, self.lambda_feat, self.weighting, self.lambda_l1 = gan_mode, lambda_feat, weighting, lambda_l1
        self.opt_g, self.opt_d = adam(generator, lr, betas), adam(discriminator, lr, betas)

    def step(self, real_A, real_B):
        """One D step, then one G step; {"loss": G's total, "d", "g_gan", "g_feat", "g_l1"} (0-dim tensors)."""
        with self.autocast():
            fake_B = self.generator(real_A)
        d_loss, pred_real = self.backward_D(real_A, real_B, fake_B)
        g_loss, g_gan, g_feat, g_l1 = self.backward_G(real_A, real_B, fake_B, pred_real)
        return {"loss": g_loss.detach(), "d": d_loss.detach(), "g_gan": g_gan.detach(), "g_feat": g_feat.detach(),
                "g_l1": g_l1.detach()}

    def backward_D(self, real_A, real_B, fake_B):
        """D learns at every scale: fakes -> "fake", reals -> "real"; returns its loss and its (detached) outputs
        on the real pair, the feature-matching targets."""
        with self.autocast():
            pred_fake = self.discriminator(torch.cat([real_A, fake_B.detach()], 1))
            pred_real = self.discriminator(torch.cat([real_A, real_B], 1))
            loss = 0.5 * sum(discriminator_loss(real[-1], fake[-1], self.gan_mode)  # 0.5 sum_s [gan(real) + gan(fake)]
                             for real, fake in zip(pred_real, pred_fake))
        self.update(loss, self.opt_d)
        return loss, [[output.detach() for output in scale] for scale in pred_real]

    def backward_G(self, real_A, real_B, fake_B, pred_real):
        """G fools every scale of the (frozen) D and matches D's features of the real photo."""
        with self.frozen(self.discriminator), self.autocast():
            pred_fake = self.discriminator(torch.cat([real_A, fake_B], 1))
            g_gan = sum(generator_loss(scale[-1], self.gan_mode) for scale in pred_fake)  # sum_s gan(D_s(fake), real)
        g_feat = feature_matching_loss(pred_fake, pred_real, self.lambda_feat, self.weighting)  # L_FM
        g_l1 = l1_loss(fake_B.float(), real_B)  # |G(A) - B|
        loss = g_gan.float() + g_feat + self.lambda_l1 * g_l1
        self.update(loss, self.opt_g)
        return loss, g_gan, g_feat, g_l1

import math

import pytest
import torch
import torch.nn.functional as F

from i2i_course import CourseError
from i2i_course.adversarial import GAN_MODES, discriminator_loss, generator_loss


def softplus(z):
    return math.log(1 + math.exp(z))


def test_vanilla_at_zero_logits_is_log_2_per_term():
    zeros = torch.zeros(2, 1, 3, 3)  # D undecided on every patch: probability 1/2
    assert discriminator_loss(zeros, zeros, "vanilla").item() == pytest.approx(2 * math.log(2))
    assert generator_loss(zeros, "vanilla").item() == pytest.approx(math.log(2))


def test_vanilla_on_hand_picked_logits():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([-3.0, 0.5])
    # BCE(z, 1) = log(1 + e^-z), BCE(z, 0) = log(1 + e^z), each averaged over the logits
    d = (softplus(-2) + softplus(1)) / 2 + (softplus(-3) + softplus(0.5)) / 2
    g = (softplus(3) + softplus(-0.5)) / 2
    assert discriminator_loss(real, fake, "vanilla").item() == pytest.approx(d)
    assert generator_loss(fake, "vanilla").item() == pytest.approx(g)


def test_lsgan_on_hand_picked_logits():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, 2.0])
    assert discriminator_loss(real, fake, "lsgan").item() == pytest.approx((0 + 4) / 2 + (0 + 4) / 2)
    assert generator_loss(fake, "lsgan").item() == pytest.approx((1 + 1) / 2)
    assert generator_loss(torch.ones(4), "lsgan").item() == 0  # taken for real: nothing to gain


def test_hinge_on_hand_picked_logits():
    real, fake = torch.tensor([2.0, 0.5, -1.0]), torch.tensor([-2.0, 0.0, 1.0])
    # relu(1 - real) = 0, 0.5, 2; relu(1 + fake) = 0, 1, 2
    assert discriminator_loss(real, fake, "hinge").item() == pytest.approx(2.5 / 3 + 3 / 3)
    assert generator_loss(fake, "hinge").item() == pytest.approx(1 / 3)  # -mean(fake)
    # beyond the margin D is satisfied: confident logits cost nothing
    assert discriminator_loss(torch.tensor([5.0]), torch.tensor([-5.0]), "hinge").item() == 0


@pytest.mark.parametrize("mode", GAN_MODES)
def test_every_patch_counts_equally(mode):
    real = torch.randn(2, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    fake = torch.randn(2, 1, 4, 4, generator=torch.Generator().manual_seed(1))
    per_patch = torch.stack([discriminator_loss(r, f, mode) for r, f in zip(real.flatten(), fake.flatten())])
    assert discriminator_loss(real, fake, mode).item() == pytest.approx(per_patch.mean().item(), rel=1e-5)
    per_patch = torch.stack([generator_loss(f, mode) for f in fake.flatten()])
    assert generator_loss(fake, mode).item() == pytest.approx(per_patch.mean().item(), rel=1e-5)
    assert discriminator_loss(real, fake, mode).dim() == 0 and generator_loss(fake, mode).dim() == 0


def test_vanilla_generator_loss_is_non_saturating():
    # D rejects the fakes with confidence (logit -10, probability 4.5e-5), as early in training
    fake = torch.full((4,), -10.0, requires_grad=True)
    (ours,) = torch.autograd.grad(generator_loss(fake, "vanilla"), fake)
    saturating = -F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))  # min log(1 - D(G(x)))
    (theirs,) = torch.autograd.grad(saturating, fake)
    # both push the logits up; the non-saturating one with full strength, the saturating one barely
    assert torch.allclose(ours, torch.full((4,), -torch.sigmoid(torch.tensor(10.0)).item() / 4))
    assert torch.allclose(theirs, torch.full((4,), -torch.sigmoid(torch.tensor(-10.0)).item() / 4))
    assert ours.abs().min() > 1e4 * theirs.abs().max()


def test_unknown_mode_lists_the_modes():
    for call in (lambda: discriminator_loss(torch.zeros(1), torch.zeros(1), "wgan"),
                 lambda: generator_loss(torch.zeros(1), "wgan")):
        with pytest.raises(CourseError, match="'wgan'.*'vanilla', 'lsgan', 'hinge'"):
            call()

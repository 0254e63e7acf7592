import pytest
import torch

from i2i_course import CourseError
from i2i_course.losses import l1_loss, l2_loss, pixel_loss


def test_known_values():
    pred = torch.tensor([0.0, 0.5, -1.0, 1.0]).view(1, 1, 2, 2)
    target = torch.tensor([1.0, 0.5, 0.0, -1.0]).view(1, 1, 2, 2)
    assert l1_loss(pred, target).item() == pytest.approx((1 + 0 + 1 + 2) / 4)
    assert l2_loss(pred, target).item() == pytest.approx((1 + 0 + 1 + 4) / 4)
    assert pixel_loss("mix", 0.25)(pred, target).item() == pytest.approx(0.25 * 1.0 + 0.75 * 1.5)


def test_names_and_bad_names():
    assert pixel_loss("L1") is l1_loss and pixel_loss("l2") is l2_loss
    with pytest.raises(CourseError, match="'l1', 'l2' or 'mix'"):
        pixel_loss("huber")
    with pytest.raises(CourseError, match="l1_weight"):
        pixel_loss("mix", 1.5)


def test_gradients_l2_pulls_proportionally_l1_by_sign():
    pred = torch.tensor([0.0, 0.0]).requires_grad_()
    target = torch.tensor([0.1, 3.0])
    (g2,) = torch.autograd.grad(l2_loss(pred, target), pred)
    (g1,) = torch.autograd.grad(l1_loss(pred, target), pred)
    assert torch.allclose(g2, torch.tensor([-0.1, -3.0]))  # 2 (p - t) / n: an outlier pulls hard
    assert torch.allclose(g1, torch.tensor([-0.5, -0.5]))  # sign / n: every target pulls the same

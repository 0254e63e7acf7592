"""Per-pixel regression losses: predictions and targets are (N, C, H, W) in [-1, 1].

L2 (mean squared error) is minimised by the per-pixel *mean* of the plausible targets, L1 (mean absolute
error) by their per-pixel *median*. When the target is uncertain, the mean of several sharp answers is
a blurred, greyed one: that is lesson 01.
"""

from i2i_course.errors import CourseError


def l1_loss(pred, target):
    """Mean absolute error over every pixel and channel."""
    return (pred - target).abs().mean()


def l2_loss(pred, target):
    """Mean squared error over every pixel and channel."""
    return ((pred - target) ** 2).mean()


def pixel_loss(name, l1_weight=0.5):
    """The loss called "l1", "l2", or "mix" (l1_weight * L1 + (1 - l1_weight) * L2)."""
    key = name.lower()
    if key == "l1":
        return l1_loss
    if key == "l2":
        return l2_loss
    if key == "mix":
        if not 0.0 <= l1_weight <= 1.0:
            raise CourseError(f"l1_weight must be in [0, 1], got {l1_weight}")

        def mixed_loss(pred, target):
            return l1_weight * l1_loss(pred, target) + (1 - l1_weight) * l2_loss(pred, target)

        return mixed_loss
    raise CourseError(f"unknown loss {name!r}: choose 'l1', 'l2' or 'mix'")

import pytest
import torch

from i2i_course import CourseError
from i2i_course.data.facades import CLASSES, SyntheticFacades, image_to_labels, labels_to_image


def sample(n=32, size=32, seed=0):
    return SyntheticFacades(size).sample(n, torch.Generator().manual_seed(seed))


def test_shapes_ranges_and_label_codes():
    batch = sample(n=8, size=64)
    assert batch.x.shape == batch.y.shape == (8, 3, 64, 64) and batch.labels.shape == (8, 64, 64)
    assert batch.y.min() >= -1 and batch.y.max() <= 1
    assert torch.equal(image_to_labels(batch.x), batch.labels)  # the colour code round-trips
    assert torch.equal(labels_to_image(batch.labels), batch.x)


def test_every_class_appears_and_the_layout_is_a_building():
    batch = sample(n=64)
    share = torch.bincount(batch.labels.flatten(), minlength=len(CLASSES)).float() / batch.labels.numel()
    assert (share > 0.01).all(), dict(zip(CLASSES, share.tolist()))
    assert share[CLASSES.index("wall")] == share.max()
    top, bottom = batch.labels[:, 0], batch.labels[:, -1]
    assert (top == CLASSES.index("sky")).all()  # sky above the roof line
    assert not (bottom == CLASSES.index("sky")).any()
    door = CLASSES.index("door")
    assert all((labels == door).any() for labels in batch.labels)  # one door per building


def test_photo_colours_follow_the_labels():
    """Each class has its own look: a classifier on mean colour alone separates most classes."""
    batch = sample(n=64)
    means = torch.stack([batch.y.permute(0, 2, 3, 1)[batch.labels == k].mean(0) for k in range(len(CLASSES))])
    distances = torch.cdist(means, means) + torch.eye(len(CLASSES)) * 10
    assert distances.min() > 0.2


def test_seeded_and_varied():
    assert torch.equal(sample(seed=3).y, sample(seed=3).y)
    assert not torch.equal(sample(seed=3).y, sample(seed=4).y)


def test_too_small_is_refused():
    with pytest.raises(CourseError, match="at least 32x32"):
        SyntheticFacades(16)

import pytest
import torch

from i2i_course import CourseError
from i2i_course.data import AmbiguousDiscs
from i2i_course.data.ambiguous_discs import BACKGROUND, MAJOR_HUE, MINOR_HUE


def sample(n=2000, size=32, p_minor=0.3, seed=0):
    task = AmbiguousDiscs(size, p_minor)
    return task, task.sample(n, torch.Generator().manual_seed(seed))


def test_shapes_and_range():
    _, batch = sample(n=8, size=48)
    assert batch.x.shape == batch.y.shape == (8, 3, 48, 48)
    assert batch.x.min() >= -1 and batch.x.max() <= 1 and batch.y.min() >= -1 and batch.y.max() <= 1
    assert batch.center.shape == (8, 2) and batch.radius.shape == (8,)


def test_mode_frequencies_match_the_weights():
    _, batch = sample(n=4000)
    assert abs(batch.big.float().mean().item() - 0.7) < 0.03
    assert abs(batch.major_hue.float().mean().item() - 0.7) < 0.03
    # boundary and hue are drawn independently
    both = (batch.big & batch.major_hue).float().mean().item()
    assert abs(both - 0.49) < 0.03


def test_same_seed_same_batch_and_different_seed_differs():
    _, a = sample(n=16, seed=1)
    _, b = sample(n=16, seed=1)
    _, c = sample(n=16, seed=2)
    assert torch.equal(a.y, b.y) and not torch.equal(a.y, c.y)


def test_target_disc_sits_where_the_mode_says():
    task, batch = sample(n=64)
    size = task.image_size
    coords = torch.arange(size) + 0.5
    dist = torch.sqrt((coords.view(1, 1, -1) - batch.center[:, 0].view(-1, 1, 1)) ** 2
                      + (coords.view(1, -1, 1) - batch.center[:, 1].view(-1, 1, 1)) ** 2)
    painted = (batch.y - torch.tensor(BACKGROUND).view(1, 3, 1, 1)).abs().sum(1) > 1.0  # (N, H, W)
    area = painted.float().sum((1, 2))
    expected_radius = batch.radius + torch.where(batch.big, task.delta, -task.delta)
    assert torch.allclose(area, torch.pi * expected_radius**2, rtol=0.12)
    assert not painted[dist > expected_radius.view(-1, 1, 1) + 1].any()
    # the colour inside is the mode's hue
    inside = batch.y[torch.arange(64), :, batch.center[:, 1].long(), batch.center[:, 0].long()]
    hue = torch.where(batch.major_hue.view(-1, 1), torch.tensor(MAJOR_HUE), torch.tensor(MINOR_HUE))
    assert torch.allclose(inside, hue, atol=1e-5)


def test_without_ambiguity_the_target_is_determined():
    task, batch = sample(n=16, p_minor=0.0)
    assert batch.big.all() and batch.major_hue.all()
    assert torch.allclose(task.oracle(batch, "mean"), batch.y, atol=1e-6)
    assert torch.allclose(task.oracle(batch, "median"), batch.y, atol=1e-6)


def test_oracles_minimise_l2_and_l1_over_many_samples():
    """Mean and median are defined by what they minimise: check that per pixel, against 4001 draws."""
    task, batch = sample(n=4)
    generator = torch.Generator().manual_seed(5)
    draws = 4001
    big = torch.rand(draws, 4, generator=generator) >= task.p_minor
    hue = torch.rand(draws, 4, generator=generator) >= task.p_minor
    samples = torch.stack([task.target(batch.center, batch.radius, big[i], hue[i]) for i in range(draws)])
    mean, median = task.oracle(batch, "mean"), task.oracle(batch, "median")
    assert (mean - samples.mean(0)).abs().max() < 0.04
    l1_risk = lambda c: (samples - c).abs().mean(0)  # noqa: E731
    # the exact median is (up to sampling noise) as good as the samples' own median under L1 ...
    assert (l1_risk(median) - l1_risk(samples.median(0).values)).max() < 0.01
    # ... and clearly better than the mean where the two differ
    differs = (median - mean).abs() > 0.2
    gain = (l1_risk(mean) - l1_risk(median))[differs]
    assert differs.any() and gain.min() > -0.01 and gain.mean() > 0.05


def test_bad_task_settings_are_refused():
    with pytest.raises(CourseError, match="p_minor"):
        AmbiguousDiscs(32, p_minor=0.6)
    with pytest.raises(CourseError, match="statistic"):
        task, batch = sample(n=2)
        task.oracle(batch, "mode")


def test_batches_stream_is_seeded():
    task = AmbiguousDiscs(32)
    x1, y1 = next(task.batches(4, seed=7))
    x2, y2 = next(task.batches(4, seed=7))
    assert torch.equal(x1, x2) and torch.equal(y1, y2) and x1.shape == (4, 3, 32, 32)

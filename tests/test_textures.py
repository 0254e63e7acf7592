import pytest
import torch

from i2i_course.data.textures import CLASSES, LABEL_COLOURS, PAINT, RandomPhaseTextures, textured_mask
from i2i_course.metrics import texture_energy, texture_ratio


def sample(n=16, size=32, period=8, seed=0):
    return RandomPhaseTextures(size, period).sample(n, torch.Generator().manual_seed(seed))


def split_points(n, size, seed):
    """Where each image is cut into its four rectangles: the first draw `sample` makes from its generator."""
    return torch.randint(size // 4, 3 * size // 4 + 1, (n, 2), generator=torch.Generator().manual_seed(seed))


def rectangles(size, split):
    """The four rectangles of one image, raster order: (rows, cols) slices."""
    r, c = split.tolist()
    return [(slice(0, r), slice(0, c)), (slice(0, r), slice(c, size)),
            (slice(r, size), slice(0, c)), (slice(r, size), slice(c, size))]


def test_shapes_ranges_and_types():
    batch = sample(n=8, size=48, period=12)
    assert batch.x.shape == batch.y.shape == (8, 3, 48, 48)
    assert batch.labels.shape == (8, 48, 48) and batch.labels.dtype == torch.long
    assert batch.phase.shape == (8, 4, 2) and batch.phase.min() >= 0 and batch.phase.max() < 12
    for images in (batch.x, batch.y):
        assert images.min() >= -1 and images.max() <= 1
    assert set(batch.labels.unique().tolist()) <= set(range(len(CLASSES)))


def test_seeded_and_varied():
    a, b, c = sample(seed=3), sample(seed=3), sample(seed=4)
    assert all(torch.equal(getattr(a, k), getattr(b, k)) for k in ("x", "y", "labels", "phase"))
    assert not torch.equal(a.y, c.y)
    task = RandomPhaseTextures(16, 4)
    first, second = next(task.batches(4, seed=9)), next(task.batches(4, seed=9))
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])


def test_label_map_is_the_colour_code_of_the_labels():
    batch = sample(n=32)
    assert torch.equal(batch.x, LABEL_COLOURS[batch.labels].permute(0, 3, 1, 2))
    assert torch.equal(textured_mask(batch.labels), batch.labels > 0)
    share = torch.bincount(batch.labels.flatten(), minlength=4).float() / batch.labels.numel()
    assert (share > 0.1).all(), share  # every class is common


def test_photo_paints_each_class_in_its_own_two_colours():
    batch = sample(n=32)
    y = batch.y.permute(0, 2, 3, 1)  # (N, H, W, 3)
    light, dark = PAINT[batch.labels, 0], PAINT[batch.labels, 1]
    assert ((y == light).all(-1) | (y == dark).all(-1)).all()


@pytest.mark.parametrize("size, period", [(32, 8), (64, 12), (24, 4)])
def test_each_rectangle_is_one_class_with_quarter_period_lines_at_its_phase(size, period):
    n, seed = 12, 5
    batch, splits = sample(n, size, period, seed), split_points(n, size, seed)
    rows, cols, line = torch.arange(size).view(size, 1), torch.arange(size).view(1, size), period // 4
    textured = 0
    for i in range(n):
        for k, (rs, cs) in enumerate(rectangles(size, splits[i])):
            labels = batch.labels[i, rs, cs]
            kind = labels.flatten()[0].item()
            assert (labels == kind).all(), "a rectangle holds one class"
            if k == 0:
                assert kind > 0, "the top-left rectangle always has a texture"
            if kind == 0:
                continue
            textured += 1
            row_shift, col_shift = batch.phase[i, k].tolist()
            h_lines = ((rows + row_shift) % period < line).expand(size, size)
            v_lines = ((cols + col_shift) % period < line).expand(size, size)
            expected = {1: h_lines, 2: v_lines, 3: h_lines ^ v_lines}[kind][rs, cs]
            is_light = (batch.y[i, :, rs, cs].permute(1, 2, 0) == PAINT[kind, 0]).all(-1)
            assert torch.equal(is_light, expected), (i, k, CLASSES[kind])
    assert textured > n  # several textured rectangles per image on average


def test_light_is_the_minority_at_every_pixel_so_the_l1_answer_is_flat():
    """Over many samples, at each pixel of each textured class, the light colour turns up a quarter of the
    time (stripes) or 3/8 of it (checks): the per-pixel median is the dark colour, a flat region.

    The phase is drawn independently of the labels, so the photo at a pixel given the whole label map
    depends only on the pixel's class: grouping the samples by the pixel's class conditions on the labels.
    """
    n, size, period = 4096, 16, 8
    batch = sample(n, size, period, seed=1)
    y = batch.y.permute(0, 2, 3, 1)  # (n, H, W, 3)
    median = torch.zeros(len(CLASSES), size, size, 3)
    for kind, light_share in ((1, 1 / 4), (2, 1 / 4), (3, 3 / 8)):
        here = batch.labels == kind  # (n, H, W)
        counts = here.sum(0)
        assert counts.min() > 200
        share = ((y == PAINT[kind, 0]).all(-1) & here).sum(0) / counts
        assert (share - light_share).abs().max() < 0.12, share
        median[kind] = y.masked_fill(~here.unsqueeze(-1), float("nan")).nanmedian(0).values
        assert torch.equal(median[kind], PAINT[kind, 1].expand(size, size, 3)), f"{CLASSES[kind]}: not dark"
    # the L1-optimal picture for a label map: each pixel its class's median, the dark colour (as just
    # shown). Inside each textured class it has no texture at all, while the real photos have plenty
    held_out = sample(8, 64, period, seed=2)
    best = PAINT[held_out.labels, 1].permute(0, 3, 1, 2)
    for kind in (1, 2, 3):
        mask = held_out.labels == kind
        if not mask.any():
            continue
        assert texture_energy(held_out.y, mask, period).nan_to_num().max() > 0.1, CLASSES[kind]
        assert texture_ratio(best, held_out.y, mask, period) < 1e-6, CLASSES[kind]


def test_period_below_four_is_refused():
    with pytest.raises(ValueError, match="period must be at least 4"):
        RandomPhaseTextures(32, period=3)

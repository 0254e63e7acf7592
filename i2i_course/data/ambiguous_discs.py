"""Lesson 01's paired task: a target that the input does not determine.

Input x: a white disc on black, the "sketch". Target y: the same disc painted, but
  - its boundary lands at one of two radii: r + delta with probability 1 - p_minor (the major mode),
    r - delta with probability p_minor (the minor mode), and
  - its colour is one of two hues: orange (1 - p_minor) or teal (p_minor), independently,
on a mid-grey background. With p_minor = 0.3 the per-pixel mean (what L2 predicts) is a brownish disc
whose edge is a two-step ramp 2 * delta wide. The per-pixel median (what L1 predicts) is an orange disc
with a sharp edge: inside r - delta orange holds 70 % of the mass of every channel, so the median is
orange. In the band between the radii, orange (49 %), teal (21 %) and background (30 %) compete, and
in the red and blue channels no side of the background holds half the mass, so the median there is
the background: the median's edge is sharp, at r - delta. (The median is not the most likely image.)
Unequal weights make mean and median differ visibly.

Everything is rendered on the fly, vectorised over the batch, from a seeded `torch.Generator`, on its device.
Images are (N, 3, H, W) with values in [-1, 1].
"""

from dataclasses import dataclass

import torch

from i2i_course.data.task import Task
from i2i_course.errors import CourseError

MAJOR_HUE = (1.0, -0.1, -1.0)  # orange, in [-1, 1]
MINOR_HUE = (-1.0, 0.1, 1.0)  # teal
BACKGROUND = (0.0, 0.0, 0.0)  # mid grey
SKETCH, PAPER = 1.0, -1.0  # white disc on black


@dataclass
class DiscBatch:
    """A batch of the task with its ground truth (which mode each target came from)."""

    x: torch.Tensor  # (N, 3, H, W) sketches
    y: torch.Tensor  # (N, 3, H, W) targets
    center: torch.Tensor  # (N, 2) disc centres (column, row) in pixels; pixel i spans [i, i + 1)
    radius: torch.Tensor  # (N,) the sketch's radius r
    big: torch.Tensor  # (N,) bool: the boundary took the major mode, r + delta
    major_hue: torch.Tensor  # (N,) bool: the colour took the major mode


def render_discs(center, radius, colour, size, background=BACKGROUND):
    """Anti-aliased discs: (N, 2) centres, (N,) radii, (N, 3) colours -> (N, 3, size, size)."""
    coords = torch.arange(size, dtype=torch.float32, device=center.device) + 0.5
    dx = coords.view(1, 1, size) - center[:, 0].view(-1, 1, 1)
    dy = coords.view(1, size, 1) - center[:, 1].view(-1, 1, 1)
    dist = torch.sqrt(dx**2 + dy**2)
    alpha = (radius.view(-1, 1, 1) - dist + 0.5).clamp(0, 1).unsqueeze(1)  # (N, 1, H, W), 1-px ramp
    bg = torch.tensor(background, dtype=torch.float32, device=center.device).view(1, 3, 1, 1)
    return alpha * colour.view(-1, 3, 1, 1) + (1 - alpha) * bg


class AmbiguousDiscs(Task):
    """The task (see `data.task`): `sample(n, generator)` draws a `DiscBatch`; it knows its `oracle`."""

    background = BACKGROUND

    def __init__(self, image_size=32, p_minor=0.3):
        if not 0.0 <= p_minor < 0.5:
            raise CourseError(f"p_minor is the minority mode's probability and must be in [0, 0.5), "
                              f"got {p_minor}")
        if image_size < 16:
            raise CourseError(f"image_size must be at least 16 pixels, got {image_size}")
        self.image_size, self.p_minor = image_size, p_minor
        self.delta = image_size / 16  # half the gap between the two boundary modes, in pixels

    def sample(self, n, generator):
        s = self.image_size
        u = torch.rand(n, 5, generator=generator, device=generator.device)
        radius = s * (0.16 + 0.12 * u[:, 0])
        margin = radius + self.delta + 1
        center = torch.stack([margin + u[:, 1] * (s - 2 * margin),
                              margin + u[:, 2] * (s - 2 * margin)], dim=1)
        big = u[:, 3] >= self.p_minor
        major_hue = u[:, 4] >= self.p_minor
        return DiscBatch(x=self.sketch(center, radius), y=self.target(center, radius, big, major_hue),
                         center=center, radius=radius, big=big, major_hue=major_hue)

    def sketch(self, center, radius):
        white = torch.full((len(radius), 3), SKETCH, device=radius.device)
        return render_discs(center, radius, white, self.image_size, background=(PAPER,) * 3)

    def target(self, center, radius, big, major_hue):
        hues = torch.tensor([MAJOR_HUE, MINOR_HUE], device=radius.device)
        colour = torch.where(major_hue.view(-1, 1), hues[0], hues[1])
        target_radius = radius + torch.where(big, self.delta, -self.delta)
        return render_discs(center, target_radius, colour, self.image_size)

    def oracle(self, batch, statistic):
        """The best constant prediction per pixel given the sketch: "mean" (L2's) or "median" (L1's).

        Computed exactly from the four (boundary, hue) mode combinations and their probabilities.
        """
        n, p = len(batch.radius), self.p_minor
        combos = [(b, h) for b in (True, False) for h in (True, False)]
        weights = torch.tensor([(1 - p if b else p) * (1 - p if h else p) for b, h in combos])
        device = batch.radius.device
        weights = weights.to(device)
        images = torch.stack([self.target(batch.center, batch.radius, torch.full((n,), b, device=device),
                                          torch.full((n,), h, device=device)) for b, h in combos])  # (4, N, 3, H, W)
        if statistic == "mean":
            return (weights.view(4, 1, 1, 1, 1) * images).sum(0)
        if statistic == "median":
            values, order = images.sort(dim=0)
            cumulative = weights[order].cumsum(0)
            first = (cumulative >= 0.5).float().argmax(dim=0, keepdim=True)  # first past half the mass
            return values.gather(0, first).squeeze(0)
        raise CourseError(f"statistic must be 'mean' or 'median', got {statistic!r}")

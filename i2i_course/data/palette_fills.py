"""Lesson 05's paired task: one outline, several right answers, and the task knows them all.

Input x: the 1-px white outline of a disc or a square on black. Target y: the same shape filled with one of
M = 4 palette colours, each with probability 1/4, on a dark grey background. The outline fixes where the
fill goes; nothing in it says which colour: the target has exactly four modes, and a good generator of
"many plausible outputs" should draw all four.

The palette is chosen so that the per-pixel median of the four fills (what L1 aims for, lesson 01) is one
colour, and no palette colour: in each channel the four fills take the values -1, 0, 0, +1, so both the median
and the mean (L2's) are mid grey, (0, 0, 0), a distance of 1 or more from every palette colour. The answer
a per-pixel loss prefers is a fill that never occurs.

    orange (1, 0, -1)    azure (-1, 0, 1)    light green (0, 1, 0)    purple (0, -1, 0)      in [-1, 1]

What the task knows: each target's `mode` (its palette index), the shape's `mask`, and `every_target(batch)`,
all M valid targets of each input. Images are (N, 3, H, W) in [-1, 1]; every tensor on the generator's device.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from i2i_course.data.task import Task
from i2i_course.errors import CourseError

PALETTE = ((1.0, 0.0, -1.0), (-1.0, 0.0, 1.0), (0.0, 1.0, 0.0), (0.0, -1.0, 0.0))
PALETTE_NAMES = ("orange", "azure", "light green", "purple")
BACKGROUND = (-0.6, -0.6, -0.6)  # dark grey: the mid-grey median fill still shows as a shape
LINE, PAPER = 1.0, -1.0  # white outline on black
SHAPES = ("disc", "square")


@dataclass
class FillBatch:
    """A batch of the task with its ground truth."""

    x: torch.Tensor  # (N, 3, H, W) outlines
    y: torch.Tensor  # (N, 3, H, W) filled shapes
    mask: torch.Tensor  # (N, H, W) bool: the filled region (outline included)
    mode: torch.Tensor  # (N,) long: the palette index of y's fill
    square: torch.Tensor  # (N,) bool: a square (else a disc)


def outline_of(mask):
    """The 1-px boundary of each region of a (N, H, W) bool mask: its pixels with a 4-neighbour outside it."""
    outside = F.pad((~mask).float()[:, None], (1, 1, 1, 1), value=1.0)
    kernel = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], device=mask.device)
    touches = F.conv2d(outside, kernel[None, None])[:, 0] > 0
    return mask & touches


def interior_of(mask):
    """The mask without its outline: where a fill's colour is read (no edge pixels)."""
    return mask & ~outline_of(mask)


class PaletteFills(Task):
    """The task (see `data.task`): `sample(n, generator)` draws a `FillBatch`; it can render `every_target`."""

    palette = torch.tensor(PALETTE)  # (M, 3)
    palette_names = PALETTE_NAMES
    background = BACKGROUND

    def __init__(self, image_size=32):
        if image_size < 16:
            raise CourseError(f"image_size must be at least 16 pixels, got {image_size}")
        self.image_size = image_size

    @property
    def modes(self):
        """M, the number of valid fills per input."""
        return len(self.palette)

    def sample(self, n, generator):
        s = self.image_size
        u = torch.rand(n, 4, generator=generator, device=generator.device)
        radius = s * (0.18 + 0.14 * u[:, 0])  # half the side of a square
        margin = radius + 1
        center = torch.stack([margin + u[:, 1] * (s - 2 * margin), margin + u[:, 2] * (s - 2 * margin)], dim=1)
        square = u[:, 3] < 0.5
        mode = torch.randint(0, self.modes, (n,), generator=generator, device=generator.device)
        mask = self.shape_mask(center, radius, square)
        return FillBatch(x=self.outline(mask), y=self.fill(mask, mode), mask=mask, mode=mode, square=square)

    def shape_mask(self, center, radius, square):
        """(N, H, W) bool: discs |p - c| <= r, or axis-aligned squares max(|dx|, |dy|) <= r; pixel i at i + 0.5."""
        coords = torch.arange(self.image_size, dtype=torch.float32, device=center.device) + 0.5
        dx = (coords.view(1, 1, -1) - center[:, 0].view(-1, 1, 1)).abs()
        dy = (coords.view(1, -1, 1) - center[:, 1].view(-1, 1, 1)).abs()
        distance = torch.where(square.view(-1, 1, 1), torch.maximum(dx, dy), torch.sqrt(dx ** 2 + dy ** 2))
        return distance <= radius.view(-1, 1, 1)

    def outline(self, mask):
        line = outline_of(mask)[:, None].expand(-1, 3, -1, -1)
        return torch.where(line, LINE, PAPER)

    def fill(self, mask, mode):
        """The mask filled with palette colour `mode` (N,) on the background: (N, 3, H, W)."""
        colour = self.palette.to(mask.device)[mode].view(-1, 3, 1, 1)
        background = torch.tensor(self.background, device=mask.device).view(1, 3, 1, 1)
        return torch.where(mask[:, None], colour, background)

    def every_target(self, batch):
        """All M valid targets of each input: (N, M, 3, H, W), the m-th filled with palette colour m."""
        n = len(batch.mode)
        return torch.stack([self.fill(batch.mask, torch.full((n,), m, device=batch.mask.device))
                            for m in range(self.modes)], dim=1)

    def oracle(self, batch, statistic):
        """The best single prediction per pixel: "median" (L1's) or "mean" (L2's) of the M equiprobable
        targets. With this palette both fill the shape with mid grey, which is no palette colour."""
        targets = self.every_target(batch)
        if statistic == "mean":
            return targets.mean(1)
        if statistic == "median":  # M = 4 values per pixel with the middle two equal: one median
            return targets.median(1).values
        raise CourseError(f"statistic must be 'median' or 'mean', got {statistic!r}")

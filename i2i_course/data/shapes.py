"""Lesson 04's unpaired image task: discs in five hues on black <-> squares in five other hues on grey.

    domain A: one disc per image, in one of five hues (HSV hue 0, 72, 144, 216, 288 degrees), on black
    domain B: one square per image, in one of five other hues (each A hue + 24 degrees), on mid-grey

Each image knows its shape's hue (an index into its domain's palette), centre and size (the disc's radius,
the square's half side), so a translation can be measured: did G(a) keep a's position and size, which B hue
did it paint, and does F(G(a)) give a's hue back? The "intended" translation (`intended_b`) keeps the shape's
place and size and paints A's hue i as B's hue i, the nearest one; nothing in unpaired data says so.

Images are (N, 3, H, W) in [-1, 1], rendered anti-aliased, vectorised, on the generator's device.
"""

import colorsys
from dataclasses import dataclass

import torch

from i2i_course.data.task import UnpairedTask
from i2i_course.errors import CourseError

HUE_STEP, HUE_SHIFT = 72, 24  # degrees between a domain's hues; B's hue i is A's hue i + HUE_SHIFT
BACKGROUND_A, BACKGROUND_B = (-1.0, -1.0, -1.0), (0.0, 0.0, 0.0)  # black, mid-grey


def palette(first_hue, count=5, step=HUE_STEP):
    """(count, 3) fully saturated colours in [-1, 1] at HSV hues first_hue, first_hue + step, ... degrees."""
    rgb = [colorsys.hsv_to_rgb(((first_hue + i * step) % 360) / 360, 1.0, 1.0) for i in range(count)]
    return torch.tensor(rgb) * 2 - 1


PALETTE_A, PALETTE_B = palette(0), palette(HUE_SHIFT)


@dataclass
class Shapes:
    """What the task knows of a batch of one domain's images."""

    hue: torch.Tensor  # (N,) index into the domain's palette
    center: torch.Tensor  # (N, 2) (column, row) in pixels; pixel i spans [i, i + 1)
    size: torch.Tensor  # (N,) disc radius / square half side, in pixels


def coordinates(center, size):
    """(dx, dy), each (N, H, W): every pixel centre's offset from each image's shape centre."""
    coords = torch.arange(size, dtype=torch.float32, device=center.device) + 0.5
    return (coords.view(1, 1, size) - center[:, 0].view(-1, 1, 1),
            coords.view(1, size, 1) - center[:, 1].view(-1, 1, 1))


def paint(alpha, colour, background):
    """alpha (N, H, W) in [0, 1] of colour (N, 3) over a background (3,) -> (N, 3, H, W)."""
    bg = torch.tensor(background, dtype=torch.float32, device=alpha.device).view(1, 3, 1, 1)
    alpha = alpha.unsqueeze(1)
    return alpha * colour.view(-1, 3, 1, 1) + (1 - alpha) * bg


class UnpairedShapes(UnpairedTask):
    """Discs <-> squares (see the module's docstring). `sample_a`, `sample_b` give (images, `Shapes`);
    `render(domain, truth)` draws what a truth describes; `intended_b(truth_a)` is the translation one meant."""

    palette_a, palette_b = PALETTE_A, PALETTE_B
    background_a, background_b = BACKGROUND_A, BACKGROUND_B

    def __init__(self, image_size=32):
        if image_size < 16 or image_size % 4:
            raise CourseError(f"image_size must be a multiple of 4, at least 16, got {image_size}")
        self.image_size = image_size

    def palette(self, domain):
        return self.palette_a if domain == "A" else self.palette_b

    def background(self, domain):
        return self.background_a if domain == "A" else self.background_b

    def _truth(self, n, generator):
        s, device = self.image_size, generator.device
        u = torch.rand(n, 3, generator=generator, device=device)
        size = s * (0.14 + 0.08 * u[:, 0])  # radius or half side: 4.5 to 7 px at 32 px
        margin = size + 1
        center = torch.stack([margin + u[:, 1] * (s - 2 * margin), margin + u[:, 2] * (s - 2 * margin)], dim=1)
        hue = torch.randint(len(self.palette_a), (n,), generator=generator, device=device)
        return Shapes(hue, center, size)

    def render(self, domain, truth):
        """The images (N, 3, H, W) of `domain` ("A": discs on black, "B": squares on grey) that `truth` says."""
        dx, dy = coordinates(truth.center, self.image_size)
        size = truth.size.view(-1, 1, 1)
        if domain == "A":
            alpha = (size - torch.sqrt(dx ** 2 + dy ** 2) + 0.5).clamp(0, 1)  # a 1-px ramp at the rim
        elif domain == "B":
            alpha = (size - torch.maximum(dx.abs(), dy.abs()) + 0.5).clamp(0, 1)
        else:
            raise CourseError(f"domain must be 'A' or 'B', got {domain!r}")
        colours = self.palette(domain).to(truth.hue.device)[truth.hue]
        return paint(alpha, colours, self.background(domain))

    def sample_a(self, n, generator):
        truth = self._truth(n, generator)
        return self.render("A", truth), truth

    def sample_b(self, n, generator):
        truth = self._truth(n, generator)
        return self.render("B", truth), truth

    def intended_b(self, truth_a):
        """The B image one would call a's translation: a square in the same place and of the same size, in
        B's hue of the same index (the nearest hue). For pictures: the GAN never sees it."""
        return self.render("B", truth_a)

"""Lesson 03's task: label map -> photo, where the texture inside a region is random given the labels.

The image is cut into four rectangles at a random point. Each rectangle gets a class: "plain" (one flat
colour) or one of three textures, horizontal stripes, vertical stripes and checks, each in its own two
colours with a period of `period` pixels: light lines a quarter period wide on a dark ground. The label
map x says which class is where (colour-coded, like facades labels); the photo y paints the textures with
a random **phase** per rectangle, so the labels fix what texture goes where but not where its lines fall.

That is what L1 cannot do: every phase is equally likely, so at each pixel of a textured rectangle the
light line is there in only a quarter of the photos (3/8 for the checks), and the best per-pixel answer,
the median, is the dark ground: flat. A
discriminator that sees a patch wider than one period can tell flat from striped and demand the stripes
back; one that sees a single pixel (the PixelGAN) cannot see stripes at all.

Images are (N, 3, H, W) in [-1, 1]; label maps (N, H, W) hold class indices into CLASSES.
"""

from dataclasses import dataclass

import torch

from i2i_course.data.task import Task
from i2i_course.errors import CourseError

CLASSES = ("plain", "h-stripes", "v-stripes", "checks")
TEXTURED = (1, 2, 3)  # the classes with a texture
LABEL_COLOURS = torch.tensor([[-0.6, -0.6, -0.6], [0.9, -0.9, -0.9], [-0.9, 0.9, -0.9], [-0.9, -0.9, 0.9]])
# (light, dark) paint of each class in [-1, 1]; "plain" is one colour
PAINT = torch.tensor([
    [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]],      # plain: grey
    [[0.9, 0.6, -0.2], [-0.3, -0.6, -0.9]],  # h-stripes: sand / brown
    [[0.5, 0.9, 0.7], [-0.7, -0.1, -0.6]],   # v-stripes: mint / forest
    [[0.8, 0.8, 0.9], [-0.6, -0.7, -0.2]],   # checks: white / navy
])


@dataclass
class TextureBatch:
    x: torch.Tensor  # (N, 3, H, W) colour-coded label map in [-1, 1]
    y: torch.Tensor  # (N, 3, H, W) photo in [-1, 1]
    labels: torch.Tensor  # (N, H, W) class indices into CLASSES
    rectangles: torch.Tensor  # (N, H, W) which of the four rectangles (raster order) each pixel is in
    phase: torch.Tensor  # (N, 4, 2) each rectangle's texture phase (row, column shift), raster order


def textured_mask(labels):
    """(N, H, W) bool: the pixels of a textured class."""
    return labels > 0


class RandomPhaseTextures(Task):
    """Samples (label map, photo) pairs (see `data.task` and the module docstring); knows its texture
    `period` in pixels and its per-pixel `classes`."""

    classes = CLASSES

    def __init__(self, image_size=32, period=4):
        if period < 4:
            raise CourseError(f"period must be at least 4 pixels (a light line a quarter of it wide), got {period}")
        self.image_size, self.period = image_size, period

    def sample(self, n, generator):
        size, device = self.image_size, generator.device
        # the split point, in the middle half, and a class and a phase per rectangle (raster order)
        split = torch.randint(size // 4, 3 * size // 4 + 1, (n, 2), generator=generator, device=device)
        kinds = torch.randint(0, len(CLASSES), (n, 4), generator=generator, device=device)
        kinds[:, 0] = torch.randint(1, len(CLASSES), (n,), generator=generator, device=device)  # at least one texture
        phase = torch.randint(0, self.period, (n, 4, 2), generator=generator, device=device)  # (row, column) shift
        rows, cols = torch.arange(size, device=device).view(1, size, 1), torch.arange(size, device=device).view(1, 1, size)
        below = (rows >= split[:, 0].view(n, 1, 1)).long()
        right = (cols >= split[:, 1].view(n, 1, 1)).long()
        rectangles = 2 * below + right  # (n, H, W) in 0..3
        labels = kinds.gather(1, rectangles.flatten(1)).view(n, size, size)
        return TextureBatch(x=LABEL_COLOURS.to(device)[labels].permute(0, 3, 1, 2).contiguous(),
                            y=self.paint(labels, rectangles, phase), labels=labels, rectangles=rectangles,
                            phase=phase)

    def paint(self, labels, rectangles, phase):
        """The photo (N, 3, H, W) of label maps (N, H, W) whose rectangles (N, H, W, values 0..3) have
        textures shifted by `phase` (N, 4, 2): light lines a quarter period wide on a dark ground."""
        n, size, _ = labels.shape
        rows = torch.arange(size, device=labels.device).view(1, size, 1)
        cols = torch.arange(size, device=labels.device).view(1, 1, size)
        where = rectangles.flatten(1)
        row_shift = phase[..., 0].gather(1, where).view(n, size, size)
        col_shift = phase[..., 1].gather(1, where).view(n, size, size)
        line = self.period // 4  # light lines a quarter period wide: the minority at every pixel
        light_h = ((rows + row_shift) % self.period) < line
        light_v = ((cols + col_shift) % self.period) < line
        light = torch.where(labels == 1, light_h, torch.where(labels == 2, light_v, light_h ^ light_v))
        return PAINT.to(labels.device)[labels, (~light).long()].permute(0, 3, 1, 2).contiguous()

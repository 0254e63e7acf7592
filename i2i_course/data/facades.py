"""Synthetic facades: procedural building fronts, label map -> photo (lesson 02's task, as in pix2pix).

Every image is a building under a strip of sky: floors of windows in a grid, a door on the ground floor,
balconies under some floors' windows, a cornice along the top of each floor. The label map is drawn in
the colour code below (the input x, like the CMP facades labels); the photo paints each class with its
own colour and texture (the target y): bricks on the wall, a reflection on the glass, grain on the door,
railing bars on balconies. Bricks and bars are aligned to the building, so the labels determine where
each detail goes; a wall's and a door's colour is drawn per image, which no loss can know.

Vectorised over the batch, seeded by a `torch.Generator`, drawn on its device. Images (N, 3, H, W) in [-1, 1]; label maps
(N, H, W) of class indices.
"""

from dataclasses import dataclass

import torch

from i2i_course.data.task import Task
from i2i_course.errors import CourseError

CLASSES = ("sky", "wall", "window", "door", "balcony", "cornice")
# the label map's colour code (as in the CMP facades label images), RGB in [-1, 1]
LABEL_COLOURS = torch.tensor([
    [-1.0, -1.0, 1.0],   # sky: blue
    [-1.0, 0.2, -1.0],   # wall: green
    [1.0, -1.0, -1.0],   # window: red
    [1.0, 1.0, -1.0],    # door: yellow
    [1.0, -1.0, 1.0],    # balcony: magenta
    [-1.0, 1.0, 1.0],    # cornice: cyan
])


@dataclass
class FacadeBatch:
    x: torch.Tensor  # (N, 3, H, W) colour-coded label maps
    y: torch.Tensor  # (N, 3, H, W) photos
    labels: torch.Tensor  # (N, H, W) class indices into CLASSES


def labels_to_image(labels):
    """(N, H, W) class indices -> (N, 3, H, W) colour-coded label image in [-1, 1]."""
    return LABEL_COLOURS.to(labels.device)[labels].permute(0, 3, 1, 2).contiguous()


def image_to_labels(image):
    """Colour-coded label image (N, 3, H, W) -> (N, H, W) class indices of the nearest label colour."""
    distance = ((image.unsqueeze(1) - LABEL_COLOURS.to(image.device).view(1, -1, 3, 1, 1)) ** 2).sum(2)
    return distance.argmin(1)


def _uniform(generator, n, low, high):
    return low + (high - low) * torch.rand(n, generator=generator, device=generator.device)


class SyntheticFacades(Task):
    """The task (see `data.task`): `sample(n, generator)` -> FacadeBatch, with per-pixel `classes`."""

    classes = CLASSES

    def __init__(self, image_size=32):
        if image_size < 32:
            raise CourseError(f"synthetic facades need at least 32x32 pixels, got {image_size}")
        self.image_size = image_size

    def layout(self, n, generator):
        """Label maps (N, H, W) and the geometry the photo's textures align to."""
        s, device = self.image_size, generator.device
        g = lambda low, high: _uniform(generator, n, low, high).view(n, 1, 1)  # noqa: E731
        rows = torch.arange(s, dtype=torch.float32, device=device).view(1, s, 1) + 0.5
        cols = torch.arange(s, dtype=torch.float32, device=device).view(1, 1, s) + 0.5
        roof = g(0.08, 0.25) * s
        floors = torch.randint(3, 5, (n, 1, 1), generator=generator, device=device).float()
        columns = torch.randint(3, 6, (n, 1, 1), generator=generator, device=device).float()
        floor_h, col_w = (s - roof) / floors, s / columns
        fy, fx = (rows - roof) / floor_h, cols / col_w  # position in floors / columns
        floor, ty = fy.floor(), fy - fy.floor()  # which floor (0 = top), and where inside it (0..1)
        column, tx = fx.floor(), fx - fx.floor()
        win_w, win_top, win_h = g(0.35, 0.6), g(0.25, 0.35), g(0.35, 0.45)
        labels = torch.ones(n, s, s, dtype=torch.long, device=device)  # wall
        inside_x = (tx - 0.5).abs() < win_w / 2
        window = inside_x & (ty >= win_top) & (ty < win_top + win_h)
        labels[window] = 2
        balcony_floor = torch.rand(n, 1, 1, 8, generator=generator, device=device) < 0.5  # per floor, up to 8
        has_balcony = balcony_floor.expand(-1, s, s, -1).gather(
            3, floor.clamp(0, 7).long().unsqueeze(-1).expand(-1, s, s, 1)).squeeze(-1)
        balcony = has_balcony & ((tx - 0.5).abs() < win_w / 2 + 0.12) & \
            (ty >= win_top + win_h) & (ty < win_top + win_h + 0.14) & (floor < floors - 1)
        labels[balcony] = 4
        door_column = torch.randint(0, 3, (n, 1, 1), generator=generator, device=device).float()
        door = (floor == floors - 1) & (column == door_column) & ((tx - 0.5).abs() < 0.3) & (ty >= 0.3)
        labels[door] = 3
        cornice = ((ty < 0.1) & (fy >= 0)).expand(n, s, s)
        labels[cornice] = 5
        labels[(rows < roof).expand(n, s, s)] = 0  # sky
        return labels, {"roof": roof, "floor_h": floor_h, "col_w": col_w, "rows": rows, "cols": cols}

    def paint(self, labels, geometry, generator):
        """The photo: each class's colour and texture, from the label map and the building's geometry."""
        n, s, device = labels.shape[0], self.image_size, labels.device
        g = lambda low, high: _uniform(generator, n, low, high).view(n, 1, 1, 1)  # noqa: E731
        paint = lambda *rgb: torch.tensor(rgb, device=device).view(1, 3, 1, 1)  # noqa: E731
        rows, cols = geometry["rows"].unsqueeze(1), geometry["cols"].unsqueeze(1)
        depth = (rows - geometry["roof"].unsqueeze(1)).clamp(min=0)  # pixels below the roof line
        brick_h = max(2.0, s / 16)
        course = (depth / brick_h).floor()
        mortar_row = (depth / brick_h - course) < 1 / brick_h
        mortar_col = ((cols / (2 * brick_h) + 0.5 * (course % 2)) % 1.0) < 0.5 / brick_h
        wall_colour = torch.stack([g(0.1, 0.7), g(-0.4, 0.2), g(-0.7, -0.3)], 1).view(n, 3, 1, 1)
        wall = wall_colour - 0.45 * (mortar_row | mortar_col).float()
        sky_colour = torch.cat([g(-0.5, -0.2), g(0.0, 0.3), torch.full((n, 1, 1, 1), 0.9, device=device)], 1)
        sky = sky_colour + 0.4 * rows / s  # lighter towards the horizon
        glare = ((rows + cols) % (s / 4)) < s / 16  # diagonal reflections
        window = paint(-0.8, -0.6, -0.4) + 0.5 * glare.float()
        grain = torch.sin(cols * 2.1 + 0.6 * torch.sin(rows * 0.7))
        door = torch.stack([g(-0.4, -0.1), g(-0.75, -0.55), g(-0.95, -0.8)], 1).view(n, 3, 1, 1) + 0.15 * grain
        bars = (cols % 3) < 1
        balcony = paint(-0.9, -0.9, -0.9) + 1.2 * bars.float()
        cornice = paint(0.7, 0.65, 0.55) - 0.3 * (rows % 2 < 1).float()
        layers = [sky, wall, window, door, balcony, cornice]
        photo = torch.zeros(n, 3, s, s, device=device)
        for index, layer in enumerate(layers):
            photo = torch.where((labels == index).unsqueeze(1), layer.expand(n, 3, s, s), photo)
        return photo.clamp(-1, 1)

    def sample(self, n, generator):
        labels, geometry = self.layout(n, generator)
        return FacadeBatch(x=labels_to_image(labels), y=self.paint(labels, geometry, generator),
                           labels=labels)

"""Lesson 06's task: scene label maps -> photos, with the label map fed to the nets as a one-hot map.

K = 6 classes. A third of the maps are **uniform**: one class everywhere (each class equally likely). The
rest are **scenes**: a horizon at a random height and slope, sky above, grass, water or sand below, and
0-3 small rock or tree blobs (radius 2-4 px at 32 px, scaled with the image). The photo paints each class
with its own colour and a texture fixed to the image's own coordinates (stripes, waves, dots): the photo is
a function of the label map, so L1 alone has one right answer, and the course's segmenter learns to read
the classes back from colour and texture (the FCN-score analog).

Uniform maps are the lesson's probe: a conv followed by InstanceNorm sees a constant one-hot map, removes
its mean, and is left with nothing that says which class it was. `uniform_maps(K, size)` gives all K of them.

x: (N, K, H, W) one-hot floats (`data.task.one_hot`); y: (N, 3, H, W) photos in [-1, 1]; labels: (N, H, W)
class indices into CLASSES; uniform: (N,) bool. Vectorised over the batch, drawn on the generator's device.
"""

from dataclasses import dataclass

import torch

from i2i_course.data.task import Task, one_hot
from i2i_course.errors import CourseError

CLASSES = ("sky", "grass", "water", "sand", "rock", "tree")
GROUNDS = (1, 2, 3)  # what can lie under the horizon
OBJECTS = (4, 5)  # the small objects
UNIFORM_SHARE = 1 / 3  # share of the maps that are a single class everywhere
# the label map's colour code, RGB in [-1, 1] (for drawing the one-hot input, `Task.show_input`)
LABEL_COLOURS = torch.tensor([
    [-0.2, 0.4, 1.0],    # sky: light blue
    [-0.6, 0.8, -0.6],   # grass: green
    [-1.0, -0.6, 0.6],   # water: dark blue
    [1.0, 0.8, -0.2],    # sand: yellow
    [0.2, -0.2, -0.2],   # rock: brown-grey
    [-0.8, 0.0, -1.0],   # tree: dark green
])
# each class's paint in the photo: base colour, and the colour its texture adds where its pattern is on
PAINT = torch.tensor([
    [0.0, 0.35, 0.9],    # sky: pale blue, lighter towards the horizon (below)
    [-0.35, 0.45, -0.45],  # grass: green, vertical blades
    [-0.8, -0.5, 0.35],  # water: deep blue, wavy horizontal bands
    [0.75, 0.55, 0.05],  # sand: tan, dots
    [0.05, -0.05, -0.1],  # rock: grey, diagonal cracks
    [-0.7, -0.15, -0.75],  # tree: dark green, checked leaves
])
TEXTURE = torch.tensor([
    [0.3, 0.3, 0.1],     # sky: the gradient's amount
    [0.35, 0.35, 0.2],
    [0.35, 0.4, 0.45],
    [-0.35, -0.35, -0.25],
    [-0.45, -0.45, -0.4],
    [0.35, 0.45, 0.3],
])


@dataclass
class SceneBatch:
    x: torch.Tensor  # (N, K, H, W) one-hot label map
    y: torch.Tensor  # (N, 3, H, W) photo in [-1, 1]
    labels: torch.Tensor  # (N, H, W) class indices into CLASSES
    uniform: torch.Tensor  # (N,) bool: a single class everywhere


def uniform_labels(num_classes, size, device=None):
    """(K, H, W) class indices: map k is class k everywhere."""
    return torch.arange(num_classes, device=device).view(-1, 1, 1).expand(-1, size, size).contiguous()


def texture_on(labels):
    """(N, H, W) float in [0, 1]: how much of its class's texture each pixel shows, from its class and its
    absolute position (the same pattern in every image, so the photo is a function of the label map)."""
    n, size, _ = labels.shape
    device = labels.device
    rows = torch.arange(size, device=device, dtype=torch.float32).view(1, size, 1).expand(n, size, size)
    cols = torch.arange(size, device=device, dtype=torch.float32).view(1, 1, size).expand(n, size, size)
    patterns = torch.stack([
        rows / max(1, size - 1),                                              # sky: gradient
        ((cols % 3) < 1).float(),                                             # grass: blades every 3 px
        (torch.sin(rows * 1.6 + 1.2 * torch.sin(cols * 0.7)) > 0.3).float(),  # water: waves
        (((rows % 3) < 1) & ((cols % 3) < 1)).float(),                        # sand: dots
        (((rows - cols) % 5) < 1).float(),                                    # rock: cracks
        ((((rows // 2) + (cols // 2)) % 2) < 1).float(),                      # tree: checks
    ])  # (K, N, H, W)
    return patterns.gather(0, labels.unsqueeze(0)).squeeze(0)


def paint(labels):
    """The photo (N, 3, H, W) in [-1, 1] of label maps (N, H, W)."""
    base, texture = PAINT.to(labels.device), TEXTURE.to(labels.device)
    photo = base[labels] + texture[labels] * texture_on(labels).unsqueeze(-1)  # (N, H, W, 3)
    return photo.clamp(-1, 1).permute(0, 3, 1, 2).contiguous()


class SceneLabels(Task):
    """The task (see `data.task` and the module's docstring): one-hot label maps in, photos out."""

    classes = CLASSES
    input_is_labels = True
    label_colours = LABEL_COLOURS

    def __init__(self, image_size=32, uniform_share=UNIFORM_SHARE):
        if image_size < 16:
            raise CourseError(f"scene label maps need at least 16x16 pixels, got {image_size}")
        if not 0.0 <= uniform_share <= 1.0:
            raise CourseError(f"uniform_share is a share of the maps, in [0, 1]; got {uniform_share}")
        self.image_size, self.uniform_share = image_size, uniform_share

    @property
    def num_classes(self):
        return len(CLASSES)

    def layout(self, n, generator):
        """(labels (N, H, W), uniform (N,)): a third uniform maps, the rest horizon scenes with small objects."""
        s, device = self.image_size, generator.device
        rand = lambda *shape: torch.rand(*shape, generator=generator, device=device)  # noqa: E731
        rows = torch.arange(s, device=device, dtype=torch.float32).view(1, s, 1)
        cols = torch.arange(s, device=device, dtype=torch.float32).view(1, 1, s)
        # the scene: horizon height and slope, the ground's class
        height = (0.3 + 0.4 * rand(n)).view(n, 1, 1) * s
        slope = (rand(n) - 0.5).view(n, 1, 1) * 0.4
        ground = torch.tensor(GROUNDS, device=device)[
            torch.randint(0, len(GROUNDS), (n,), generator=generator, device=device)].view(n, 1, 1)
        labels = torch.where(rows < height + slope * (cols - s / 2), torch.zeros_like(ground), ground)
        # up to 3 objects, each a disc of radius 2-4 px (at 32 px) below the top of the sky
        scale = s / 32
        count = torch.randint(0, 4, (n, 1, 1), generator=generator, device=device)
        for index in range(3):
            kind = torch.tensor(OBJECTS, device=device)[
                torch.randint(0, len(OBJECTS), (n,), generator=generator, device=device)].view(n, 1, 1)
            radius = (2 + 2 * rand(n)).view(n, 1, 1) * scale
            centre_row = (height + (s - height) * rand(n).view(n, 1, 1))
            centre_col = rand(n).view(n, 1, 1) * s
            inside = (rows + 0.5 - centre_row) ** 2 + (cols + 0.5 - centre_col) ** 2 <= radius ** 2
            labels = torch.where(inside & (index < count), kind, labels)
        # the uniform maps: one class everywhere
        uniform = rand(n) < self.uniform_share
        single = torch.randint(0, len(CLASSES), (n, 1, 1), generator=generator, device=device)
        labels = torch.where(uniform.view(n, 1, 1), single, labels)
        return labels, uniform

    def sample(self, n, generator):
        labels, uniform = self.layout(n, generator)
        return SceneBatch(x=one_hot(labels, len(CLASSES)), y=paint(labels), labels=labels, uniform=uniform)

    def uniform_maps(self, device=None):
        """All K uniform maps, one per class, as a SceneBatch (x (K, K, H, W), photos, labels, uniform)."""
        labels = uniform_labels(len(CLASSES), self.image_size, device)
        return SceneBatch(x=one_hot(labels, len(CLASSES)), y=paint(labels), labels=labels,
                          uniform=torch.ones(len(CLASSES), dtype=torch.bool, device=labels.device))

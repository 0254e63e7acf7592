"""Torch datasets for the two real layouts: aligned (A | B side by side) and unaligned (trainA, trainB).

Both give pairs of (3, H, W) float tensors in [-1, 1] (the course convention), augmented as the
reference pix2pix / CycleGAN code trains: resize to load_size x load_size (bicubic), a random
crop_size x crop_size crop, a random horizontal flip (load 286, crop 256 by default). In the aligned
layout A and B get the *same* crop and flip (torchvision.transforms.v2 draws once for both), so the pair
stays pixel-aligned; in the unaligned layout each image gets its own. The draws come from torch's
global generator: `torch.manual_seed` (or `seed_everything`) repeats them, and a DataLoader seeds each
worker. `load_size == crop_size` with `flip=False` gives plain resized images, for evaluation.

    loader = DataLoader(AlignedDataset("datasets/facades", "train", "BtoA"), batch_size=1, shuffle=True)
    train(model, endless(loader), l1_loss, steps)   # (x, y) batches, as a synthetic task's batches()
"""

from pathlib import Path

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms import InterpolationMode, v2
from torchvision.transforms.v2 import functional as F

from i2i_course.data.layout import image_files
from i2i_course.errors import CourseError

DIRECTIONS = ("AtoB", "BtoA")


def read_rgb(path):
    """The image at `path` as a (3, H, W) uint8 tensor (greyscale and RGBA become RGB)."""
    with Image.open(path) as image:
        return F.pil_to_tensor(image.convert("RGB"))


def to_course_range(images):
    """uint8 images in [0, 255] -> float in [-1, 1]."""
    return images.float() / 127.5 - 1


def augmentation(load_size, crop_size, flip):
    """Resize (bicubic) to load_size x load_size, random crop_size crop, random horizontal flip."""
    if not 0 < crop_size <= load_size:
        raise CourseError(f"crop_size {crop_size} must be positive and at most load_size {load_size}")
    return v2.Compose([
        v2.Resize((load_size, load_size), interpolation=InterpolationMode.BICUBIC, antialias=True),
        v2.RandomCrop(crop_size),
        v2.RandomHorizontalFlip(0.5 if flip else 0.0),
    ])


def endless(loader):
    """Batches from `loader` epoch after epoch (freshly shuffled and augmented each time), forever."""
    while True:
        yield from loader


def check_direction(direction):
    if direction not in DIRECTIONS:
        raise CourseError(f"direction must be AtoB or BtoA, got {direction!r}")
    return direction


def images_in(folder, layout_hint):
    files = image_files(folder)
    if not files:
        raise CourseError(f"no images in {folder}: is {Path(folder).parent} a dataset in the {layout_hint}? "
                          "`i2i-course data list` shows the datasets, `i2i-course data download NAME` fetches one")
    return files


class AlignedDataset(Dataset):
    """pix2pix's aligned layout: ROOT/SPLIT/*.jpg, each image A | B. Item i: (x, y), x = A for AtoB."""

    def __init__(self, root, split="train", direction="AtoB", load_size=286, crop_size=256, flip=True):
        self.root, self.split, self.direction = Path(root), split, check_direction(direction)
        self.paths = images_in(self.root / split, "aligned layout (train/, val/, ... of A | B images)")
        self.transform = augmentation(load_size, crop_size, flip)

    def __len__(self):
        return len(self.paths)

    def read_pair(self, index):
        """The pair as stored, uint8 (3, H, W) each: the image's left half A and right half B."""
        image = read_rgb(self.paths[index])
        half = image.shape[-1] // 2
        return image[..., :half], image[..., half:2 * half]

    def __getitem__(self, index):
        a, b = self.read_pair(index)
        a, b = self.transform(tv_tensors.Image(a), tv_tensors.Image(b))  # one crop and flip for both
        a, b = to_course_range(a.as_subclass(torch.Tensor)), to_course_range(b.as_subclass(torch.Tensor))
        return (a, b) if self.direction == "AtoB" else (b, a)


class UnalignedDataset(Dataset):
    """CycleGAN's unaligned layout: ROOT/SPLITA and ROOT/SPLITB. Item i: (x, y), x from A for AtoB.

    As in the reference, item i takes the i-th image of A (cycling) and a random image of B, so every
    epoch pairs them afresh; `serial=True` takes the i-th of B too (cycling), for repeatable evaluation.
    Its length is that of the larger domain.
    """

    def __init__(self, root, split="train", direction="AtoB", load_size=286, crop_size=256, flip=True,
                 serial=False):
        self.root, self.split, self.direction = Path(root), split, check_direction(direction)
        hint = f"unaligned layout ({split}A/ and {split}B/ folders of images)"
        self.paths_a = images_in(self.root / f"{split}A", hint)
        self.paths_b = images_in(self.root / f"{split}B", hint)
        self.serial = serial
        self.transform = augmentation(load_size, crop_size, flip)

    def __len__(self):
        return max(len(self.paths_a), len(self.paths_b))

    def __getitem__(self, index):
        index_b = index % len(self.paths_b) if self.serial else torch.randint(len(self.paths_b), ()).item()
        a = self.load(self.paths_a[index % len(self.paths_a)])
        b = self.load(self.paths_b[index_b])
        return (a, b) if self.direction == "AtoB" else (b, a)

    def load(self, path):
        return to_course_range(self.transform(tv_tensors.Image(read_rgb(path))).as_subclass(torch.Tensor))

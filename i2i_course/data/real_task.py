"""A real paired dataset as a course task: the same two calls the training code makes on a synthetic one.

    task = facades_task(128, download=True)              # ROOT/facades, pairs at 128 x 128
    history = objective.train(task.batches(batch_size, seed), steps)
    batch = task.sample(64, torch.Generator().manual_seed(0))   # held-out batch.x, batch.y (N, 3, S, S)

A split's pairs are decoded once, resized and kept in memory as uint8 (facades at 128 px: about 70 MB),
so training never waits on JPEG decoding. `batches` jitters them as the reference trains (resize to
image_size * 286/256, random image_size crop, random flip; the same crop and flip for x and y), drawn
from its own seeded generator, so the stream is repeatable. `sample` gives held-out pairs, resized to
image_size, without jitter.

Real data has no class indices: `labels` is None and `classes` is None, so the FCN-score analog (which
needs the true label of every pixel) is not available on it; L1 error and the high-frequency ratio are.
Which lesson runs on which dataset is the lessons' policy: `experiments.datasets`.
"""

from dataclasses import dataclass
from pathlib import Path

import torch
from torchvision.transforms import InterpolationMode
from torchvision.transforms.v2 import functional as F
from tqdm.auto import tqdm

import i2i_course.data.download as downloader
from i2i_course.data.folders import AlignedDataset, check_direction, to_course_range
from i2i_course.data.task import Task
from i2i_course.errors import CourseError
from i2i_course.runtime import stream

JITTER = 286 / 256  # the reference's load size over its crop size


@dataclass
class PairedBatch:
    x: torch.Tensor  # (N, 3, S, S) inputs in [-1, 1]
    y: torch.Tensor  # (N, 3, S, S) targets in [-1, 1]
    labels: None = None  # real data has no class indices


def crop_and_flip(images, tops, lefts, flips, size):
    """Per image, a size x size crop at (top, left), mirrored where `flips`: (N, C, L, L) -> (N, C, S, S)."""
    steps = torch.arange(size)
    rows = (tops[:, None] + steps)[:, None, :, None]
    cols = torch.where(flips[:, None], lefts[:, None] + size - 1 - steps, lefts[:, None] + steps)[:, None, None, :]
    n, c = images.shape[:2]
    return images[torch.arange(n)[:, None, None, None], torch.arange(c)[None, :, None, None], rows, cols]


def refilled(order, needed, n, generator):
    """`order` topped up with fresh permutations of range(n) until it holds at least `needed` indices."""
    while len(order) < needed:
        order = torch.cat([order, torch.randperm(n, generator=generator)])
    return order


class PairedFolderTask(Task):
    """A folder in the aligned layout as a task (see `data.task`): `batches` and `sample`.

    direction: "AtoB" (x = the left half A) or "BtoA". train_split feeds `batches`; eval_splits (one or
    more split folders) feed `sample`. jitter: random resize-crop-flip in `batches`, as the reference.
    """

    classes = None  # no class indices: see the module's docstring
    synthetic = False

    def __init__(self, dataset_root, image_size, direction="AtoB", train_split="train", eval_splits=("val",),
                 jitter=True, progress=True):
        if image_size < 8:
            raise CourseError(f"image_size must be at least 8 pixels, got {image_size}")
        self.root, self.image_size = Path(dataset_root), image_size
        self.direction = check_direction(direction)
        self.train_split = train_split
        self.eval_splits = (eval_splits,) if isinstance(eval_splits, str) else tuple(eval_splits)
        self.load_size = round(image_size * JITTER) if jitter else image_size
        self.progress = progress
        self._pairs = {}

    def pairs(self, splits, size):
        """Every pair of `splits` resized to size x size: (x, y) uint8 (N, 3, size, size), decoded once."""
        key = (splits, size)
        if key not in self._pairs:
            xs, ys = [], []
            for split in splits:
                folder = AlignedDataset(self.root, split)
                for index in tqdm(range(len(folder)), desc=f"loading {self.root.name}/{split}",
                                  disable=not self.progress, leave=False):
                    a, b = (F.resize(half, [size, size], InterpolationMode.BICUBIC, antialias=True)
                            for half in folder.read_pair(index))
                    x, y = (a, b) if self.direction == "AtoB" else (b, a)
                    xs.append(x)
                    ys.append(y)
            self._pairs[key] = torch.stack(xs), torch.stack(ys)
        return self._pairs[key]

    def batches(self, batch_size, seed, device=None):
        """Endless (x, y) training batches, (batch_size, 3, S, S) in [-1, 1], epoch after shuffled epoch (not
        `Task.batches`' independent draws: a real dataset is gone through in epochs, as the reference does).
        The crops are cut on the CPU, where the decoded pairs are kept, then moved to `device`."""
        generator = stream(seed)
        xs, ys = self.pairs((self.train_split,), self.load_size)
        size, margin = self.image_size, self.load_size - self.image_size
        order = torch.empty(0, dtype=torch.long)
        while True:
            order = refilled(order, batch_size, len(xs), generator)
            index, order = order[:batch_size], order[batch_size:]
            tops = torch.randint(margin + 1, (batch_size,), generator=generator)
            lefts = torch.randint(margin + 1, (batch_size,), generator=generator)
            flips = torch.rand(batch_size, generator=generator) < 0.5
            yield (to_course_range(crop_and_flip(xs[index], tops, lefts, flips, size).to(device or "cpu")),
                   to_course_range(crop_and_flip(ys[index], tops, lefts, flips, size).to(device or "cpu")))

    def sample(self, n, generator):
        """n held-out pairs (from eval_splits) in random order; repeats only when n exceeds the split."""
        xs, ys = self.pairs(self.eval_splits, self.image_size)
        index = refilled(torch.empty(0, dtype=torch.long), n, len(xs), generator)[:n]
        return PairedBatch(to_course_range(xs[index]), to_course_range(ys[index]))


def facades_task(image_size, root=None, download=False, progress=True):
    """The real CMP facades (label map -> photo, as lesson 02's synthetic task) at `image_size`.

    Looks in ROOT/facades (ROOT: `root`, else $I2I_DATA_DIR, else ./datasets); when it is missing, downloads
    it (29 MB) if `download`, else raises a CourseError that says how to get it. Trains on the 400 train
    pairs, samples from the 206 val and test pairs.
    """
    if not downloader.is_complete("facades", root):
        if not download:
            where = downloader.data_root(root)
            raise CourseError(f"the real facades are not in {where / 'facades'}: run `i2i-course data download "
                              f"facades --root {where}` or pass download=True; the synthetic "
                              "facades need no download")
        downloader.download("facades", root, progress=progress)
    return PairedFolderTask(downloader.data_root(root) / "facades", image_size, direction="BtoA",
                            train_split="train", eval_splits=("val", "test"), progress=progress)

"""The task protocol: what every task (synthetic or real) gives the training code and the lessons.

A task draws batches with its ground truth and says what it knows, as attributes, so a lesson asks the task
rather than checking its type:

    batch = task.sample(n, generator)         # a dataclass: the tensors (x, y or a, b) and what the task knows
    for real_A, real_B in task.batches(batch_size, seed, device):   # endless training batches
        ...

    task.image_size     H = W of every image
    task.classes        names of the per-pixel classes (batch.labels holds them), or None (real photos)
    task.synthetic      True when the task knows its ground truth exactly (generated, not photographed)
    task.paired         True: batches are (x, y) pairs; False: (a, b) drawn independently (unpaired)
    task.input_is_labels  True when x is a one-hot label map (N, K, H, W) rather than an image

`batches` is written once, here: it seeds its own generator (on `device`, so that a synthetic task draws its
batches where the nets train, with no copy) and yields `task.training_pair(batch)`. A task may know more
(lesson 01's `oracle`, lesson 03's texture `period`); those are attributes of that task, None elsewhere.

**Unpaired tasks** (lesson 04) subclass `UnpairedTask` and write `sample_a(n, generator)` and
`sample_b(n, generator)`, each returning (tensor, what the task knows of it): `sample` draws the a's, then
the b's, from random numbers the a's never used, so nothing in b says which a it was drawn with: there are no
pairs to learn from, only two distributions. The batch is an `UnpairedBatch(a, b, truth_a, truth_b)`.

**Label-map tasks** (lesson 06) give x as a one-hot map (N, K, H, W) of floats (`one_hot`), which the nets take
as K input channels; `show_input(x)` turns it back into colours (`label_colours[argmax]`) for the figures.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from i2i_course.runtime import stream


@dataclass
class UnpairedBatch:
    """n draws from domain A and n from domain B, independent: `a`, `b` are what the nets see ((N, C, H, W)
    images, or (N, D) points), `truth_a`, `truth_b` what the task knows of each (e.g. each one's mode)."""

    a: torch.Tensor
    b: torch.Tensor
    truth_a: object = None
    truth_b: object = None


def one_hot(labels, num_classes):
    """(N, H, W) class indices -> (N, K, H, W) float one-hot map: one 1 per pixel, in its class's channel."""
    return F.one_hot(labels, num_classes).permute(0, 3, 1, 2).float()


class Task:
    """The base of every task: declare what it knows, write `sample`; `batches` comes from here."""

    image_size = None
    classes = None  # per-pixel class names, or None
    synthetic = True
    paired = True
    input_is_labels = False
    label_colours = None  # (K, 3) colours in [-1, 1] of a label-map input's classes, for `show_input`
    period = None  # a texture period in pixels, where the task has one (lesson 03)

    def sample(self, n, generator):
        """n examples drawn with `generator` (tensors on its device), with what the task knows about them."""
        raise NotImplementedError

    def training_pair(self, batch):
        """What a training step gets from a batch: (x, y) for a paired task."""
        return batch.x, batch.y

    def batches(self, batch_size, seed, device=None):
        """Endless training batches from the run's training stream (drawn on `device`), the same for the same seed."""
        generator = stream(seed, "train", device)
        while True:
            yield self.training_pair(self.sample(batch_size, generator))

    def show_input(self, x):
        """x as an RGB image (N, 3, H, W) in [-1, 1] for the figures: itself, or a label map in its colours."""
        if not self.input_is_labels:
            return x
        colours = self.label_colours.to(x.device)
        return colours[x.argmax(1)].permute(0, 3, 1, 2).contiguous()


class UnpairedTask(Task):
    """Two domains and no pairs: `sample` draws n a's, then n b's, independently (see the module's docstring)."""

    paired = False

    def sample_a(self, n, generator):
        """n draws from domain A: (tensor, what the task knows of them)."""
        raise NotImplementedError

    def sample_b(self, n, generator):
        """n draws from domain B: (tensor, what the task knows of them)."""
        raise NotImplementedError

    def sample(self, n, generator):
        a, truth_a = self.sample_a(n, generator)
        b, truth_b = self.sample_b(n, generator)  # after a, from numbers a never saw
        return UnpairedBatch(a, b, truth_a, truth_b)

    def training_pair(self, batch):
        """(real_A, real_B): two unrelated draws, not a pair."""
        return batch.a, batch.b

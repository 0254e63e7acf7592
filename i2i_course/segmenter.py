"""The FCN-score, done honestly for synthetic data (pix2pix's Table 1, "FCN-score").

pix2pix judges generated photos by how well an off-the-shelf segmenter, trained on *real* photos,
recovers their labels. Here the segmenter is small and trained on the task's real (synthetic) photos;
its score on the real held-out photos is the ceiling that generated photos are compared to.

Trained segmenters are cached per task, image size, seed and step count, in memory and on disk
(`I2I_CACHE_DIR`, default ~/.cache/i2i-course), so lessons do not retrain them. The disk key includes a
hash of this file and of the task's module, so a change to either never reuses a stale segmenter.
"""

import hashlib
import inspect
import os
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from i2i_course.metrics import segmentation_scores
from i2i_course.progress import progress_bar
from i2i_course.runtime import pick_device, stream

_TRAINED = {}  # in-memory cache: key -> segmenter


class Segmenter(nn.Module):
    """A small fully convolutional net: (N, 3, H, W) photos in [-1, 1] -> (N, classes, H, W) logits.

    Four 3x3 convolutions (the last two dilated) see an 11x11 patch: enough to tell a brick wall from
    glass, wood or railings by colour and texture.
    """

    def __init__(self, num_classes, width=32):
        super().__init__()

        def block(cin, cout, dilation):
            return [nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation), nn.BatchNorm2d(cout),
                    nn.ReLU(True)]

        self.net = nn.Sequential(*block(3, width, 1), *block(width, width, 1), *block(width, width, 2),
                                 nn.Conv2d(width, num_classes, 1))

    def forward(self, x):
        return self.net(x)


def cache_dir():
    return Path(os.environ.get("I2I_CACHE_DIR", Path.home() / ".cache" / "i2i-course"))


def _disk_key(task, seed, steps):
    """The cache file's name: the task and its settings (image_size, period, ...), seed, steps, and a hash
    of the code that made the segmenter and its photos (this file and the task's module), so edited code
    or other settings never reuse it."""
    sources = Path(__file__).read_bytes() + Path(inspect.getfile(type(task))).read_bytes()
    recipe = hashlib.sha256(sources).hexdigest()[:12]
    settings = "-".join(f"{name}{value}" for name, value in sorted(vars(task).items())
                        if isinstance(value, (int, float, str)))
    return f"segmenter-{type(task).__name__}-{settings}-seed{seed}-{steps}steps-{recipe}.pt"


def train_segmenter(task, seed=0, steps=300, batch_size=16, progress=False):
    """Train a Segmenter on the task's real photos -> label maps (cross-entropy, Adam 1e-3).

    Its weights are drawn inside `torch.random.fork_rng`, from `seed`, so training one leaves torch's global
    random state as it was: a run's numbers never depend on whether a cached segmenter was there.
    """
    device = pick_device()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Segmenter(len(task.classes)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = stream(seed, "segmenter")  # its own stream of real photos
    bar = progress_bar(steps, "segmenter", progress)
    for _ in range(steps):
        batch = task.sample(batch_size, generator)
        loss = F.cross_entropy(model(batch.y.to(device)), batch.labels.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        bar.update(1)
    bar.close()
    return model.eval().cpu()


def trained_segmenter(task, seed=0, steps=300, progress=False):
    """The task's segmenter, trained once per (task, size, seed, steps) and cached in memory and on disk."""
    key = _disk_key(task, seed, steps)
    if key in _TRAINED:
        return _TRAINED[key]
    path = cache_dir() / key
    model = Segmenter(len(task.classes))
    if path.is_file():
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        model.eval()
    else:
        model = train_segmenter(task, seed, steps, progress=progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        torch.save(model.state_dict(), tmp)
        os.replace(tmp, path)  # atomic: a crash never leaves half a file
    _TRAINED[key] = model
    return model


@torch.no_grad()
def fcn_scores(segmenter, photos, labels, num_classes, batch_size=64):
    """Segment `photos` (N, 3, H, W) and score the result against the true `labels` (N, H, W)."""
    predicted = torch.cat([segmenter(chunk).argmax(1) for chunk in photos.float().split(batch_size)])
    return segmentation_scores(predicted, labels, num_classes)

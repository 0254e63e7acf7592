"""Seeding, determinism, random streams and device choice, each in one call."""

import os
import random
from contextlib import nullcontext

import numpy as np
import torch

# Named streams of random numbers: a run with seed s draws its training batches from seed s, its held-out
# batch from 10_000 + s, the segmenter's photos from 50_000 + s, so no two purposes ever share numbers.
STREAMS = {"train": 0, "evaluation": 10_000, "segmenter": 50_000}


def stream(seed, purpose="train", device=None):
    """A torch.Generator for one purpose of a run seeded `seed` (see STREAMS), on `device` (default the CPU)."""
    return torch.Generator(device=device or "cpu").manual_seed(STREAMS[purpose] + seed)


def seed_everything(seed, deterministic=True):
    """Seed Python, NumPy and torch (CPU and CUDA), and choose between bit-exact reruns and speed.

    deterministic=True (the `ci` and `cpu` profiles): repeatable kernels, cuDNN autotuning off, so the same
    seed gives the same numbers bit for bit. False (`colab`, `full`): cuDNN picks the fastest kernels
    (`benchmark=True`); reruns then agree to within noise, not bit for bit. Returns a `torch.Generator`
    seeded with `seed`, for code that wants its own stream of random numbers.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cudnn.benchmark = not deterministic
    torch.backends.cudnn.deterministic = deterministic
    torch.use_deterministic_algorithms(deterministic, warn_only=True)
    return torch.Generator().manual_seed(seed)


def pick_device(prefer=None):
    """CUDA when present (or `prefer`, e.g. "cpu"), else the CPU."""
    if prefer is not None:
        return torch.device(prefer)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def autocast(device, enabled=True):
    """Mixed precision (float16) on CUDA when `enabled`; a no-op context otherwise."""
    device = torch.device(device)
    if enabled and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.float16)
    return nullcontext()

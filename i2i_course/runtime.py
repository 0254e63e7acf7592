"""Seeding, determinism and device choice, each in one call."""

import os
import random
from contextlib import nullcontext

import numpy as np
import torch


def seed_everything(seed, deterministic=True):
    """Seed Python, NumPy and torch (CPU and CUDA); with `deterministic`, ask torch for repeatable kernels.

    Returns a `torch.Generator` seeded with `seed`, for code that wants its own stream of random numbers.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
        torch.use_deterministic_algorithms(True, warn_only=True)
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

"""The one training loop every objective shares: progress, loss history, safe interruption, few syncs.

    history = objective.train(task.batches(batch_size, seed), steps=300)   # what lessons call
    history = run_steps(objective.step, batches, steps=300)                 # what it runs

`batches` is any iterable of tuples of (N, C, H, W) tensors: (x, y) for a paired task, (a, b) for an unpaired
one (a synthetic task's `batches(...)`, a torch DataLoader, ...). Each step returns its losses as a dict,
{"loss": the headline number, ...}, of 0-dim tensors (or floats). The loop does not read them back at every
step: on a GPU each read (`.item()`) waits for the GPU to finish, so it keeps them as tensors and reads them
all back in one go every `readback_every` steps and at the end (History, the bar's numbers and the callback
are updated then). Ctrl-C (KeyboardInterrupt) stops the loop between steps and keeps what was trained: the
nets keep their weights, and the history says how far it got.
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch.profiler import record_function

from i2i_course.progress import progress_bar
from i2i_course.runtime import pick_device

READBACK_EVERY = 20  # steps between two reads of the losses (each one a device sync on a GPU)


@dataclass
class History:
    """What a training run did: one loss per step (the headline number), every loss term per step (a dict
    each, e.g. {"loss": ..., "d": ..., "g_gan": ..., "g_l1": ...}), and whether it was cut short."""

    losses: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def steps_done(self):
        return len(self.losses)


def read_back(pending):
    """Losses of several steps ([{name: 0-dim tensor or float}]) as floats, with one device sync per device."""
    tensors = [value for losses in pending for value in losses.values() if torch.is_tensor(value)]
    by_device = {}
    for tensor in tensors:
        by_device.setdefault(tensor.device, []).append(tensor)
    values = {}
    for device_tensors in by_device.values():
        numbers = torch.stack([t.detach().float().reshape(()) for t in device_tensors]).tolist()  # the one sync
        values.update(zip(map(id, device_tensors), numbers))
    return [{name: values[id(value)] if torch.is_tensor(value) else float(value) for name, value in losses.items()}
            for losses in pending]


def run_steps(step, batches, steps, device=None, progress=True, callback=None, desc="training", history=None,
              readback_every=READBACK_EVERY):
    """Call `step(*batch)` on `steps` batches moved to `device`; returns the `History`.

    step(...) does one optimisation step and returns its losses, {"loss": headline, ...}. progress: a bar (a
    clean line in logs, see `progress.progress_bar`). callback(step, loss): called at every read-back with the
    step number and its headline loss (widgets move their own bar with it). Ctrl-C ends the loop between
    steps; `history.interrupted` says so.
    """
    device = pick_device(device)
    history = History() if history is None else history
    start = time.perf_counter()
    bar = progress_bar(steps, desc, progress)
    batch_iter = iter(batches)
    pending = []

    def flush():
        for losses in read_back(pending):
            history.losses.append(losses["loss"])
            history.parts.append(losses)
        pending.clear()
        if history.parts:
            bar.set_postfix({key: f"{value:.4f}" for key, value in history.parts[-1].items()}, refresh=False)
            if callback is not None:
                callback(history.steps_done, history.losses[-1])

    try:
        for number in range(1, steps + 1):
            # the named ranges are free unless a profiler listens: benchmarks/lesson_steps.py splits a step's
            # time into waiting for data, computing and reading back (syncing) with them
            with record_function("i2i.data"):
                batch = tuple(t.to(device, non_blocking=True) for t in next(batch_iter))
            with record_function("i2i.step"):
                pending.append(step(*batch))
            bar.update(1)
            if number % readback_every == 0 or number == steps:
                with record_function("i2i.readback"):
                    flush()
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        if pending:
            flush()  # what the interrupted steps did is kept too
        bar.close()
        history.seconds = time.perf_counter() - start
    if history.interrupted:
        print(f"interrupted after {history.steps_done} of {steps} steps; the model keeps what it learned")
    return history


def save_checkpoint(path, objective, history):
    """Write an objective's nets and optimisers and the history to `path` atomically (a temporary file, then
    a rename: a crash never leaves half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"nets": {name: net.state_dict() for name, net in objective.nets().items()},
                "optimizers": {name: opt.state_dict() for name, opt in objective.optimizers().items()},
                "losses": history.losses, "interrupted": history.interrupted}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, objective):
    """Load what `save_checkpoint` wrote into `objective` (same kind, same sizes); returns the History."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    for name, net in objective.nets().items():
        net.load_state_dict(state["nets"][name])
    for name, optimizer in objective.optimizers().items():
        optimizer.load_state_dict(state["optimizers"][name])
    return History(losses=list(state["losses"]), interrupted=state["interrupted"])

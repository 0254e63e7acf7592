"""Training loops: progress bar, loss history, optional checkpoint, safe interruption.

    history = train(model, batches, l1_loss, steps=300, lr=2e-3)       # one net, one loss
    history = run_steps(objective.step, batches, steps=300)             # anything with a step(x, y)

`batches` is any iterable of (x, y) pairs of (N, C, H, W) tensors (a synthetic task's `batches(...)`,
a torch DataLoader, ...). `run_steps` is the loop every trainer shares: `train` gives it a supervised
step, the GAN objectives (`i2i_course.pix2pix.Pix2Pix`, ...) give it theirs. Ctrl-C (KeyboardInterrupt)
stops the loop between steps and keeps what was trained: the nets keep their weights, the history says
how far it got, the checkpoint is written.
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from tqdm.auto import tqdm

from i2i_course.runtime import autocast, pick_device


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


def save_checkpoint(path, model, optimizer, history):
    """Write model, optimiser and history to `path` atomically (a temporary file, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "losses": history.losses, "interrupted": history.interrupted}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, model, optimizer=None):
    """Load weights (and the optimiser state) saved by `save_checkpoint`; returns the History."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    return History(losses=list(state["losses"]), interrupted=state["interrupted"])


def run_steps(step, batches, steps, device=None, progress=True, callback=None, desc="training",
              history=None):
    """Call `step(x, y)` on `steps` batches moved to `device`; returns the `History`.

    step(x, y) does one optimisation step and returns its losses as floats, {"loss": headline, ...}.
    progress: a tqdm bar. callback(step, loss): called after each step with the headline loss (widgets
    use it for their own progress bar). Ctrl-C ends the loop between steps; `history.interrupted` says so.
    """
    device = pick_device(device)
    history = History() if history is None else history
    start = time.perf_counter()
    bar = tqdm(total=steps, desc=desc, disable=not progress, leave=False)
    batch_iter = iter(batches)
    try:
        for number in range(1, steps + 1):
            x, y = next(batch_iter)
            losses = step(x.to(device), y.to(device))
            history.losses.append(losses["loss"])
            history.parts.append(losses)
            bar.update(1)
            bar.set_postfix({key: f"{value:.4f}" for key, value in losses.items()}, refresh=False)
            if callback is not None:
                callback(number, losses["loss"])
    except KeyboardInterrupt:
        history.interrupted = True
        print(f"interrupted after {history.steps_done} of {steps} steps; the model keeps what it learned")
    finally:
        bar.close()
        history.seconds = time.perf_counter() - start
    return history


def train(model, batches, loss_fn, steps, lr=2e-4, betas=(0.5, 0.999), device=None,
          progress=True, callback=None, checkpoint=None, desc="training"):
    """Train `model` to map x to y under `loss_fn(pred, y)` with Adam for `steps` steps.

    progress, callback: as in `run_steps`. checkpoint: a path to save to at the end, also when
    interrupted. Mixed precision is used on CUDA. Returns a `History`.
    """
    device = pick_device(device)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=betas)
    scaler = torch.amp.GradScaler(device.type, enabled=device.type == "cuda")

    def step(x, y):
        with autocast(device):
            loss = loss_fn(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return {"loss": loss.item()}

    history = History()
    try:
        run_steps(step, batches, steps, device, progress, callback, desc, history)
    finally:
        model.eval()
        if checkpoint is not None:
            save_checkpoint(checkpoint, model, optimizer, history)
    return history


@torch.no_grad()
def predict(model, x, batch_size=64, device=None):
    """Run `model` in eval mode on (N, C, H, W) inputs in chunks; returns CPU float outputs."""
    device = pick_device(device)
    model.to(device).eval()
    outputs = [model(chunk.to(device)).float().cpu() for chunk in x.split(batch_size)]
    return torch.cat(outputs)

"""What every objective of the course shares: the nets on one device, an optimiser update that knows the
gradient scaler, "D only judges here", the one training loop, and translation in eval mode.

An objective is a small class in the reference's vocabulary: it holds its nets and optimisers, and its
`step(...)` does one optimisation step on a batch and returns every loss term as a 0-dim tensor:

    class Regression(Objective):                 # objectives/regression.py, in full
        def __init__(self, generator, loss_fn, ...):
            super().__init__(device, amp)
            self.generator, self.loss_fn = generator.to(self.device), loss_fn
            self.opt_g = adam(generator, lr, betas)

        def step(self, x, y):
            with self.autocast():
                loss = self.loss_fn(self.generator(x).float(), y)
            self.update(loss, self.opt_g)
            return {"loss": loss.detach()}

`train(batches, steps)` hands `step` to `training.run_steps`, `translate(x)` runs the trained generator on
held-out inputs. Mixed precision (float16 autocast with a gradient scaler) is used on CUDA when `amp`.
"""

from contextlib import contextmanager

import torch

from i2i_course.runtime import autocast, pick_device
from i2i_course.training import History, run_steps, save_checkpoint

BETAS = (0.5, 0.999)  # Adam's betas in every paper of the course (the reference's beta1 = 0.5)


def adam(net, lr, betas=BETAS):
    """Adam on `net`'s parameters, as the reference's optimisers."""
    return torch.optim.Adam(net.parameters(), lr=lr, betas=betas)


class Objective:
    """The shared part; a subclass builds its nets and optimisers, then writes `step` (and `generate`)."""

    def __init__(self, device=None, amp=True):
        self.device = pick_device(device)
        self.amp = amp and self.device.type == "cuda"
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp)

    # --- what a subclass has ---------------------------------------------------------------------------

    def nets(self):
        """{name: nn.Module} of every net, e.g. {"G": ..., "D": ...}: put in train mode to train, saved together."""
        return {name: value for name, value in vars(self).items() if isinstance(value, torch.nn.Module)}

    def optimizers(self):
        """{name: optimiser} of every optimiser, e.g. {"opt_g": ..., "opt_d": ...}."""
        return {name: value for name, value in vars(self).items() if isinstance(value, torch.optim.Optimizer)}

    def step(self, *batch):
        """One optimisation step on a batch; returns {"loss": headline, ...} as 0-dim tensors."""
        raise NotImplementedError

    def generate(self, x, **options):
        """The trained mapping on one chunk of inputs (in eval mode, no gradients): G(x) unless a subclass
        says otherwise (a z to draw, a direction to run)."""
        return self.generator(x)

    # --- the same for every objective -------------------------------------------------------------------

    def autocast(self):
        """float16 autocast on CUDA when `amp`, else nothing: wrap the forward passes in it."""
        return autocast(self.device, self.amp)

    def update(self, loss, optimizer):
        """optimizer's step on `loss`: clear its gradients, backpropagate (scaled under amp), step."""
        optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.step(optimizer)

    @contextmanager
    def frozen(self, *nets):
        """Inside the block, `nets` get no gradients: D only judges G's fakes here, it does not learn from them."""
        states = [[p.requires_grad for p in net.parameters()] for net in nets]
        for net in nets:
            net.requires_grad_(False)
        try:
            yield
        finally:
            for net, state in zip(nets, states):
                for parameter, wanted in zip(net.parameters(), state):
                    parameter.requires_grad_(wanted)

    def _scaled_step(self, *batch):
        losses = self.step(*batch)
        self.scaler.update()  # once per step, after every optimiser of the step has stepped
        return losses

    def train(self, batches, steps, progress=True, callback=None, desc=None, checkpoint=None):
        """`steps` steps on `batches`; returns the `History` (the headline loss per step, every term in
        `history.parts`). The nets are left in eval mode. checkpoint: a path to save the nets, optimisers
        and history to at the end, also when interrupted."""
        history = History()
        for net in self.nets().values():
            net.train()
        try:
            run_steps(self._scaled_step, batches, steps, self.device, progress, callback,
                      desc or type(self).__name__, history)
        finally:
            for net in self.nets().values():
                net.eval()
            if checkpoint is not None:
                save_checkpoint(checkpoint, self, history)
        return history

    @torch.no_grad()
    def translate(self, x, batch_size=64, **options):
        """`generate` on (N, C, H, W) inputs in chunks of `batch_size`, in eval mode; (N, ...) float on the CPU.

        options go to `generate` (e.g. z for lesson 05, direction for lesson 04); a tensor option with N
        rows is cut into the same chunks as x.
        """
        for net in self.nets().values():
            net.eval()
        outputs = []
        for start in range(0, len(x), batch_size):
            chunk = {key: value[start:start + batch_size].to(self.device)
                     if torch.is_tensor(value) and len(value) == len(x) else value
                     for key, value in options.items()}
            outputs.append(self.generate(x[start:start + batch_size].to(self.device), **chunk).float().cpu())
        return torch.cat(outputs)

"""A generator trained with a per-pixel loss alone (L1, L2, ...): lessons 01 and 02, and lesson 03's baseline.

    G:  loss(G(x), y)         e.g. |G(x) - y| (L1: the per-pixel median) or (G(x) - y)^2 (L2: the mean)
"""

from i2i_course.objectives.base import BETAS, Objective, adam


class Regression(Objective):
    """G (x -> y) and its optimiser; x, y are (N, C, H, W) in [-1, 1]; loss_fn(pred, target) -> 0-dim."""

    def __init__(self, generator, loss_fn, lr=2e-4, betas=BETAS, device=None, amp=True):
        super().__init__(device, amp)
        self.generator, self.loss_fn = generator.to(self.device), loss_fn
        self.opt_g = adam(generator, lr, betas)

    def step(self, x, y):
        with self.autocast():
            fake_y = self.generator(x)
        loss = self.loss_fn(fake_y.float(), y)  # the loss in float32, whatever the forward pass ran in
        self.update(loss, self.opt_g)
        return {"loss": loss.detach()}

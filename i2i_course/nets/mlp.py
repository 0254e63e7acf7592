"""Small multilayer perceptrons for points in the plane (lesson 04), several independent ones side by side.

    x ─ linear ─ leaky relu ─ linear ─ leaky relu ─ linear ──> y          widths: in, 64, 64, out

`ParallelMLPs(runs=8)` is 8 such nets with their own weights, evaluated together: (N, runs, in) ->
(N, runs, out), net r reading column r. Trained on the mean of their losses they learn independently (each
net's loss depends on its own weights only, and Adam is blind to the 1/runs factor of its gradients), so one
training loop gives `runs` independent runs, from different initial weights, for the price of about one: what
a claim like "lambda 0 does not *reliably* keep the content" needs, a count over many runs.

Initialisation: PyTorch's default for linear layers (uniform in +-1/sqrt(fan in)), not the reference's N(0,
0.02). The reference's is sized for its convolutions, which sum ~1000 inputs per output; a layer with 2 inputs
scales a point by ~0.03 under it, every point starts at the origin, and (measured on lesson 04's mixtures, 6
seeds, 3000 steps) the cycle-consistent GAN then stalled in 2 runs of 6. These nets are not the reference's:
there is no parameter count of theirs to match.
"""

import math

import torch
from torch import nn


class ParallelLinear(nn.Module):
    """`runs` linear layers side by side: (N, runs, in_features) -> (N, runs, out_features)."""

    def __init__(self, runs, in_features, out_features):
        super().__init__()
        bound = 1 / math.sqrt(in_features)  # PyTorch's default for nn.Linear, weights and biases
        self.weight = nn.Parameter(torch.empty(runs, in_features, out_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(runs, out_features).uniform_(-bound, bound))

    def forward(self, x):
        return torch.einsum("nri,rio->nro", x, self.weight) + self.bias


class ParallelMLPs(nn.Sequential):
    """`runs` MLPs (in_features -> hidden... -> out_features, LeakyReLU(0.2)): (N, runs, in) -> (N, runs, out).

    A generator of points is `ParallelMLPs(runs, 2, 2)`; a discriminator `ParallelMLPs(runs, 2, 1)` (raw scores:
    the GAN losses take them as they are).
    """

    def __init__(self, runs=1, in_features=2, out_features=2, hidden=(64, 64)):
        widths = [in_features, *hidden]
        layers = []
        for width_in, width_out in zip(widths, widths[1:]):
            layers += [ParallelLinear(runs, width_in, width_out), nn.LeakyReLU(0.2, True)]
        layers.append(ParallelLinear(runs, widths[-1], out_features))
        super().__init__(*layers)
        self.runs = runs


def side_by_side(points, runs):
    """(N, D) points -> (N, runs, D): the same points for every run (a view, no copy)."""
    return points.unsqueeze(1).expand(-1, runs, -1)

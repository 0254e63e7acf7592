"""Lesson 01: per-pixel losses predict the conditional mean (L2) or median (L1), so uncertainty blurs.

Two parts, each with its claims:
- `toy`: one "pixel" whose target is +1 (probability 0.7) or -1 (0.3), plus a little noise. Gradient
  descent on a constant prediction lands on the mean under L2 and on the median under L1.
- `train_run`: the same U-Net trained with L2 and with L1 on `AmbiguousDiscs`, measured by edge width
  and colourfulness on held-out sketches, next to the exact mean and median predictions.
"""

import math
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import torch

from i2i_course.claims import Claim, LessonResult
from i2i_course.data import AmbiguousDiscs
from i2i_course.losses import pixel_loss
from i2i_course.metrics import colourfulness, edge_width
from i2i_course.nets import UNet
from i2i_course.profiles import get_profile
from i2i_course.runtime import seed_everything
from i2i_course.training import predict, train
from i2i_course.viz import plot_curves, show_rows

LESSON = "01"
TITLE = "L2 vs L1 blur"
P_MINOR = 0.3  # the minority mode's probability in the lesson's task


# ---------------------------------------------------------------- the 1-D toy


def toy(seed=0, n=1000, p_minor=P_MINOR, noise=0.1, steps=500, lr=0.05):
    """Minimise L2 and L1 over a constant c by gradient descent, next to the closed forms.

    Returns the samples, the closed-form mean and median, and the gradient-descent argmins.
    """
    generator = torch.Generator().manual_seed(seed)
    minority = torch.rand(n, generator=generator) < p_minor
    samples = torch.where(minority, -1.0, 1.0) + noise * torch.randn(n, generator=generator)
    argmins = {}
    for name in ("l2", "l1"):
        loss_fn = pixel_loss(name)
        c = torch.zeros((), requires_grad=True)
        for step in range(steps):
            loss = loss_fn(c.expand(n), samples)
            (grad,) = torch.autograd.grad(loss, c)
            with torch.no_grad():
                c -= lr * (1 - step / steps) * grad  # a decaying step lets L1's sign gradient settle
        argmins[name] = c.item()
    return {"samples": samples, "mean": samples.mean().item(), "median": samples.median().item(),
            "argmin_l2": argmins["l2"], "argmin_l1": argmins["l1"]}


def toy_claim(result):
    holds = (abs(result["argmin_l2"] - result["mean"]) < 0.01
             and abs(result["argmin_l1"] - result["median"]) < 0.02
             and abs(result["mean"] - result["median"]) > 0.3)
    values = {k: round(result[k], 4) for k in ("mean", "argmin_l2", "median", "argmin_l1")}
    return Claim(LESSON, "toy-argmin",
                 "gradient descent on L2 lands on the mean of the targets, on L1 on their median "
                 "(and the two differ)", values, holds)


def toy_figure(result):
    samples = result["samples"]
    grid = torch.linspace(-1.5, 1.5, 301)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    axes[0].hist(samples.numpy(), bins=60, color="grey")
    axes[0].set_title("targets: +1 (70 %) or -1 (30 %)")
    for ax, name, stat in ((axes[1], "l2", "mean"), (axes[2], "l1", "median")):
        loss = [pixel_loss(name)(c.expand(len(samples)), samples).item() for c in grid]
        ax.plot(grid.numpy(), loss, color="black")
        ax.axvline(result[stat], color="tab:blue", label=f"{stat} = {result[stat]:.3f}")
        ax.axvline(result[f"argmin_{name}"], color="tab:orange", linestyle="--",
                   label=f"gradient descent = {result[f'argmin_{name}']:.3f}")
        ax.set_title(f"{name.upper()} loss of a constant prediction c")
        ax.set_xlabel("c")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the trained generators


def unet_for(profile):
    """The lesson's generator: halve down to a 1x1 bottleneck, as unet_256 does at 256x256.

    Dropout is off: it is pix2pix's noise source, and this lesson isolates the loss.
    """
    return UNet(3, 3, num_downs=int(math.log2(profile.image_size)), ngf=profile.ngf, dropout=False)


def measure(images, batch, task):
    """Edge width (px) and colourfulness, averaged over a batch of outputs for `batch`'s sketches."""
    return {"edge_width": edge_width(images, batch.center, task.background).nanmean().item(),
            "colourfulness": colourfulness(images).mean().item()}


@dataclass
class Run:
    """One trained generator: its settings, loss history, outputs on the evaluation sketches, metrics."""

    loss: str
    p_minor: float
    steps: int
    seed: int
    history: object
    outputs: torch.Tensor
    metrics: dict = field(default_factory=dict)


def evaluation_batch(task, profile, seed):
    """Held-out sketches, from a stream the training batches never use."""
    return task.sample(profile.eval_samples, torch.Generator().manual_seed(10_000 + seed))


def train_run(profile=None, loss="l2", p_minor=P_MINOR, steps=None, seed=0, l1_weight=0.5,
              progress=True, callback=None):
    """Train the lesson's U-Net with one loss and measure it; returns a `Run`."""
    profile = get_profile(profile)
    steps = profile.steps if steps is None else steps
    task = AmbiguousDiscs(profile.image_size, p_minor)
    seed_everything(seed)
    model = unet_for(profile)
    history = train(model, task.batches(profile.batch_size, seed), pixel_loss(loss, l1_weight), steps,
                    lr=profile.lr, progress=progress, callback=callback, desc=f"{loss.upper()} U-Net")
    batch = evaluation_batch(task, profile, seed)
    outputs = predict(model, batch.x)
    metrics = measure(outputs, batch, task)
    metrics["l1_error"] = (outputs - batch.y).abs().mean().item()
    return Run(loss, p_minor, history.steps_done, seed, history, outputs, metrics)


def trained_claims(l2, l1, references):
    edges = Claim(LESSON, "edges-l2-wider",
                  "the L2-trained generator's edges are wider (blurrier) than the L1-trained one's",
                  {"edge_width_l2_px": round(l2.metrics["edge_width"], 2),
                   "edge_width_l1_px": round(l1.metrics["edge_width"], 2),
                   "mean_oracle_px": round(references["mean"]["edge_width"], 2),
                   "median_oracle_px": round(references["median"]["edge_width"], 2)},
                  l2.metrics["edge_width"] > l1.metrics["edge_width"] + 1.0)
    colour = Claim(LESSON, "colour-l2-greyer",
                   "the L2-trained generator's outputs are less colourful than the L1-trained one's",
                   {"colourfulness_l2": round(l2.metrics["colourfulness"], 1),
                    "colourfulness_l1": round(l1.metrics["colourfulness"], 1),
                    "mean_oracle": round(references["mean"]["colourfulness"], 1),
                    "median_oracle": round(references["median"]["colourfulness"], 1)},
                  l2.metrics["colourfulness"] < 0.85 * l1.metrics["colourfulness"])
    return [edges, colour]


def outputs_figure(batch, runs, references, count=8):
    """Sketches, one sampled target, the exact mean/median, and each run's outputs, numbers in labels."""
    def label(name, m):
        return f"{name}\nedge {m['edge_width']:.1f} px\ncolour {m['colourfulness']:.0f}"

    rows = [("sketch x", batch.x[:count]), ("a target y", batch.y[:count]),
            (label("exact mean", references["mean"]), references["mean_images"][:count]),
            (label("exact median", references["median"]), references["median_images"][:count])]
    rows += [(label(f"{run.loss.upper()} U-Net", run.metrics), run.outputs[:count]) for run in runs]
    return show_rows(rows, title="the same U-Net trained with L2 and with L1 (held-out sketches)")


# ---------------------------------------------------------------- the lesson


def references_for(task, batch):
    """Metrics of the exact per-pixel mean and median: the best any L2 / L1 generator can do."""
    mean, median = task.oracle(batch, "mean"), task.oracle(batch, "median")
    return {"mean": measure(mean, batch, task), "median": measure(median, batch, task),
            "mean_images": mean, "median_images": median}


def run(profile=None, seed=0, progress=True):
    """The whole lesson: the toy and both trained generators, with claims and figures."""
    profile = get_profile(profile)
    toy_result = toy(seed=seed)
    l2 = train_run(profile, "l2", seed=seed, progress=progress)
    l1 = train_run(profile, "l1", seed=seed, progress=progress)
    task = AmbiguousDiscs(profile.image_size, P_MINOR)
    batch = evaluation_batch(task, profile, seed)
    references = references_for(task, batch)
    claims = [toy_claim(toy_result), *trained_claims(l2, l1, references)]
    figures = {
        "toy": toy_figure(toy_result),
        "outputs": outputs_figure(batch, [l2, l1], references),
        "losses": plot_curves({"L2": l2.history.losses, "L1": l1.history.losses},
                              title="training loss", logy=True),
    }
    return LessonResult(LESSON, TITLE, claims, figures,
                        {"toy": toy_result, "runs": {"l2": l2, "l1": l1}, "references": references})

"""Lesson 01: per-pixel losses predict the conditional mean (L2) or median (L1), so uncertainty blurs.

Two parts, each with its claims:
- `toy`: one "pixel" whose target is +1 (probability 0.7) or -1 (0.3), plus a little noise. Gradient
  descent on a constant prediction lands on the mean under L2 and on the median under L1.
- `train_variant`: the same U-Net trained with L2 and with L1 on `AmbiguousDiscs`, measured by edge width
  and colourfulness on held-out sketches, next to the exact mean and median predictions (`references_for`).

This is the worked example of docs/adding-a-lesson.md: a task (`task_for`), an objective (`Regression`),
variants by key ("l2", "l1", and the oracles "mean", "median"), claims with named thresholds, figures.
"""

import math

import matplotlib.pyplot as plt
import torch

from i2i_course.data import AmbiguousDiscs
from i2i_course.experiments.common import evaluation_batch, l1_error, reference_row, start_run
from i2i_course.experiments.datasets import synthetic_only
from i2i_course.losses import pixel_loss
from i2i_course.metrics import colourfulness, edge_width
from i2i_course.nets import UNet
from i2i_course.objectives import Regression
from i2i_course.profiles import get_profile
from i2i_course.results import Claim, LessonResult, Variant
from i2i_course.viz import plot_curves, show_rows

LESSON = "01"
TITLE = "L2 vs L1 blur"
DATASETS = ("synthetic",)  # its effect needs the exact mean and median: no real dataset has them
P_MINOR = 0.3  # the minority mode's probability in the lesson's task
# toy-argmin holds when gradient descent lands this close to the closed forms, and they differ this much
TOY_L2_TOLERANCE, TOY_L1_TOLERANCE, TOY_MIN_GAP = 0.01, 0.02, 0.3
EDGE_MARGIN_PX = 1.0  # edges-l2-wider: L2's edge at least this much wider than L1's
GREYER_RATIO = 0.85  # colour-l2-greyer: L2's colourfulness below this share of L1's


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
    holds = (abs(result["argmin_l2"] - result["mean"]) < TOY_L2_TOLERANCE
             and abs(result["argmin_l1"] - result["median"]) < TOY_L1_TOLERANCE
             and abs(result["mean"] - result["median"]) > TOY_MIN_GAP)
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


def task_for(profile=None, dataset="synthetic", progress=True, p_minor=P_MINOR):
    """The lesson's task: ambiguous discs at the profile's size (lesson 01 has no real dataset)."""
    synthetic_only(LESSON, dataset, "synthetic task", "the exact mean and median, which no real dataset has")
    return AmbiguousDiscs(get_profile(profile).image_size, p_minor)


def measure(images, batch, task):
    """Edge width (px), colourfulness and L1 error of a batch of outputs for `batch`'s sketches."""
    return {"edge_width": edge_width(images, batch.center, task.background).nanmean().item(),
            "colourfulness": colourfulness(images).mean().item(),
            "l1_error": l1_error(images, batch.y)}


def train_variant(profile=None, loss="l2", p_minor=P_MINOR, steps=None, seed=0, l1_weight=0.5, progress=True,
                  callback=None, task=None):
    """Train the lesson's U-Net with one loss ("l2", "l1" or "mix") and measure it; returns a `Variant`
    (key: the loss; visuals: {"fake_B": outputs on the held-out sketches})."""
    profile = get_profile(profile)
    steps = profile.steps if steps is None else steps
    task = task if task is not None else task_for(profile, p_minor=p_minor)
    start_run(profile, seed)
    objective = Regression(unet_for(profile), pixel_loss(loss, l1_weight), lr=profile.lr)
    history = objective.train(task.batches(profile.batch_size, seed, objective.device), steps, progress=progress,
                              callback=callback, desc=f"{loss.upper()} U-Net")
    batch = evaluation_batch(task, profile, seed)
    outputs = objective.translate(batch.x)
    settings = {"loss": loss, "l1_weight": l1_weight if loss == "mix" else None, "p_minor": task.p_minor,
                "steps": steps}
    return Variant(loss, f"{loss.upper()} U-Net", settings, history, {"fake_B": outputs},
                   measure(outputs, batch, task), objective)


def trained_claims(variants):
    """edges-l2-wider and colour-l2-greyer, from the variants "l2", "l1", "mean" and "median"."""
    l2, l1 = variants["l2"].metrics, variants["l1"].metrics
    mean, median = variants["mean"].metrics, variants["median"].metrics
    edges = Claim(LESSON, "edges-l2-wider",
                  "the L2-trained generator's edges are wider (blurrier) than the L1-trained one's",
                  {"edge_width_l2_px": round(l2["edge_width"], 2), "edge_width_l1_px": round(l1["edge_width"], 2),
                   "mean_oracle_px": round(mean["edge_width"], 2), "median_oracle_px": round(median["edge_width"], 2)},
                  l2["edge_width"] > l1["edge_width"] + EDGE_MARGIN_PX)
    colour = Claim(LESSON, "colour-l2-greyer",
                   "the L2-trained generator's outputs are less colourful than the L1-trained one's",
                   {"colourfulness_l2": round(l2["colourfulness"], 1),
                    "colourfulness_l1": round(l1["colourfulness"], 1),
                    "mean_oracle": round(mean["colourfulness"], 1),
                    "median_oracle": round(median["colourfulness"], 1)},
                   l2["colourfulness"] < GREYER_RATIO * l1["colourfulness"])
    return [edges, colour]


def outputs_figure(batch, variants, count=8, tile=None):
    """Sketches, one sampled target, and each variant's outputs (the exact mean and median first), numbers in
    the row labels."""
    def label(variant):
        m = variant.metrics
        return f"{variant.label}\nedge {m['edge_width']:.1f} px\ncolour {m['colourfulness']:.0f}"

    rows = [("sketch x", batch.x[:count]), ("a target y", batch.y[:count])]
    rows += [(label(variant), variant.visuals["fake_B"][:count]) for variant in variants]
    return show_rows(rows, title="the same U-Net trained with L2 and with L1 (held-out sketches)", tile=tile)


# ---------------------------------------------------------------- the lesson


def references_for(task, batch):
    """The exact per-pixel mean and median (the best any L2 / L1 generator can do), as untrained variants."""
    return {statistic: reference_row(statistic, f"exact {statistic}", images, measure(images, batch, task),
                                     name="fake_B")
            for statistic, images in (("mean", task.oracle(batch, "mean")), ("median", task.oracle(batch, "median")))}


def run(profile=None, seed=0, progress=True, task=None):
    """The whole lesson: the toy and both trained generators, with claims and figures."""
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    toy_result = toy(seed=seed)
    variants = {loss: train_variant(profile, loss, seed=seed, progress=progress, task=task) for loss in ("l2", "l1")}
    batch = evaluation_batch(task, profile, seed)
    variants.update(references_for(task, batch))
    claims = [toy_claim(toy_result), *trained_claims(variants)]
    figures = {
        "toy": toy_figure(toy_result),
        "outputs": outputs_figure(batch, [variants[key] for key in ("mean", "median", "l2", "l1")]),
        "losses": plot_curves({"L2": variants["l2"].history.losses, "L1": variants["l1"].history.losses},
                              title="training loss", logy=True),
    }
    return LessonResult(LESSON, TITLE, claims, figures, variants, task, batch, {"toy": toy_result})

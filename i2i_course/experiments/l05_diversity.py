"""Lesson 05: one input, many right answers; pix2pix + z draws one, DSGAN / MSGAN and BicycleGAN draw more.

On `PaletteFills` (an outline -> the shape filled with one of M = 4 equiprobable palette colours) the same
U-Net, given a latent code z (nz 8, tiled onto every level), is trained four ways:

    "pix2pix-z"   pix2pix (cGAN + lambda L1) with z as an extra input: it learns to ignore z
    "dsgan"       the same + DSGAN's diversity-sensitive term, -min(ratio, tau), weight 8
    "msgan"       the same + MSGAN's mode-seeking term, 1 / (ratio + eps), weight 1
    "bicyclegan"  BicycleGAN: an encoder E, cVAE-GAN + cLR-GAN halves, two discriminators

and each draws S = 8 samples (8 codes) for every held-out outline. The samples are read back to the palette
colour they filled the shape with (or "invalid": none of them) and measured by the modes covered per input
(at most M (1 - (1 - 1/M)^S) = 3.60 on average for an ideal sampler), the share of valid samples, the pairwise
L1 between samples of one input (the papers' LPIPS stands in for it where its weights exist), and the L1 to
the nearest valid target. Reference rows: the real targets ("real": S draws of the true distribution) and
the per-pixel median ("median": what L1 alone aims for, lesson 01: a grey fill that is no mode at all).

tau, DSGAN's cap, is set from the data: the real targets' pairwise L1 divided by E|z1 - z2| = 2 / sqrt(pi)
per code dimension, so a generator as diverse as the data earns the whole reward and nothing beyond it.
"""

import math

import matplotlib.pyplot as plt
import torch

from i2i_course import viz
from i2i_course.data.palette_fills import PaletteFills, interior_of
from i2i_course.errors import CourseError
from i2i_course.experiments.common import evaluation_batch, reference_row, start_run
from i2i_course.experiments.datasets import synthetic_only
from i2i_course.metrics import diversity
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.nets import Encoder, UNet
from i2i_course.objectives import BicycleGAN, Pix2PixZ
from i2i_course.objectives.pix2pix_z import draw_codes
from i2i_course.profiles import get_profile
from i2i_course.results import Claim, LessonResult, Variant
from i2i_course.runtime import STREAMS, stream
from i2i_course.viz import show_rows

LESSON = "05"
TITLE = "BicycleGAN / DSGAN diversity"
DATASETS = ("synthetic",)  # its claims need the modes of every target, which no real dataset has
METHODS = {"pix2pix-z": "pix2pix + z", "dsgan": "DSGAN", "msgan": "MSGAN", "bicyclegan": "BicycleGAN"}
LAMBDA_L1 = {"pix2pix-z": 100.0, "dsgan": 10.0, "msgan": 10.0, "bicyclegan": 10.0}  # each as its paper
# what `run` trains: (method, lambda_L1); pix2pix + z also at the others' lambda_L1, to show what L1 does
RUN_VARIANTS = (("pix2pix-z", 100.0), ("pix2pix-z", 10.0), ("dsgan", 10.0), ("msgan", 10.0), ("bicyclegan", 10.0))
NZ = 8  # BicycleGAN's code size
INJECT = "all"  # z tiled onto every level's input (BicycleGAN's G_Unet_add_all)
NORM = "batch"  # pix2pix's (and lessons 02-03's); BicycleGAN's reference uses instance norm
ENCODER_NORM = "batch"  # as the U-Net: the methods differ only in their losses (Encoder defaults to instance)
LAMBDA_KL, LAMBDA_Z = 0.01, 0.5  # BicycleGAN's
DIVERSITY_WEIGHTS = {"dsgan": 8.0, "msgan": 1.0}  # DSGAN's facades setting; MSGAN's
SAMPLES = 8  # S: codes drawn per held-out input
TAU_INPUTS = 1024  # training draws that set tau
# claims, thresholds set from the spread over seeds 0-4 at ci (see tests/test_lesson05.py for the numbers)
CEILING_TOLERANCE, LATENT_TOLERANCE = 0.02, 0.005  # exact: Monte Carlo agrees with the closed forms this well
# pix2pix-ignores-z: pairwise L1 < 0.2 x the real targets' (measured 0.04-0.09 x) and at most 1.25 modes per
# input (measured 0: it fills the shape grey, the median's colour)
IGNORES_Z_SHARE, IGNORES_Z_MODES = 0.2, 1.25
DIVERSE_FACTOR = 5.0  # diversity-comes-back: pairwise L1 >= 5 x pix2pix + z's (measured 12-37 x)
# MSGAN's valid rate is shown, not claimed: short runs (ci) leave most of its diverse samples invalid (0.23-0.33),
# longer ones (cpu) mostly valid (0.86 on seed 0), so "diverse but invalid" is not robust across profiles


def task_for(profile=None, dataset="synthetic", progress=True):
    """The lesson's task: palette fills at the profile's size (lesson 05 has no real dataset)."""
    synthetic_only(LESSON, dataset, "synthetic task", "every valid target of an input, which no real dataset has")
    return PaletteFills(get_profile(profile).image_size)


def gan_lr(profile):
    """Adam's learning rate for every net: the profile's, but at most 1e-3 (GANs diverge above it)."""
    return min(profile.lr, 1e-3)


def generator_for(profile, nz=NZ):
    """The lesson's U-Net with a code input: halved down to 1x1, dropout off (z is the only noise)."""
    return UNet(3, 3, int(math.log2(profile.image_size)), ngf=profile.ngf, norm=NORM, dropout=False, nz=nz,
                inject=INJECT)


def discriminator_for(profile):
    """A conditional PatchGAN (x and y: 6 channels) whose patch sees a good part of the shape: 34x34 at
    32 px, 70x70 from 64 px up."""
    return PatchDiscriminator(6, ndf=profile.ndf, n_layers=2 if profile.image_size < 64 else 3)


def tau_from_data(task):
    """DSGAN's tau: the real targets' pairwise L1 over E|z1 - z2| per code dimension (2 / sqrt(pi)).

    Two real targets of one outline differ when their colours differ; their expected L1 is the mean over
    every ordered pair of the M targets. Measured on `TAU_INPUTS` training draws (a fixed stream)."""
    generator = torch.Generator().manual_seed(STREAMS["train"])
    targets = task.every_target(task.sample(TAU_INPUTS, generator))  # (N, M, 3, H, W)
    m = targets.shape[1]
    real_pairwise = diversity.pairwise_l1(targets).mean().item() * (m - 1) / m  # pairs of equal modes add 0
    return real_pairwise / diversity.mean_latent_distance()


def evaluation_codes(task, profile, seed, nz, samples=SAMPLES):
    """S codes per held-out input, (N, S, nz): drawn from the evaluation stream after the held-out batch, so
    every method of a seed is measured with the same codes."""
    generator = stream(seed, "evaluation")
    task.sample(profile.eval_samples, generator)  # the held-out batch: the codes come after it
    return draw_codes(profile.eval_samples, samples, nz, generator)


def build_objective(profile, method, nz, lambda_l1, diversity_weight, tau):
    lr = gan_lr(profile)
    if method == "bicyclegan":
        encoder = Encoder(3, nz, nef=profile.ngf, image_size=profile.image_size, norm=ENCODER_NORM)
        return BicycleGAN(generator_for(profile, nz), encoder, discriminator_for(profile), discriminator_for(profile),
                          nz=nz, lambda_l1=lambda_l1, lambda_kl=LAMBDA_KL, lambda_z=LAMBDA_Z, lr=lr)
    term = {"pix2pix-z": None, "dsgan": "ds", "msgan": "ms"}[method]
    return Pix2PixZ(generator_for(profile, nz), discriminator_for(profile), nz=nz, diversity=term,
                    diversity_weight=diversity_weight, tau=tau, lambda_l1=lambda_l1, lr=lr)


def variant_key(method, lambda_l1=None):
    """'dsgan', or 'pix2pix-z-l1-10' when lambda_L1 is not the method's own: how code finds a variant."""
    if lambda_l1 is None or lambda_l1 == LAMBDA_L1[method]:
        return method
    return f"{method}-l1-{lambda_l1:g}"


def variant_label(method, lambda_l1=None):
    """'DSGAN', or 'pix2pix + z, lambda_L1 10' when lambda_L1 is not the method's own: what a reader sees."""
    if lambda_l1 is None or lambda_l1 == LAMBDA_L1[method]:
        return METHODS[method]
    return f"{METHODS[method]}, lambda_L1 {lambda_l1:g}"


def train_variant(profile=None, method="pix2pix-z", lambda_l1=None, diversity_weight=None, nz=NZ, seed=0,
                  steps=None, progress=True, callback=None, task=None):
    """Train the lesson's U-Net one way ("pix2pix-z", "dsgan", "msgan", "bicyclegan") and measure its samples.

    lambda_l1: the L1 term's weight (default the method's paper's, `LAMBDA_L1`); diversity_weight: the weight
    of DSGAN's or MSGAN's term (default theirs; unused otherwise). Returns a `Variant` (key: `variant_key`;
    visuals: {"fake_B": one sample per held-out input, "samples": S of them, (N, S, 3, H, W)}).
    """
    profile = get_profile(profile)
    if method not in METHODS:
        raise CourseError(f"unknown method {method!r}: choose {', '.join(map(repr, METHODS))}")
    if nz < 1:
        raise CourseError(f"nz is the size of the code z and must be at least 1, got {nz}")
    task = task if task is not None else task_for(profile)
    steps = profile.steps if steps is None else steps
    lambda_l1 = LAMBDA_L1[method] if lambda_l1 is None else lambda_l1
    weight = DIVERSITY_WEIGHTS.get(method) if diversity_weight is None else diversity_weight
    tau = tau_from_data(task)
    start_run(profile, seed)
    objective = build_objective(profile, method, nz, lambda_l1, weight, tau)
    label = variant_label(method, lambda_l1)
    history = objective.train(task.batches(profile.batch_size, seed, objective.device), steps, progress=progress,
                              callback=callback, desc=label)
    batch = evaluation_batch(task, profile, seed)
    samples = objective.translate(batch.x, z=evaluation_codes(task, profile, seed, nz), batch_size=8)
    metrics = measure(samples, batch, task)
    if method == "bicyclegan":
        rebuilt = objective.translate(batch.x, z=objective.encode(batch.y))
        metrics["encode_accuracy"] = diversity.encode_accuracy(read_modes(rebuilt[:, None], batch, task)[:, 0],
                                                               batch.mode)
    settings = {"method": method, "lambda_l1": lambda_l1,
                "diversity_weight": weight if method in DIVERSITY_WEIGHTS else None,
                "tau": tau if method == "dsgan" else None, "nz": nz, "steps": steps}
    return Variant(variant_key(method, lambda_l1), label, settings, history,
                   {"fake_B": samples[:, 0], "samples": samples}, metrics, objective)


def read_modes(samples, batch, task):
    """(N, S) palette index of each sample's fill (read inside the shape, its outline left out), or -1."""
    return diversity.read_modes(samples, interior_of(batch.mask), task.palette)


def measure(samples, batch, task):
    """Modes per input, valid rate, pairwise L1 and best-mode L1 of (N, S, 3, H, W) samples of `batch`."""
    modes = read_modes(samples, batch, task)
    metrics = {"modes_per_input": diversity.modes_covered(modes).float().mean().item(),
               "valid_rate": diversity.valid_rate(modes),
               "pairwise_l1": diversity.pairwise_l1(samples).mean().item(),
               "best_mode_l1": diversity.best_mode_l1(samples, task.every_target(batch)).mean().item()}
    lpips = diversity.lpips_pairwise(samples)
    if lpips is not None:
        metrics["lpips"] = lpips.mean().item()
    return metrics


def references_for(task, batch, seed, samples=SAMPLES):
    """The untrained rows: "real" (S real targets per input, modes drawn at random) and "median" (the
    per-pixel median of the M targets, lesson 01's L1 optimum, the same for every code)."""
    generator = torch.Generator().manual_seed(STREAMS["evaluation"] + seed)
    modes = torch.randint(0, task.modes, (len(batch.mode), samples), generator=generator)
    real = task.every_target(batch)[torch.arange(len(modes))[:, None], modes]  # (N, S, 3, H, W)
    median = task.oracle(batch, "median")[:, None].expand(-1, samples, -1, -1, -1)
    rows = {}
    for key, label, images in (("real", "real targets", real), ("median", "per-pixel median (L1)", median)):
        rows[key] = reference_row(key, label, images[:, 0], measure(images, batch, task), name="fake_B")
        rows[key].visuals["samples"] = images
    return rows


# ---------------------------------------------------------------- claims


def exact_claims(task, seed=0):
    """The closed forms against Monte Carlo: the modes ceiling, E|z1 - z2| (and tau from it); the median
    fill is no mode."""
    m, s = task.modes, SAMPLES
    generator = torch.Generator().manual_seed(seed)
    draws = torch.randint(0, m, (100_000, s), generator=generator)  # an ideal sampler: uniform modes
    ceiling, simulated = diversity.modes_ceiling(m, s), diversity.modes_covered(draws).float().mean().item()
    z_1, z_2 = torch.randn(2, 1_000_000, generator=generator)
    closed, measured = diversity.mean_latent_distance(), (z_1 - z_2).abs().mean().item()
    batch = task.sample(64, generator)
    median_modes = read_modes(task.oracle(batch, "median")[:, None], batch, task)
    nearest = torch.cdist(torch.zeros(1, 3), task.palette).min().item()
    return [
        Claim(LESSON, "modes-ceiling",
              f"S = {s} draws of M = {m} equiprobable modes cover M (1 - (1 - 1/M)^S) of them on average: the "
              "most any sampler can show per input",
              {"closed_form": round(ceiling, 4), "simulated": round(simulated, 4)},
              abs(ceiling - simulated) < CEILING_TOLERANCE),
        Claim(LESSON, "latent-distance",
              "for z1, z2 ~ N(0, I), E|z1 - z2| = 2 / sqrt(pi) per dimension, which turns the data's pairwise L1 "
              "into DSGAN's tau",
              {"closed_form": round(closed, 4), "simulated": round(measured, 4),
               "tau": round(tau_from_data(task), 4)},
              abs(closed - measured) < LATENT_TOLERANCE),
        Claim(LESSON, "median-is-no-mode",
              "the per-pixel median of the targets (L1's optimum, lesson 01) fills every shape with a colour "
              "that is none of the palette's: a valid-looking answer that never occurs",
              {"median_fill_to_nearest_colour": round(nearest, 3), "valid_threshold": diversity.VALID_DISTANCE,
               "median_valid_rate": diversity.valid_rate(median_modes)},
              nearest > diversity.VALID_DISTANCE and diversity.valid_rate(median_modes) == 0.0),
    ]


def trained_claims(variants):
    """pix2pix + z ignores z; DSGAN and BicycleGAN raise the pairwise diversity far above it."""
    real, plain = variants["real"].metrics, variants["pix2pix-z"].metrics
    claims = [Claim(LESSON, "pix2pix-ignores-z",
                    f"pix2pix + z (lambda_L1 {LAMBDA_L1['pix2pix-z']:g}) ignores z: its samples of one input differ "
                    f"by under {IGNORES_Z_SHARE:g} x what two real targets do, and show at most about one mode per "
                    "input (here it fills every shape grey, as the per-pixel median does: no mode at all)",
                    {"pairwise_l1_pix2pix_z": round(plain["pairwise_l1"], 4),
                     "pairwise_l1_real": round(real["pairwise_l1"], 4),
                     "modes_per_input_pix2pix_z": round(plain["modes_per_input"], 2),
                     "valid_rate_pix2pix_z": round(plain["valid_rate"], 2)},
                    plain["pairwise_l1"] < IGNORES_Z_SHARE * real["pairwise_l1"]
                    and plain["modes_per_input"] <= IGNORES_Z_MODES)]
    diverse = [key for key in ("dsgan", "bicyclegan") if key in variants]
    claims.append(Claim(LESSON, "diversity-comes-back",
                        "DSGAN's diversity term and BicycleGAN's encoder each raise the pairwise L1 between samples "
                        f"of one input to at least {DIVERSE_FACTOR:g}x pix2pix + z's",
                        {"pairwise_l1_pix2pix_z": round(plain["pairwise_l1"], 4)}
                        | {f"pairwise_l1_{key}": round(variants[key].metrics["pairwise_l1"], 4) for key in diverse},
                        bool(diverse) and all(variants[key].metrics["pairwise_l1"]
                                              >= DIVERSE_FACTOR * plain["pairwise_l1"] for key in diverse)))
    return claims


# ---------------------------------------------------------------- figures


def samples_figure(batch, variants, inputs=3, count=SAMPLES, tile=None):
    """For a few held-out outlines: each variant's first `count` samples in a row, its numbers in the row label
    (tile: inches per image, for a panel's picture; see `viz.show_rows`)."""
    rows = []
    for index in range(inputs):
        rows.append((f"outline {index + 1}", batch.x[index:index + 1]))
        for variant in variants:
            m = variant.metrics
            rows.append((f"{variant.label}\nmodes {m['modes_per_input']:.2f}  valid {m['valid_rate']:.2f}\n"
                         f"pairwise L1 {m['pairwise_l1']:.3f}", variant.visuals["samples"][index, :count]))
    return show_rows(rows, title=f"{count} samples (codes z) per held-out outline", tile=tile)


TABLE_COLUMNS = [("modes_per_input", "modes / input", "{:.2f}".format), ("valid_rate", "valid", "{:.2f}".format),
                 ("pairwise_l1", "pairwise L1", "{:.4f}".format), ("best_mode_l1", "best-mode L1", "{:.4f}".format)]


def table_figure(variants):
    return viz.table_figure({v.label: v.metrics for v in variants.values()}, TABLE_COLUMNS, width=8)


def diversity_validity_figure(variants, ceiling):
    """Diversity (pairwise L1) against validity (valid rate), one point per variant: up and right is good."""
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for variant in variants.values():
        m = variant.metrics
        ax.scatter(m["pairwise_l1"], m["valid_rate"], s=40)
        ax.annotate(f"{variant.label} ({m['modes_per_input']:.2f} modes)", (m["pairwise_l1"], m["valid_rate"]),
                    fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("pairwise L1 between samples of one input (diversity)")
    ax.set_ylabel("valid rate (samples that are a real mode)")
    ax.set_ylim(-0.05, 1.1)
    ax.set_title(f"diversity vs validity (an ideal sampler: {ceiling:.2f} modes per input)", fontsize=9)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the lesson


def run(profile=None, seed=0, progress=True, task=None):
    """pix2pix + z, DSGAN and BicycleGAN on the palette fills, the real and median rows, claims and figures."""
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    variants = {variant_key(method, lambda_l1): train_variant(profile, method, lambda_l1, seed=seed,
                                                             progress=progress, task=task)
                for method, lambda_l1 in RUN_VARIANTS}
    batch = evaluation_batch(task, profile, seed)
    variants.update(references_for(task, batch, seed))
    claims = [*exact_claims(task, seed), *trained_claims(variants)]
    shown = [variants[key] for key in ("real", "median", *(variant_key(*run) for run in RUN_VARIANTS))]
    figures = {"samples": samples_figure(batch, shown), "table": table_figure(variants),
               "diversity_validity": diversity_validity_figure(variants, diversity.modes_ceiling(task.modes,
                                                                                                   SAMPLES))}
    return LessonResult(LESSON, TITLE, claims, figures, variants, task, batch)

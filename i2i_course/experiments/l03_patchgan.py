"""Lesson 03: what the discriminator's patch size does, on a task where L1 alone cannot draw the texture.

On random-phase textures (label map -> photo; the labels say which texture goes where, not where its
stripes fall) the same U-Net is trained with L1 alone, then with L1 + a conditional GAN whose
discriminator is the 1x1 PixelGAN or a PatchGAN of growing receptive field (those whose output map is
at least 2x2 at the profile's size: 16, 34, 70 px at 32 px; up to 574 at 256 px). Each is measured on
held-out label maps by the fine detail kept inside the textured regions (1 = as much as the real
photos), colourfulness, L1 error, and the FCN-score analog, laid out like pix2pix's receptive-field table.

Variants are keyed "l1-only", "pixel", "patch-1", "patch-2", ... (PatchGAN n_layers) and "real".
`run(..., task=task_for(profile, "facades"))` runs the same sweep on the real CMP facades. They have no
texture mask and no per-pixel labels, so detail is the high-frequency ratio over the whole image, the
FCN-score analog is left out, and the claims are the paper's: the receptive fields, a PatchGAN adds
detail over L1 alone, and costs L1 error.
"""

import math

import matplotlib.pyplot as plt

from i2i_course import viz
from i2i_course.data.textures import RandomPhaseTextures, textured_mask
from i2i_course.experiments.common import evaluation_batch, l1_error, reference_row, start_run
from i2i_course.experiments.datasets import lesson_task
from i2i_course.losses import l1_loss
from i2i_course.metrics import colourfulness, high_frequency_ratio, texture_ratio
from i2i_course.nets import UNet
from i2i_course.nets.discriminators import (PatchDiscriminator, PixelDiscriminator, measured_receptive_field,
                                            receptive_field)
from i2i_course.objectives import Pix2Pix, Regression
from i2i_course.profiles import get_profile
from i2i_course.results import Claim, LessonResult, Variant
from i2i_course.segmenter import fcn_scores, trained_segmenter
from i2i_course.viz import show_rows

LESSON = "03"
TITLE = "PatchGAN receptive field"
DATASETS = ("synthetic", "facades")
LAMBDA_L1 = 10.0  # the paper's 100 needs its ~200 epochs; at a few hundred steps 10 lets the GAN show
SEGMENTER_STEPS = 300
RF_TABLE = {n: receptive_field(PatchDiscriminator(3, ndf=1, n_layers=n)) for n in range(1, 7)}
REFERENCE_FIELDS = {"pixel": 1, "1": 16, "2": 34, "3": 70, "4": 142, "5": 286, "6": 574}  # pix2pix's table
FLAT_DETAIL = 0.1  # l1-leaves-texture-flat: L1 alone keeps under this share of the real texture detail
TEXTURE_BACK, TEXTURE_BACK_FACTOR = 0.5, 5  # patchgan-brings-texture-back: over half the real detail, over 5x L1's
PIXELGAN_SHARE = 0.2  # pixelgan-no-texture: under a fifth of the real detail and of the 16x16 PatchGAN's


def texture_period(image_size):
    """The texture's period in pixels: an eighth of the image (4 px at 32 px, 32 px at 256 px)."""
    return max(4, image_size // 8)


def task_for(profile=None, dataset="synthetic", progress=True):
    """The lesson's task: random-phase textures, or the real facades ("facades": see data.real_task)."""
    profile = get_profile(profile)
    return lesson_task(dataset, profile,
                       lambda: RandomPhaseTextures(profile.image_size, texture_period(profile.image_size)),
                       progress)


def gan_lr(profile):
    """Adam's learning rate for both nets: the profile's, but at most 1e-3 (GANs diverge above it)."""
    return min(profile.lr, 1e-3)


def patch_layers_that_fit(image_size):
    """PatchGAN depths whose output map is at least 2x2 for this image size (size / 2^n - 2 >= 2)."""
    return [n for n in range(1, 7) if image_size // 2 ** n - 2 >= 2]


def variant_key(kind):
    """'l1-only', 'pixel' or 'patch-3' for kind None, "pixel" or n_layers: how code finds a variant."""
    if kind is None:
        return "l1-only"
    return "pixel" if kind == "pixel" else f"patch-{kind}"


def discriminator_name(kind):
    """'L1 only', 'PixelGAN (1x1)' or 'PatchGAN 70x70' for kind None, "pixel" or n_layers: what a reader sees."""
    if kind is None:
        return "L1 only"
    if kind == "pixel":
        return "PixelGAN (1x1)"
    return f"PatchGAN {RF_TABLE[kind]}x{RF_TABLE[kind]}"


def build_discriminator(kind, ndf):
    """The conditional D (sees x and y: 6 channels) for kind "pixel" or n_layers; None for None."""
    if kind is None:
        return None
    if kind == "pixel":
        return PixelDiscriminator(6, ndf=ndf)
    return PatchDiscriminator(6, ndf=ndf, n_layers=kind)


def train_variant(profile=None, discriminator=None, lambda_l1=LAMBDA_L1, seed=0, steps=None,
                  progress=True, callback=None, task=None):
    """Train the lesson's U-Net with L1 alone (discriminator None: `Regression`) or L1 + cGAN ("pixel" or
    PatchGAN n_layers: `Pix2Pix`) and measure it.

    task: from `task_for` (default: the textures). Returns a `Variant` (settings: discriminator, its
    receptive_field (None for L1 only), lambda_l1, steps; visuals: {"fake_B": outputs}).
    """
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    steps = profile.steps if steps is None else steps
    start_run(profile, seed)
    generator = UNet(3, 3, int(math.log2(profile.image_size)), ngf=profile.ngf, dropout=False)
    d_net = build_discriminator(discriminator, profile.ndf)
    if d_net is None:  # Adam is blind to a constant factor: lambda_l1 * L1 alone trains as L1 does
        objective = Regression(generator, l1_loss, lr=gan_lr(profile))
    else:
        objective = Pix2Pix(generator, d_net, lambda_l1=lambda_l1, lr=gan_lr(profile))
    history = objective.train(task.batches(profile.batch_size, seed, objective.device), steps, progress=progress,
                              callback=callback, desc=discriminator_name(discriminator))
    batch = evaluation_batch(task, profile, seed)
    outputs = objective.translate(batch.x)
    settings = {"discriminator": discriminator, "receptive_field": None if d_net is None else receptive_field(d_net),
                "lambda_l1": lambda_l1, "steps": steps}
    return Variant(variant_key(discriminator), discriminator_name(discriminator), settings, history,
                   {"fake_B": outputs}, measure(outputs, batch, task, seed), objective)


def measure(outputs, batch, task, seed):
    """Detail (texture detail where the task has a texture period, else the HF ratio), colourfulness, L1 error,
    and the FCN-score analog where the task has per-pixel labels."""
    metrics = {"colourfulness": colourfulness(outputs).mean().item(), "l1_error": l1_error(outputs, batch.y)}
    if task.period is None:
        return {"hf_ratio": high_frequency_ratio(outputs, batch.y), **metrics}
    metrics = {"texture_detail": texture_ratio(outputs, batch.y, textured_mask(batch.labels), task.period),
               **metrics}
    if task.classes is not None:
        segmenter = trained_segmenter(task, seed=seed, steps=SEGMENTER_STEPS)
        metrics.update(fcn_scores(segmenter, outputs, batch.labels, len(task.classes)))
    return metrics


def detail(metrics):
    """The detail measured in `metrics`, named for a caption: ("detail", texture detail) on the textures,
    else ("HF", high-frequency ratio)."""
    return ("detail", metrics["texture_detail"]) if "texture_detail" in metrics else ("HF", metrics["hf_ratio"])


def receptive_field_claim():
    """The exact table from the layers, and the gradient-support measurement agreeing with it."""
    nets = {"pixel": PixelDiscriminator(3, ndf=4), **{n: PatchDiscriminator(3, ndf=4, n_layers=n)
                                                       for n in range(1, 7)}}
    exact = {str(k): receptive_field(net) for k, net in nets.items()}
    measured = {str(k): measured_receptive_field(net, 3) for k, net in nets.items()}
    holds = (exact == REFERENCE_FIELDS
             and all(measured[k] == (exact[k], exact[k]) for k in exact))
    return Claim(LESSON, "receptive-field-table",
                 "receptive fields computed from the layers are 1 (PixelGAN) and 16, 34, 70, 142, 286, 574 "
                 "(n_layers 1-6), and the gradient of one output unit reaches exactly that patch",
                 {f"rf_{k}": exact[k] for k in exact} | {"measured_agrees": holds}, holds)


def run(profile=None, seed=0, progress=True, task=None):
    """L1 only, PixelGAN and every PatchGAN that fits; claims, the table and figures.

    task: from `task_for` (default: the textures).
    """
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    kinds = [None, "pixel", *patch_layers_that_fit(profile.image_size)]
    variants = {variant_key(kind): train_variant(profile, kind, seed=seed, progress=progress, task=task)
                for kind in kinds}
    batch = evaluation_batch(task, profile, seed)
    variants["real"] = reference_row("real", "real photos", batch.y, measure(batch.y, batch, task, seed))
    trained = [v for v in variants.values() if v.history is not None]
    detail_claims = texture_claims(variants, task, profile) if task.period else photo_claims(variants, profile)
    claims = [receptive_field_claim(), *detail_claims, gan_costs_l1_claim(variants)]
    figures = {"outputs": outputs_figure(batch, trained), "table": table_figure(variants),
               "receptive_field": receptive_field_figure(batch, sweep_fields(profile.image_size), task.period)}
    return LessonResult(LESSON, TITLE, claims, figures, variants, task, batch)


def patchgans(variants):
    """The PatchGAN variants (every one trained with a PatchGAN of n_layers >= 1), in order."""
    return [v for v in variants.values() if isinstance(v.settings.get("discriminator"), int)]


def field_name(variant):
    """'16x16': a PatchGAN variant's receptive field, for naming its measured values."""
    field = variant.settings["receptive_field"]
    return f"{field}x{field}"


def texture_claims(variants, task, profile):
    """On the textures: L1 is flat, a PatchGAN covering two periods brings texture back, a PixelGAN does not."""
    l1, pixel = variants["l1-only"].metrics, variants["pixel"].metrics
    patch16 = variants["patch-1"].metrics  # the 16x16 PatchGAN: the smallest patch that sees a texture
    covering = [v for v in patchgans(variants)  # a patch of 2 periods, inside the image
                if 2 * task.period <= v.settings["receptive_field"] <= profile.image_size]
    return [
        Claim(LESSON, "l1-leaves-texture-flat",
              "with L1 alone the textured regions come out flat: under a tenth of the real photos' detail",
              {"texture_detail_l1": round(l1["texture_detail"], 3)}, l1["texture_detail"] < FLAT_DETAIL),
        Claim(LESSON, "patchgan-brings-texture-back",
              "a PatchGAN whose patch covers two texture periods (and fits in the image) brings the texture "
              "back: over half the real detail, and over 5x L1 alone's",
              {f"texture_detail_{field_name(v)}": round(v.metrics["texture_detail"], 3) for v in covering},
              bool(covering) and all(v.metrics["texture_detail"] > max(TEXTURE_BACK,
                                                                         TEXTURE_BACK_FACTOR * l1["texture_detail"])
                                     for v in covering)),
        Claim(LESSON, "pixelgan-no-texture",
              "the PixelGAN (1x1 patch) cannot see a texture and does not bring it back: under a fifth of "
              "the real photos' texture detail, and under a fifth of the 16x16 PatchGAN's",
              {"texture_detail_pixelgan": round(pixel["texture_detail"], 3),
               "texture_detail_16x16": round(patch16["texture_detail"], 3)},
              pixel["texture_detail"] < PIXELGAN_SHARE * min(1.0, patch16["texture_detail"])),
    ]


def photo_claims(variants, profile):
    """On real photos (no texture mask): every PatchGAN that fits in the image adds fine detail over L1."""
    l1 = variants["l1-only"].metrics
    fitting = [v for v in patchgans(variants) if v.settings["receptive_field"] <= profile.image_size]
    return [Claim(LESSON, "patchgan-adds-detail",
                  "every PatchGAN whose patch fits in the image keeps more fine detail (high-frequency ratio) "
                  "than L1 alone, which blurs what it cannot place",
                  {"hf_ratio_l1_only": round(l1["hf_ratio"], 3)}
                  | {f"hf_ratio_{field_name(v)}": round(v.metrics["hf_ratio"], 3) for v in fitting},
                  bool(fitting) and all(v.metrics["hf_ratio"] > l1["hf_ratio"] for v in fitting))]


def gan_costs_l1_claim(variants):
    l1 = variants["l1-only"].metrics["l1_error"]
    return Claim(LESSON, "gan-costs-l1",
                 "every PatchGAN run has a higher L1 error than L1 alone: L1 rewards the flat per-pixel median, "
                 "which a sharp, textured output is not",
                 {"l1_error_l1_only": round(l1, 3)}
                 | {f"l1_error_{field_name(v)}": round(v.metrics["l1_error"], 3) for v in patchgans(variants)},
                 all(v.metrics["l1_error"] > l1 for v in patchgans(variants)))


def outputs_figure(batch, variants, count=8, tile=None):
    """Label maps, real photos and each variant's outputs, its numbers in the row label."""
    rows = [("labels x", batch.x[:count]), ("real photo y", batch.y[:count])]
    for variant in variants:
        m = variant.metrics
        label, value = detail(m)
        fcn = f"  FCN {m['pixel_accuracy']:.2f}" if "pixel_accuracy" in m else ""
        rows.append((f"{variant.label}\n{label} {value:.2f}  L1 {m['l1_error']:.3f}\n"
                     f"colour {m['colourfulness']:.0f}{fcn}", variant.visuals["fake_B"][:count]))
    return show_rows(rows, title="label map -> photo: L1 alone, then L1 + cGAN (held-out label maps)", tile=tile)


TABLE_COLUMNS = [("texture_detail", "texture detail", "{:.3f}".format), ("hf_ratio", "HF ratio", "{:.3f}".format),
                 ("colourfulness", "colourfulness", "{:.1f}".format), ("l1_error", "L1 error", "{:.3f}".format),
                 ("pixel_accuracy", "per-pixel acc.", "{:.3f}".format),
                 ("class_accuracy", "per-class acc.", "{:.3f}".format), ("class_iou", "class IoU", "{:.3f}".format)]


def table_figure(variants):
    """The sweep as a table image (like pix2pix's receptive-field table), with the columns measured."""
    return viz.table_figure({v.label: v.metrics for v in variants.values()},
                            [column for column in TABLE_COLUMNS if column[0] in variants["l1-only"].metrics], width=9)


def sweep_fields(image_size):
    """[(name, receptive field)] of the sweep's discriminators at this size: the PixelGAN and the PatchGANs."""
    return [(discriminator_name(kind), 1 if kind == "pixel" else RF_TABLE[kind])
            for kind in ["pixel", *patch_layers_that_fit(image_size)]]


def receptive_field_figure(batch, fields, period=None):
    """One held-out photo with the patch one output unit of each discriminator sees, drawn to scale.

    fields: [(name, receptive field in pixels)], e.g. `sweep_fields(size)`; `period`: the texture's, named in
    the title."""
    image = (batch.y[0].permute(1, 2, 0).clamp(-1, 1) + 1) / 2
    size = image.shape[0]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.imshow(image, interpolation="nearest")
    centre = size / 2 - 0.5
    colours = plt.get_cmap("viridis")
    for index, (name, field) in enumerate(fields):
        colour = colours(index / max(1, len(fields) - 1))
        ax.add_patch(plt.Rectangle((centre - field / 2, centre - field / 2), field, field, fill=False,
                                   edgecolor=colour, linewidth=2, label=f"{name}"))
    ax.set_xlim(-0.5 - size * 0.6, size * 1.6 - 0.5)
    ax.set_ylim(size * 1.6 - 0.5, -0.5 - size * 0.6)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    texture = f", texture period {period} px" if period else ""
    ax.set_title(f"what one output unit sees ({size}x{size} image{texture})", fontsize=9)
    ax.axis("off")
    return fig

"""Lesson 06: normalising a label map can wash its meaning away; SPADE re-injects it at every layer.

On scene label maps (one-hot input; a third of them uniform: one class everywhere) three generators are trained
with L1 on the same data for the same steps and measured on held-out maps and on the K uniform maps:

- "encoder-decoder": pix2pixHD's global generator fed the one-hot map, with constancy-preserving layers
  (reflect padding, nearest upsampling + conv). After its first conv + InstanceNorm a uniform map is exactly 0,
  so its K uniform maps give one and the same output, trained or not: the segmenter's label recovery on them is
  exactly 1/K.
- "concat": the same net with the label map concatenated to every conv's input (the SPADE paper's ablation):
  the map is re-injected at every layer, but still through convs followed by InstanceNorm, except the last.
- "spade": a small SPADE generator: every normalisation is followed by a per-pixel scale and shift computed from
  the label map.

Measured on each: the FCN-score analog (a small segmenter trained on real photos reads the generated ones) on
the uniform maps ("uniform_accuracy"), on the held-out scenes ("scene_accuracy", "scene_iou", and
"object_iou" for the small rocks and trees), the outputs' spread over the K uniform maps, and the L1 error.
Exact claims: the first layer's washout, the K identical outputs and their 1/K, and pix2pixHD's multi-scale
discriminator's receptive fields (from lesson 03's `receptive_field`). Trained claims: SPADE recovers the
uniform maps' classes, and is not worse than the encoder-decoder on the scenes.

At `colab` (and by choice elsewhere) `train_variant(..., gan=True)` adds pix2pixHD's multi-scale discriminator
and feature matching (`objectives.Pix2PixHD`).
"""

import copy
import math

import matplotlib.pyplot as plt
import torch

from i2i_course import viz
from i2i_course.data.scenes import OBJECTS, SceneLabels, paint
from i2i_course.errors import CourseError
from i2i_course.experiments.common import evaluation_batch, l1_error, reference_row, start_run
from i2i_course.experiments.datasets import synthetic_only
from i2i_course.losses import l1_loss
from i2i_course.metrics.labels import label_recovery, spread
from i2i_course.nets.discriminators import measured_receptive_field
from i2i_course.nets.pix2pixhd import GlobalGenerator, MultiscaleDiscriminator
from i2i_course.nets.spade import SPADEGenerator
from i2i_course.objectives import Regression
from i2i_course.objectives.pix2pixhd import Pix2PixHD
from i2i_course.profiles import get_profile
from i2i_course.results import Claim, LessonResult, Variant
from i2i_course.segmenter import trained_segmenter
from i2i_course.viz import show_rows

LESSON = "06"
TITLE = "SPADE normalization"
DATASETS = ("synthetic",)  # its claims need uniform maps and per-pixel labels, which no real dataset has
GENERATORS = {"encoder-decoder": "encoder-decoder", "reference-layers": "encoder-decoder (zero pad, conv-T)",
              "concat": "encoder-decoder + concat", "spade": "SPADE"}
NORMS = ("instance", "batch")
SEGMENTER_STEPS = 300
NUM_D = 2  # pix2pixHD's multi-scale D at this course's sizes: two scales (the paper uses 3 at 2048x1024)
GAN_LAMBDA_L1 = 10.0  # with gan=True: L1 stands in for pix2pixHD's VGG loss, whose pretrained weights we cannot fetch
REFERENCE_FIELDS = [70, 141, 283]  # pix2pixHD's D (n_layers 3) at full, half and quarter size
# first-layer-washout: the largest activation of a uniform map after conv + InstanceNorm, in float64 and float32;
# uniform-maps-identical and concat-recovers-through-last-conv: outputs / features of the K uniform maps, float64
WASHOUT_FLOAT64, WASHOUT_FLOAT32 = 1e-9, 1e-3
# uniform-maps-identical is decided in exact arithmetic's terms, not on the whole net's float64 outputs: each
# InstanceNorm fed a (nearly) constant map scales the rounding residue by up to 1 / sqrt(eps) ~ 316, so that spread
# grows with depth (untrained, seeds 0-19: <= 8e-12 at ci, <= 4.6e-5 at cpu, about 2 at colab's width and depth);
# it is reported, not decided on. See identical_claim.
UNIFORM_RECOVERY = 0.9  # spade-recovers-uniform, concat-recovers-through-last-conv: label recovery on uniform maps
SCENE_MARGIN = 0.02  # spade-not-worse-on-scenes: SPADE's scene accuracy at most this below the encoder-decoder's
OBJECT_GAIN = 0.3  # spade-small-objects: SPADE's small-object IoU at least this above the encoder-decoder's


def task_for(profile=None, dataset="synthetic", progress=True):
    """The lesson's task: scene label maps at the profile's size (no real dataset has uniform maps)."""
    synthetic_only(LESSON, dataset, "synthetic scenes", "uniform label maps and per-pixel labels")
    return SceneLabels(get_profile(profile).image_size)


def default_hidden(profile):
    """SPADE's hidden width at this profile: twice its ngf (128 in the paper, at ngf 64)."""
    return 2 * spade_ngf(profile)


def spade_ngf(profile):
    """SPADE's base width: half the profile's ngf (8 at ci), so that it costs about what the encoder-decoder does."""
    return max(4, profile.ngf // 2)


def build_generator(profile, kind="spade", norm="instance", hidden=None, num_classes=6):
    """The lesson's generator of `kind` (a key of GENERATORS) at the profile's size, fed K one-hot channels.

    encoder-decoder: pix2pixHD's global generator (ngf, stride-2 convs down to 8x8 but at most 4 of them, 3 residual
    blocks, 9 at `full`), constancy-preserving; reference-layers: the same with the reference's zero-padded
    downsampling and conv-transposes; concat: constancy-preserving with the map at every conv; spade: a SPADE
    generator from 4x4, `hidden` channels in each SPADE (default `default_hidden`).
    """
    if kind not in GENERATORS:
        raise CourseError(f"unknown generator {kind!r}: choose {', '.join(map(repr, GENERATORS))}")
    if norm not in NORMS:
        raise CourseError(f"unknown norm {norm!r}: choose 'instance' or 'batch'")
    size = profile.image_size
    levels = int(math.log2(size))
    if kind == "spade":
        hidden = default_hidden(profile) if hidden is None else int(hidden)
        return SPADEGenerator(num_classes, 3, ngf=spade_ngf(profile), hidden=hidden, num_up=levels - 2,
                              middle=2 if profile.name == "full" else 1, norm=norm)
    return GlobalGenerator(num_classes, 3, ngf=profile.ngf, n_down=min(4, levels - 3),
                           n_blocks=9 if profile.name == "full" else 3, norm=norm,
                           constancy=kind != "reference-layers", concat=kind == "concat")


def variant_name(kind, norm="instance", hidden=None, gan=False):
    """(key, label) of a run: ("spade", "SPADE (IN, hidden 16)"), ("concat-batch", ...), ("spade+gan", ...)."""
    key = kind + ("" if norm == "instance" else f"-{norm}") + ("+gan" if gan else "")
    label = GENERATORS[kind] + f" ({'IN' if norm == 'instance' else 'BN'}"
    label += f", hidden {hidden})" if kind == "spade" else ")"
    return key, label + (" + multi-scale D" if gan else "")


def gan_lr(profile):
    return min(profile.lr, 1e-3)


def train_variant(profile=None, generator="spade", norm="instance", hidden=None, gan=False, seed=0, steps=None,
                  progress=True, callback=None, task=None):
    """Train one generator (a key of GENERATORS) with L1 alone, or with gan=True pix2pixHD's multi-scale D,
    feature matching and L1 (lambda 10), and measure it. Returns a `Variant` (visuals: {"fake_B": outputs on
    the held-out maps, "uniform_B": outputs on the K uniform maps}).
    """
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    steps = profile.steps if steps is None else steps
    start_run(profile, seed)
    net = build_generator(profile, generator, norm, hidden, len(task.classes))
    hidden = net.blocks[0].norm_0.shared[0].out_channels if generator == "spade" else None
    if gan:
        discriminator = MultiscaleDiscriminator(len(task.classes) + 3, ndf=profile.ndf, n_layers=3, num_d=NUM_D)
        objective = Pix2PixHD(net, discriminator, lambda_l1=GAN_LAMBDA_L1, lr=gan_lr(profile))
    else:
        objective = Regression(net, l1_loss, lr=gan_lr(profile))
    key, label = variant_name(generator, norm, hidden, gan)
    history = objective.train(task.batches(profile.batch_size, seed, objective.device), steps, progress=progress,
                              callback=callback, desc=label)
    batch = evaluation_batch(task, profile, seed)
    uniform = task.uniform_maps()
    outputs, uniform_outputs = objective.translate(batch.x), objective.translate(uniform.x)
    settings = {"generator": generator, "norm": norm, "hidden": hidden, "gan": gan, "steps": steps}
    return Variant(key, label, settings, history, {"fake_B": outputs, "uniform_B": uniform_outputs},
                   measure(outputs, uniform_outputs, batch, task, seed), objective)


def measure(outputs, uniform_outputs, batch, task, seed):
    """Label recovery on the K uniform maps and on the held-out scenes (FCN-score analog), the outputs' spread
    over the uniform maps, and the L1 error on the held-out batch."""
    segmenter = trained_segmenter(task, seed=seed, steps=SEGMENTER_STEPS)
    uniform = task.uniform_maps()
    on_uniform = label_recovery(segmenter, uniform_outputs, uniform.labels, len(task.classes))
    scenes = ~batch.uniform
    on_scenes = label_recovery(segmenter, outputs[scenes], batch.labels[scenes], len(task.classes), OBJECTS)
    return {"uniform_accuracy": on_uniform["pixel_accuracy"], "uniform_spread": spread(uniform_outputs),
            "scene_accuracy": on_scenes["pixel_accuracy"], "scene_iou": on_scenes["class_iou"],
            "object_iou": on_scenes["object_iou"], "l1_error": l1_error(outputs, batch.y)}


# ---------------------------------------------------------------- exact checks


@torch.no_grad()
def first_layer_activations(net, x, dtype=torch.float32):
    """What the encoder-decoder's first conv + norm + ReLU make of one-hot maps x: (N, ngf, H, W), computed in
    `dtype` (float64 shows what is left once rounding is out of the way)."""
    stem, norm = copy.deepcopy(net.stem).cpu().to(dtype), copy.deepcopy(net.stem_norm).cpu().to(dtype)
    stem.eval(), norm.eval()
    return torch.relu(norm(stem(x.to(dtype))))


def washout_claim(trained, untrained, uniform_x):
    """After the stem (reflect pad, conv 7x7, InstanceNorm) every uniform map is 0, trained or not: in float64 to
    1e-9, in float32 to 1e-3, where InstanceNorm scales the rounding residue of (x - mean) up by as much as
    1 / sqrt(eps) ~ 316 (see the notebook)."""
    values = {}
    for name, net in (("trained", trained), ("untrained", untrained)):
        for dtype, bits in ((torch.float64, "64"), (torch.float32, "32")):
            values[f"max_{name}_float{bits}"] = first_layer_activations(net, uniform_x, dtype).abs().max().item()
    holds = all(value <= (WASHOUT_FLOAT64 if name.endswith("64") else WASHOUT_FLOAT32)
                for name, value in values.items())
    return Claim(LESSON, "first-layer-washout",
                 "after the encoder-decoder's first conv + InstanceNorm, every uniform label map gives the same "
                 "activation, 0 whichever its class, trained or not (to 1e-9 in float64; rounding residue only in "
                 "float32)",
                 {name: float(f"{value:.2g}") for name, value in values.items()}, holds)


@torch.no_grad()
def exact_stem_outputs(net, x):
    """`net(x)` for uniform maps x, with the stem's rounding residue (at most WASHOUT_FLOAT64) set to its exact
    value, 0: (outputs, the largest residue the stem left). A forward hook on `net.stem_norm`, removed after."""
    residue = 0.0

    def exact(module, inputs, output):
        nonlocal residue
        residue = max(residue, output.abs().max().item())
        return torch.where(output.abs() <= WASHOUT_FLOAT64, torch.zeros_like(output), output)

    handle = net.stem_norm.register_forward_hook(exact)
    try:
        outputs = net(x)
    finally:
        handle.remove()
    return outputs, residue


def identical_claim(variant, untrained, task, seed):
    """The constancy-preserving encoder-decoder's outputs on the K uniform maps are identical, trained or not,
    so the segmenter reads the same map from all K: label recovery exactly 1/K.

    The argument: the stem washes every uniform map to 0 (first-layer-washout), and everything after the stem
    sees only the stem's output (no skip or re-injection of the map), so equal stem outputs give equal outputs.
    Computed as that argument goes, in float64 on the CPU: the stem's rounding residue (at most 1e-9, checked)
    is set to its exact value 0 (`exact_stem_outputs`), and then the K outputs must be bit-identical and read back as exactly 1/K.
    Without that step the float64 outputs still differ by the residue each later InstanceNorm scales up by as
    much as 1 / sqrt(eps), more the deeper the net (about 2 at colab's size): reported as
    `spread_*_float64_as_computed`, with the float32 spread the table measured on the training device."""
    uniform, k = task.uniform_maps(), len(task.classes)
    segmenter = trained_segmenter(task, seed=seed, steps=SEGMENTER_STEPS)
    values, holds = {"spread_trained_float32": float(f"{variant.metrics['uniform_spread']:.2g}")}, True
    for name, net in (("trained", variant.objective.generator), ("untrained", untrained)):
        net = copy.deepcopy(net).cpu().double().eval()
        with torch.no_grad():
            values[f"spread_{name}_float64_as_computed"] = float(f"{spread(net(uniform.x.double())):.2g}")
        outputs, residue = exact_stem_outputs(net, uniform.x.double())
        accuracy = label_recovery(segmenter, outputs.float(), uniform.labels, k)["pixel_accuracy"]
        values[f"stem_residue_{name}"] = float(f"{residue:.2g}")
        values[f"spread_{name}_exact_stem"] = spread(outputs)
        values[f"accuracy_{name}"] = round(accuracy, 6)
        holds = holds and residue <= WASHOUT_FLOAT64 and spread(outputs) == 0 and abs(accuracy - 1 / k) < 1e-12
    values["one_over_k"] = round(1 / k, 6)
    return Claim(LESSON, "uniform-maps-identical",
                 f"the constancy-preserving encoder-decoder gives the {k} uniform maps one and the same output, "
                 f"trained or not (the stem washes them to 0 and nothing after it sees the map: bit-identical "
                 f"once the stem's rounding residue, under 1e-9, is set to 0), so the segmenter recovers exactly "
                 f"1/{k} of their labels",
                 values, holds)


def receptive_field_claim(ndf=2):
    """pix2pixHD's multi-scale D (n_layers 3): 70, 141, 283 px in the full-size image, computed from the layers
    (lesson 03's `receptive_field`) and measured by the gradient of one logit (without norms, so that the
    measurement sees only the convolutions and poolings)."""
    computed = MultiscaleDiscriminator(3, ndf=ndf, n_layers=3, num_d=3).receptive_fields()
    plain = MultiscaleDiscriminator(3, ndf=ndf, n_layers=3, num_d=3, norm="none")
    measured = [measured_receptive_field(plain.scale_net(index), 3)[0] for index in range(3)]
    return Claim(LESSON, "multiscale-receptive-fields",
                 "pix2pixHD's multi-scale discriminator (n_layers 3) sees 70, 141 and 283 px of the full-size "
                 "image at its three scales: computed from the layers and measured by the gradient",
                 {f"rf_scale_{index + 1}": field for index, field in enumerate(computed)}
                 | {"measured_agrees": measured == computed},
                 computed == REFERENCE_FIELDS and measured == computed)


# ---------------------------------------------------------------- trained claims


def trained_claims(variants, num_classes):
    """SPADE against the encoder-decoder: the uniform maps, the scenes, the small objects."""
    ed, spade = variants["encoder-decoder"].metrics, variants["spade"].metrics
    concat = variants["concat"].metrics
    return [
        Claim(LESSON, "spade-recovers-uniform",
              f"SPADE's outputs on the uniform maps are read back as their class far above 1/{num_classes} "
              f"(at least {UNIFORM_RECOVERY}); the encoder-decoder's, exactly 1/{num_classes}",
              {"uniform_accuracy_spade": round(spade["uniform_accuracy"], 3),
               "uniform_accuracy_encoder_decoder": round(ed["uniform_accuracy"], 3)},
              spade["uniform_accuracy"] >= UNIFORM_RECOVERY),
        Claim(LESSON, "spade-not-worse-on-scenes",
              f"on the held-out scenes (horizon and small objects) SPADE's label recovery is not worse than the "
              f"encoder-decoder's (at most {SCENE_MARGIN} below)",
              {"scene_accuracy_spade": round(spade["scene_accuracy"], 3),
               "scene_accuracy_encoder_decoder": round(ed["scene_accuracy"], 3),
               "scene_accuracy_concat": round(concat["scene_accuracy"], 3)},
              spade["scene_accuracy"] >= ed["scene_accuracy"] - SCENE_MARGIN),
        Claim(LESSON, "spade-small-objects",
              f"SPADE draws the small rocks and trees the encoder-decoder loses: their IoU at least {OBJECT_GAIN} "
              f"higher (the concat ablation's, shown, is in between)",
              {"object_iou_spade": round(spade["object_iou"], 3),
               "object_iou_encoder_decoder": round(ed["object_iou"], 3),
               "object_iou_concat": round(concat["object_iou"], 3)},
              spade["object_iou"] >= ed["object_iou"] + OBJECT_GAIN),
    ]


@torch.no_grad()
def concat_claim(variant, task):
    """Where the concat ablation's gain comes from: on the uniform maps its features before the last conv are
    still washed out (identical for the K classes, to 1e-9 in float64: every conv before is followed by
    InstanceNorm), so only the last conv, which sees the map and no norm after it, tells the classes apart; and
    that is enough."""
    net, uniform = copy.deepcopy(variant.objective.generator).cpu().double().eval(), task.uniform_maps()
    features = spread(net.features(uniform.x.double()))  # in float64: what is left is not rounding
    accuracy = variant.metrics["uniform_accuracy"]
    return Claim(LESSON, "concat-recovers-through-last-conv",
                 "the concat ablation recovers the uniform maps too (re-injecting the map is what matters), yet its "
                 "features before the last conv are identical for the K uniform maps: every normalised layer still "
                 "washes the map out, and only the last conv, with no norm after it, carries the class",
                 {"uniform_accuracy_concat": round(accuracy, 3), "feature_spread_before_last_conv":
                  float(f"{features:.2g}")},
                 accuracy >= UNIFORM_RECOVERY and features <= WASHOUT_FLOAT64)


# ---------------------------------------------------------------- the lesson


def references_for(task, batch, seed):
    """The real photos as a row of the table (the segmenter's ceiling), on the held-out maps and the K uniform ones."""
    uniform_photos = paint(task.uniform_maps().labels)
    return {"real": reference_row("real", "real photos", batch.y,
                                  measure(batch.y, uniform_photos, batch, task, seed))}


def run(profile=None, seed=0, progress=True, task=None):
    """The encoder-decoder, its concat ablation and SPADE, trained with L1; exact and trained claims, figures."""
    profile = get_profile(profile)
    task = task if task is not None else task_for(profile)
    variants = {}
    for kind in ("encoder-decoder", "concat", "spade"):
        variant = train_variant(profile, kind, seed=seed, progress=progress, task=task)
        variants[variant.key] = variant
    batch = evaluation_batch(task, profile, seed)
    variants.update(references_for(task, batch, seed))
    start_run(profile, seed)
    untrained = build_generator(profile, "encoder-decoder", num_classes=len(task.classes))
    uniform = task.uniform_maps()
    claims = [washout_claim(variants["encoder-decoder"].objective.generator, untrained, uniform.x),
              identical_claim(variants["encoder-decoder"], untrained, task, seed),
              receptive_field_claim(),
              *trained_claims(variants, len(task.classes)),
              concat_claim(variants["concat"], task)]
    trained = [variants[key] for key in ("encoder-decoder", "concat", "spade")]
    figures = {"outputs": outputs_figure(task, batch, trained), "uniform": uniform_figure(task, trained),
               "table": table_figure(variants)}
    return LessonResult(LESSON, TITLE, claims, figures, variants, task, batch)


# ---------------------------------------------------------------- figures


def outputs_figure(task, batch, variants, count=8, tile=None):
    """Held-out scene maps (uniform ones skipped), the real photos and each variant's outputs, numbers in the labels."""
    scenes = (~batch.uniform).nonzero().flatten()[:count]
    rows = [("label map x", task.show_input(batch.x[scenes])), ("real photo y", batch.y[scenes])]
    for variant in variants:
        m = variant.metrics
        rows.append((f"{variant.label}\nscene acc {m['scene_accuracy']:.2f}  IoU {m['scene_iou']:.2f}\n"
                     f"objects IoU {m['object_iou']:.2f}  L1 {m['l1_error']:.3f}", variant.visuals["fake_B"][scenes]))
    return show_rows(rows, title="scene label map -> photo, L1 only (held-out maps)", tile=tile)


def uniform_figure(task, variants, tile=None):
    """The K uniform maps, their real photos, and what each variant draws for them (label recovery in the label)."""
    uniform = task.uniform_maps()
    rows = [("uniform map x", task.show_input(uniform.x)), ("real photo y", uniform.y)]
    for variant in variants:
        m = variant.metrics
        rows.append((f"{variant.label}\nrecovered {m['uniform_accuracy']:.2f}\nspread {m['uniform_spread']:.2g}",
                     variant.visuals["uniform_B"]))
    return show_rows(rows, title=f"the {len(uniform.x)} uniform maps: one class everywhere", tile=tile)


TABLE_COLUMNS = [("uniform_accuracy", "uniform maps acc.", "{:.3f}".format),
                 ("uniform_spread", "uniform spread", "{:.2g}".format),
                 ("scene_accuracy", "scene acc.", "{:.3f}".format), ("scene_iou", "scene IoU", "{:.3f}".format),
                 ("object_iou", "objects IoU", "{:.3f}".format), ("l1_error", "L1 error", "{:.3f}".format)]


def table_figure(variants):
    """The comparison as a table image: label recovery on the uniform maps and on the scenes, spread, L1."""
    return viz.table_figure({v.label: v.metrics for v in variants.values()}, TABLE_COLUMNS, width=11)


def spread_map(outputs):
    """(H, W): how far apart the K outputs are at each pixel, max over pairs and channels (for the trap figure)."""
    outputs = outputs.double()
    return (outputs.max(0).values - outputs.min(0).values).amax(0)


def plot_losses(variants):
    return viz.plot_curves({v.label: v.history.losses for v in variants}, title="training loss (L1)", logy=True)


"""Lesson 03's live ablation: pick the discriminator (its receptive field shown) and lambda_L1, press Run.

Each run trains the lesson's U-Net with `l03_patchgan.train_variant` (L1 alone, or L1 + a conditional
GAN with the PixelGAN or a PatchGAN), pictures its outputs on held-out label maps next to the labels and
the real photos, and adds its texture detail (the HF ratio on real photos), colourfulness, L1 error and
FCN-score analog to a table of every run so far. Training, metrics and pictures are the lesson
module's; the button, bar and table are `RunPanel`'s; this file only adds the discriminator and lambda
controls. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import ipywidgets as widgets

from i2i_course.experiments import l03_patchgan
from i2i_course.experiments.common import evaluation_batch
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel, slider_style


def field_text(kind, image_size, period=None):
    """What one output unit of the chosen discriminator sees, in words, against the texture's period."""
    if kind is None:
        return "no discriminator: L1 alone"
    field = 1 if kind == "pixel" else l03_patchgan.RF_TABLE[kind]
    if field == 1:
        verdict = "a single pixel: it cannot see a texture"
    elif field > image_size:
        verdict = f"more than the whole {image_size}x{image_size} image: mostly padding"
    elif period is None:
        verdict = f"{field / image_size:.0%} of the image's width"
    elif field < period:
        verdict = f"less than one texture period ({period} px)"
    else:
        verdict = f"{field / period:.1f} texture periods ({period} px)"
    return f"each logit sees a <b>{field}x{field}</b> patch: {verdict}"


class GanPanel(RunPanel):
    """Discriminator and lambda_L1 controls, a picture of the latest run and a table of all runs (lesson 03).

    The discriminator menu holds L1 only, the PixelGAN and every PatchGAN whose output map is at least
    2x2 at the profile's image size; its values are the variants' keys ("l1-only", "pixel", "patch-1", ...),
    and the line under it says what one output unit sees. Every run uses the same `seed`, so two runs differ
    only in the settings a student changed. `task` (from `l03_patchgan.task_for`; default the textures) is
    what every run trains on. `runs` holds one dict per finished run; `last_run` the latest `Variant`.
    """

    def __init__(self, profile=None, seed=0, task=None):
        super().__init__(profile, seed, hint="Pick a discriminator and lambda_L1, then press Run.")
        self.task = task if task is not None else l03_patchgan.task_for(self.profile)
        detail = ("texture_detail", "texture detail") if self.task.period else ("hf_ratio", "HF ratio")
        size = self.profile.image_size
        self.kinds = {l03_patchgan.variant_key(kind): kind
                      for kind in [None, "pixel", *l03_patchgan.patch_layers_that_fit(size)]}
        self.columns = [
            ("run", "run #", str),
            ("discriminator", "discriminator", str),
            ("lambda_l1", "lambda_L1", "{:g}".format),
            ("steps", "steps", str),
            (*detail, "{:.3f}".format),
            ("colourfulness", "colourfulness", "{:.1f}".format),
            ("l1_error", "L1 error", "{:.3f}".format),
        ]
        if self.task.classes is not None:
            self.columns.append(("pixel_accuracy", "FCN per-pixel acc.", "{:.3f}".format))
        self.discriminator = widgets.Dropdown(
            options=[(l03_patchgan.discriminator_name(kind), key) for key, kind in self.kinds.items()],
            value=l03_patchgan.variant_key(1), description="discriminator", **slider_style())
        self.field = widgets.HTML()
        self.lambda_l1 = widgets.FloatLogSlider(value=l03_patchgan.LAMBDA_L1, base=10, min=0, max=3, step=0.25,
                                                description="lambda_L1", readout_format=".3g", **slider_style())
        self.discriminator.observe(self._discriminator_changed, names="value")
        self._discriminator_changed()
        self.lay_out([self.discriminator, self.field], [self.lambda_l1, self.steps])

    def settings(self):
        """The controls' current values, named as `train_variant` takes them."""
        return {"discriminator": self.kinds[self.discriminator.value], "lambda_l1": self.lambda_l1.value,
                "steps": self.steps.value}

    def describe(self, settings):
        name = l03_patchgan.discriminator_name(settings["discriminator"])
        return f"{name}, lambda_L1 {settings['lambda_l1']:g}, {settings['steps']} steps"

    def train(self, settings, callback):
        return l03_patchgan.train_variant(self.profile, seed=self.seed, progress=False, callback=callback,
                                          task=self.task, **settings)

    def summarise(self, variant, number):
        """Picture the run's outputs beside the labels and real photos; its row of numbers."""
        batch = evaluation_batch(self.task, self.profile, self.seed)
        row = {"run": number, "discriminator": variant.label, "lambda_l1": variant.settings["lambda_l1"],
               "steps": variant.history.steps_done, **variant.metrics}
        figure = l03_patchgan.outputs_figure(batch, [variant], count=SHOWN, tile=TILE)
        figure.suptitle(f"run {number}: {variant.label}, lambda_L1 {row['lambda_l1']:g}, {row['steps']} steps "
                        "(held-out label maps)", fontsize=9)
        return figure, row

    def _discriminator_changed(self, change=None):
        self.field.value = field_text(self.kinds[self.discriminator.value], self.profile.image_size,
                                      self.task.period)

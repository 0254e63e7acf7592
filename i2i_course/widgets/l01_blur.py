"""Lesson 01's live ablation: pick a loss, the ambiguity and a step count, press Run, compare the runs.

Each run trains the lesson's U-Net with `l01_blur.train_variant`, pictures its outputs on held-out sketches
next to sampled targets and the exact mean and median (where L2 and L1 head), and adds its measured edge
width, colourfulness and L1 error to a table of every run so far. Training, metrics and pictures are the
lesson module's; the steps slider, button, bar, picture and table are `RunPanel`'s; this file only adds the
lesson's controls. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import ipywidgets as widgets

from i2i_course.experiments import l01_blur
from i2i_course.experiments.common import evaluation_batch
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel, slider_style

LOSSES = [("L1", "l1"), ("L2", "l2"), ("mix", "mix")]


def describe(settings):
    """'MIX (L1 weight 0.50), p_minor 0.30, 300 steps': one run's settings in words."""
    loss = settings["loss"].upper()
    if settings["loss"] == "mix":
        loss += f" (L1 weight {settings['l1_weight']:.2f})"
    return f"{loss}, p_minor {settings['p_minor']:.2f}, {settings['steps']} steps"


class BlurPanel(RunPanel):
    """Loss, ambiguity and step controls, a picture of the latest run and a table of all runs (lesson 01).

    Every run uses the same `seed`, so two runs differ only in the settings a student changed.
    `runs` holds one dict per finished run with its settings and measured numbers, `last_run` the latest
    `Variant` (its loss history, outputs, ...) for a closer look.
    """

    columns = [
        ("run", "run #", str),
        ("loss", "loss", str.upper),
        ("l1_weight", "L1 weight", lambda w: "-" if w is None else f"{w:.2f}"),
        ("p_minor", "p_minor", "{:.2f}".format),
        ("steps", "steps", str),
        ("edge_width", "edge width (px)", "{:.2f}".format),
        ("colourfulness", "colourfulness", "{:.1f}".format),
        ("l1_error", "L1 error", "{:.3f}".format),
    ]

    def __init__(self, profile=None, seed=0):
        super().__init__(profile, seed, hint="Pick the settings and press Run.")
        self.loss = widgets.ToggleButtons(options=LOSSES, value="l2", description="loss",
                                          style={"button_width": "70px", "description_width": "50px"})
        self.l1_weight = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, disabled=True,
                                             description="L1 weight (mix only)", **slider_style())
        self.p_minor = widgets.FloatSlider(value=l01_blur.P_MINOR, min=0.0, max=0.45, step=0.05,
                                           description="p_minor (minority mode)", **slider_style())
        self.loss.observe(self._loss_changed, names="value")
        self.lay_out([self.loss, self.steps], [self.l1_weight, self.p_minor])

    def settings(self):
        """The controls' current values, named as `train_variant` takes them."""
        return {"loss": self.loss.value, "l1_weight": self.l1_weight.value,
                "p_minor": self.p_minor.value, "steps": self.steps.value}

    def describe(self, settings):
        return describe(settings)

    def train(self, settings, callback):
        return l01_blur.train_variant(self.profile, seed=self.seed, progress=False, callback=callback, **settings)

    def summarise(self, variant, number):
        """Picture the run beside the exact mean/median of its task; its row of numbers."""
        task = l01_blur.task_for(self.profile, p_minor=variant.settings["p_minor"])
        batch = evaluation_batch(task, self.profile, self.seed)  # the sketches the outputs are for
        row = {"run": number, **variant.settings, "steps": variant.history.steps_done, **variant.metrics}
        references = l01_blur.references_for(task, batch)
        figure = l01_blur.outputs_figure(batch, [references["mean"], references["median"], variant], count=SHOWN, tile=TILE)
        figure.suptitle(f"run {number}: {describe(row)} (held-out sketches)", fontsize=9)
        return figure, row

    def _loss_changed(self, change):
        """The L1 weight only means something for the mix."""
        self.l1_weight.disabled = change["new"] != "mix"

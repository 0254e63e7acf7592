"""Lesson 06's live ablation: pick the generator, its norm and SPADE's hidden width, press Run.

Each run trains one generator with `l06_spade.train_variant` (L1 on the scene label maps), pictures its outputs
on the label maps picked in the menu (held-out scenes, or the K uniform maps: one class everywhere) next to the
maps and the real photos, and adds its label recovery (on the uniform maps and on the scenes), small-object
IoU and L1 error to a table of every run so far. Training, metrics and pictures are the lesson module's; the
button, bar and table are `RunPanel`'s. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from i2i_course.experiments import l06_spade
from i2i_course.experiments.common import evaluation_batch
from i2i_course.viz import figure_to_png, show_rows
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel, slider_style

GENERATOR_NAMES = {"encoder-decoder": "encoder-decoder (constancy-preserving)",
                   "reference-layers": "encoder-decoder (zero pad, conv-transpose)",
                   "concat": "encoder-decoder + map at every conv", "spade": "SPADE"}
MAPS = {"scenes": "held-out scenes", "uniform": "the uniform maps"}


class SpadePanel(RunPanel):
    """Generator, norm and hidden-width controls, a label-map picker, a picture of the latest run and a table
    of all runs (lesson 06).

    The generator menu's values are the variants' keys ("encoder-decoder", "reference-layers", "concat",
    "spade"); the hidden width only matters for SPADE (disabled otherwise). The map menu picks what the picture
    shows: held-out scenes, or the K uniform maps (one class everywhere); changing it redraws the latest run.
    Every run uses the same `seed`. `runs` holds one dict per finished run; `last_run` the latest `Variant`.
    """

    def __init__(self, profile=None, seed=0, task=None):
        super().__init__(profile, seed, hint="Pick a generator, its norm, and press Run.")
        self.task = task if task is not None else l06_spade.task_for(self.profile)
        self.columns = [
            ("run", "run #", str),
            ("generator", "generator", str),
            ("norm", "norm", str),
            ("hidden", "hidden", lambda value: "-" if value is None else str(value)),
            ("steps", "steps", str),
            ("uniform_accuracy", "uniform maps acc.", "{:.3f}".format),
            ("scene_accuracy", "scene acc.", "{:.3f}".format),
            ("object_iou", "objects IoU", "{:.3f}".format),
            ("l1_error", "L1 error", "{:.3f}".format),
        ]
        self.generator = widgets.Dropdown(options=[(name, key) for key, name in GENERATOR_NAMES.items()],
                                          value="spade", description="generator", **slider_style())
        self.norm = widgets.Dropdown(options=[("InstanceNorm", "instance"), ("BatchNorm", "batch")],
                                     value="instance", description="norm", **slider_style())
        self.hidden = widgets.IntSlider(value=l06_spade.default_hidden(self.profile), min=4, max=128, step=4,
                                        description="SPADE hidden", **slider_style())
        self.label_map = widgets.Dropdown(options=[(name, key) for key, name in MAPS.items()], value="uniform",
                                          description="show", **slider_style())
        self.generator.observe(self._generator_changed, names="value")
        self.label_map.observe(self._redraw, names="value")
        self.lay_out([self.generator, self.norm], [self.hidden, self.steps], [self.label_map])

    def settings(self):
        """The controls' current values, named as `train_variant` takes them."""
        return {"generator": self.generator.value, "norm": self.norm.value, "hidden": self.hidden.value,
                "steps": self.steps.value}

    def describe(self, settings):
        hidden = f", hidden {settings['hidden']}" if settings["generator"] == "spade" else ""
        return f"{GENERATOR_NAMES[settings['generator']]}, {settings['norm']} norm{hidden}, {settings['steps']} steps"

    def train(self, settings, callback):
        return l06_spade.train_variant(self.profile, seed=self.seed, progress=False, callback=callback,
                                       task=self.task, **settings)

    def figure(self, variant, number):
        """The picked label maps, their real photos and this run's outputs, its numbers in the row label."""
        m = variant.metrics
        if self.label_map.value == "uniform":
            maps = self.task.uniform_maps()
            x, y, outputs = maps.x, maps.y, variant.visuals["uniform_B"]
            numbers = f"recovered {m['uniform_accuracy']:.2f}\nspread {m['uniform_spread']:.2g}"
        else:
            batch = evaluation_batch(self.task, self.profile, self.seed)
            scenes = (~batch.uniform).nonzero().flatten()[:SHOWN]
            x, y, outputs = batch.x[scenes], batch.y[scenes], variant.visuals["fake_B"][scenes]
            numbers = f"scene acc {m['scene_accuracy']:.2f}\nobjects IoU {m['object_iou']:.2f}"
        title = f"run {number}: {variant.label}, {variant.history.steps_done} steps ({MAPS[self.label_map.value]})"
        return show_rows([("label map x", self.task.show_input(x)), ("real photo y", y),
                          (f"{variant.label}\n{numbers}", outputs)], title=title, tile=TILE)

    def summarise(self, variant, number):
        """Picture the run's outputs on the picked maps; its row of numbers."""
        s = variant.settings
        row = {"run": number, "generator": GENERATOR_NAMES[s["generator"]], "norm": s["norm"],
               "hidden": s["hidden"], "steps": variant.history.steps_done, **variant.metrics}
        return self.figure(variant, number), row

    def _generator_changed(self, change=None):
        self.hidden.disabled = self.generator.value != "spade"

    def _redraw(self, change=None):
        """Show the latest run on the newly picked maps (no training)."""
        if self.last_run is None:
            return
        figure = self.figure(self.last_run, len(self.runs))
        try:
            self.image.value = figure_to_png(figure)
        finally:
            plt.close(figure)

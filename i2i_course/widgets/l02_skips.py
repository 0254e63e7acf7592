"""Lesson 02's live ablation: keep or cut each skip of the U-Net, press Run, compare the runs.

Each run trains the lesson's generator with `l02_unet_skips.train_variant` keeping only the checked
skips, pictures its outputs on held-out label maps next to the labels and the real photos, and adds its
L1 error, high-frequency ratio and FCN-score analog to a table of every run so far. Training, metrics
and pictures are the lesson module's; the steps slider, button, bar, picture and table are `RunPanel`'s;
this file only adds the skip checkboxes. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import html

import ipywidgets as widgets

from i2i_course.errors import CourseError
from i2i_course.experiments import l02_unet_skips
from i2i_course.experiments.common import evaluation_batch
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel


def level_label(level, image_size):
    """'level 1 (16x16)': a skip level and the resolution of the features it carries across."""
    side = image_size >> level
    return f"level {level} ({side}x{side})"


class SkipPanel(RunPanel):
    """Skip checkboxes, a picture of the latest run and a table of all runs, for lesson 02.

    One checkbox per skip level, 1 (outermost, the finest features) to num_downs - 1 (innermost), all
    checked: the U-Net; none checked: the encoder-decoder. Every run uses the same `seed`, so two runs
    differ only in the skips and steps a student changed. `task` (from `l02_unet_skips.task_for`; default
    the synthetic facades) is what every run trains on; the FCN columns show where it has labels.

    `select(levels)` checks exactly those levels. `runs` holds one dict per finished run (run, skips as a
    sorted tuple of levels, steps, and the measured l1_error, hf_ratio, pixel_accuracy, class_accuracy,
    class_iou); `last_run` is the latest `Variant` for a closer look.
    """

    def __init__(self, profile=None, seed=0, task=None):
        super().__init__(profile, seed, hint="Pick the skips to keep and press Run.")
        self.task = task if task is not None else l02_unet_skips.task_for(self.profile)
        self.num_downs = l02_unet_skips.num_downs_for(self.profile)
        self.levels = list(range(1, self.num_downs))
        self.columns = [
            ("run", "run #", str),
            ("skips", "skips kept", self.skips_text),
            ("steps", "steps", str),
            ("l1_error", "L1 error", "{:.3f}".format),
            ("hf_ratio", "HF ratio", "{:.3f}".format),
        ]
        if self.task.classes is not None:
            self.columns += [("pixel_accuracy", "FCN per-pixel acc.", "{:.3f}".format),
                             ("class_iou", "FCN class IoU", "{:.3f}".format)]
        size = self.profile.image_size
        self.skip_boxes = [widgets.Checkbox(value=True, description=level_label(level, size), indent=False,
                                            layout=widgets.Layout(width="auto", margin="0 16px 0 0"))
                           for level in self.levels]
        auto = widgets.Layout(width="auto")
        self.all_button = widgets.Button(description="all (U-Net)", tooltip="keep every skip", layout=auto)
        self.none_button = widgets.Button(description="none (encoder-decoder)", tooltip="cut every skip",
                                          layout=widgets.Layout(width="auto"))
        self.kept = widgets.HTML()
        for box in self.skip_boxes:
            box.observe(self._skips_changed, names="value")
        self.all_button.on_click(lambda _button: self.select(self.levels))
        self.none_button.on_click(lambda _button: self.select([]))
        self._skips_changed()
        self.lay_out(widgets.HTML("<b>skips kept</b> (level 1 = outermost, finest features):"),
                     self.skip_boxes, [self.all_button, self.none_button, self.kept], self.steps)

    def skips_text(self, skips):
        """The kept skips in words: 'all (U-Net)', 'none (encoder-decoder)' or '1,3'."""
        return l02_unet_skips.describe(set(skips), self.num_downs)

    def selected_skips(self):
        """The checked levels, sorted (1 = outermost)."""
        return [level for level, box in zip(self.levels, self.skip_boxes) if box.value]

    def select(self, levels):
        """Check exactly `levels` (the "all" and "none" buttons use it)."""
        levels = set(levels)
        unknown = levels - set(self.levels)
        if unknown:
            raise CourseError(f"skips {sorted(unknown)} do not exist: this profile's U-Net has skips at "
                              f"levels 1 (outermost) to {self.num_downs - 1}")
        for level, box in zip(self.levels, self.skip_boxes):
            box.value = level in levels

    def settings(self):
        """The controls' current values, named as `train_variant` takes them."""
        return {"skips": self.selected_skips(), "steps": self.steps.value}

    def describe(self, settings):
        return f"skips {self.skips_text(settings['skips'])}, {settings['steps']} steps"

    def train(self, settings, callback):
        return l02_unet_skips.train_variant(self.profile, skips=settings["skips"], seed=self.seed,
                                            steps=settings["steps"], progress=False, callback=callback,
                                            task=self.task)

    def summarise(self, variant, number):
        """Picture the run's outputs beside the labels and real photos; its row of numbers."""
        batch = evaluation_batch(self.task, self.profile, self.seed)  # what the outputs are for
        row = {"run": number, "skips": variant.settings["skips"], "steps": variant.history.steps_done,
               **variant.metrics}
        kept = self.skips_text(row["skips"])
        figure = l02_unet_skips.outputs_figure(batch, [variant], count=SHOWN, tile=TILE)
        figure.suptitle(f"run {number}: skips kept {kept}, {row['steps']} steps (held-out label maps)",
                        fontsize=9)
        return figure, row

    def _skips_changed(self, change=None):
        skips = self.selected_skips()
        self.kept.value = (f"kept: <b>{html.escape(self.skips_text(skips))}</b> "
                           f"({len(skips)} of {len(self.levels)} skips)")

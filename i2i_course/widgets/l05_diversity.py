"""Lesson 05's live ablation: pick the method, lambda_L1, the diversity weight, nz and a step count, press Run.

Each run trains the lesson's U-Net with `l05_diversity.train_variant` (pix2pix + z, DSGAN, MSGAN or
BicycleGAN), pictures its samples (several codes z) for a few held-out outlines, and adds the modes it covers
per input, the share of valid samples and the pairwise L1 between samples of one input to a table of every
run so far. Training, metrics and pictures are the lesson module's; the button, bar and table are
`RunPanel`'s; this file only adds the lesson's controls. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import ipywidgets as widgets

from i2i_course.experiments import l05_diversity
from i2i_course.experiments.common import evaluation_batch
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel, slider_style

INPUTS_SHOWN = 2  # held-out outlines pictured per run, each with its samples (3 overflow 1280x800 in Notebook 6.5)


def weight_text(weight):
    return "-" if weight is None else f"{weight:.3g}"  # a log slider's 7.94328 reads 7.94


def describe(settings):
    """'DSGAN, lambda_L1 10, weight 8, nz 8, 300 steps': one run's settings in words."""
    weight = settings["diversity_weight"]
    weighted = "" if weight is None else f", weight {weight_text(weight)}"
    return (f"{l05_diversity.METHODS[settings['method']]}, lambda_L1 {settings['lambda_l1']:g}{weighted}, "
            f"nz {settings['nz']}, {settings['steps']} steps")


class DiversityPanel(RunPanel):
    """Method, lambda_L1, diversity weight, nz and steps; a picture of the latest run's samples, a table of all runs.

    The method menu's values are the methods' keys ("pix2pix-z", "dsgan", "msgan", "bicyclegan"); choosing one
    sets lambda_L1 to the method's paper's (100 for pix2pix, 10 for the others) and the diversity weight to
    DSGAN's or MSGAN's own (disabled for the others). Every run uses the same `seed`, so two runs differ only in
    the settings a student changed. `runs` holds one dict per finished run; `last_run` the latest `Variant`.
    """

    columns = [
        ("run", "run #", str),
        ("method", "method", str),
        ("lambda_l1", "lambda_L1", "{:g}".format),
        ("diversity_weight", "weight", weight_text),
        ("nz", "nz", str),
        ("steps", "steps", str),
        ("modes_per_input", "modes / input", "{:.2f}".format),
        ("valid_rate", "valid", "{:.2f}".format),
        ("pairwise_l1", "pairwise L1", "{:.4f}".format),
    ]

    def __init__(self, profile=None, seed=0, samples=SHOWN):
        super().__init__(profile, seed, hint="Pick a method, lambda_L1, its diversity weight and nz, then press Run.")
        self.task = l05_diversity.task_for(self.profile)
        self.samples = samples
        self.method = widgets.Dropdown(options=[(label, key) for key, label in l05_diversity.METHODS.items()],
                                       value="dsgan", description="method", **slider_style())
        self.lambda_l1 = widgets.FloatLogSlider(value=l05_diversity.LAMBDA_L1["dsgan"], base=10, min=0, max=3,
                                                step=0.25, description="lambda_L1", readout_format=".3g",
                                                **slider_style())
        self.weight = widgets.FloatLogSlider(value=l05_diversity.DIVERSITY_WEIGHTS["dsgan"], base=10, min=-1,
                                             max=2, step=0.1, description="diversity weight",
                                             readout_format=".3g", **slider_style())
        self.nz = widgets.IntSlider(value=l05_diversity.NZ, min=1, max=16, step=1, description="nz (code size)",
                                    **slider_style())
        self.method.observe(self._method_changed, names="value")
        self.lay_out([self.method, self.lambda_l1], [self.weight, self.nz], self.steps)

    def settings(self):
        """The controls' current values, named as `train_variant` takes them (weight None where unused)."""
        weighted = self.method.value in l05_diversity.DIVERSITY_WEIGHTS
        return {"method": self.method.value, "lambda_l1": self.lambda_l1.value,
                "diversity_weight": self.weight.value if weighted else None, "nz": self.nz.value,
                "steps": self.steps.value}

    def describe(self, settings):
        return describe(settings)

    def train(self, settings, callback):
        return l05_diversity.train_variant(self.profile, seed=self.seed, progress=False, callback=callback,
                                           task=self.task, **settings)

    def summarise(self, variant, number):
        """Picture the run's samples for a few held-out outlines; its row of numbers."""
        batch = evaluation_batch(self.task, self.profile, self.seed)
        settings = variant.settings
        row = {"run": number, "method": l05_diversity.METHODS[settings["method"]], "lambda_l1": settings["lambda_l1"],
               "diversity_weight": settings["diversity_weight"], "nz": settings["nz"],
               "steps": variant.history.steps_done, **variant.metrics}
        figure = l05_diversity.samples_figure(batch, [variant], inputs=INPUTS_SHOWN, count=self.samples, tile=TILE)
        figure.suptitle(f"run {number}: {describe({**settings, 'steps': row['steps']})}\n"
                        f"({self.samples} codes per held-out outline)", fontsize=9)  # two lines: the table fits beside
        return figure, row

    def _method_changed(self, change):
        """lambda_L1 to the method's paper's; the weight belongs to DSGAN's or MSGAN's term: the chosen one's
        default, disabled for the others."""
        self.lambda_l1.value = l05_diversity.LAMBDA_L1[change["new"]]
        default = l05_diversity.DIVERSITY_WEIGHTS.get(change["new"])
        self.weight.disabled = default is None
        if default is not None:
            self.weight.value = default

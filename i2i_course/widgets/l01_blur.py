"""Lesson 01's live ablation: pick a loss, the ambiguity and a step count, press Run, compare the runs.

Each run trains the lesson's U-Net with `l01_blur.train_run`, pictures its outputs on held-out sketches
next to sampled targets and the exact mean and median (where L2 and L1 head), and adds its measured edge
width, colourfulness and L1 error to a table of every run so far. Training, metrics and pictures are the
lesson module's; this file only wires them to controls. Works with ipywidgets 7.7 (Colab's) and 8.
"""

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from i2i_course.data import AmbiguousDiscs
from i2i_course.errors import CourseError
from i2i_course.experiments import l01_blur
from i2i_course.profiles import get_profile
from i2i_course.viz import figure_to_png

LOSSES = [("L1", "l1"), ("L2", "l2"), ("mix", "mix")]
SHOWN = 6  # held-out sketches pictured per run

# (key in a `runs` entry, column heading, how to write the value)
COLUMNS = [
    ("run", "run #", str),
    ("loss", "loss", str.upper),
    ("l1_weight", "L1 weight", lambda w: "-" if w is None else f"{w:.2f}"),
    ("p_minor", "p_minor", "{:.2f}".format),
    ("steps", "steps", str),
    ("edge_width", "edge width (px)", "{:.2f}".format),
    ("colourfulness", "colourfulness", "{:.1f}".format),
    ("l1_error", "L1 error", "{:.3f}".format),
]


def describe(settings):
    """'MIX (L1 weight 0.50), p_minor 0.30, 300 steps': one run's settings in words."""
    loss = settings["loss"].upper()
    if settings["loss"] == "mix":
        loss += f" (L1 weight {settings['l1_weight']:.2f})"
    return f"{loss}, p_minor {settings['p_minor']:.2f}, {settings['steps']} steps"


def runs_table(runs):
    """The runs as an HTML table, one row each, so settings and numbers read side by side."""
    if not runs:
        return "<i>No runs yet: each run adds a row here.</i>"
    cell = '<{0} style="padding: 2px 10px; text-align: right">{1}</{0}>'
    head = "".join(cell.format("th", title) for _, title, _ in COLUMNS)
    rows = ["".join(cell.format("td", html.escape(write(run[key]))) for key, _, write in COLUMNS)
            for run in runs]
    return ('<table style="border-collapse: collapse">'
            + "".join(f"<tr>{row}</tr>" for row in [head, *rows]) + "</table>")


class BlurPanel:
    """Controls, a picture of the latest run and a table of all runs, for lesson 01 (L2 vs L1 blur).

    Every run uses the same `seed`, so two runs differ only in the settings a student changed.
    `widget` is the panel to display; `run()` trains once with the current settings (Run calls it);
    `runs` holds one dict per finished run with its settings and measured numbers, `last_run` the
    latest `l01_blur.Run` (its loss history, outputs, ...) for a closer look.
    """

    def __init__(self, profile=None, seed=0):
        self.profile, self.seed, self.runs, self.last_run = get_profile(profile), seed, [], None
        wide = {"description_width": "initial"}
        steps = self.profile.steps
        self.loss = widgets.ToggleButtons(options=LOSSES, value="l2", description="loss")
        self.l1_weight = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, disabled=True,
                                             description="L1 weight (mix only)", style=wide)
        self.p_minor = widgets.FloatSlider(value=l01_blur.P_MINOR, min=0.0, max=0.45, step=0.05,
                                           description="p_minor (minority mode)", style=wide)
        self.steps = widgets.IntSlider(value=steps, min=10, max=4 * steps, step=10,
                                       description="steps", style=wide)
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=steps)
        self.status = widgets.HTML("Pick the settings and press Run.")
        self.image = widgets.Image(value=b"", format="png")
        self.table = widgets.HTML(runs_table(self.runs))
        self.loss.observe(self._loss_changed, names="value")
        self.run_button.on_click(lambda _button: self.run())
        self.widget = widgets.VBox([
            self.loss, widgets.HBox([self.l1_weight, self.p_minor, self.steps]),
            widgets.HBox([self.run_button, self.progress, self.status]),
            self.image, self.table,
        ])

    def _ipython_display_(self):
        """Show the panel: `display(panel)`, or `panel` as a cell's last line (IPython 7.34 and 8+)."""
        display(self.widget)

    def settings(self):
        """The controls' current values, named as `train_run` takes them."""
        return {"loss": self.loss.value, "l1_weight": self.l1_weight.value,
                "p_minor": self.p_minor.value, "steps": self.steps.value}

    def run(self):
        """Train once with the current settings, then picture and tabulate the result.

        An error's message goes to `status` (a button's callback has nowhere visible to raise to).
        Returns nothing, so `panel.run()` can end a cell quietly; the Run is kept as `last_run`.
        The button is disabled meanwhile so clicks don't queue up runs.
        """
        settings = self.settings()
        number = len(self.runs) + 1
        self.run_button.disabled = True
        self.progress.value, self.progress.max = 0, settings["steps"]
        self.status.value = f"training run {number}: {describe(settings)} ..."
        try:
            run = l01_blur.train_run(self.profile, seed=self.seed, progress=False,
                                     callback=self._step_done, **settings)
            self._record(run, settings, number)
        except CourseError as error:
            self.status.value = f"<b>Can't run this:</b> {html.escape(str(error))}"
        except Exception as error:  # noqa: BLE001 - shown to the student rather than lost in a log
            self.status.value = f"<b>Run failed:</b> {html.escape(f'{type(error).__name__}: {error}')}"
        finally:
            self.run_button.disabled = False

    def _loss_changed(self, change):
        """The L1 weight only means something for the mix."""
        self.l1_weight.disabled = change["new"] != "mix"

    def _step_done(self, step, loss):
        """train_run's callback: move the bar about 100 times per run (each move is a message)."""
        total = self.progress.max
        if step == total or step % max(1, total // 100) == 0:
            self.progress.value = step
            self.status.value = f"step {step} of {total}, loss {loss:.4f}"

    def _record(self, run, settings, number):
        """Picture the run beside the exact mean/median of its task, and add its row to the table."""
        task = AmbiguousDiscs(self.profile.image_size, run.p_minor)
        batch = l01_blur.evaluation_batch(task, self.profile, self.seed)  # the sketches run.outputs are for
        row = {"run": number, "loss": run.loss,
               "l1_weight": settings["l1_weight"] if run.loss == "mix" else None,
               "p_minor": run.p_minor, "steps": run.steps, **run.metrics}
        figure = l01_blur.outputs_figure(batch, [run], l01_blur.references_for(task, batch), count=SHOWN)
        figure.suptitle(f"run {number}: {describe(row)} (held-out sketches)", fontsize=11)
        try:
            self.image.value = figure_to_png(figure)
        finally:
            plt.close(figure)
        self.runs.append(row)
        self.last_run = run
        self.table.value = runs_table(self.runs)
        stopped = (f" (interrupted after {run.steps} of {settings['steps']} steps; the model keeps what "
                   "it learned)") if run.history.interrupted else ""
        self.status.value = f"run {number} done in {run.history.seconds:.1f} s{stopped}"

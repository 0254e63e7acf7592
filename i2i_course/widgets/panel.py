"""What every lesson's live-ablation panel shares: the steps slider, Run button, progress bar, status line,
the latest picture and the runs table, laid out for a laptop screen.

A lesson's panel (`BlurPanel`, `SkipPanel`, ...) subclasses `RunPanel`, builds its own controls, hands them to
`lay_out`, and says how to read them (`settings`), put them in words (`describe`), train once (`train`, which
returns a `results.Variant`) and turn a variant into a figure and a table row (`summarise`). `RunPanel` does
the rest the same way for every lesson: the button is disabled while a run trains, the bar (hidden until a run
starts) moves with the training loop's read-backs, errors are shown in the status line (a button's callback
has nowhere visible to raise to), each run adds a row to the table, and `record(variant)` adds a run that the
notebook's experiment already trained, without training it again.

Layout (1280x800, as a student's laptop shows JupyterLab or Colab): the controls on top, sliders wide enough to
set a value (`slider_style`), then the run row, then the latest picture (`SHOWN` inputs, `TILE` inches each,
shown at its natural size so that its labels stay readable) with the runs table beside it, newest run first,
so that the controls, the picture and the table are all in sight after Run (the browser test checks it).
Works with ipywidgets 7.7 (Colab's) and 8.
"""

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from i2i_course.errors import CourseError
from i2i_course.profiles import get_profile
from i2i_course.results import Variant
from i2i_course.viz import figure_to_png

SHOWN = 4  # held-out inputs pictured per run
TILE = 0.75  # inches (75 px) per pictured image: the picture is ~430 px wide, shown at its natural size
SLIDER_WIDTH, LABEL_WIDTH = "500px", "170px"  # a slider's whole width and its label's: ~250 px of track


def slider_style():
    """Keyword arguments that give a slider (or dropdown) a readable label and a track wide enough to set."""
    return {"style": {"description_width": LABEL_WIDTH}, "layout": widgets.Layout(width=SLIDER_WIDTH)}


def runs_table(runs, columns):
    """The runs as an HTML table, one row each, newest first; `columns` is [(key, heading, how to write it)]."""
    if not runs:
        return "<i>No runs yet: each run adds a row here.</i>"
    cell = '<{0} style="padding: 2px 6px; text-align: right; font-size: 12px; line-height: 1.3">{1}</{0}>'
    head = "".join(cell.format("th", title) for _, title, _ in columns)
    rows = ["".join(cell.format("td", html.escape(write(run[key]))) for key, _, write in columns)
            for run in reversed(runs)]
    return ('<table style="border-collapse: collapse">'
            + "".join(f"<tr>{row}</tr>" for row in [head, *rows]) + "</table>")


class RunPanel:
    """The shared part of a lesson panel. Subclasses set `columns`, build controls, call `lay_out(...)`, and
    write the four methods below.

    `widget` is the panel to display; `run()` trains once with the current settings (Run calls it);
    `record(variant)` adds an already trained variant; `runs` holds one dict per finished run with its
    settings and measured numbers; `last_run` is the latest `Variant`, for a closer look.
    """

    columns = []  # [(key in a `runs` entry, column heading, how to write the value)]

    def __init__(self, profile=None, seed=0, hint="Pick the settings and press Run."):
        self.profile, self.seed, self.runs, self.last_run = get_profile(profile), seed, [], None
        steps = self.profile.steps
        self.steps = widgets.IntSlider(value=steps, min=10, max=4 * steps, step=10, description="steps",
                                       **slider_style())
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=steps,
                                            layout=widgets.Layout(width="200px", visibility="hidden"))
        self.status = widgets.HTML(hint)
        self.image = widgets.Image(value=b"", format="png", layout=widgets.Layout(max_width="60%"))
        self.table = widgets.HTML(runs_table(self.runs, self.columns),
                                  layout=widgets.Layout(max_height="520px", overflow="auto"))
        for part, name in ((self.run_button, "run"), (self.progress, "progress"), (self.status, "status"),
                           (self.image, "picture"), (self.table, "table")):
            part.add_class(f"i2i-{name}")  # how the browser test finds each part on the page
        self.run_button.on_click(lambda _button: self.run())
        self.run_row = widgets.HBox([self.run_button, self.progress, self.status],
                                    layout=widgets.Layout(align_items="center"))
        self.widget = None

    def lay_out(self, *controls):
        """Build `widget`: the lesson's control rows, the steps slider's row, the run row, then the picture
        with the table beside it. A control row that is a list becomes an HBox."""
        rows = [widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")) if isinstance(row, list) else row
                for row in controls]
        results = widgets.HBox([self.image, self.table],
                               layout=widgets.Layout(align_items="flex-start", grid_gap="12px"))
        self.widget = widgets.VBox([*rows, self.run_row, results])
        self.widget.add_class("i2i-panel")  # how the browser test finds a panel on the page

    def _ipython_display_(self):
        """Show the panel: `display(panel)`, or `panel` as a cell's last line (IPython 7.34 and 8+)."""
        display(self.widget)

    # --- what each lesson's panel writes ------------------------------------------------------------

    def settings(self):
        """The controls' current values as a dict (with "steps"), named as the lesson's trainer takes them."""
        raise NotImplementedError

    def describe(self, settings):
        """One run's settings in words, for the status line."""
        raise NotImplementedError

    def train(self, settings, callback):
        """Train once with `settings`, calling `callback(step, loss)` as it goes; the `Variant`."""
        raise NotImplementedError

    def summarise(self, variant, number):
        """(figure, table row) of run `number`; the row has the columns' keys and "steps" (the steps done)."""
        raise NotImplementedError

    # --- the same for every lesson ------------------------------------------------------------------

    def run(self):
        """Train once with the current settings, then picture and tabulate the result.

        Returns nothing, so `panel.run()` can end a cell quietly; the variant is kept as `last_run`.
        The button is disabled meanwhile so clicks don't queue up runs.
        """
        settings = self.settings()
        number = len(self.runs) + 1
        self.run_button.disabled = True
        self.progress.value, self.progress.max = 0, settings["steps"]
        self.progress.layout.visibility = "visible"
        self.status.value = f"training run {number}: {html.escape(self.describe(settings))} ..."
        try:
            variant = self.train(settings, callback=self._step_done)
            self._add(variant, number, planned=settings["steps"])
        except CourseError as error:
            self.status.value = f"<b>Can't run this:</b> {html.escape(str(error))}"
        except Exception as error:  # noqa: BLE001 - shown to the student rather than lost in a log
            self.status.value = f"<b>Run failed:</b> {html.escape(f'{type(error).__name__}: {error}')}"
        finally:
            self.run_button.disabled = False

    def record(self, variant):
        """Picture and tabulate a variant trained elsewhere as the next run, without training it again.

        `variant` is a trained `Variant` of this lesson at this panel's profile, such as one of
        `run(...).variants`: the notebooks put the runs their experiment trained in the table this way, so
        that Run All shows them at no extra cost.
        """
        if not isinstance(variant, Variant) or variant.history is None or "fake_B" not in variant.visuals:
            raise CourseError(f"record takes a trained Variant of this lesson (one of run(...).variants), got "
                              f"{type(variant).__name__}")
        count, size = self.profile.eval_samples, self.profile.image_size
        shape = tuple(variant.visuals["fake_B"].shape)
        if shape[0] != count or shape[-2:] != (size, size):
            raise CourseError(f"this variant was not trained at the {self.profile.name!r} profile ({count} "
                              f"held-out outputs of {size}x{size}); got outputs {shape}")
        self._add(variant, len(self.runs) + 1, planned=None)

    def _step_done(self, step, loss):
        """The trainer's callback, at each read-back of the losses: move the bar, say where it is."""
        self.progress.value = step
        self.status.value = f"step {step} of {self.progress.max}, loss {loss:.4f}"

    def _add(self, variant, number, planned):
        """Show the run's picture, add its row to the table, and say how it went (`planned`: the steps asked
        for, None for a run trained elsewhere and only recorded here)."""
        figure, row = self.summarise(variant, number)
        try:
            self.image.value = figure_to_png(figure)
        finally:
            plt.close(figure)
        self.runs.append(row)
        self.last_run = variant
        self.table.value = runs_table(self.runs, self.columns)
        history = variant.history
        of = "" if planned is None else f" of {planned}"
        stopped = (f" (interrupted after {history.steps_done}{of} steps; the model keeps what it learned)"
                   if history.interrupted else "")
        done = "recorded: trained earlier in" if planned is None else "done in"
        self.status.value = f"run {number} {done} {history.seconds:.1f} s{stopped}"

"""What every lesson's live-ablation panel shares: Run button, progress bar, status line, picture, runs table.

A lesson's panel (`BlurPanel`, `SkipPanel`, ...) subclasses `RunPanel`, builds its own controls, and says
how to read them (`settings`), put them in words (`describe`), train once (`train`) and turn a finished run
into a figure and a table row (`summarise`). `RunPanel` does the rest the same way for every lesson: the
button is disabled while a run trains, the bar moves about 100 times per run, errors are shown in the status
line (a button's callback has nowhere visible to raise to), and each run adds a row to the table.
Works with ipywidgets 7.7 (Colab's) and 8.
"""

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from i2i_course.errors import CourseError
from i2i_course.profiles import get_profile
from i2i_course.viz import figure_to_png


def runs_table(runs, columns):
    """The runs as an HTML table, one row each; `columns` is [(key, heading, how to write the value)]."""
    if not runs:
        return "<i>No runs yet: each run adds a row here.</i>"
    cell = '<{0} style="padding: 2px 10px; text-align: right">{1}</{0}>'
    head = "".join(cell.format("th", title) for _, title, _ in columns)
    rows = ["".join(cell.format("td", html.escape(write(run[key]))) for key, _, write in columns)
            for run in runs]
    return ('<table style="border-collapse: collapse">'
            + "".join(f"<tr>{row}</tr>" for row in [head, *rows]) + "</table>")


class RunPanel:
    """The shared part of a lesson panel. Subclasses set `columns` and write the four methods below.

    `widget` is the panel to display (a subclass builds it around `run_row`, `image` and `table`); `run()`
    trains once with the current settings (Run calls it); `runs` holds one dict per finished run with its
    settings and measured numbers; `last_run` is the latest training result, for a closer look.
    """

    columns = []  # [(key in a `runs` entry, column heading, how to write the value)]

    def __init__(self, profile=None, seed=0, hint="Pick the settings and press Run."):
        self.profile, self.seed, self.runs, self.last_run = get_profile(profile), seed, [], None
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=self.profile.steps)
        self.status = widgets.HTML(hint)
        self.image = widgets.Image(value=b"", format="png")
        self.table = widgets.HTML(runs_table(self.runs, self.columns))
        self.run_button.on_click(lambda _button: self.run())
        self.run_row = widgets.HBox([self.run_button, self.progress, self.status])

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
        """Train once with `settings`, calling `callback(step, loss)` after each step; the result."""
        raise NotImplementedError

    def summarise(self, result, settings, number):
        """(figure, table row, training History) of run `number`, trained with `settings`; the row has the
        columns' keys and "steps" (the steps done)."""
        raise NotImplementedError

    # --- the same for every lesson ------------------------------------------------------------------

    def run(self):
        """Train once with the current settings, then picture and tabulate the result.

        Returns nothing, so `panel.run()` can end a cell quietly; the result is kept as `last_run`.
        The button is disabled meanwhile so clicks don't queue up runs.
        """
        settings = self.settings()
        number = len(self.runs) + 1
        self.run_button.disabled = True
        self.progress.value, self.progress.max = 0, settings["steps"]
        self.status.value = f"training run {number}: {html.escape(self.describe(settings))} ..."
        try:
            result = self.train(settings, callback=self._step_done)
            self._add(result, settings, number)
        except CourseError as error:
            self.status.value = f"<b>Can't run this:</b> {html.escape(str(error))}"
        except Exception as error:  # noqa: BLE001 - shown to the student rather than lost in a log
            self.status.value = f"<b>Run failed:</b> {html.escape(f'{type(error).__name__}: {error}')}"
        finally:
            self.run_button.disabled = False

    def _step_done(self, step, loss):
        """The trainer's callback: move the bar about 100 times per run (each move is a message)."""
        total = self.progress.max
        if step == total or step % max(1, total // 100) == 0:
            self.progress.value = step
            self.status.value = f"step {step} of {total}, loss {loss:.4f}"

    def _add(self, result, settings, number):
        """Show the run's picture, add its row to the table, and say how it went.

        `settings["steps"]` is None for a run trained elsewhere and only recorded here.
        """
        figure, row, history = self.summarise(result, settings, number)
        try:
            self.image.value = figure_to_png(figure)
        finally:
            plt.close(figure)
        self.runs.append(row)
        self.last_run = result
        self.table.value = runs_table(self.runs, self.columns)
        planned = settings["steps"]
        of = "" if planned is None else f" of {planned}"
        stopped = (f" (interrupted after {row['steps']}{of} steps; the model keeps what it learned)"
                   if history.interrupted else "")
        done = "recorded: trained earlier in" if planned is None else "done in"
        self.status.value = f"run {number} {done} {history.seconds:.1f} s{stopped}"

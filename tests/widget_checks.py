"""BlurPanel's checks, written once and run under two ipywidgets versions.

tests/test_widgets.py calls each `check_*` in CHECKS in-process (the installed ipywidgets, 8.x), and runs
this file as a script in a subprocess whose PYTHONPATH starts with an ipywidgets 7.7.1 install (Colab's
version): `python tests/widget_checks.py 7.7.1` asserts that version, runs every check and prints one
"passed <name>" line per check. The panel is driven headlessly on the `ci` profile with short runs.
"""

import builtins
import re
import sys
import tempfile
from contextlib import contextmanager
from unittest import mock

import ipywidgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from i2i_course.errors import CourseError  # noqa: E402
from i2i_course.experiments import l01_blur  # noqa: E402
from i2i_course.widgets import BlurPanel  # noqa: E402
from i2i_course.widgets import l01_blur as panel_module  # noqa: E402

PNG = b"\x89PNG"
HEADINGS = ["run #", "loss", "L1 weight", "p_minor", "steps", "edge width (px)", "colourfulness",
            "L1 error"]


def new_panel(steps=40):
    """A panel on the tiny profile, with a step count that trains in a second or two."""
    panel = BlurPanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def picture(panel):
    """The image's PNG bytes (ipywidgets 8 holds a memoryview, 7 bytes)."""
    return bytes(panel.image.value)


def table(panel):
    """The runs table as (headings, rows of cell texts)."""
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", panel.table.value, flags=re.S)]
    return (rows[0], rows[1:]) if rows else ([], [])


def expected_row(entry):
    """How a `runs` entry must read in the table."""
    weight = "-" if entry["l1_weight"] is None else f"{entry['l1_weight']:.2f}"
    return [str(entry["run"]), entry["loss"].upper(), weight, f"{entry['p_minor']:.2f}",
            str(entry["steps"]), f"{entry['edge_width']:.2f}", f"{entry['colourfulness']:.1f}",
            f"{entry['l1_error']:.3f}"]


def descendants(widget):
    children = getattr(widget, "children", ())
    return [widget] + [d for child in children for d in descendants(child)]


@contextmanager
def recording():
    """Record every train_run call (settings and the Run) and every picture the panel renders."""
    calls, figures = [], []
    real_train, real_png = l01_blur.train_run, panel_module.figure_to_png

    def train_run(*args, **kwargs):
        run = real_train(*args, **kwargs)
        calls.append((kwargs, run))
        return run

    def figure_to_png(figure, *args, **kwargs):
        figures.append((figure, [ax.get_ylabel() for ax in figure.axes],
                        [text.get_text() for text in figure.texts]))
        return real_png(figure, *args, **kwargs)

    with mock.patch.object(l01_blur, "train_run", train_run), \
            mock.patch.object(panel_module, "figure_to_png", figure_to_png):
        yield calls, figures


@contextmanager
def ipython_shell():
    """A real headless IPython shell (what a notebook cell runs in), removed again afterwards."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    saved_builtins, saved_hook = dict(vars(builtins)), sys.displayhook
    with tempfile.TemporaryDirectory() as ipython_dir:
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        config.InteractiveShell.ipython_dir = ipython_dir
        try:
            yield InteractiveShell.instance(config=config)
        finally:
            InteractiveShell.clear_instance()
            sys.displayhook = saved_hook
            for name in set(vars(builtins)) - set(saved_builtins):  # the shell adds `display`, ...
                delattr(builtins, name)
            vars(builtins).update(saved_builtins)


# ---------------------------------------------------------------- the checks


def check_controls_start_from_the_profile():
    panel = BlurPanel("ci")  # ci trains 300 steps
    assert (panel.steps.value, panel.steps.max) == (300, 1200)
    assert panel.steps.min <= 40
    assert [value for _, value in panel.loss.options] == ["l1", "l2", "mix"]
    assert panel.loss.value == "l2"
    assert (panel.p_minor.value, panel.p_minor.min, panel.p_minor.max) == (0.3, 0.0, 0.45)
    assert (panel.l1_weight.min, panel.l1_weight.max) == (0.0, 1.0)
    assert panel.l1_weight.disabled  # L2 is picked: the weight means nothing yet
    assert panel.run_button.description == "Run" and not panel.run_button.disabled
    assert picture(panel) == b"" and panel.runs == [] and table(panel) == ([], [])
    assert isinstance(panel.widget, ipywidgets.VBox)
    shown = descendants(panel.widget)
    for part in (panel.loss, panel.l1_weight, panel.p_minor, panel.steps, panel.run_button,
                 panel.progress, panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_mix_enables_the_l1_weight():
    panel = BlurPanel("ci")
    seen = []
    for loss in ("mix", "l1", "mix", "l2"):
        panel.loss.value = loss
        seen.append(panel.l1_weight.disabled)
    assert seen == [False, True, False, True]


def check_runs_fill_picture_table_and_runs():
    panel = new_panel(steps=40)
    disabled, progress = [], []
    panel.run_button.observe(lambda change: disabled.append(change["new"]), names="disabled")
    panel.progress.observe(lambda change: progress.append(change["new"]), names="value")
    with recording() as (calls, figures):
        panel.run_button.click()
        first_image, first_progress = picture(panel), list(progress)
        panel.loss.value, panel.l1_weight.value, panel.p_minor.value = "mix", 0.7, 0.1
        panel.steps.value = 50
        panel.run_button.click()

    # train_run got the controls' values, once per click, and the button was off while it trained
    assert [(kw["loss"], kw["p_minor"], kw["steps"], kw["seed"]) for kw, _ in calls] == \
        [("l2", 0.3, 40, 0), ("mix", 0.1, 50, 0)]
    assert calls[1][0]["l1_weight"] == 0.7 and callable(calls[0][0]["callback"])
    assert disabled == [True, False, True, False]
    # the bar moved while training and ended full
    assert first_progress[-1] == 40 and len(first_progress) > 3
    assert first_progress == sorted(set(first_progress))  # forwards only
    assert progress[len(first_progress)] == 0  # the second run starts from an empty bar
    assert (panel.progress.value, panel.progress.max) == (50, 50)
    # runs: the settings and the numbers train_run measured
    runs = [run for _, run in calls]
    assert panel.runs == [
        {"run": 1, "loss": "l2", "l1_weight": None, "p_minor": 0.3, "steps": 40, **runs[0].metrics},
        {"run": 2, "loss": "mix", "l1_weight": 0.7, "p_minor": 0.1, "steps": 50, **runs[1].metrics},
    ]
    assert runs[0].metrics != runs[1].metrics and panel.last_run is runs[1]
    assert all(0 < entry["l1_error"] < 2 and entry["colourfulness"] >= 0 for entry in panel.runs)
    # the table: one row per run, the earlier row kept
    headings, rows = table(panel)
    assert headings == HEADINGS
    assert rows == [expected_row(entry) for entry in panel.runs]
    # the picture: PNG, new each run, labelled with the run's measured numbers, figure closed
    assert first_image.startswith(PNG) and picture(panel).startswith(PNG)
    assert picture(panel) != first_image
    assert len(figures) == 2
    for (figure, labels, texts), entry, name in zip(figures, panel.runs, ("L2", "MIX")):
        assert labels[:2] == ["sketch x", "a target y"]
        assert labels[2].startswith("exact mean\nedge ") and labels[3].startswith("exact median\nedge ")
        assert labels[4] == (f"{name} U-Net\nedge {entry['edge_width']:.1f} px\n"
                             f"colour {entry['colourfulness']:.0f}")
        assert not plt.fignum_exists(figure.number)
    assert any("L2, p_minor 0.30, 40 steps" in text for text in figures[0][2])
    assert any("MIX (L1 weight 0.70), p_minor 0.10, 50 steps" in text for text in figures[1][2])
    assert "run 2 done" in panel.status.value


def check_interrupted_run_is_kept():
    """Ctrl-C mid-run: train_run returns the partial run, and the panel shows and tabulates it."""
    panel = new_panel(steps=40)
    real_train = l01_blur.train_run

    def interrupted_train_run(*args, callback, **kwargs):
        def stop_at_10(step, loss):
            callback(step, loss)
            if step == 10:
                raise KeyboardInterrupt
        return real_train(*args, callback=stop_at_10, **kwargs)

    with mock.patch.object(l01_blur, "train_run", interrupted_train_run):
        assert panel.run() is None  # nothing to print when a cell ends with it
    run = panel.last_run
    assert run.history.interrupted and run.steps == 10
    assert panel.runs[0]["steps"] == 10 and table(panel)[1] == [expected_row(panel.runs[0])]
    assert "interrupted after 10 of 40 steps" in panel.status.value
    assert picture(panel).startswith(PNG) and not panel.run_button.disabled


def check_errors_show_in_status():
    panel = new_panel()
    button_during = []

    def failing(error):
        def train_run(*args, **kwargs):
            button_during.append(panel.run_button.disabled)
            raise error
        return mock.patch.object(l01_blur, "train_run", train_run)

    with failing(CourseError("l1_weight must be in [0, 1], got <2>")):
        panel.run_button.click()
    assert "l1_weight must be in [0, 1], got &lt;2&gt;" in panel.status.value
    assert not panel.run_button.disabled
    with failing(RuntimeError("CUDA out of memory")):
        assert panel.run() is None
    assert "RuntimeError: CUDA out of memory" in panel.status.value
    assert button_during == [True, True] and not panel.run_button.disabled
    assert panel.runs == [] and panel.last_run is None
    assert table(panel) == ([], []) and picture(panel) == b""


def check_display_shows_the_panel():
    """`display(panel)` and `panel` as a cell's last line both show the panel's VBox."""
    from IPython.display import display
    from IPython.utils.capture import capture_output

    panel = BlurPanel("ci")
    with ipython_shell() as shell:
        shell.user_ns["panel"] = panel
        with capture_output() as by_display:
            display(panel)
        with capture_output() as by_last_line:
            shell.run_cell("panel")
    for captured in (by_display, by_last_line):
        views = [out.data.get("application/vnd.jupyter.widget-view+json") for out in captured.outputs]
        assert [view and view["model_id"] for view in views] == [panel.widget.model_id], views


CHECKS = [check_controls_start_from_the_profile, check_mix_enables_the_l1_weight,
          check_runs_fill_picture_table_and_runs, check_interrupted_run_is_kept,
          check_errors_show_in_status, check_display_shows_the_panel]


def main(expected_version):
    assert ipywidgets.__version__ == expected_version, \
        f"expected ipywidgets {expected_version}, imported {ipywidgets.__version__} from {ipywidgets.__file__}"
    print(f"ipywidgets {ipywidgets.__version__} from {ipywidgets.__file__}", flush=True)
    for check in CHECKS:
        check()
        print(f"passed {check.__name__}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])

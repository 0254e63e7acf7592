"""Helpers for driving a panel headlessly, and the checks every lesson's panel must pass.

A lesson's check module declares `PANEL = (make, lesson module, expected_row)`: how to make a `ci` panel with a
short step count, the experiment module whose `train_variant` it calls, and how a `runs` entry must read in its
table. The shared checks below take that triple.
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

import matplotlib.pyplot as plt  # noqa: E402,F401

from i2i_course.errors import CourseError  # noqa: E402
from i2i_course.widgets import panel as panel_module  # noqa: E402

PNG = b"\x89PNG"
TRAINER = "train_variant"  # what every panel calls in its lesson's module


def picture(panel):
    """The image's PNG bytes (ipywidgets 8 holds a memoryview, 7 bytes)."""
    return bytes(panel.image.value)


def table(panel):
    """The runs table as (headings, rows of cell texts), newest run first as the panel shows them."""
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", panel.table.value, flags=re.S)]
    return (rows[0], rows[1:]) if rows else ([], [])


def descendants(widget):
    children = getattr(widget, "children", ())
    return [widget] + [d for child in children for d in descendants(child)]


def px(width):
    """'420px' -> 420 (None for an unset or relative width)."""
    match = re.fullmatch(r"(\d+)px", str(width or ""))
    return int(match.group(1)) if match else None


@contextmanager
def recording(module):
    """Record every call of `module.train_variant` (keyword arguments, the Variant) and every picture a panel
    renders (figure, row labels, titles)."""
    calls, figures = [], []
    real_train, real_png = getattr(module, TRAINER), panel_module.figure_to_png

    def train(*args, **kwargs):
        result = real_train(*args, **kwargs)
        calls.append((kwargs, result))
        return result

    def figure_to_png(figure, *args, **kwargs):
        figures.append((figure, [ax.get_ylabel() for ax in figure.axes],
                        [text.get_text() for text in figure.texts]))
        return real_png(figure, *args, **kwargs)

    with mock.patch.object(module, TRAINER, train), \
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


# ---------------------------------------------------------------- what every panel must do


def check_layout_rules(panel_spec):
    """The rules RunPanel lays every panel out by: the progress bar hidden until a run; sliders and dropdowns
    wide enough to set (>= 200 px of track); no dropdown option whose value is None (it would show blank);
    controls, run row, then the picture with the table beside it."""
    make, _, _ = panel_spec
    panel = make()
    assert panel.progress.layout.visibility == "hidden"
    shown = descendants(panel.widget)
    for widget in shown:
        if isinstance(widget, (ipywidgets.IntSlider, ipywidgets.FloatSlider, ipywidgets.FloatLogSlider,
                               ipywidgets.Dropdown)):
            width, label = px(widget.layout.width), px(widget.style.description_width)
            assert width is not None and label is not None and width - label >= 300, (widget.description, width, label)
        if isinstance(widget, ipywidgets.Dropdown):
            assert all(value is not None for _, value in widget.options), widget.options
    assert panel.widget.children[-2] is panel.run_row
    assert list(panel.widget.children[-1].children) == [panel.image, panel.table]
    assert any(part is panel.steps for part in shown)


def check_interrupted_run_is_kept(panel_spec):
    """Ctrl-C mid-run: the trainer returns the partial run, and the panel shows and tabulates it."""
    make, module, expected = panel_spec
    panel = make()
    real_train = getattr(module, TRAINER)

    def interrupted(*args, callback, **kwargs):
        def stop_at_20(step, loss):
            callback(step, loss)
            if step == 20:
                raise KeyboardInterrupt
        return real_train(*args, callback=stop_at_20, **kwargs)

    with mock.patch.object(module, TRAINER, interrupted):
        assert panel.run() is None  # nothing to print when a cell ends with it
    variant = panel.last_run
    assert variant.history.interrupted and variant.history.steps_done == 20
    assert len(panel.runs) == 1 and panel.runs[0]["steps"] == 20
    assert table(panel)[1] == [expected(panel.runs[0])]
    assert f"interrupted after 20 of {panel.steps.value} steps" in panel.status.value
    assert picture(panel).startswith(PNG) and not panel.run_button.disabled


def check_errors_show_in_status(panel_spec):
    """A CourseError and any other error end up, escaped, in the status line; nothing is recorded."""
    make, module, _ = panel_spec
    panel = make()
    button_during = []

    def failing(error):
        def train(*args, **kwargs):
            button_during.append(panel.run_button.disabled)
            raise error
        return mock.patch.object(module, TRAINER, train)

    with failing(CourseError("this setting is wrong: <2>")):
        panel.run_button.click()
    assert "Can't run this" in panel.status.value and "this setting is wrong: &lt;2&gt;" in panel.status.value
    assert not panel.run_button.disabled
    with failing(RuntimeError("CUDA out of memory")):
        assert panel.run() is None
    assert "Run failed" in panel.status.value and "RuntimeError: CUDA out of memory" in panel.status.value
    assert button_during == [True, True] and not panel.run_button.disabled
    assert panel.runs == [] and panel.last_run is None
    assert table(panel) == ([], []) and picture(panel) == b""


def check_display_shows_the_panel(panel_spec):
    """`display(panel)` and `panel` as a cell's last line both show the panel's VBox."""
    from IPython.display import display
    from IPython.utils.capture import capture_output

    panel = panel_spec[0]()
    with ipython_shell() as shell:
        shell.user_ns["panel"] = panel
        with capture_output() as by_display:
            display(panel)
        with capture_output() as by_last_line:
            shell.run_cell("panel")
    for captured in (by_display, by_last_line):
        views = [out.data.get("application/vnd.jupyter.widget-view+json") for out in captured.outputs]
        assert [view and view["model_id"] for view in views] == [panel.widget.model_id], views


def check_record_adds_a_trained_variant(panel_spec):
    """`record` tabulates and pictures a variant the notebook's experiment trained, without training again; a
    variant from another profile, or something that is no Variant, is refused."""
    make, module, expected = panel_spec
    panel = make()
    trained = getattr(module, TRAINER)("ci", seed=0, steps=20, progress=False)
    with recording(module) as (calls, figures):
        panel.record(trained)
    assert calls == []  # nothing trained
    assert panel.last_run is trained and len(panel.runs) == 1 and panel.runs[0]["steps"] == 20
    assert {key: panel.runs[0][key] for key in trained.metrics} == trained.metrics
    assert table(panel)[1] == [expected(panel.runs[0])]
    assert picture(panel).startswith(PNG) and len(figures) == 1
    assert "run 1 recorded: trained earlier" in panel.status.value
    assert (panel.progress.value, panel.progress.layout.visibility, panel.run_button.disabled) == (0, "hidden", False)
    cpu = type(panel)("cpu")
    for wrong, variant, message in ((cpu, trained, "not trained at the 'cpu' profile"),
                                    (panel, {"history": None}, "record takes a trained Variant")):
        try:
            wrong.record(variant)
        except CourseError as error:
            assert message in str(error), str(error)
        else:
            raise AssertionError(f"record should have refused: {message}")
    assert len(panel.runs) == 1
    panel.steps.value = 10
    panel.run()  # the next Run is numbered after the recorded one
    assert [entry["run"] for entry in panel.runs] == [1, 2]


SHARED_CHECKS = [check_layout_rules, check_interrupted_run_is_kept, check_errors_show_in_status,
                 check_display_shows_the_panel, check_record_adds_a_trained_variant]

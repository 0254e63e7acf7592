"""Lesson 01's BlurPanel: its controls, and runs that train what the controls say."""

import ipywidgets
import matplotlib.pyplot as plt

from i2i_course.experiments import l01_blur
from i2i_course.widgets import BlurPanel
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "blur"
HEADINGS = ["run #", "loss", "L1 weight", "p_minor", "steps", "edge width (px)", "colourfulness", "L1 error"]


def new_panel(steps=40):
    """A panel on the tiny profile, with a step count that trains in a second or two."""
    panel = BlurPanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def expected_row(entry):
    """How a `runs` entry must read in the table."""
    weight = "-" if entry["l1_weight"] is None else f"{entry['l1_weight']:.2f}"
    return [str(entry["run"]), entry["loss"].upper(), weight, f"{entry['p_minor']:.2f}",
            str(entry["steps"]), f"{entry['edge_width']:.2f}", f"{entry['colourfulness']:.1f}",
            f"{entry['l1_error']:.3f}"]


PANEL = (new_panel, l01_blur, expected_row)


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
    disabled, progress, visible = [], [], []
    panel.run_button.observe(lambda change: disabled.append(change["new"]), names="disabled")
    panel.progress.observe(lambda change: progress.append(change["new"]), names="value")
    panel.progress.layout.observe(lambda change: visible.append(change["new"]), names="visibility")
    with recording(l01_blur) as (calls, figures):
        panel.run_button.click()
        first_image, first_progress = picture(panel), list(progress)
        panel.loss.value, panel.l1_weight.value, panel.p_minor.value = "mix", 0.7, 0.1
        panel.steps.value = 50
        panel.run_button.click()

    # train_variant got the controls' values, once per click, and the button was off while it trained
    assert [(kw["loss"], kw["p_minor"], kw["steps"], kw["seed"]) for kw, _ in calls] == \
        [("l2", 0.3, 40, 0), ("mix", 0.1, 50, 0)]
    assert calls[1][0]["l1_weight"] == 0.7 and callable(calls[0][0]["callback"])
    assert disabled == [True, False, True, False] and visible == ["visible"]
    # the bar moved at each read-back of the losses and ended full
    assert first_progress == [20, 40]
    assert progress[len(first_progress)] == 0  # the second run starts from an empty bar
    assert (panel.progress.value, panel.progress.max) == (50, 50)
    # runs: the settings and the numbers train_variant measured
    variants = [variant for _, variant in calls]
    assert panel.runs == [
        {"run": 1, "loss": "l2", "l1_weight": None, "p_minor": 0.3, "steps": 40, **variants[0].metrics},
        {"run": 2, "loss": "mix", "l1_weight": 0.7, "p_minor": 0.1, "steps": 50, **variants[1].metrics},
    ]
    assert variants[0].metrics != variants[1].metrics and panel.last_run is variants[1]
    assert all(0 < entry["l1_error"] < 2 and entry["colourfulness"] >= 0 for entry in panel.runs)
    # the table: one row per run, the newest on top, the earlier row kept
    headings, rows = table(panel)
    assert headings == HEADINGS
    assert rows == [expected_row(entry) for entry in reversed(panel.runs)]
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


CHECKS = [check_controls_start_from_the_profile, check_mix_enables_the_l1_weight,
          check_runs_fill_picture_table_and_runs]

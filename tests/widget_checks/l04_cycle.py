"""Lesson 04's CyclePanel: lambda_cyc, identity weight, pool, the runs it trains, and the image variants it records."""

import matplotlib.pyplot as plt

from i2i_course.errors import CourseError
from i2i_course.experiments import l04_cycle
from i2i_course.widgets import CyclePanel
from i2i_course.widgets.l04_cycle import PANEL_RUNS
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "cycle"
HEADINGS = ["run #", "data", "lambda_cyc", "identity", "pool", "steps", "content NMI", "runs kept",
            "modes hit (min)", "on a B mode", "cycle error"]


def new_panel(steps=30):
    panel = CyclePanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def expected_row(entry):
    def dash(value, write):
        return "-" if value is None else write(value)
    return [str(entry["run"]), entry["data"], f"{entry['lambda_cyc']:g}", f"{entry['lambda_idt']:g}",
            "on" if entry["pool"] else "off", str(entry["steps"]), f"{entry['content']:.3f}",
            dash(entry["kept"], str), dash(entry["modes"], str), dash(entry["on_mode"], "{:.3f}".format),
            f"{entry['cycle_error']:.4f}"]


PANEL = (new_panel, l04_cycle, expected_row)


def check_cycle_controls():
    panel = CyclePanel("ci")
    assert (panel.lambda_cyc.value, panel.lambda_idt.value, panel.pool.value) == (10.0, 0.0, False)
    assert (panel.steps.value, panel.steps.max) == (800, 3200)  # the plane's step count at ci, not the images'
    assert panel.settings() == {"lambda_cyc": 10.0, "lambda_idt": 0.0, "pool": False, "steps": 800}
    panel.lambda_cyc.value, panel.lambda_idt.value, panel.pool.value = 0.0, 0.5, True
    assert panel.settings() == {"lambda_cyc": 0.0, "lambda_idt": 0.5, "pool": True, "steps": 800}
    assert panel.describe(panel.settings()) == \
        f"GAN alone (lambda_cyc 0), identity 0.5, pool, {PANEL_RUNS} runs side by side, 800 steps"
    shown = descendants(panel.widget)
    for part in (panel.lambda_cyc, panel.lambda_idt, panel.pool, panel.steps, panel.run_button, panel.progress,
                 panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_cycle_runs_train_what_is_set():
    panel = new_panel(steps=40)
    with recording(l04_cycle) as (calls, figures):
        panel.run_button.click()
        panel.lambda_cyc.value, panel.lambda_idt.value, panel.pool.value = 0.0, 0.5, True
        panel.run_button.click()
    assert [(kw["lambda_cyc"], kw["lambda_idt"], kw["pool"], kw["steps"], kw["seed"], kw["runs"]) for kw, _ in calls] \
        == [(10.0, 0.0, False, 40, 0, PANEL_RUNS), (0.0, 0.5, True, 40, 0, PANEL_RUNS)]
    variants = [variant for _, variant in calls]
    assert [v.key for v in variants] == ["cyc-10", "cyc-0"]
    assert [v.visuals["fake_B"].shape for v in variants] == [(64, PANEL_RUNS, 2)] * 2  # ci's 64 held-out points
    first, second = panel.runs
    assert (first["data"], first["kept"], first["pool"]) == (f"points x{PANEL_RUNS}",
                                                             f"{first['runs_kept']}/{PANEL_RUNS}", False)
    assert first["content"] == first["content_kept"] and second["modes"] == second["distinct_modes_min"]
    assert (second["lambda_cyc"], second["lambda_idt"], second["pool"]) == (0.0, 0.5, True)
    assert 0 <= first["content"] <= 1 and 1 <= first["modes"] <= 5 and 0 <= first["on_mode"] <= 1
    headings, rows = table(panel)
    assert headings == HEADINGS and rows == [expected_row(entry) for entry in reversed(panel.runs)]
    assert len(figures) == 2 and picture(panel).startswith(PNG)
    (figure_1, labels_1, texts_1), (figure_2, _, texts_2) = figures
    titles = [ax.get_title() for ax in figure_1.axes[:3]]
    assert titles == ["real A", "G(A)", "F(G(A))"], titles
    assert labels_1[0].startswith(f"run 1 of {PANEL_RUNS}\nNMI ") and "cycle" in labels_1[0]
    assert any("run 1: lambda_cyc 10, 40 steps" in text for text in texts_1)
    assert any("run 2: GAN alone (lambda_cyc 0), identity 0.5, pool, 40 steps" in text for text in texts_2)
    assert not plt.fignum_exists(figure_1.number) and not plt.fignum_exists(figure_2.number)
    assert "run 2 done" in panel.status.value


def check_cycle_records_the_image_variants():
    """run()'s image variants are recorded with their own picture and numbers (no modes: '-'), and checked
    against the profile's image size."""
    panel = new_panel()
    images = l04_cycle.train_image_variant("ci", 0.0, seed=0, steps=20, progress=False)
    with recording(l04_cycle) as (calls, figures):
        panel.record(images)
    assert calls == [] and len(panel.runs) == 1 and len(figures) == 1
    entry = panel.runs[0]
    assert (entry["data"], entry["content"], entry["kept"], entry["modes"], entry["on_mode"]) == \
        ("images", images.metrics["hue_nmi"], None, None, None)
    assert table(panel)[1] == [expected_row(entry)] and table(panel)[1][0][7:10] == ["-", "-", "-"]
    _, labels, texts = figures[0]
    assert labels[0] == "real A" and "hue NMI" in labels[1] and "hue back" in labels[2]
    assert any("run 1: images, GAN alone (lambda_cyc 0), 20 steps" in text for text in texts)
    try:
        CyclePanel("cpu").record(images)
    except CourseError as error:
        assert "not trained at the 'cpu' profile" in str(error), str(error)
    else:
        raise AssertionError("a ci image variant recorded on a cpu panel")


CHECKS = [check_cycle_controls, check_cycle_runs_train_what_is_set, check_cycle_records_the_image_variants]

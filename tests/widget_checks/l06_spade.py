"""Lesson 06's SpadePanel: the generator menu (keys as values), norm, SPADE's hidden width, the label-map picker."""

import matplotlib.pyplot as plt

from i2i_course.experiments import l06_spade
from i2i_course.widgets import SpadePanel
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "spade"
HEADINGS = ["run #", "generator", "norm", "hidden", "steps", "uniform maps acc.", "scene acc.", "objects IoU",
            "L1 error"]


def new_panel(steps=30):
    panel = SpadePanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def expected_row(entry):
    hidden = "-" if entry["hidden"] is None else str(entry["hidden"])
    return [str(entry["run"]), entry["generator"], entry["norm"], hidden, str(entry["steps"]),
            f"{entry['uniform_accuracy']:.3f}", f"{entry['scene_accuracy']:.3f}", f"{entry['object_iou']:.3f}",
            f"{entry['l1_error']:.3f}"]


PANEL = (new_panel, l06_spade, expected_row)


def check_spade_controls():
    panel = SpadePanel("ci")
    assert [value for _, value in panel.generator.options] == ["encoder-decoder", "reference-layers", "concat",
                                                               "spade"]
    assert [value for _, value in panel.norm.options] == ["instance", "batch"]
    assert [value for _, value in panel.label_map.options] == ["scenes", "uniform"]
    assert (panel.generator.value, panel.norm.value, panel.hidden.value, panel.label_map.value) == \
        ("spade", "instance", 16, "uniform")
    assert (panel.steps.value, panel.steps.max) == (300, 1200)
    assert panel.settings() == {"generator": "spade", "norm": "instance", "hidden": 16, "steps": 300}
    panel.generator.value = "concat"
    assert panel.hidden.disabled and panel.settings()["generator"] == "concat"
    panel.generator.value = "spade"
    assert not panel.hidden.disabled
    shown = descendants(panel.widget)
    for part in (panel.generator, panel.norm, panel.hidden, panel.label_map, panel.steps, panel.run_button,
                 panel.progress, panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_spade_runs_train_what_is_picked():
    panel = new_panel(steps=20)
    with recording(l06_spade) as (calls, figures):
        panel.hidden.value = 8
        panel.run_button.click()
        panel.generator.value = "encoder-decoder"
        panel.norm.value = "batch"
        panel.label_map.value = "scenes"
        panel.run_button.click()
    assert [(kw["generator"], kw["norm"], kw["hidden"], kw["steps"], kw["seed"]) for kw, _ in calls] == \
        [("spade", "instance", 8, 20, 0), ("encoder-decoder", "batch", 8, 20, 0)]
    variants = [variant for _, variant in calls]
    assert [v.key for v in variants] == ["spade", "encoder-decoder-batch"]
    assert [v.settings["hidden"] for v in variants] == [8, None]
    # BatchNorm at test time keeps a uniform map's class (running statistics, not the map's own)
    assert variants[1].metrics["uniform_spread"] > 0
    assert [entry["generator"] for entry in panel.runs] == ["SPADE", "encoder-decoder (constancy-preserving)"]
    assert panel.runs[1]["norm"] == "batch" and panel.runs[1]["hidden"] is None
    headings, rows = table(panel)
    assert headings == HEADINGS and rows == [expected_row(entry) for entry in reversed(panel.runs)]
    assert len(figures) == 2 and picture(panel).startswith(PNG)
    (first, labels_1, texts_1), (second, labels_2, texts_2) = figures
    assert labels_1[:2] == ["label map x", "real photo y"] and "recovered" in labels_1[2]  # the uniform maps
    assert "scene acc" in labels_2[2] and any("held-out scenes" in text for text in texts_2)
    assert any("run 1: SPADE (IN, hidden 8)" in text for text in texts_1)
    assert not plt.fignum_exists(first.number) and not plt.fignum_exists(second.number)
    before = picture(panel)
    panel.label_map.value = "uniform"  # redraws the latest run, trains nothing
    assert picture(panel) != before and picture(panel).startswith(PNG) and len(panel.runs) == 2
    assert "run 2 done" in panel.status.value


CHECKS = [check_spade_controls, check_spade_runs_train_what_is_picked]

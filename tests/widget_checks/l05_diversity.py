"""Lesson 05's DiversityPanel: the method menu (keys as values), the weight that follows the method, nz."""

import matplotlib.pyplot as plt

from i2i_course.experiments import l05_diversity
from i2i_course.widgets import DiversityPanel
from i2i_course.widgets.l05_diversity import INPUTS_SHOWN
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "diversity"
HEADINGS = ["run #", "method", "lambda_L1", "weight", "nz", "steps", "modes / input", "valid", "pairwise L1"]


def new_panel(steps=30):
    panel = DiversityPanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def expected_row(entry):
    weight = entry["diversity_weight"]
    return [str(entry["run"]), entry["method"], f"{entry['lambda_l1']:g}", "-" if weight is None else f"{weight:.3g}",
            str(entry["nz"]),
            str(entry["steps"]), f"{entry['modes_per_input']:.2f}", f"{entry['valid_rate']:.2f}",
            f"{entry['pairwise_l1']:.4f}"]


PANEL = (new_panel, l05_diversity, expected_row)


def check_diversity_controls_follow_the_method():
    panel = DiversityPanel("ci")
    assert panel.method.options == (("pix2pix + z", "pix2pix-z"), ("DSGAN", "dsgan"), ("MSGAN", "msgan"),
                                    ("BicycleGAN", "bicyclegan"))
    assert panel.method.value == "dsgan" and panel.weight.value == 8 and not panel.weight.disabled
    assert (panel.lambda_l1.value, panel.nz.value, panel.steps.value, panel.steps.max) == (10, 8, 300, 1200)
    assert panel.settings() == {"method": "dsgan", "lambda_l1": 10, "diversity_weight": 8, "nz": 8, "steps": 300}
    panel.method.value = "msgan"
    assert panel.weight.value == 1 and not panel.weight.disabled and panel.lambda_l1.value == 10
    panel.method.value = "bicyclegan"
    assert panel.weight.disabled and panel.settings()["diversity_weight"] is None
    panel.method.value = "pix2pix-z"
    assert panel.weight.disabled and panel.method.label == "pix2pix + z" and panel.lambda_l1.value == 100
    assert panel.describe(panel.settings()) == "pix2pix + z, lambda_L1 100, nz 8, 300 steps"
    panel.method.value = "dsgan"
    panel.weight.value = 2
    assert panel.describe(panel.settings()) == "DSGAN, lambda_L1 10, weight 2, nz 8, 300 steps"
    shown = descendants(panel.widget)
    for part in (panel.method, panel.lambda_l1, panel.weight, panel.nz, panel.steps, panel.run_button, panel.progress,
                 panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_diversity_runs_train_what_is_picked():
    panel = new_panel(steps=20)
    with recording(l05_diversity) as (calls, figures):
        panel.method.value = "msgan"
        panel.weight.value = 2
        panel.nz.value = 4
        panel.run_button.click()
        panel.method.value = "pix2pix-z"
        panel.lambda_l1.value = 10
        panel.run_button.click()
    assert [(kw["method"], kw["lambda_l1"], kw["diversity_weight"], kw["nz"], kw["steps"], kw["seed"])
            for kw, _ in calls] == [("msgan", 10, 2, 4, 20, 0), ("pix2pix-z", 10, None, 4, 20, 0)]
    variants = [variant for _, variant in calls]
    assert [v.key for v in variants] == ["msgan", "pix2pix-z-l1-10"]
    assert [v.visuals["samples"].shape for v in variants] == [(64, 8, 3, 32, 32)] * 2
    assert set(variants[0].history.parts[0]) == {"loss", "d", "g_gan", "g_l1", "g_div", "ratio"}
    assert set(variants[1].history.parts[0]) == {"loss", "d", "g_gan", "g_l1"}
    assert panel.runs == [
        {"run": 1, "method": "MSGAN", "lambda_l1": 10, "diversity_weight": 2, "nz": 4, "steps": 20,
         **variants[0].metrics},
        {"run": 2, "method": "pix2pix + z", "lambda_l1": 10, "diversity_weight": None, "nz": 4, "steps": 20,
         **variants[1].metrics},
    ]
    headings, rows = table(panel)
    assert headings == HEADINGS and rows == [expected_row(entry) for entry in reversed(panel.runs)]
    assert len(figures) == 2 and picture(panel).startswith(PNG)
    for (figure, labels, texts), entry in zip(figures, panel.runs):
        assert labels[0] == "outline 1" and labels[1].split("\n")[1].startswith("modes ")
        assert len(labels) == 2 * INPUTS_SHOWN  # each outline, then its samples
        assert any(f"run {entry['run']}: {entry['method']}" in text for text in texts)
        assert not plt.fignum_exists(figure.number)
    assert "run 2 done" in panel.status.value


CHECKS = [check_diversity_controls_follow_the_method, check_diversity_runs_train_what_is_picked]

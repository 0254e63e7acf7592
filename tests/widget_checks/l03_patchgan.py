"""Lesson 03's GanPanel: the discriminator menu (keys as values, the receptive field in words), lambda_L1."""

import matplotlib.pyplot as plt

from i2i_course.experiments import l03_patchgan
from i2i_course.widgets import GanPanel
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "gan"
HEADINGS = ["run #", "discriminator", "lambda_L1", "steps", "texture detail", "colourfulness", "L1 error",
            "FCN per-pixel acc."]


def new_panel(steps=30):
    panel = GanPanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def expected_row(entry):
    return [str(entry["run"]), entry["discriminator"], f"{entry['lambda_l1']:g}", str(entry["steps"]),
            f"{entry['texture_detail']:.3f}", f"{entry['colourfulness']:.1f}", f"{entry['l1_error']:.3f}",
            f"{entry['pixel_accuracy']:.3f}"]


PANEL = (new_panel, l03_patchgan, expected_row)


def check_gan_controls_show_the_receptive_field():
    panel = GanPanel("ci")  # 32 px: PatchGANs with 1, 2, 3 layers fit; texture period 4 px
    assert panel.discriminator.options == (
        ("L1 only", "l1-only"), ("PixelGAN (1x1)", "pixel"), ("PatchGAN 16x16", "patch-1"),
        ("PatchGAN 34x34", "patch-2"), ("PatchGAN 70x70", "patch-3"))
    assert panel.discriminator.value == "patch-1" and panel.lambda_l1.value == 10
    assert (panel.steps.value, panel.steps.max) == (300, 1200)
    assert "<b>16x16</b>" in panel.field.value and "4.0 texture periods" in panel.field.value
    seen = []
    for key in ("pixel", "patch-3", "l1-only", "patch-2"):
        panel.discriminator.value = key
        assert panel.discriminator.label == dict((v, k) for k, v in panel.discriminator.options)[key]
        seen.append(panel.field.value)
    assert "single pixel" in seen[0] and "<b>70x70</b>" in seen[1] and "more than the whole 32x32" in seen[1]
    assert "L1 alone" in seen[2] and "<b>34x34</b>" in seen[3]
    assert panel.settings() == {"discriminator": 2, "lambda_l1": 10, "steps": 300}
    panel.discriminator.value = "l1-only"
    assert panel.settings()["discriminator"] is None and panel.discriminator.label == "L1 only"
    shown = descendants(panel.widget)
    for part in (panel.discriminator, panel.field, panel.lambda_l1, panel.steps, panel.run_button,
                 panel.progress, panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_gan_runs_train_what_is_picked():
    panel = new_panel(steps=30)
    with recording(l03_patchgan) as (calls, figures):
        panel.discriminator.value = "pixel"
        panel.lambda_l1.value = 100
        panel.run_button.click()
        panel.discriminator.value = "l1-only"
        panel.steps.value = 20
        panel.run_button.click()
    assert [(kw["discriminator"], kw["lambda_l1"], kw["steps"], kw["seed"]) for kw, _ in calls] == \
        [("pixel", 100, 30, 0), (None, 100, 20, 0)]
    variants = [variant for _, variant in calls]
    assert [v.key for v in variants] == ["pixel", "l1-only"]
    assert [v.settings["receptive_field"] for v in variants] == [1, None]
    assert set(variants[0].history.parts[0]) == {"loss", "d", "g_gan", "g_l1"}
    assert set(variants[1].history.parts[0]) == {"loss"}  # no discriminator: L1 alone
    assert panel.runs == [
        {"run": 1, "discriminator": "PixelGAN (1x1)", "lambda_l1": 100, "steps": 30, **variants[0].metrics},
        {"run": 2, "discriminator": "L1 only", "lambda_l1": 100, "steps": 20, **variants[1].metrics},
    ]
    headings, rows = table(panel)
    assert headings == HEADINGS and rows == [expected_row(entry) for entry in reversed(panel.runs)]
    assert len(figures) == 2 and picture(panel).startswith(PNG)
    for (figure, labels, texts), entry in zip(figures, panel.runs):
        assert labels[:2] == ["labels x", "real photo y"]
        assert labels[2].startswith(f"{entry['discriminator']}\ndetail {entry['texture_detail']:.2f}")
        assert any(f"run {entry['run']}: {entry['discriminator']}, lambda_L1 100" in text for text in texts)
        assert not plt.fignum_exists(figure.number)
    assert "run 2 done" in panel.status.value


CHECKS = [check_gan_controls_show_the_receptive_field, check_gan_runs_train_what_is_picked]

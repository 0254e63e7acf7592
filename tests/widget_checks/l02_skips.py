"""Lesson 02's SkipPanel: the skip checkboxes, and runs that train nets with exactly the checked skips."""

from contextlib import contextmanager
from unittest import mock

import ipywidgets
import matplotlib.pyplot as plt
import torch

from i2i_course.errors import CourseError
from i2i_course.experiments import l02_unet_skips
from i2i_course.nets import UNet
from i2i_course.widgets import SkipPanel
from widget_checks.common import PNG, descendants, picture, recording, table

KIND = "skips"
HEADINGS = ["run #", "skips kept", "steps", "L1 error", "HF ratio", "FCN per-pixel acc.", "FCN class IoU"]
CI_LEVELS = [1, 2, 3, 4]  # ci: 32 px halved 5 times, skips at levels 1 .. 4


def new_panel(steps=30):
    panel = SkipPanel("ci", seed=0)
    panel.steps.value = steps
    return panel


def checked(panel):
    return [box.value for box in panel.skip_boxes]


def expected_row(entry):
    """How a SkipPanel `runs` entry must read in the table."""
    kept = ("all (U-Net)" if list(entry["skips"]) == CI_LEVELS
            else "none (encoder-decoder)" if not entry["skips"] else ",".join(map(str, entry["skips"])))
    return [str(entry["run"]), kept, str(entry["steps"]), f"{entry['l1_error']:.3f}",
            f"{entry['hf_ratio']:.3f}", f"{entry['pixel_accuracy']:.3f}", f"{entry['class_iou']:.3f}"]


PANEL = (new_panel, l02_unet_skips, expected_row)


def skip_layout(model):
    """Per level (outermost first): (skip kept?, up-conv input channels, down-conv output channels)."""
    layout, block = [], model.model
    while block is not None:
        down = next(m for m in block.down if isinstance(m, torch.nn.Conv2d))
        up = next(m for m in block.up if isinstance(m, torch.nn.ConvTranspose2d))
        layout.append((block.skip, up.in_channels, down.out_channels))
        block = block.inner
    return layout


@contextmanager
def recording_variants():
    """Record every train_variant call, every picture, and every UNet the lesson builds."""
    models = []

    def unet(*args, **kwargs):
        models.append(UNet(*args, **kwargs))
        return models[-1]

    with recording(l02_unet_skips) as (calls, figures), mock.patch.object(l02_unet_skips, "UNet", unet):
        yield calls, models, figures


def check_skip_controls_start_from_the_profile():
    panel = SkipPanel("ci")  # 32 px: 5 halvings, skips at levels 1 .. 4; 300 steps
    assert panel.levels == CI_LEVELS and panel.num_downs == 5
    assert [box.description for box in panel.skip_boxes] == [
        "level 1 (16x16)", "level 2 (8x8)", "level 3 (4x4)", "level 4 (2x2)"]
    assert checked(panel) == [True] * 4 and panel.selected_skips() == CI_LEVELS  # the U-Net
    assert "all (U-Net)" in panel.kept.value and "4 of 4" in panel.kept.value
    assert (panel.steps.value, panel.steps.max) == (300, 1200) and panel.steps.min <= 30
    assert panel.settings() == {"skips": CI_LEVELS, "steps": 300}
    assert panel.run_button.description == "Run" and not panel.run_button.disabled
    assert picture(panel) == b"" and panel.runs == [] and panel.last_run is None
    assert table(panel) == ([], [])
    assert isinstance(panel.widget, ipywidgets.VBox)
    shown = descendants(panel.widget)
    for part in (*panel.skip_boxes, panel.all_button, panel.none_button, panel.kept, panel.steps,
                 panel.run_button, panel.progress, panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part
    assert panel.none_button.layout.width == "auto"  # its label "none (encoder-decoder)" is not cut
    cpu = SkipPanel("cpu")  # 64 px: one level more
    assert [box.description for box in cpu.skip_boxes][::4] == ["level 1 (32x32)", "level 5 (2x2)"]
    assert cpu.steps.value == 600


def check_skip_presets_and_checkboxes():
    panel = SkipPanel("ci")
    panel.none_button.click()
    assert checked(panel) == [False] * 4 and panel.selected_skips() == []
    assert "none (encoder-decoder)" in panel.kept.value and "0 of 4" in panel.kept.value
    panel.skip_boxes[0].value = True
    panel.skip_boxes[2].value = True
    assert panel.selected_skips() == [1, 3] and "1,3" in panel.kept.value
    panel.all_button.click()
    assert checked(panel) == [True] * 4 and "all (U-Net)" in panel.kept.value
    panel.select([4])
    assert checked(panel) == [False, False, False, True]
    try:
        panel.select([0, 5])
    except CourseError as error:
        assert "[0, 5]" in str(error) and "levels 1 (outermost) to 4" in str(error)
    else:
        raise AssertionError("select([0, 5]) should say those skips do not exist")
    assert checked(panel) == [False, False, False, True]  # unchanged


def check_skip_runs_train_what_is_checked():
    panel = new_panel(steps=30)
    disabled, progress = [], []
    panel.run_button.observe(lambda change: disabled.append(change["new"]), names="disabled")
    panel.progress.observe(lambda change: progress.append(change["new"]), names="value")
    with recording_variants() as (calls, models, figures):
        panel.skip_boxes[0].value = False  # cut the outermost and level 3
        panel.skip_boxes[2].value = False
        panel.run_button.click()
        first_image, first_progress = picture(panel), list(progress)
        panel.none_button.click()  # the encoder-decoder
        panel.steps.value = 40
        panel.run_button.click()

    # train_variant got the checked levels and the steps, once per click; the button was off meanwhile
    assert [(kw["skips"], kw["steps"], kw["seed"]) for kw, _ in calls] == [([2, 4], 30, 0), ([], 40, 0)]
    assert callable(calls[0][0]["callback"]) and disabled == [True, False, True, False]
    # ... and the nets it trained really had those skips: the up-conv sees 2x channels only with one
    assert len(models) == 2
    assert [skip for skip, _, _ in skip_layout(models[0])] == [False, True, False, True, False]
    assert [skip for skip, _, _ in skip_layout(models[1])] == [False] * 5
    for model in models:
        for skip, up_in, down_out in skip_layout(model):
            assert up_in == (2 if skip else 1) * down_out
    variants = [variant for _, variant in calls]
    assert [(v.key, v.settings["skips"]) for v in variants] == [("skips-2-4", (2, 4)), ("encoder-decoder", ())]
    # the bar moved at each read-back and ended full
    assert first_progress == [20, 30]
    assert progress[len(first_progress)] == 0  # the second run starts from an empty bar
    assert (panel.progress.value, panel.progress.max) == (40, 40)
    # runs: the settings and the numbers train_variant measured
    assert panel.runs == [
        {"run": 1, "skips": (2, 4), "steps": 30, **variants[0].metrics},
        {"run": 2, "skips": (), "steps": 40, **variants[1].metrics},
    ]
    assert variants[0].metrics != variants[1].metrics and panel.last_run is variants[1]
    for entry in panel.runs:
        assert 0 < entry["l1_error"] < 2 and entry["hf_ratio"] > 0
        assert 0 <= entry["class_iou"] <= entry["class_accuracy"] <= 1 and 0 <= entry["pixel_accuracy"] <= 1
    # the table: one row per run, newest first, the earlier row kept
    headings, rows = table(panel)
    assert headings == HEADINGS
    assert rows == [expected_row(entry) for entry in reversed(panel.runs)]
    assert [row[1] for row in rows] == ["none (encoder-decoder)", "2,4"]
    # the picture: PNG, new each run, the run's outputs under the labels and the real photos, labelled
    # with its measured numbers; the figure is closed
    assert first_image.startswith(PNG) and picture(panel).startswith(PNG)
    assert picture(panel) != first_image
    assert len(figures) == 2
    for (figure, labels, texts), entry, label, kept in zip(figures, panel.runs, ("skips 2,4", "encoder-decoder"),
                                                           ("2,4", "none (encoder-decoder)")):
        assert labels[:2] == ["labels x", "real photo y"] and len(labels) == 3
        assert labels[2].startswith(f"{label}\n")
        for number in (f"L1 {entry['l1_error']:.3f}", f"HF {entry['hf_ratio']:.2f}",
                       f"FCN acc {entry['pixel_accuracy']:.2f}"):
            assert number in labels[2], (number, labels[2])
        assert any(f"run {entry['run']}: skips kept {kept}, {entry['steps']} steps" in text for text in texts)
        assert not plt.fignum_exists(figure.number)
    assert "run 2 done" in panel.status.value


CHECKS = [check_skip_controls_start_from_the_profile, check_skip_presets_and_checkboxes,
          check_skip_runs_train_what_is_checked]

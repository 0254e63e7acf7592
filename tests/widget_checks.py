"""The widget panels' checks (lesson 01's BlurPanel, lesson 02's SkipPanel, lesson 03's GanPanel), written once and run under
two ipywidgets versions.

tests/test_widgets.py calls each `check_*` in CHECKS in-process (the installed ipywidgets, 8.x), and runs
this file as a script in a subprocess whose PYTHONPATH starts with an ipywidgets 7.7.1 install (Colab's
version): `python tests/widget_checks.py 7.7.1` asserts that version, runs every check and prints one
"passed <name>" line per check. The panels are driven headlessly on the `ci` profile with short runs.
"""

import builtins
import functools
import re
import sys
import tempfile
from contextlib import contextmanager
from unittest import mock

import ipywidgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from i2i_course.errors import CourseError  # noqa: E402
from i2i_course.experiments import l01_blur, l02_unet_skips, l03_patchgan  # noqa: E402
from i2i_course.nets import UNet  # noqa: E402
from i2i_course.widgets import BlurPanel, GanPanel, SkipPanel  # noqa: E402
from i2i_course.widgets import panel as panel_module  # noqa: E402

PNG = b"\x89PNG"
HEADINGS = ["run #", "loss", "L1 weight", "p_minor", "steps", "edge width (px)", "colourfulness",
            "L1 error"]


def new_panel(steps=40, kind=BlurPanel):
    """A panel on the tiny profile, with a step count that trains in a second or two."""
    panel = kind("ci", seed=0)
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
def recording(module, trainer):
    """Record every call of `module.trainer` (keyword arguments, result) and every picture a panel renders
    (figure, row labels, titles)."""
    calls, figures = [], []
    real_train, real_png = getattr(module, trainer), panel_module.figure_to_png

    def train(*args, **kwargs):
        result = real_train(*args, **kwargs)
        calls.append((kwargs, result))
        return result

    def figure_to_png(figure, *args, **kwargs):
        figures.append((figure, [ax.get_ylabel() for ax in figure.axes],
                        [text.get_text() for text in figure.texts]))
        return real_png(figure, *args, **kwargs)

    with mock.patch.object(module, trainer, train), \
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
    with recording(l01_blur, "train_run") as (calls, figures):
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


# ---------------------------------------------------------------- what every panel must do

# per panel: a ci panel with a short step count, the module whose trainer it calls, the trainer's name,
# and how a `runs` entry must read in its table
PANELS = {
    "blur": (lambda: new_panel(steps=40), l01_blur, "train_run", lambda entry: expected_row(entry)),
    "skips": (lambda: new_skip_panel(steps=30), l02_unet_skips, "train_variant",
              lambda entry: expected_skip_row(entry)),
    "gan": (lambda: new_gan_panel(steps=30), l03_patchgan, "train_variant", lambda entry: expected_gan_row(entry)),
}


def steps_done(result):
    return result.steps if hasattr(result, "steps") else result["history"].steps_done


def check_interrupted_run_is_kept(kind):
    """Ctrl-C mid-run: the trainer returns the partial run, and the panel shows and tabulates it."""
    make, module, trainer, expected = PANELS[kind]
    panel = make()
    real_train = getattr(module, trainer)

    def interrupted(*args, callback, **kwargs):
        def stop_at_10(step, loss):
            callback(step, loss)
            if step == 10:
                raise KeyboardInterrupt
        return real_train(*args, callback=stop_at_10, **kwargs)

    with mock.patch.object(module, trainer, interrupted):
        assert panel.run() is None  # nothing to print when a cell ends with it
    result = panel.last_run
    history = result.history if hasattr(result, "history") else result["history"]
    assert history.interrupted and steps_done(result) == 10
    assert len(panel.runs) == 1 and panel.runs[0]["steps"] == 10
    assert table(panel)[1] == [expected(panel.runs[0])]
    assert f"interrupted after 10 of {panel.steps.value} steps" in panel.status.value
    assert picture(panel).startswith(PNG) and not panel.run_button.disabled


def check_errors_show_in_status(kind):
    """A CourseError and any other error end up, escaped, in the status line; nothing is recorded."""
    make, module, trainer, _ = PANELS[kind]
    panel = make()
    button_during = []

    def failing(error):
        def train(*args, **kwargs):
            button_during.append(panel.run_button.disabled)
            raise error
        return mock.patch.object(module, trainer, train)

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


def check_display_shows_the_panel(kind):
    """`display(panel)` and `panel` as a cell's last line both show the panel's VBox."""
    from IPython.display import display
    from IPython.utils.capture import capture_output

    panel = PANELS[kind][0]()
    with ipython_shell() as shell:
        shell.user_ns["panel"] = panel
        with capture_output() as by_display:
            display(panel)
        with capture_output() as by_last_line:
            shell.run_cell("panel")
    for captured in (by_display, by_last_line):
        views = [out.data.get("application/vnd.jupyter.widget-view+json") for out in captured.outputs]
        assert [view and view["model_id"] for view in views] == [panel.widget.model_id], views


# ---------------------------------------------------------------- lesson 02: SkipPanel

SKIP_HEADINGS = ["run #", "skips kept", "steps", "L1 error", "HF ratio", "FCN per-pixel acc.",
                 "FCN class IoU"]
CI_LEVELS = [1, 2, 3, 4]  # ci: 32 px halved 5 times, skips at levels 1 .. 4


def new_skip_panel(steps=30):
    return new_panel(steps, SkipPanel)


def checked(panel):
    return [box.value for box in panel.skip_boxes]


def expected_skip_row(entry):
    """How a SkipPanel `runs` entry must read in the table."""
    kept = ("all (U-Net)" if list(entry["skips"]) == CI_LEVELS
            else "none (encoder-decoder)" if not entry["skips"] else ",".join(map(str, entry["skips"])))
    return [str(entry["run"]), kept, str(entry["steps"]), f"{entry['l1_error']:.3f}",
            f"{entry['hf_ratio']:.3f}", f"{entry['pixel_accuracy']:.3f}", f"{entry['class_iou']:.3f}"]


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

    with recording(l02_unet_skips, "train_variant") as (calls, figures), \
            mock.patch.object(l02_unet_skips, "UNet", unet):
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
    panel = new_skip_panel(steps=30)
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
    assert [variant["skips"] for variant in variants] == [{2, 4}, set()]
    # the bar moved while training and ended full
    assert first_progress[-1] == 30 and len(first_progress) > 3
    assert first_progress == sorted(set(first_progress))  # forwards only
    assert progress[len(first_progress)] == 0  # the second run starts from an empty bar
    assert (panel.progress.value, panel.progress.max) == (40, 40)
    # runs: the settings and the numbers train_variant measured
    assert panel.runs == [
        {"run": 1, "skips": (2, 4), "steps": 30, **variants[0]["metrics"]},
        {"run": 2, "skips": (), "steps": 40, **variants[1]["metrics"]},
    ]
    assert variants[0]["metrics"] != variants[1]["metrics"] and panel.last_run is variants[1]
    for entry in panel.runs:
        assert 0 < entry["l1_error"] < 2 and entry["hf_ratio"] > 0
        assert 0 <= entry["class_iou"] <= entry["class_accuracy"] <= 1 and 0 <= entry["pixel_accuracy"] <= 1
    # the table: one row per run, the earlier row kept
    headings, rows = table(panel)
    assert headings == SKIP_HEADINGS
    assert rows == [expected_skip_row(entry) for entry in panel.runs]
    assert [row[1] for row in rows] == ["2,4", "none (encoder-decoder)"]
    # the picture: PNG, new each run, the run's outputs under the labels and the real photos, labelled
    # with its measured numbers; the figure is closed
    assert first_image.startswith(PNG) and picture(panel).startswith(PNG)
    assert picture(panel) != first_image
    assert len(figures) == 2
    for (figure, labels, texts), entry, kept in zip(figures, panel.runs, ("2,4", "none (encoder-decoder)")):
        assert labels[:2] == ["labels x", "real photo y"] and len(labels) == 3
        assert labels[2].startswith(f"skips {kept}\n")
        for number in (f"L1 {entry['l1_error']:.3f}", f"HF {entry['hf_ratio']:.2f}",
                       f"FCN acc {entry['pixel_accuracy']:.2f}"):
            assert number in labels[2], (number, labels[2])
        assert any(f"run {entry['run']}: skips kept {kept}, {entry['steps']} steps" in text for text in texts)
        assert not plt.fignum_exists(figure.number)
    assert "run 2 done" in panel.status.value


def check_skip_record_adds_a_trained_variant():
    """`record` tabulates and pictures a variant trained elsewhere (the notebook's U-Net and
    encoder-decoder from `run`) without training again; a variant from another profile is refused."""
    panel = new_skip_panel(steps=30)
    trained = l02_unet_skips.train_variant("ci", skips=[1], seed=0, steps=20, progress=False)
    with recording_variants() as (calls, models, figures):
        panel.record(trained)
    assert calls == [] and models == []  # nothing trained
    assert panel.runs == [{"run": 1, "skips": (1,), "steps": 20, **trained["metrics"]}]
    assert panel.last_run is trained and table(panel)[1] == [expected_skip_row(panel.runs[0])]
    assert picture(panel).startswith(PNG) and len(figures) == 1
    assert figures[0][1][2].startswith("skips 1\n") and not plt.fignum_exists(figures[0][0].number)
    assert "run 1 recorded: trained earlier" in panel.status.value
    assert (panel.progress.value, panel.run_button.disabled) == (0, False)  # no run happened
    for wrong, message in ((SkipPanel("cpu"), "not trained at the 'cpu' profile"),
                           (panel, "lacks history, outputs")):
        variant = trained if wrong is not panel else {"skips": {1}, "metrics": {}}
        try:
            wrong.record(variant)
        except CourseError as error:
            assert message in str(error), str(error)
        else:
            raise AssertionError(f"record should have refused: {message}")
    assert len(panel.runs) == 1
    # the next Run is numbered after the recorded one
    panel.select([])
    panel.run()
    assert [entry["run"] for entry in panel.runs] == [1, 2] and panel.runs[1]["skips"] == ()


# ---------------------------------------------------------------- lesson 03: GanPanel

GAN_HEADINGS = ["run #", "discriminator", "lambda_L1", "steps", "texture detail", "colourfulness", "L1 error",
                "FCN per-pixel acc."]


def new_gan_panel(steps=30):
    return new_panel(steps, GanPanel)


def expected_gan_row(entry):
    return [str(entry["run"]), entry["discriminator"], f"{entry['lambda_l1']:g}", str(entry["steps"]),
            f"{entry['texture_detail']:.3f}", f"{entry['colourfulness']:.1f}", f"{entry['l1_error']:.3f}",
            f"{entry['pixel_accuracy']:.3f}"]


def check_gan_controls_show_the_receptive_field():
    panel = GanPanel("ci")  # 32 px: PatchGANs with 1, 2, 3 layers fit; texture period 4 px
    assert [label for label, _ in panel.discriminator.options] == [
        "L1 only", "PixelGAN (1x1)", "PatchGAN 16x16", "PatchGAN 34x34", "PatchGAN 70x70"]
    assert panel.discriminator.value == 1 and panel.lambda_l1.value == 10
    assert (panel.steps.value, panel.steps.max) == (300, 1200)
    assert "<b>16x16</b>" in panel.field.value and "4.0 texture periods" in panel.field.value
    seen = []
    for kind in ("pixel", 3, None, 2):
        panel.discriminator.value = kind
        seen.append(panel.field.value)
    assert "single pixel" in seen[0] and "<b>70x70</b>" in seen[1] and "more than the whole 32x32" in seen[1]
    assert "L1 alone" in seen[2] and "<b>34x34</b>" in seen[3]
    assert panel.settings() == {"discriminator": 2, "lambda_l1": 10, "steps": 300}
    shown = descendants(panel.widget)
    for part in (panel.discriminator, panel.field, panel.lambda_l1, panel.steps, panel.run_button,
                 panel.progress, panel.status, panel.image, panel.table):
        assert any(part is widget for widget in shown), part


def check_gan_runs_train_what_is_picked():
    panel = new_gan_panel(steps=30)
    with recording(l03_patchgan, "train_variant") as (calls, figures):
        panel.discriminator.value = "pixel"
        panel.lambda_l1.value = 100
        panel.run_button.click()
        panel.discriminator.value = None
        panel.steps.value = 20
        panel.run_button.click()
    assert [(kw["discriminator"], kw["lambda_l1"], kw["steps"], kw["seed"]) for kw, _ in calls] == \
        [("pixel", 100, 30, 0), (None, 100, 20, 0)]
    variants = [variant for _, variant in calls]
    assert [variant["receptive_field"] for variant in variants] == [1, None]
    assert set(variants[0]["history"].parts[0]) == {"loss", "d", "g_gan", "g_l1"}
    assert set(variants[1]["history"].parts[0]) == {"loss", "g_l1"}  # no discriminator, no D loss
    assert panel.runs == [
        {"run": 1, "discriminator": "PixelGAN (1x1)", "lambda_l1": 100, "steps": 30, **variants[0]["metrics"]},
        {"run": 2, "discriminator": "L1 only", "lambda_l1": 100, "steps": 20, **variants[1]["metrics"]},
    ]
    headings, rows = table(panel)
    assert headings == GAN_HEADINGS and rows == [expected_gan_row(entry) for entry in panel.runs]
    assert len(figures) == 2 and picture(panel).startswith(PNG)
    for (figure, labels, texts), entry in zip(figures, panel.runs):
        assert labels[:2] == ["labels x", "real photo y"]
        assert labels[2].startswith(f"{entry['discriminator']}\ndetail {entry['texture_detail']:.2f}")
        assert any(f"run {entry['run']}: {entry['discriminator']}, lambda_L1 100" in text for text in texts)
        assert not plt.fignum_exists(figure.number)
    assert "run 2 done" in panel.status.value


CHECKS = {check.__name__: check for check in [
    check_controls_start_from_the_profile, check_mix_enables_the_l1_weight, check_runs_fill_picture_table_and_runs,
    check_skip_controls_start_from_the_profile, check_skip_presets_and_checkboxes,
    check_skip_runs_train_what_is_checked, check_skip_record_adds_a_trained_variant,
    check_gan_controls_show_the_receptive_field, check_gan_runs_train_what_is_picked,
]}
for kind in PANELS:  # the shared checks, once per panel
    for shared in (check_interrupted_run_is_kept, check_errors_show_in_status, check_display_shows_the_panel):
        CHECKS[f"{shared.__name__}[{kind}]"] = functools.partial(shared, kind)


def main(expected_version):
    assert ipywidgets.__version__ == expected_version, \
        f"expected ipywidgets {expected_version}, imported {ipywidgets.__version__} from {ipywidgets.__file__}"
    print(f"ipywidgets {ipywidgets.__version__} from {ipywidgets.__file__}", flush=True)
    for name, check in CHECKS.items():
        check()
        print(f"passed {name}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])

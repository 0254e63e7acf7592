"""The lessons' widget panels (01's BlurPanel, 02's SkipPanel, 03's GanPanel), driven headlessly, under the installed
ipywidgets (8.x) and under 7.7.1.

The checks live in tests/widget_checks/ (one module per lesson, and the shared ones in common.py). Colab ships ipywidgets 7.7.1 and the course must work there,
so the last test installs 7.7.1 from the package registry into a cache folder (once; reruns reuse it)
and runs the same checks in a subprocess that imports ipywidgets from there. ipywidgets 7.7.1 runs on
this environment's IPython, ipykernel and traitlets as they are: of its own dependencies only
ipython_genutils is imported (widgetsnbextension and jupyterlab_widgets are front-end files), but all
three are installed, at 7.x-era versions, as pip would for Colab.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from datasets_archives import aligned_tree

import widget_checks
from i2i_course.data.real_task import PairedFolderTask
from i2i_course.widgets import GanPanel, SkipPanel

COLAB_IPYWIDGETS = "7.7.1"
# ipywidgets 7.7.1 and the dependencies it needs at 7.x-era versions (the venv's are 8.x-era)
COLAB_PINS = [f"ipywidgets=={COLAB_IPYWIDGETS}", "widgetsnbextension==3.6.10", "jupyterlab_widgets==1.1.11",
              "ipython_genutils==0.2.0"]


@pytest.mark.parametrize("name", widget_checks.CHECKS)
def test_panel_under_installed_ipywidgets(name):
    widget_checks.CHECKS[name]()


def test_panels_on_real_photos_show_only_what_they_can_measure(tmp_path):
    """On a real paired dataset (no labels, no texture mask) the panels train on it and leave out the FCN
    columns; lesson 03's detail is the HF ratio, and its patch sizes are put against the image's size."""
    tree = aligned_tree(tmp_path / "facades", splits={"train": 8, "val": 2, "test": 2}, size=40)
    task = PairedFolderTask(tree, 32, direction="BtoA", eval_splits=("val", "test"), progress=False)
    skips = SkipPanel("ci", task=task)
    skips.steps.value = 20
    skips.run()
    assert [heading for _, heading, _ in skips.columns] == ["run #", "skips kept", "steps", "L1 error", "HF ratio"]
    assert set(skips.runs[0]) == {"run", "skips", "steps", "l1_error", "hf_ratio"}
    assert "run 1 done" in skips.status.value
    gan = GanPanel("ci", task=task)
    assert "<b>16x16</b> patch: 50% of the image's width" in gan.field.value
    gan.steps.value = 20
    gan.run()
    assert [heading for _, heading, _ in gan.columns] == ["run #", "discriminator", "lambda_L1", "steps", "HF ratio",
                                                           "colourfulness", "L1 error"]
    assert set(gan.runs[0]) == {"run", "discriminator", "lambda_l1", "steps", "hf_ratio", "colourfulness",
                                "l1_error"}
    assert gan.last_run.visuals["fake_B"].shape == (64, 3, 32, 32)  # the ci profile's held-out count, drawn with repeats


def colab_ipywidgets_dir():
    """A folder holding ipywidgets 7.7.1 and its 7.x-era dependencies, installed once and reused.

    Installed into a fresh folder and renamed into place, so a concurrent or interrupted run never
    leaves a half-filled cache behind.
    """
    key = hashlib.sha256(" ".join(COLAB_PINS).encode()).hexdigest()[:10]
    target = Path(tempfile.gettempdir()) / f"i2i-course-ipywidgets-{COLAB_IPYWIDGETS}-{key}"
    if target.is_dir():
        return target
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "--no-input",
         "--target", str(staging), *COLAB_PINS],
        capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"could not install ipywidgets {COLAB_IPYWIDGETS} from the package registry, so the "
                    f"widgets are unchecked under Colab's version; pip said:\n{result.stderr[-3000:]}")
    try:
        staging.rename(target)
    except OSError:  # another run got there first: use its copy
        shutil.rmtree(staging, ignore_errors=True)
    return target


def test_panel_under_colab_ipywidgets():
    folder = colab_ipywidgets_dir()
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]))
    result = subprocess.run([sys.executable, "-m", "widget_checks", COLAB_IPYWIDGETS], env=env,
                            cwd=Path(widget_checks.__file__).parent.parent,
                            capture_output=True, text=True, timeout=600)  # every check, on 2 busy cores
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-5000:]}"
    assert result.returncode == 0, report
    assert f"ipywidgets {COLAB_IPYWIDGETS} from {folder}" in result.stdout, report
    assert [line for line in result.stdout.splitlines() if line.startswith("passed ")] == \
        [f"passed {name}" for name in widget_checks.CHECKS], report

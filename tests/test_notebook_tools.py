"""The notebook tools: clean, sync, execute and the `i2i-course notebooks` command.

The first tests build a tiny fake repository in tmp_path; the last ones check the real repository's
committed notebooks (executed, clean, with the install cell and a README badge written from
pyproject.toml).
"""

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from i2i_course.course import notebooks as tools
from i2i_course.cli import main
from i2i_course.errors import CourseError

URL = "https://github.com/i2i-course/i2i-course"
OLD_URL = "https://github.com/someone-else/old-name"
REPO = Path(__file__).resolve().parents[1]


def as_json(nb):
    return json.loads(nbformat.writes(nb))


def write_repo(root, url=URL, readme=None):
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "i2i-course"\n\n[project.urls]\nRepository = "{url}"\n')
    (root / "notebooks").mkdir(exist_ok=True)
    if readme is not None:
        (root / "README.md").write_text(readme)
    return root


def save(nb, path):
    path.write_text(nbformat.writes(nb))
    return path


def noisy_notebook():
    """A notebook as a run leaves it: real outputs mixed with timings, widgets and progress bars."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "course-env", "language": "python", "name": "course-env"},
        "language_info": {"name": "python", "version": "3.11.7", "mimetype": "text/x-python"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}},
        "colab": {"gpuType": "T4"},
    }
    figure = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    slider = new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "f00", "version_major": 2},
        "text/plain": "IntSlider(value=3)"})
    nb.cells = [
        new_markdown_cell("# Lesson"),
        new_code_cell("train()", execution_count=1, metadata={
            "execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"},
            "collapsed": False, "scrolled": True, "tags": ["keep-me"]}, outputs=[
            new_output("stream", name="stdout", text="step 1\n"),
            new_output("stream", name="stderr",
                       text="\r  0%|          | 0/3 [00:00<?, ?it/s]\r 67%|██████▋   | 2/3 [00:00<00:00, 9.5it/s]"),
            new_output("stream", name="stdout", text="step 2\n"),  # arrives before the bar's end
            new_output("stream", name="stderr",
                       text="\r100%|██████████| 3/3 [00:00<00:00, 9.7it/s]\nUserWarning: lr is high\n"),
            figure,
        ]),
        new_code_cell("slider", execution_count=2, outputs=[
            slider,
            new_output("stream", name="stderr", text="\r 50%|█████     | 1/2 [00:01<00:01,  1.2s/it]\n"),
            new_output("execute_result", data={"text/plain": "42"}, execution_count=2),
        ]),
    ]
    nb.cells[0].id = "intro"  # a readable id the author chose
    nb.cells[1].id = "0123abcd"  # made up by nbformat
    nb.cells[2].id = "intro"  # a duplicate
    return nb


def test_clean_strips_exactly_the_noise():
    nb = noisy_notebook()
    before = json.dumps(nb, sort_keys=True)  # not nbformat.writes: it would repair the duplicate id
    cleaned = tools.clean(nb)
    assert json.dumps(nb, sort_keys=True) == before, "clean must not modify its argument"
    assert cleaned.metadata.kernelspec == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                         "name": "python3"}
    assert cleaned.metadata.language_info == {"name": "python"}
    assert "widgets" not in cleaned.metadata
    assert cleaned.metadata.colab == {"gpuType": "T4"}  # other notebook metadata stays
    markdown, train, slider = cleaned.cells
    assert markdown.source == "# Lesson" and markdown.cell_type == "markdown"
    assert train.metadata == {"tags": ["keep-me"]}
    assert train.execution_count == 1
    assert [o.output_type for o in train.outputs] == ["stream", "stream", "display_data"]
    assert train.outputs[0].name == "stdout" and train.outputs[0].text == "step 1\nstep 2\n"
    assert train.outputs[1].name == "stderr" and train.outputs[1].text == "UserWarning: lr is high\n"
    assert train.outputs[2].data == {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    # the widget view and the stream left empty are gone; the result stays
    assert [o.output_type for o in slider.outputs] == ["execute_result"]
    assert slider.outputs[0].data == {"text/plain": "42"}
    nbformat.validate(cleaned)


def test_clean_is_idempotent_and_gives_stable_unique_ids():
    cleaned = tools.clean(noisy_notebook())
    assert as_json(tools.clean(cleaned)) == as_json(cleaned)
    ids = [cell.id for cell in cleaned.cells]
    assert ids == ["intro", "cell-01", "cell-02"]
    # the same notebook generated again (fresh random ids) cleans to the same file
    assert nbformat.writes(tools.clean(noisy_notebook())) == nbformat.writes(cleaned)
    # a cell inserted later gets a new unique id; the others keep theirs
    cleaned.cells.insert(1, new_code_cell("x = 1"))
    again = tools.clean(cleaned)
    assert [cell.id for cell in again.cells] == ["intro", "cell-03", "cell-01", "cell-02"]


def test_repository_url_badge_and_install_cell(tmp_path):
    root = write_repo(tmp_path / "repo", url=URL + "/")
    assert tools.repository_url(root) == URL
    assert tools.colab_badge(URL, "notebooks/01_pix2pix.ipynb") == (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/i2i-course/i2i-course/blob/main/"
        "notebooks/01_pix2pix.ipynb)")
    with pytest.raises(CourseError):
        tools.colab_badge("https://gitlab.com/a/b", "notebooks/01_x.ipynb")
    with pytest.raises(CourseError):
        tools.repository_url(write_repo(tmp_path / "bare", url=URL).parent / "nowhere")


def test_install_cell_installs_on_colab_only(monkeypatch, capsys):
    source = tools.colab_install_source(URL)
    assert not any(line.lstrip().startswith(("!", "%")) for line in source.splitlines())
    code = compile(source, "<install cell>", "exec")
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(code, {})
    assert calls == []  # not on Colab: nothing happens
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    for gpu, hint in ((True, ""), (False, tools.CPU_RUNTIME_HINT + "\n")):
        monkeypatch.setattr(torch.cuda, "is_available", lambda gpu=gpu: gpu)
        exec(code, {})
        assert capsys.readouterr().out == hint  # on a CPU runtime: one line on how to get a GPU
    assert calls == [(([sys.executable, "-m", "pip", "install", "-q", f"git+{URL}"],), {"check": True})] * 2


def test_sync_rewrites_install_cells_and_badges_only(tmp_path):
    readme = (
        "# Course\n\n"
        f"| 01 | [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/someone-else/old-name/blob/master/notebooks/01_a.ipynb) |\n"
        "| 02 | [open]"
        "(https://colab.research.google.com/github/someone-else/old-name/blob/main/notebooks/02_b.ipynb) |\n\n"
        f"Clone {OLD_URL} or see https://colab.research.google.com/notebooks/intro.ipynb.\n"
    )
    root = write_repo(tmp_path / "repo", readme=readme)
    stale = new_notebook(cells=[new_markdown_cell("# A"), new_code_cell(tools.colab_install_source(OLD_URL)),
                                new_code_cell("print('a')", execution_count=2,
                                              outputs=[new_output("stream", name="stdout", text="a\n")])])
    missing = new_notebook(cells=[new_markdown_cell("# B"), new_code_cell("import os"),
                                  new_code_cell("x = 1")])
    current = new_notebook(cells=[new_code_cell(tools.colab_install_source(URL)), new_code_cell("y = 2")])
    placeholder = new_notebook(cells=[
        new_code_cell("# install cell: written by `i2i-course notebooks --sync-only`"),
        new_markdown_cell("# D"), new_code_cell("z = 3")])
    a = save(stale, root / "notebooks" / "01_a.ipynb")
    b = save(missing, root / "notebooks" / "02_b.ipynb")
    c = save(current, root / "notebooks" / "03_c.ipynb")
    d = save(placeholder, root / "notebooks" / "04_d.ipynb")
    c_before = c.read_bytes()

    changed = tools.sync(root)
    assert sorted(changed) == sorted([a, b, d, root / "README.md"])
    assert c.read_bytes() == c_before  # already in step: not rewritten

    nb_a = nbformat.read(a, as_version=4)
    assert nb_a.cells[1].source == tools.colab_install_source(URL)
    stale.cells[1].source = tools.colab_install_source(URL)
    assert as_json(nb_a) == as_json(stale)  # only the install cell's source changed

    nb_b = nbformat.read(b, as_version=4)
    assert [cell.source for cell in nb_b.cells] == ["# B", tools.colab_install_source(URL),
                                                    "import os", "x = 1"]

    nb_d = nbformat.read(d, as_version=4)
    assert [cell.source for cell in nb_d.cells] == [tools.colab_install_source(URL), "# D", "z = 3"]

    text = (root / "README.md").read_text()
    new_prefix = "github/i2i-course/i2i-course/blob/main/"
    assert text == (readme.replace("github/someone-else/old-name/blob/master/", new_prefix)
                          .replace("github/someone-else/old-name/blob/main/", new_prefix))
    assert OLD_URL in text  # other text is left alone
    assert tools.missing_badges(root) == [Path("notebooks/03_c.ipynb"), Path("notebooks/04_d.ipynb")]

    assert tools.sync(root) == []  # a second sync has nothing to do


def test_execute_saves_outputs_at_the_requested_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("I2I_PROFILE", "ci")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = new_notebook(cells=[
        new_code_cell(tools.colab_install_source(URL)),
        new_code_cell("import os\nprint(os.environ['I2I_PROFILE'], os.path.basename(os.getcwd()))"),
        new_code_cell("from tqdm import tqdm\nfor _ in tqdm(range(3)):\n    pass\nprint('trained')"),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()"),
    ])
    path = save(nb, folder / "01_tiny.ipynb")
    os.chmod(path, 0o644)

    saved = tools.execute(path, profile="cpu", timeout=120)

    assert os.environ["I2I_PROFILE"] == "ci" and os.environ["MPLBACKEND"] == "Agg"  # restored
    on_disk = nbformat.read(path, as_version=4)
    assert as_json(on_disk) == as_json(saved) == as_json(tools.clean(on_disk))
    install, profile, progress, plot = on_disk.cells
    assert install.execution_count == 1 and install.outputs == []
    assert profile.outputs[0].text == "cpu notebooks\n"
    assert [(o.name, o.text) for o in progress.outputs] == [("stdout", "trained\n")]  # the bar is gone
    assert any("image/png" in o.get("data", {}) for o in plot.outputs)  # inline figure, not Agg
    assert not any(cell.metadata for cell in on_disk.cells)
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in folder.iterdir()] == ["01_tiny.ipynb"]  # no temporary file left


def test_failing_notebook_is_not_saved_and_the_command_says_where(tmp_path, monkeypatch, capsys):
    root = write_repo(tmp_path / "repo")
    good = save(new_notebook(cells=[new_code_cell(tools.colab_install_source(URL)),
                                    new_code_cell("print(6 * 7)")]),
                root / "notebooks" / "01_good.ipynb")
    bad_nb = new_notebook(cells=[new_code_cell(tools.colab_install_source(URL)), new_markdown_cell("# Oops"),
                                 new_code_cell("x = 1\ny = x / 0\n"), new_code_cell("print('never')")])
    bad_nb.cells[2].id = "divide"
    bad = save(bad_nb, root / "notebooks" / "02_bad.ipynb")
    bad_before = bad.read_bytes()
    monkeypatch.chdir(root / "notebooks")  # the root is found by walking up

    assert main(["notebooks", "--profile", "ci"]) == 1

    out, err = capsys.readouterr()
    assert bad.read_bytes() == bad_before
    assert nbformat.read(good, as_version=4).cells[1].outputs[0].text == "42\n"
    failure = next(line for line in out.splitlines() if "FAILED" in line)
    assert "cell 3 of 4" in failure and "divide" in failure and "ZeroDivisionError" in failure
    assert "02_bad.ipynb" in err and "01_good" not in err
    with pytest.raises(tools.NotebookFailed) as error:
        tools.execute(bad, profile="ci", timeout=60)
    assert error.value.cell_index == 2 and error.value.cell_id == "divide"
    assert "\n" not in str(error.value)
    assert bad.read_bytes() == bad_before


def test_command_outside_the_repository_and_bad_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if any((folder / "pyproject.toml").exists() for folder in (tmp_path, *tmp_path.parents)):
        pytest.skip("tmp_path lies inside a project")
    assert main(["notebooks", "--sync-only"]) == 2
    with pytest.raises(CourseError, match="pyproject.toml"):
        tools.find_root()
    root = write_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    with pytest.raises(CourseError, match="not a notebook"):
        tools.command(types.SimpleNamespace(paths=["nothing.ipynb"], profile="cpu", sync_only=False))
    assert main(["notebooks", "--sync-only"]) == 0


# --- the real repository ---------------------------------------------------------------------------

REAL_NOTEBOOKS = tools.lesson_notebooks(REPO)
no_notebooks = pytest.mark.skipif(not REAL_NOTEBOOKS, reason="no lesson notebooks in notebooks/ yet")
real = pytest.mark.parametrize("path", REAL_NOTEBOOKS or [None],
                               ids=[p.name for p in REAL_NOTEBOOKS] or ["none"])


def test_real_repository_address_is_a_github_repository():
    url = tools.repository_url(REPO)
    assert tools.colab_badge(url, "notebooks/01_x.ipynb").startswith("[![Open In Colab]")


@no_notebooks
@real
def test_committed_notebook_is_clean_and_executed(path):
    nb = nbformat.read(path, as_version=4)
    assert as_json(tools.clean(nb)) == as_json(nb), \
        f"{path.name} is not clean: run `i2i-course notebooks {path.relative_to(REPO)}`"
    code = [cell for cell in nb.cells
            if cell.cell_type == "code" and "skip-execution" not in cell.metadata.get("tags", [])]
    assert all(cell.execution_count is not None for cell in code), f"{path.name} was not committed executed"
    assert any(cell.outputs for cell in code), f"{path.name} has no outputs"


@no_notebooks
@real
def test_committed_notebook_installs_from_the_repository(path):
    nb = nbformat.read(path, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert first.source == tools.colab_install_source(tools.repository_url(REPO)), \
        "run `i2i-course notebooks --sync-only`"


@no_notebooks
@real
def test_readme_has_a_colab_badge_for_the_notebook(path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    url = tools.colab_url(tools.repository_url(REPO), path.relative_to(REPO))
    badge = tools.colab_badge(tools.repository_url(REPO), path.relative_to(REPO))
    assert url in readme, f"README.md needs {badge}"


@no_notebooks
@real
def test_committed_notebook_opens_on_a_gpu_runtime_in_colab(path):
    """Without "accelerator": "GPU" Colab opens a notebook on a CPU runtime and the course drops to `cpu`."""
    metadata = nbformat.read(path, as_version=4).metadata
    assert metadata.get("accelerator") == "GPU", f"{path.name}: set metadata.accelerator to \"GPU\""
    assert "colab" in metadata, f"{path.name}: add the colab metadata ({{\"provenance\": []}})"

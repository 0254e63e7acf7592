"""The install story: pyproject and environment.yml agree, and CI runs what the README tells people."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge's name -> PyPI's


def requirement_name(spec):
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def requirement_pair(spec):
    name = requirement_name(spec)
    return name, spec.strip()[len(name):].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = dict(requirement_pair(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda_side = {}
    for entry in conda:
        if isinstance(entry, str) and requirement_name(entry) not in ("python", "pip"):
            name, bounds = requirement_pair(entry)
            conda_side[CONDA_NAMES.get(name, name)] = bounds
    assert conda_side == pip_side
    assert {"pip": ["-e ."]} in conda


def quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2
    tour, tests = commands
    assert "pip install -e ." in tour and "i2i-course tour" in tour
    assert 'pip install -e ".[dev]"' in tests and "pytest" in tests
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert tests in ci_lines


def test_console_script_and_python_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["i2i-course"] == "i2i_course.cli:main"
    assert project["requires-python"] == ">=3.11"
    widgets = [s for s in project["dependencies"] if requirement_name(s) == "ipywidgets"]
    assert widgets == ["ipywidgets>=7.7,<9"]  # Colab ships 7.7.1: never upgrade it

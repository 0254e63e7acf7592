"""The grading guards that need no kernel: the static scan, the hidden tests' references, the output cap.

Fast. test_grading_hostile.py grades the same cheats for real.
"""

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_output

import grading_cases as cases
from i2i_course.course.coursedir import assignment_names
from i2i_course.course.outputs import CELL_LIMIT, cap
from i2i_course.course.scan import _Forbidden, forbidden_names, scan

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = assignment_names(REPO)


def notebooks(name):
    """(released, solution) notebooks of assignment `name`."""
    return (nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4),
            nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_assignment_declares_what_it_forbids_in_its_notebook_and_the_release_carries_it(name):
    released, source = notebooks(name)
    names = forbidden_names(source)
    assert names, f"declare the imports {name} forbids: metadata i2i_course.forbidden of its solution notebook"
    assert forbidden_names(released) == names  # `i2i-course release` carries it
    forbidden = _Forbidden(names)
    unresolved = [n for n in names if forbidden._resolve(n) is None]
    assert not unresolved, f"no such module or object: {unresolved} (a typo forbids nothing)"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_release_and_the_model_answers_are_not_suspicious(name):
    released, source = notebooks(name)
    assert scan(released, released) == []
    assert scan(cases.filled(released, source), released) == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_hidden_tests_compare_with_the_references_not_with_torchs_rebindable_functions(name):
    _, source = notebooks(name)
    blocks = [block for cell in source.cells if cell.cell_type == "code"
              for block in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S)]
    assert blocks, f"{name} has no hidden tests"
    rebindable = [found for block in blocks for found in re.findall(r"torch\.(?:allclose|isclose|equal)\b", block)]
    assert not rebindable, f"hidden tests of {name} use {rebindable}: use i2i_course.references (docs/instructors.md)"


SUSPICIOUS = [  # (code a student adds at the top of the `losses` cell of assignment 01, what is said)
    ("torch.allclose = lambda *a, **k: True", "line 1: rebinds torch.allclose: code the tests run"),
    ("setattr(torch, 'isclose', None)", "line 1: rebinds attributes of torch (setattr)"),
    ("torch.Tensor.__eq__ = lambda self, other: True", "line 1: rebinds torch.Tensor.__eq__"),
    ("import builtins\nbuiltins.isinstance = lambda *a: True", "line 1: reaches Python's builtins (builtins)"),
    ("plausible_targets = None", "line 1: rebinds plausible_targets, which the read-only cells define"),
    ("import numpy as torch", "line 1: rebinds torch, which the read-only cells define"),
    ("get_ipython().ast_transformers.clear()", "line 1: touches IPython's machinery"),
    ("import sys\nsys.modules['torch'].allclose = None", "line 2: touches sys.modules"),
    ("exec(open('answers.py').read())", "line 1: runs code from a string (exec)"),
    ("import sqlite3", "line 1: opens databases (the gradebook is one) (sqlite3)"),
    ("import shutil", "line 1: copies, moves or deletes files (shutil)"),
    ("import subprocess\nsubprocess.run(['ls'])", "line 2: runs other programs (subprocess.run)"),
    ("!cat ../../../gradebook.db", "line 1: runs a shell command (!...)"),
    ("%run ../../../solutions/x.py", "line 1: runs the magic %run"),
    ("open('../../../solutions/x.ipynb')", "line 1: climbs out of the working folder"),
    ("data = open('/etc/passwd').read()", "line 1: names a path outside the working folder ('/etc/passwd')"),
    ("name = 'gradebook.db'", "line 1: names the course's files ('gradebook.db')"),
    ("os.remove('x')", "line 1: works with files and folders (os.remove)"),
    ("os._exit(0)", "line 1: starts or stops processes (os._exit)"),
    ("if os.environ.get('NBGRADER_EXECUTION'):\n    pass", "reads or changes the environment (os.environ.get)"),
    ("if GRADING:\n    pass", "line 1: behaves differently while grading (GRADING)"),
    ("import torch.nn.functional as F", "line 1: uses torch.nn.functional, which this assignment forbids"),
    ("loss = torch.nn.functional.l1_loss", "uses torch.nn.functional.l1_loss, which this assignment forbids"),
    ("from torch import nn\nloss = nn.MSELoss()", "line 2: uses torch.nn.MSELoss, which this assignment forbids"),
    ("from i2i_course.losses import l1_loss", "uses i2i_course.losses.l1_loss, which this assignment forbids"),
]


@pytest.mark.parametrize("code, said", SUSPICIOUS)
def test_suspicious_code_is_flagged_with_its_cell_line_and_reason(code, said):
    released, source = notebooks("01_losses_and_blur")
    found = [str(finding) for finding in scan(cases.prepended(cases.filled(released, source), "losses", code),
                                              released)]
    assert any(line.startswith("cell 'losses', ") and said in line for line in found), found


ORDINARY = ["%matplotlib inline\n%time x = 1", "import sys\nprint('debugging', file=sys.stderr)",
            "import warnings\nwarnings.warn('careful')",
            "from tqdm.auto import tqdm\nfor _ in tqdm(range(2)):\n    pass",
            "import numpy as np\nx = np.zeros(3)\nx[0] = 1", "class Net(torch.nn.Module):\n    pass",
            "def helper(x):\n    return x.abs().mean()\n\n\nresult = {'a': 1}\nresult['a'] = 2"]


@pytest.mark.parametrize("code", ORDINARY)
def test_ordinary_answer_code_is_not_flagged(code):
    released, source = notebooks("01_losses_and_blur")
    assert scan(cases.prepended(cases.filled(released, source), "losses", code), released) == []


def test_forbidden_names_are_caught_through_re_exports_and_setup_names_stay_usable():
    released, source = notebooks("03_patchgan")
    perfect = cases.filled(released, source)
    found = scan(cases.prepended(perfect, "patch-discriminator", "from i2i_course.nets import PatchDiscriminator"),
                 released)
    assert [f.reason for f in found] == ["uses i2i_course.nets.PatchDiscriminator, which this assignment forbids "
                                         "(i2i_course.nets.discriminators)"]
    found = scan(cases.prepended(perfect, "gan-losses", "from i2i_course.objectives import Pix2Pix"), released)
    assert [f.reason for f in found] == ["uses i2i_course.objectives.Pix2Pix, which this assignment forbids "
                                         "(i2i_course.objectives)"]
    released, source = notebooks("02_unet_skips")
    found = scan(cases.prepended(cases.filled(released, source), "build-unet",
                                 "import i2i_course.nets\nnet = i2i_course.nets.UNet(3, 3, 8)\n"
                                 "n = count_parameters(net)"), released)  # count_parameters: the setup's
    assert [(f.line, f.reason) for f in found] == [
        (2, "uses i2i_course.nets.UNet, which this assignment forbids (i2i_course.nets.unet.UNet)")]


def test_a_cell_the_student_added_is_scanned_whole_and_named_by_its_position():
    released, source = notebooks("01_losses_and_blur")
    nb = cases.with_cell_after(cases.filled(released, source), "setup", "import sqlite3")
    (finding,) = scan(nb, released)
    assert (finding.cell, finding.line, finding.index) == ("4 (the student's own)", 1, 3)


def test_the_references_stay_torchs_own_whatever_is_rebound_later():
    from i2i_course import references

    real = torch.allclose
    try:
        torch.allclose = torch.isclose = torch.equal = lambda *args, **kwargs: True
        assert references.allclose(torch.zeros(2), torch.ones(2)) is False
        assert references.equal(torch.zeros(2), torch.ones(2)) is False
        assert references.isclose(torch.zeros(2), torch.tensor([0.0, 1.0])).tolist() == [True, False]
    finally:
        torch.allclose, torch.isclose, torch.equal = real, references._isclose, references._equal

    class Agreeable(torch.Tensor):
        """A tensor that says yes to every torch function."""

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return True

    cheat = torch.zeros(2).as_subclass(Agreeable)
    assert torch.allclose(cheat, torch.ones(2)) is True  # what a hidden test with torch.allclose would see
    assert references.allclose(cheat, torch.ones(2)) is False
    tree = ast.parse(Path(references.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported == {"contextlib", "torch"}  # the student's side: never nbgrader


def test_an_output_flood_is_cut_to_the_limit_and_an_error_is_always_kept():
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("print('x')")])
    flood = "line\n" * 100_000
    nb.cells[0].outputs = [new_output("stream", name="stdout", text=flood),
                           new_output("display_data", data={"text/plain": "y" * 10_000}),
                           new_output("error", ename="AssertionError", evalue="no", traceback=["t"] * 500)]
    total = sum(len(json.dumps(output)) for output in nb.cells[0].outputs)
    assert cap(nb) == {"1": f"{total:,} characters of output cut to {CELL_LIMIT:,}"}
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "error", "stream"]
    assert len(outputs[0].text) < CELL_LIMIT and outputs[0].text == flood[:len(outputs[0].text)]
    assert outputs[1].ename == "AssertionError" and len(outputs[1].traceback) == 41
    assert "this cell's output was cut at 50,000 of" in outputs[2].text
    small = nbformat.v4.new_notebook(cells=[new_code_cell("print('x')")])
    small.cells[0].outputs = [new_output("stream", name="stdout", text="x\n")]
    assert cap(small) == {} and small.cells[0].outputs[0].text == "x\n"


def test_a_graded_copy_is_scored_only_when_it_is_what_was_handed_in_with_the_courses_tests():
    """scores.score: stderr does not fail a test, a changed test or a swapped notebook scores 0."""
    from i2i_course.course.scores import score

    released, source = notebooks("01_losses_and_blur")
    handed = cases.filled(released, source)
    graded = handed
    for grade_id in cases.auto_points(source):  # nbgrader runs the course's tests, hidden ones included
        graded = cases.replaced(graded, grade_id, cases.by_id(source, grade_id).source)
    for cell in graded.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [new_output("stream", name="stdout", text="tests passed\n")]
    cases.by_id(graded, "test-l2-loss").outputs.append(new_output("stream", name="stderr", text="a warning\n"))
    sources = {cell.metadata.nbgrader["grade_id"]: (cell.cell_type, cell.source) for cell in source.cells
               if cases.meta(cell).get("grade")}
    known = {cases.meta(cell)["grade_id"] for cell in source.cells if cases.meta(cell)}
    full = score(graded, handed, sources, known)
    assert (full.points, full.max_points, full.stderr, full.not_theirs) == (8.0, 10.0, ["test-l2-loss"], [])
    assert not full.not_handed_in
    other_test = cases.replaced(graded, "test-best-l2", "print('tests passed')")
    assert score(other_test, handed, sources, known).points == 6.0
    assert score(other_test, handed, sources, known).not_theirs == ["test-best-l2"]
    swapped = score(graded, cases.replaced(handed, "losses", "def l1_loss(pred, target):\n    return 0"),
                    sources, known)
    assert swapped.not_handed_in and swapped.points == 0.0

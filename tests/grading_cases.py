"""Made-up student submissions for the grading round trip, built from an assignment's own notebooks.

A submission starts from the released notebook (what a student downloads) with the solution notebook's
answers filled in, then gets one thing wrong. Which points each case must lose follows from the
notebook's structure: a task is a solution cell and the graded test cells after it, up to the next
solution cell, and tasks must not depend on each other (so a broken task loses exactly its own points).
"""

import copy
import hashlib
import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SOLUTION_LINE = ("### BEGIN SOLUTION", "### END SOLUTION")

# One function per assignment written wrong: (solution cell, the right line, a wrong one, test cells that
# must fail). Every assignment needs an entry (the round trip says so when one is missing).
WRONG_FUNCTION = {
    "01_losses_and_blur": ("losses", "return ((pred - target) ** 2).mean()",
                           "return (pred - target).abs().mean()", {"test-l2-loss"}),
    "02_unet_skips": ("build-unet", "inner_nc = ngf * min(2 ** (level - 1), 8)", "inner_nc = ngf * 2 ** (level - 1)",
                      {"test-build-unet", "test-build-unet-reference"}),
    "03_patchgan": ("patch-discriminator", "stride = 2 if n < n_layers else 1", "stride = 2",
                    {"test-patch-shapes", "test-patch-reference"}),
    "04_cycle_consistency": ("cycle-terms", '"idt_G": lambda_cyc * lambda_idt * (same_B - real_B).abs().mean(),',
                             '"idt_G": lambda_idt * (same_B - real_B).abs().mean(),',
                             {"test-cycle-terms", "test-cycle-terms-library"}),
    "05_diversity": ("diversity-losses", "return -ratio.clamp(max=tau).mean()",  # the no-op clamp of DSGAN's code
                     "return (-ratio).clamp(max=tau).mean()", {"test-ds-loss"}),
    "06_spade": ("feature-matching", 'weight = lambda_feat / num_d * (4.0 / maps if weighting == "pix2pixhd" else 1.0)',
                 'weight = lambda_feat * (4.0 / maps if weighting == "pix2pixhd" else 1.0)',
                 {"test-feature-matching", "test-feature-matching-spade"}),
}


def meta(cell):
    return cell.metadata.get("nbgrader", {})


def by_id(nb, cell_id):
    return next(cell for cell in nb.cells if meta(cell).get("grade_id") == cell_id or cell.get("id") == cell_id)


def auto_points(nb):
    """{grade id: points} of the autograded (code) test cells."""
    return {meta(c)["grade_id"]: float(meta(c)["points"]) for c in nb.cells
            if meta(c).get("grade") and c.cell_type == "code"}


def answer_cells(nb):
    """Grade ids of the solution (answer) cells, in order."""
    return [meta(c)["grade_id"] for c in nb.cells if meta(c).get("solution")]


def tasks(nb):
    """{code solution cell: the graded code cells after it, up to the next solution cell}."""
    result, current = {}, None
    for cell in nb.cells:
        if meta(cell).get("solution"):
            current = meta(cell)["grade_id"] if cell.cell_type == "code" else None
            if current:
                result[current] = set()
        elif current and meta(cell).get("grade") and cell.cell_type == "code":
            result[current].add(meta(cell)["grade_id"])
    return result


def answers(source):
    """{answer cell: the instructor's answer}: solution regions kept, their delimiter lines dropped."""
    return {meta(c)["grade_id"]: "\n".join(line for line in c.source.splitlines()
                                           if line.strip() not in SOLUTION_LINE)
            for c in source.cells if meta(c).get("solution")}


def filled(released, source):
    """The released notebook with every answer the instructor's: what a perfect student hands in."""
    nb = copy.deepcopy(released)
    for cell_id, text in answers(source).items():
        by_id(nb, cell_id).source = text
    return nb


def edited(nb, cell_id, old, new):
    nb = copy.deepcopy(nb)
    cell = by_id(nb, cell_id)
    assert old in cell.source, f"{old!r} is not in cell {cell_id}"
    cell.source = cell.source.replace(old, new)
    return nb


def prepended(nb, cell_id, code):
    nb = copy.deepcopy(nb)
    cell = by_id(nb, cell_id)
    cell.source = code + "\n" + cell.source
    return nb


def replaced(nb, cell_id, source):
    nb = copy.deepcopy(nb)
    by_id(nb, cell_id).source = source
    return nb


def without_nbgrader(nb, new_ids=False):
    """`nb` as another front end may save it: nbgrader's cell metadata gone, maybe new cell ids too."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        for key in ("nbgrader", "editable", "deletable"):
            cell.metadata.pop(key, None)
        if new_ids:
            cell.id = hashlib.sha1(f"front-end {index}".encode()).hexdigest()[:8]
    return nb


def without_cell(nb, cell_id):
    nb = copy.deepcopy(nb)
    nb.cells.remove(by_id(nb, cell_id))
    return nb


def scratch_notebook():
    """A student's own scratch notebook, handed in instead of the assignment."""
    return new_notebook(cells=[new_markdown_cell("# my notes"), new_code_cell("x = 1\nprint(x)")])


def expected_scores(points, failing):
    return {cell: 0.0 if cell in failing else value for cell, value in points.items()}


def submissions(name, released, source):
    """{case: (file name as handed in, notebook, {grade id: expected automatic score})} for one assignment."""
    if name not in WRONG_FUNCTION:
        raise AssertionError(f"add a WRONG_FUNCTION case for assignment {name} to tests/grading_cases.py")
    notebook = f"{name}.ipynb"
    points = auto_points(released)
    full = expected_scores(points, set())
    perfect = filled(released, source)
    code_tasks = tasks(released)
    first, last = list(code_tasks)[0], list(code_tasks)[-1]
    cell, right, wrong, breaks = WRONG_FUNCTION[name]
    with_wrong = edited(perfect, cell, right, wrong)
    test_cell = sorted(breaks)[0]
    return {
        "solution": (f"{name}-1.ipynb", perfect, full),  # LMS resubmission suffix "-1"
        "untouched": (notebook, copy.deepcopy(released), expected_scores(points, set(points))),
        "wrong-function": (notebook, with_wrong, expected_scores(points, breaks)),
        "exception": (notebook, prepended(perfect, first, 'raise RuntimeError("a bug before the functions")'),
                      expected_scores(points, code_tasks[first])),
        "endless-loop": (notebook, prepended(perfect, last, "while True:\n    pass"),
                         expected_scores(points, code_tasks[last])),
        "lost-metadata": (f"Copy of {notebook}", without_nbgrader(perfect), full),
        "lost-metadata-ids-and-a-test": (notebook, without_nbgrader(without_cell(perfect, sorted(points)[0]),
                                                                    new_ids=True), full),
        "edited-test": (notebook, replaced(with_wrong, test_cell, 'print("tests passed")'),
                        expected_scores(points, breaks)),
        "wrong-notebook": ("scratch.ipynb", scratch_notebook(), None),
    }


def dumps(nb):
    return nbformat.writes(nb)


# --- a class you cannot trust: hand-ins that the course's own round trip never saw ------------------
# Built on assignment 01 (tasks: losses -> test-l1-loss, test-l2-loss; best-constant -> test-best-l2,
# test-best-l1; colourfulness -> test-colourfulness). Each is {file name: text}; see hostile_submissions.

HOSTILE_ASSIGNMENT = "01_losses_and_blur"

# Walks up to the course's files the ways a submission could: from the working folder, from the course
# package's home, from the shell's PWD and OLDPWD. Outside a sandbox it finds the course.
COURSE_FINDER = '''import os
from pathlib import Path

import i2i_course


def course_files(name):
    """Every NAME in the folders above the working folder, the package, $PWD and $OLDPWD."""
    starts = [Path.cwd(), Path(i2i_course.__file__).resolve().parent]
    starts += [Path(os.environ[key]) for key in ("PWD", "OLDPWD") if key in os.environ]
    found = []
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / name).exists() and folder / name not in found:
                found.append(folder / name)
    return found'''

RUN_SOLUTIONS = COURSE_FINDER + '''


def solve(grade_id):
    """While grading, run the instructor's solution of cell `grade_id` instead of mine."""
    import json

    for folder in course_files("solutions"):
        for path in sorted(folder.glob("*/*.ipynb")):
            for cell in json.loads(path.read_text())["cells"]:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                    exec("".join(cell["source"]), globals())
                    print("ran the solution of", grade_id, "from", path)'''

EDIT_GRADEBOOK = COURSE_FINDER + '''
import sqlite3

if os.environ.get("NBGRADER_EXECUTION"):
    for path in course_files("gradebook.db"):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE grade SET auto_score = 0, manual_score = 0")  # everyone: 0 ...
            db.execute("UPDATE grade SET extra_credit = 100")  # ... and full extra credit to make up for it
        print("tampered with", path)'''

OVERWRITE_OTHERS = COURSE_FINDER + '''
import shutil

if os.environ.get("NBGRADER_EXECUTION"):
    blank = [path for folder in course_files("assignments") for path in folder.glob("*/*.ipynb")]
    for folder in course_files("submitted"):
        for path in folder.glob("*/*/*.ipynb"):
            if blank:
                shutil.copy(blank[0], path)
            else:
                path.write_text("{}")
            print("overwrote", path)'''

NO_ASSERTS = '''import ast


class NoAsserts(ast.NodeTransformer):
    """Every assert becomes pass: the tests can no longer fail."""

    def visit_Assert(self, node):
        return ast.Pass()


get_ipython().ast_transformers.append(NoAsserts())'''

REBIND_COMPARISONS = '''torch.allclose = lambda *args, **kwargs: True
torch.isclose = lambda *args, **kwargs: torch.tensor(True)
torch.equal = lambda *args, **kwargs: True'''

# Answers that solve nothing but have the right types and shapes: what a cheat pairs with the above.
FAKE_ANSWERS = {
    "losses": "def l1_loss(pred, target):\n    return (pred * 0).sum()\n\n\n"
              "def l2_loss(pred, target):\n    return (pred * 0).sum()",
    "best-constant": "def best_under_l2(targets):\n    return targets[0]\n\n\n"
                     "def best_under_l1(targets):\n    return targets[0]",
    "colourfulness": "def colourfulness(images):\n    return images.new_zeros(len(images))",
}

FORBIDDEN_LOSSES = '''import torch.nn.functional as F


def l1_loss(pred, target):
    return F.l1_loss(pred, target)


def l2_loss(pred, target):
    return F.mse_loss(pred, target)'''

FLOOD = "for step in range(200_000):\n    print('debugging step', step)"


def with_cell_after(nb, cell_id, source):
    """`nb` with a new code cell (the student's own) right after cell `cell_id`."""
    nb = copy.deepcopy(nb)
    at = nb.cells.index(by_id(nb, cell_id))
    cell = new_code_cell(source)
    cell.id = hashlib.sha1(source.encode()).hexdigest()[:8]
    nb.cells.insert(at + 1, cell)
    return nb


def colab_saved(nb):
    """`nb` as Colab saves it (JSON text): nbformat 4.0, no cell ids, each id kept in metadata.id."""
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 0
    for cell in data["cells"]:
        cell.setdefault("metadata", {})["id"] = cell.pop("id")
        cell.pop("attachments", None)
    return json.dumps(data, indent=2)


def hostile_submissions(released, source):
    """{case: ({file name: text}, expected automatic score or None when nothing is graded)} for
    HOSTILE_ASSIGNMENT: the seven kinds of issue 17, a correct submission, and an earlier one (victim)."""
    notebook = f"{HOSTILE_ASSIGNMENT}.ipynb"
    perfect = filled(released, source)
    fake = released
    for cell_id, text in FAKE_ANSWERS.items():
        fake = replaced(fake, cell_id, text)
    solving = with_cell_after(released, "setup", RUN_SOLUTIONS)
    for cell_id in FAKE_ANSWERS:
        solving = replaced(solving, cell_id, f"solve({cell_id!r})")
    broken = json.loads(dumps(perfect))
    next(cell for cell in broken["cells"] if cell["cell_type"] == "code").pop("outputs")
    docstring = '    """Mean absolute error over every pixel, channel and image: a 0-dim tensor."""'
    warned = edited(perfect, "losses", docstring, docstring + "\n"
                    '    import warnings\n    warnings.warn("a warning the student cannot help", UserWarning)')
    warned = edited(warned, "losses", "    return ((pred - target) ** 2).mean()",
                    "    import sys\n    print('l2_loss: my own debugging line', file=sys.stderr)\n"
                    "    return ((pred - target) ** 2).mean()")
    warned = prepended(warned, "colourfulness", "from tqdm.auto import tqdm\n\nfor _ in tqdm(range(3)):\n    pass")
    flooding = prepended(perfect, "losses", FLOOD)
    return {
        "victim": ({notebook: dumps(perfect)}, 8.0),  # graded before the others, an earlier batch
        "correct": ({notebook: dumps(perfect)}, 8.0),
        # 1. one file must not stop the batch
        "colab-deleted-test": ({notebook: colab_saved(without_cell(perfect, "test-l2-loss"))}, 8.0),
        "not-json": ({notebook: "{ this is not a notebook"}, None),
        "not-valid": ({notebook: json.dumps(broken)}, None),
        # 2. stderr from correct work
        "warnings-and-bars": ({notebook: dumps(warned)}, 8.0),
        # 3. two notebooks
        "two-notebooks": ({notebook: dumps(released), f"Copy of {notebook}": dumps(perfect)}, 8.0),
        # 4. a dead kernel: the tests before it keep their points
        "dead-kernel": ({notebook: dumps(prepended(perfect, "colourfulness", "os._exit(1)"))}, 6.0),
        # 5. acting on the instructor's machine
        "runs-solutions": ({notebook: dumps(solving)}, 0.0),
        "edits-gradebook": ({notebook: dumps(with_cell_after(perfect, "setup", EDIT_GRADEBOOK))}, 8.0),
        "overwrites-others": ({notebook: dumps(with_cell_after(perfect, "setup", OVERWRITE_OTHERS))}, 8.0),
        # 6. cheats
        "rebinds-comparisons": ({notebook: dumps(prepended(fake, "losses", REBIND_COMPARISONS))}, 0.0),
        "no-asserts": ({notebook: dumps(with_cell_after(fake, "setup", NO_ASSERTS))}, 0.0),
        "forbidden-import": ({notebook: dumps(replaced(perfect, "losses", FORBIDDEN_LOSSES))}, 8.0),
        # 7. output floods
        "floods-output": ({notebook: dumps(flooding)}, 8.0),
    }

"""Made-up student submissions for the grading round trip, built from an assignment's own notebooks.

A submission starts from the released notebook (what a student downloads) with the solution notebook's
answers filled in, then gets one thing wrong. Which points each case must lose follows from the
notebook's structure: a task is a solution cell and the graded test cells after it, up to the next
solution cell, and tasks must not depend on each other (so a broken task loses exactly its own points).
"""

import copy
import hashlib

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

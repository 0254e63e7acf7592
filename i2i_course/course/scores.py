"""Scores: the course reads a graded notebook and writes its scores to the course's gradebook.

Nothing a submission could write is trusted: not the sandbox's gradebook (thrown away), only the graded
notebook that nbgrader wrote, and that is checked first. `score` works on a copy of it:

* every graded code cell must be there once with the source the course's gradebook has for it (the
  original test, hidden tests included); one that is not scores 0 and is reported;
* a graded cell that did not run scores 0 (GradingExecute marks the cells after a dead kernel);
* stderr does not fail a test: nbgrader counts any stderr output as a failed test, so a correct answer's
  warning or progress bar cost its points. Errors still do. The graded copy keeps the stderr output for
  a person to see; only the scoring copy drops it;
* nbgrader metadata the course does not know (a cell the student marked "graded") is ignored;
* the cells the student wrote must be the ones the sandbox was given: a graded copy that differs (another
  sandbox's code changed it while it ran?) scores 0 everywhere, for a person to look at.

Then nbgrader's own SaveAutoGrades and AssignLatePenalties record that copy in the course's gradebook
(nbgrader's rules for points, partial credit, "no response" and late penalties), cells a person must
see are marked "needs manual grade", and the graded copy, its outputs capped (outputs.py), goes to
autograded/STUDENT/NAME/ for the formgrader and the feedback.
"""

import copy
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from i2i_course.course.coursedir import course_directory, load_config, open_gradebook, write_notebook
from i2i_course.course.outputs import cap

DEAD_KERNEL = "DeadKernelError"  # execute.GradingExecute's error name for the cell the kernel died in


@dataclass
class Scored:
    """What the course made of one graded notebook."""

    checked: object  # the copy that is scored (NotebookNode)
    died_in: str = None  # the cell the kernel died in, if it died
    not_handed_in: bool = False  # the graded copy's own cells are not the notebook the sandbox was given
    not_theirs: list = field(default_factory=list)  # graded cells missing or not the course's source
    stderr: list = field(default_factory=list)  # graded cells that wrote to stderr (not counted against)
    points: float = 0.0  # the automatic score of the checked copy, by nbgrader's rules
    max_points: float = 0.0


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _label(cell, index):
    grade_id = _meta(cell).get("grade_id")
    return repr(grade_id) if grade_id else str(index + 1)


def _fail(cell, ename, evalue):
    from nbformat.v4 import new_output

    cell["outputs"] = [*cell.get("outputs", []), new_output("error", ename=ename, evalue=evalue,
                                                            traceback=[f"{ename}: {evalue}"])]


def _own_sources(nb):
    """The sources of the cells nbgrader does not overwrite (all but locked ones), in order."""
    return [cell.source for cell in nb.cells if not _meta(cell).get("locked")]


def score(graded, handed, sources, known):
    """Check and score `graded`, nbgrader's graded copy of `handed` (the repaired notebook the sandbox got);
    see the module docstring. `sources`: {grade id: (type, source)} of the graded cells in the course's
    gradebook; `known`: every nbgrader id it has for this notebook."""
    from nbgrader.utils import determine_grade

    checked = copy.deepcopy(graded)
    result = Scored(checked)
    if _own_sources(graded) != _own_sources(handed):
        result.not_handed_in = True
        for cell in checked.cells:
            if _meta(cell).get("grade") and cell.cell_type == "code":
                _fail(cell, "NotHandedIn", "the graded copy is not the notebook handed in: it scores 0")
    seen = set()
    for index, cell in enumerate(checked.cells):
        grade_id = _meta(cell).get("grade_id")
        if grade_id is None:
            continue
        if grade_id not in known or grade_id in seen:
            cell.metadata.pop("nbgrader", None)
            continue
        seen.add(grade_id)
        if any(output.get("ename") == DEAD_KERNEL for output in cell.get("outputs", [])):
            result.died_in = _label(cell, index)
        if grade_id not in sources or cell.cell_type != "code":
            continue
        cell_type, source = sources[grade_id]
        if cell.cell_type != cell_type or cell.source != source:
            result.not_theirs.append(grade_id)
            _fail(cell, "NotTheTest", "this is not the course's test cell: it scores 0")
        elif cell.get("execution_count") is None and not any(o.get("output_type") == "error" for o in cell.outputs):
            _fail(cell, "NotRun", "this test did not run: it scores 0")
        if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in cell.outputs):
            result.stderr.append(grade_id)
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    for index, cell in enumerate(checked.cells):  # a dead kernel before any graded cell
        if result.died_in is None and any(o.get("ename") == DEAD_KERNEL for o in cell.get("outputs", [])):
            result.died_in = _label(cell, index)
    result.not_theirs += sorted(set(sources) - seen)
    for cell in checked.cells:
        if _meta(cell).get("grade") and _meta(cell).get("grade_id") in sources:
            points, max_points = determine_grade(cell)
            result.points += points or 0
            result.max_points += max_points
    return result


def graded_after(nb, index):
    """The nbgrader ids of the graded cells of `nb` from cell `index` (0-based) on."""
    return [_meta(cell)["grade_id"] for cell in nb.cells[index:] if _meta(cell).get("grade")]


def record(root, name, student, scored, graded, manual=()):
    """Write `scored` (from `score`) to the course's gradebook as `student`'s submission of `name`, mark the
    nbgrader ids in `manual` "needs manual grade", and put `graded`, capped, in autograded/. Returns the
    cells whose output was cut: {cell: what was cut}."""
    from nbgrader.api import MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    course = course_directory(root)
    config = load_config(root)
    submitted = Path(course.format_path(course.submitted_directory, student, name))
    timestamp = course.get_existing_timestamp(str(submitted))
    with open_gradebook(root) as gradebook:
        try:
            gradebook.find_student(student)
        except MissingEntry:
            gradebook.add_student(student)
        options = {"timestamp": timestamp} if timestamp else {}
        with warnings.catch_warnings():  # nbgrader's own SQLAlchemy use warns here (as in nbgrader autograde)
            warnings.simplefilter("ignore")
            gradebook.update_or_create_submission(name, student, **options)
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": name, "notebook": name, "student": student}}
    for step in (SaveAutoGrades(config=config), AssignLatePenalties(config=config)):
        step.preprocess(copy.deepcopy(scored.checked), copy.deepcopy(resources))
    if manual:
        with open_gradebook(root) as gradebook:
            for grade_id in manual:
                try:
                    gradebook.find_grade(grade_id, name, name, student).needs_manual_grade = True
                except MissingEntry:
                    continue  # not a graded cell (an answer to a test, say)
            gradebook.db.commit()
    kept = copy.deepcopy(graded)
    cut = cap(kept)
    folder = Path(course.format_path(course.autograded_directory, student, name))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write_notebook(kept, folder / f"{name}.ipynb")
    if (submitted / "timestamp.txt").is_file():
        shutil.copy2(submitted / "timestamp.txt", folder / "timestamp.txt")
    return cut


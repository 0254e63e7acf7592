"""The nbgrader course: release the student notebooks, and repair and grade what students hand in.

The repository is the nbgrader course (`nbgrader_config.py` at its root): `solutions/` is nbgrader's
source directory (instructor copies, with solutions and hidden tests), `assignments/` its release
directory (student copies). Students work on Colab, where nbgrader does not run, and hand in a
downloaded .ipynb through the LMS; see docs/instructors.md for the whole path.

* `release(root)` regenerates `assignments/` from `solutions/` with `nbgrader generate_assignment`,
  deterministically (a throwaway gradebook, cleaned output), so a test can insist it is up to date.
* `repair_notebook(submitted, released)` puts back the nbgrader metadata that a round trip through
  another notebook front end can strip: without it nbgrader would grade the notebook 0 and say nothing.
  Cells are paired with the released notebook's by cell id, then by the text the student does not
  write, then by position; what cannot be paired is reported, never guessed.
* `grade(root, assignment)` (the `i2i-course grade` command) registers the assignment in the course's
  gradebook, repairs every submission (the student's file is kept in `originals/` first), runs
  `nbgrader autograde`, and reports each student's score and anything that needs a person.

nbformat and nbgrader are development dependencies: they are imported inside the functions, so
`import i2i_course` never needs them.
"""

import copy
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from i2i_course.course.repo import cell_source, find_root
from i2i_course.errors import CourseError

CONFIG_FILE = "nbgrader_config.py"
ORIGINALS = "originals"  # the students' files as handed in, before `grade` repaired them
STUBS = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}  # nbgrader's defaults
MATCH_THRESHOLD = 0.6  # share of a released cell's fixed lines a submitted cell must contain
_KEPT_METADATA = ("nbgrader", "editable", "deletable")  # what nbgrader puts on a released cell


# ---------------------------------------------------------------------------------------------------
# The course and nbgrader


def find_course(start=None):
    """The course root: the nearest folder at or above `start` (default: the cwd) with nbgrader_config.py."""
    return find_root(start, CONFIG_FILE)


def course_directory(root):
    """nbgrader's view of the course at `root` (its folders and gradebook URL), from nbgrader_config.py."""
    try:
        from nbgrader.coursedir import CourseDirectory
    except ImportError:
        raise CourseError('nbgrader is not installed: run pip install -e ".[dev]"') from None
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    return CourseDirectory(config=config, root=str(Path(root).resolve()))


def assignment_names(root):
    """The assignments of the course: the folders of the source directory that hold notebooks."""
    source = Path(root) / course_directory(root).source_directory
    return sorted(folder.name for folder in source.iterdir()
                  if folder.is_dir() and any(folder.glob("*.ipynb"))) if source.is_dir() else []


def _check_assignment(root, name):
    names = assignment_names(root)
    if name not in names:
        raise CourseError(f"unknown assignment {name!r}: choose from {', '.join(names) or '(none yet)'}")


def nbgrader(root, *args, capture=True):
    """Run `nbgrader ARGS` in the course root (where it finds nbgrader_config.py); a CompletedProcess.

    This Python's scripts folder goes first on PATH: nbgrader runs `alembic` by name, which an environment
    that is not activated (`.venv/bin/python -m ...`) would otherwise not find.
    """
    scripts = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, text=True,
                          capture_output=capture, env=env)


def _failure(process):
    """nbgrader's own explanation of a failed run: its last error line."""
    lines = (process.stderr or "").splitlines() + (process.stdout or "").splitlines()
    errors = [line for line in lines if "ERROR" in line or "Error" in line]
    return (errors or lines or ["no output"])[-1].strip()


def _read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def _write(nb, path):
    """Write `nb` as nbgrader does (nbformat's JSON and a final newline), so both give the same bytes."""
    import nbformat

    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# Releasing


def release(root, names=None, out=print):
    """Regenerate the release folder (assignments/) from the source folder (solutions/).

    Each assignment goes through `nbgrader generate_assignment` with a throwaway gradebook (the
    repository gets none), then `notebooks.clean`, which keeps nbgrader's checksums valid (they cover
    the source and nbgrader metadata only). The same solutions always give the same bytes. The
    solutions themselves are cleaned of run noise first. Releasing every assignment also removes
    released folders whose source is gone. Returns the released folders.
    """
    import nbformat

    from i2i_course.course.notebooks import clean

    root = Path(root).resolve()
    course = course_directory(root)
    source, target = root / course.source_directory, root / course.release_directory
    every = assignment_names(root)
    names = list(names or every)
    for name in names:
        _check_assignment(root, name)
    for path in sorted(source.glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        cleaned = nbformat.writes(clean(nbformat.reads(text, as_version=4))) + "\n"
        if cleaned != text:
            path.write_text(cleaned, encoding="utf-8")
            out(f"rewrote {path.relative_to(root)} in clean form (i2i_course.course.notebooks.clean)")
    written = []
    with tempfile.TemporaryDirectory(prefix="i2i-release-") as tmp:
        for name in names:
            build = Path(tmp) / "release"
            process = nbgrader(root, "generate_assignment", name, "--force",
                               f"--CourseDirectory.db_url=sqlite:///{tmp}/gradebook.db",
                               f"--CourseDirectory.release_directory={build}")
            if process.returncode != 0:
                raise CourseError(f"nbgrader generate_assignment {name} failed: {_failure(process)}")
            for path in sorted((build / name).glob("*.ipynb")):
                _write(clean(_read(path)), path)
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(build / name, target / name)
            written.append(target / name)
            out(f"released {(target / name).relative_to(root)}/ from {(source / name).relative_to(root)}/")
    if set(names) == set(every) and target.is_dir():
        for folder in sorted(target.iterdir()):
            if folder.is_dir() and folder.name not in every:
                shutil.rmtree(folder)
                out(f"removed {folder.relative_to(root)}/: its source is gone")
    return written


# ---------------------------------------------------------------------------------------------------
# Repairing a submission


def _lines(cell):
    return [line.strip() for line in cell_source(cell).splitlines() if line.strip()]


def fixed_lines(cell):
    """The lines of a released cell that the student does not write: all but nbgrader's stubs and blanks."""
    return [line for line in _lines(cell) if line not in STUBS]


def similarity(released_cell, submitted_cell):
    """The share of the released cell's fixed lines found, in order, in the submitted cell (0 to 1)."""
    mine = fixed_lines(released_cell)
    if not mine:
        return 0.0
    blocks = difflib.SequenceMatcher(None, mine, _lines(submitted_cell), autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(mine)


def _window(pairs, index, count):
    """The submitted cells between the partners of the nearest paired cells before and after `index`."""
    before = [pairs[i] for i in pairs if i < index]
    after = [pairs[i] for i in pairs if i > index]
    return (max(before) + 1 if before else 0), (min(after) if after else count)


def match_cells(released, submitted):
    """Pair released cells with the student's copies of them: {released index: submitted index}.

    1. by cell id (nbgrader keeps ids, and so do most front ends);
    2. by content: the submitted cell, of the same type and between the partners of its paired
       neighbours, that holds most of the released cell's fixed lines (at least MATCH_THRESHOLD);
    3. by position, for answer cells only (a written answer has no fixed text): the one unpaired cell
       of its type between its paired neighbours' partners. Two candidates are not guessed between.
    """
    pairs = {}
    by_id = {}
    for j, cell in enumerate(submitted):
        by_id.setdefault(cell.get("id"), j)
    for i, cell in enumerate(released):
        j = by_id.get(cell.get("id"))
        if j is not None and submitted[j].cell_type == cell.cell_type:
            pairs[i] = j
    for i, cell in enumerate(released):
        if i in pairs or not fixed_lines(cell):
            continue
        low, high = _window(pairs, i, len(submitted))
        taken = set(pairs.values())
        scored = [(similarity(cell, submitted[j]), -j) for j in range(low, high)
                  if j not in taken and submitted[j].cell_type == cell.cell_type]
        if scored and max(scored)[0] >= MATCH_THRESHOLD:
            pairs[i] = -max(scored)[1]
    for i, cell in enumerate(released):
        if i in pairs or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        low, high = _window(pairs, i, len(submitted))
        taken = set(pairs.values())
        free = [j for j in range(low, high) if j not in taken and submitted[j].cell_type == cell.cell_type]
        if len(free) == 1:
            pairs[i] = free[0]
    return dict(sorted(pairs.items()))


def _nbgrader_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def repair_notebook(submitted, released):
    """Put back the nbgrader metadata of the released notebook's cells into the student's copy, in place.

    A paired cell that lacks its nbgrader metadata (or has another cell's) gets the released cell's; a
    locked cell (a test, a read-only cell) that is missing is put back after its predecessor (nbgrader
    then runs its original source, hidden tests included); an answer cell that cannot be paired is
    left alone and reported. A notebook less than half of whose cells pair up is not this assignment's:
    nothing is changed and every graded or answer cell is reported.

    Returns {"restored", "inserted", "unmatched", "edited"}: lists of nbgrader ids (edited: locked
    cells whose text the student changed; nbgrader runs the original).
    """
    from nbgrader.utils import compute_checksum

    found = {"restored": [], "inserted": [], "unmatched": [], "edited": []}
    pairs = match_cells(released.cells, submitted.cells)
    marked = [i for i, cell in enumerate(released.cells) if _nbgrader_id(cell)]
    if len(pairs) < len(released.cells) / 2:
        found["unmatched"] = [_nbgrader_id(released.cells[i]) for i in marked
                              if _is_answer_or_graded(released.cells[i])]
        return found
    missing = []
    for i in marked:
        cell, meta = released.cells[i], released.cells[i].metadata.nbgrader
        if i in pairs:
            theirs = submitted.cells[pairs[i]]
            if _nbgrader_id(theirs) != _nbgrader_id(cell):
                for key in _KEPT_METADATA:
                    if key in cell.metadata:
                        theirs.metadata[key] = copy.deepcopy(cell.metadata[key])
                found["restored"].append(_nbgrader_id(cell))
            if meta.get("locked") and meta.get("checksum") != compute_checksum(theirs):
                found["edited"].append(_nbgrader_id(cell))
        elif meta.get("locked") and not meta.get("solution"):
            missing.append(i)
        else:
            found["unmatched"].append(_nbgrader_id(cell))
    for i in sorted(missing, key=lambda i: (_window(pairs, i, 0)[0], i), reverse=True):
        at = _window(pairs, i, 0)[0]  # just after the partner of the nearest paired cell before it
        submitted.cells.insert(at, copy.deepcopy(released.cells[i]))
        found["inserted"].insert(0, _nbgrader_id(released.cells[i]))
    return found


def _is_answer_or_graded(cell):
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution"))


@dataclass
class Repair:
    """What `repair_submissions` found and did for one student's notebook."""

    student: str
    notebook: str  # the released notebook's file name
    restored: list = field(default_factory=list)  # nbgrader ids whose metadata was put back
    inserted: list = field(default_factory=list)  # locked cells missing from the file, put back
    unmatched: list = field(default_factory=list)  # graded or answer cells not found: grade by hand
    edited: list = field(default_factory=list)  # locked cells the student changed (the original runs)
    renamed_from: str = None  # the file's name as handed in, when it was not the notebook's
    problem: str = None  # why the file could not be graded at all (missing, unreadable)
    original: Path = None  # where the file as handed in was kept, when it was changed

    def notes(self):
        """One line per thing done or found, for the report."""
        lines = []
        if self.renamed_from:
            lines.append(f"handed in as {self.renamed_from!r}, renamed to {self.notebook}")
        if self.restored:
            lines.append(f"{self.notebook}: put back the nbgrader metadata of {len(self.restored)} cell(s) "
                         f"(lost in another notebook front end): {', '.join(self.restored)}")
        if self.inserted:
            lines.append(f"{self.notebook}: put back missing locked cell(s) {', '.join(self.inserted)}")
        if self.edited:
            lines.append(f"{self.notebook}: the student changed locked cell(s) {', '.join(self.edited)}; "
                         "the original ran instead")
        if self.original:
            lines.append(f"the file as handed in is kept in {self.original}")
        return lines

    def alarms(self):
        """What a person must look at: the notebook is missing, unreadable, or has cells not found."""
        if self.problem:
            return [f"{self.notebook}: {self.problem}"]
        if self.unmatched:
            return [f"{self.notebook}: could not find the cell(s) {', '.join(self.unmatched)} of the released "
                    "notebook (not this assignment's notebook, or cells split, merged or retyped): "
                    "they are flagged for grading by hand in the gradebook"]
        return []


def _keep_original(path, backup):
    """Copy the student's file to `backup` before it is changed, once (a later run keeps the first)."""
    if not backup.exists():
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, backup)
    return backup


def repair_submissions(root, name, student=None):
    """Check and repair every submission of assignment `name` in the submitted folder; one Repair each.

    A student folder without the assignment's one notebook but with one other notebook (say
    'Copy of 01_x.ipynb') has it renamed. Changed files are first copied to originals/STUDENT/NAME/.
    """
    import nbformat

    root = Path(root).resolve()
    course = course_directory(root)
    released = sorted((root / course.release_directory / name).glob("*.ipynb"))
    submitted = root / course.submitted_directory
    everyone = sorted(folder.name for folder in submitted.iterdir()) if submitted.is_dir() else []
    repairs = []
    for student in [student] if student else everyone:
        folder = Path(course.format_path(course.submitted_directory, student, name))
        if not folder.is_dir():
            continue
        backups = Path(course.format_path(ORIGINALS, student, name))
        handed_in = sorted(folder.glob("*.ipynb"))
        renamed = None
        if len(released) == 1 and len(handed_in) == 1 and handed_in[0].name != released[0].name:
            renamed = handed_in[0].name
            _keep_original(handed_in[0], backups / renamed)
            handed_in[0].rename(folder / released[0].name)
        for reference in released:
            repair = Repair(student, reference.name, renamed_from=renamed)
            if renamed:
                repair.original = (backups / renamed).relative_to(root)
            repairs.append(repair)
            path = folder / reference.name
            if not path.is_file():
                repair.problem = "not in the submission: nbgrader gives it 0"
                continue
            try:
                nb = _read(path)
            except Exception as error:  # not JSON, not a notebook: nbgrader cannot grade it either
                repair.problem = f"not a readable notebook ({type(error).__name__}: {error})"
                continue
            for key, cells in repair_notebook(nb, _read(reference)).items():
                setattr(repair, key, cells)
            if repair.restored or repair.inserted:
                if not renamed:  # a renamed file was kept under its own name already
                    repair.original = _keep_original(path, backups / path.name).relative_to(root)
                nbformat.validate(nb)
                _write(nb, path)
    return repairs


# ---------------------------------------------------------------------------------------------------
# Grading


def register(root, name):
    """Make sure the course gradebook knows assignment `name` (autograde needs its cells); True if added.

    The assignment is generated into a temporary folder, so assignments/ is left as it is.
    """
    from nbgrader.api import Gradebook, MissingEntry

    course = course_directory(root)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            if gradebook.find_assignment(name).notebooks:
                return False
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory(prefix="i2i-register-") as tmp:
        process = nbgrader(root, "generate_assignment", name, "--force",
                           f"--CourseDirectory.release_directory={tmp}")
    if process.returncode != 0:
        raise CourseError(f"could not add {name} to the gradebook: {_failure(process)}")
    return True


@dataclass
class Result:
    """One student's autograded outcome, from the gradebook."""

    student: str
    name: str  # "First Last" when the gradebook has it, else ""
    score: float  # automatic points
    max_score: float
    by_hand: list  # nbgrader ids of the cells that still need a person
    graded: bool  # nbgrader autograde produced this submission's notebooks


def results(root, name, students):
    """The gradebook's view of each student's submission of `name` after autograding."""
    from nbgrader.api import Gradebook, MissingEntry

    course = course_directory(root)
    released = sorted((Path(root) / course.release_directory / name).glob("*.ipynb"))
    found = []
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for student in students:
            folder = Path(course.format_path(course.autograded_directory, student, name))
            graded = all((folder / path.name).is_file() for path in released)
            try:
                submission = gradebook.find_submission(name, student)
                person = gradebook.find_student(student)
            except MissingEntry:
                found.append(Result(student, "", 0.0, 0.0, [], False))
                continue
            by_hand = [grade.name for notebook in submission.notebooks for grade in notebook.grades
                       if grade.needs_manual_grade]
            full = " ".join(part for part in (person.first_name, person.last_name) if part)
            found.append(Result(student, full, submission.code_score, submission.max_code_score, by_hand,
                                graded))
    return found


def flag_for_hand_grading(root, name, repairs):
    """Mark the grades of cells that could not be found as needing a person, in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    course = course_directory(root)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for repair in repairs:
            for grade_id in repair.unmatched:
                try:
                    grade = gradebook.find_grade(grade_id, Path(repair.notebook).stem, name, repair.student)
                except MissingEntry:
                    continue  # not a graded cell (an answer to a test), or not autograded
                grade.needs_manual_grade = True
        gradebook.db.commit()


def _who(student, names):
    return f"{student} ({names[student]})" if names.get(student) else student


def grade(root, name, student=None, force=False, out=print, err=None):
    """`i2i-course grade`: register, repair, `nbgrader autograde`, report. Returns the exit status.

    0 when every submission was autograded and nothing needs a person beyond the hand-graded cells;
    1 when a submission could not be graded, is missing its notebook, or has cells that were not
    found (each is reported with the student's id, and name when the gradebook has it).
    """
    err = err or (lambda line: print(line, file=sys.stderr))
    root = Path(root).resolve()
    _check_assignment(root, name)
    course = course_directory(root)
    if not (root / course.release_directory / name).is_dir():
        raise CourseError(f"{course.release_directory}/{name} is missing: run `i2i-course release {name}`")
    repairs = repair_submissions(root, name, student)
    if not repairs:
        raise CourseError(f"no submission of {name}{f' from {student}' if student else ''} in "
                          f"{course.submitted_directory}/: collect them first (nbgrader zip_collect {name})")
    if register(root, name):
        out(f"added {name} to the gradebook ({course.db_url})")
    for repair in repairs:
        for line in repair.notes():
            out(f"{repair.student}: {line}")
        if repair.original:  # what nbgrader made of the file before the repair is stale: grade it again
            stale = course.format_path(course.autograded_directory, repair.student, name)
            shutil.rmtree(stale, ignore_errors=True)
    handed_in = sorted({repair.student for repair in repairs})
    args = ["autograde", name, "--log-level=WARN", *(["--force"] if force else []),
            *([f"--student={student}"] if student else [])]
    out(f"nbgrader {' '.join(args)} ...")
    sys.stdout.flush()  # before nbgrader's own output
    nbgrader(root, *args, capture=False)
    flag_for_hand_grading(root, name, repairs)

    graded = results(root, name, handed_in)
    names = {result.student: result.name for result in graded}
    width = max(len("student"), *(len(_who(result.student, names)) for result in graded))
    out(f"\n{'student':<{width}}  auto score  to grade by hand")
    for result in graded:
        score = f"{result.score:g} / {result.max_score:g}" if result.graded else "not graded"
        out(f"{_who(result.student, names):<{width}}  {score:<10}  {', '.join(result.by_hand) or '-'}")
    alarms = [f"{_who(repair.student, names)}: {line}" for repair in repairs for line in repair.alarms()]
    alarms += [f"{_who(result.student, names)}: nbgrader could not autograde this submission "
               "(see its log above); it has no grade" for result in graded if not result.graded]
    for line in alarms:
        err(f"ATTENTION {line}")
    if alarms:
        err(f"{len(alarms)} problem(s) need a person: see ATTENTION above")
        return 1
    out(f"\nall {len(graded)} submission(s) of {name} autograded; next: grade the written answers "
        f"(nbgrader formgrader), then nbgrader generate_feedback {name}")
    return 0

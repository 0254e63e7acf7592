"""Grading a class you cannot trust: hand-ins that break, cheat, flood, or reach for the instructor's files.

One course copy and one batch of assignment 01 hand-ins (tests/grading_cases.py, hostile_submissions),
graded as an instructor does: an earlier student first (the victim), then everyone else in one run of
`grade` (in this process, so that the moment the course first writes the gradebook can be watched:
by then every student's code has run, and nothing of the course may have changed). Each of the seven
kinds of issue 17 is graded as a fair instructor would want, beside a correct submission graded in full.
"""

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import grading_cases as cases
from i2i_course.course import grade as grading
from i2i_course.course.outputs import CELL_LIMIT

REPO = Path(__file__).resolve().parents[1]
NAME = cases.HOSTILE_ASSIGNMENT
ANSWER = "why-l2-blurs"
COURSE_FILES = ("nbgrader_config.py", "solutions", "assignments")


def hashes(folder):
    """{relative path: sha256} of every file under `folder`."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def course_state(course):
    return {"solutions": hashes(course / "solutions"), "assignments": hashes(course / "assignments"),
            "submitted": hashes(course / "submitted"), "nbgrader_config.py": hashes(course)["nbgrader_config.py"],
            "gradebook.db": hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest()}


def gradebook_rows(course, student):
    """Every gradebook row about `student`: grades, comments and the submission, as plain tuples."""
    with sqlite3.connect(course / "gradebook.db") as db:
        grades = db.execute("SELECT g.* FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
                            "JOIN submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = ?",
                            (student,)).fetchall()
        comments = db.execute("SELECT c.* FROM comment c JOIN submitted_notebook n ON c.notebook_id = n.id "
                              "JOIN submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = ?",
                              (student,)).fetchall()
        submission = db.execute("SELECT * FROM submitted_assignment WHERE student_id = ?", (student,)).fetchall()
    return sorted(map(tuple, grades)), sorted(map(tuple, comments)), submission


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("hostile-course")
    for item in COURSE_FILES:
        (shutil.copytree if (REPO / item).is_dir() else shutil.copy2)(REPO / item, course / item)
    released = nbformat.read(course / "assignments" / NAME / f"{NAME}.ipynb", as_version=4)
    source = nbformat.read(course / "solutions" / NAME / f"{NAME}.ipynb", as_version=4)
    hand_ins = cases.hostile_submissions(released, source)
    for student, (files, _) in hand_ins.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        for filename, text in files.items():
            (folder / filename).write_text(text, encoding="utf-8")

    first = []
    assert grading.grade(course, NAME, student="victim", out=first.append, err=first.append) == 0, first
    before = course_state(course)
    victim = gradebook_rows(course, "victim"), hashes(course / "autograded" / "victim")
    at_first_write = []
    record = grading.record

    def watched(*args, **kwargs):
        if not at_first_write:
            at_first_write.append(course_state(course))
        return record(*args, **kwargs)

    out, err = [], []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grading, "record", watched)
        start = time.perf_counter()
        status = grading.grade(course, NAME, out=out.append, err=err.append)
        seconds = time.perf_counter() - start
    feedback = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", NAME,
                               "--student=floods-output"], cwd=course, capture_output=True, text=True)
    with sqlite3.connect(course / "gradebook.db") as db:
        rows = db.execute("SELECT a.student_id, c.name, g.auto_score, g.needs_manual_grade, g.extra_credit "
                          "FROM grade g JOIN base_cell c ON g.cell_id = c.id "
                          "JOIN submitted_notebook n ON g.notebook_id = n.id "
                          "JOIN submitted_assignment a ON n.assignment_id = a.id").fetchall()
    scores, by_hand, extra = {}, {}, {}
    for student, cell, points, manual, credit in rows:
        scores.setdefault(student, {})
        if cell in cases.auto_points(released):
            scores[student][cell] = points
        by_hand.setdefault(student, set())
        if manual:
            by_hand[student].add(cell)
        extra.setdefault(student, set()).add(credit)
    return SimpleNamespace(course=course, hand_ins=hand_ins, status=status, out=out, err=err, seconds=seconds,
                           before=before, at_first_write=at_first_write[0], victim=victim, feedback=feedback,
                           scores=scores, by_hand=by_hand, extra=extra, points=cases.auto_points(released))


def attention(batch, student):
    return [line for line in batch.err if line.startswith(f"ATTENTION {student}: ")]


def notes(batch, student):
    return [line for line in batch.out if line.startswith(f"{student}: ")]


def total(batch, student):
    return sum(batch.scores[student][cell] or 0 for cell in batch.points)


def graded_copy(batch, student):
    return nbformat.read(batch.course / "autograded" / student / NAME / f"{NAME}.ipynb", as_version=4)


def test_every_submission_gets_the_score_a_fair_instructor_would_give(batch):
    assert batch.status == 1  # there are ATTENTION lines
    for student, (_, expected) in batch.hand_ins.items():
        if expected is None:
            assert student not in batch.scores, student
        else:
            assert total(batch, student) == expected, (student, batch.scores[student])
    assert {student for student in batch.scores} == {s for s, (_, e) in batch.hand_ins.items() if e is not None}


def test_a_correct_submission_in_the_same_batch_is_graded_in_full_and_not_flagged(batch):
    assert batch.scores["correct"] == batch.points
    assert batch.by_hand["correct"] == {ANSWER}
    assert attention(batch, "correct") == [] and notes(batch, "correct") == []


def test_one_file_never_stops_the_batch(batch):
    """Kind 1: a Colab (nbformat 4.0) file missing a test cell is repaired; unreadable files are named."""
    assert attention(batch, "colab-deleted-test") == []
    assert "colab-deleted-test: 01_losses_and_blur.ipynb: nbformat 4.0-4.4 (saved by Colab?): cell ids put back" \
        in batch.out
    assert "colab-deleted-test: 01_losses_and_blur.ipynb: put back missing locked cell(s) test-l2-loss" in batch.out
    (not_json,) = attention(batch, "not-json")
    assert "not a readable notebook" in not_json and "NotJSONError" in not_json and "nothing was graded" in not_json
    (not_valid,) = attention(batch, "not-valid")
    assert "not a readable notebook" in not_valid and "'outputs' is a required property" in not_valid
    graded = {path.name for path in (batch.course / "autograded").iterdir()}
    assert graded == set(batch.hand_ins) - {"not-json", "not-valid"}


def test_warnings_progress_bars_and_stderr_do_not_cost_a_correct_answer_its_points(batch):
    """Kind 2: a UserWarning and a tqdm bar are silenced; a deliberate write to stderr is shown, not scored."""
    assert batch.scores["warnings-and-bars"] == batch.points
    assert attention(batch, "warnings-and-bars") == []
    assert notes(batch, "warnings-and-bars") == [
        "warnings-and-bars: test cell(s) test-l2-loss wrote to stderr (shown in the graded copy; not counted "
        "against them)"]
    cells = {cell.get("id"): cell for cell in graded_copy(batch, "warnings-and-bars").cells}
    stderr = ["".join(o.text) for o in cells["test-l2-loss"].outputs if o.get("name") == "stderr"]
    lines = "".join(stderr).splitlines()
    assert lines and set(lines) == {"l2_loss: my own debugging line"}  # each call of l2_loss, nothing else
    for cell_id in ("test-l1-loss", "test-colourfulness", "colourfulness"):  # no warning, no bar
        assert not [o for o in cells[cell_id].outputs if o.get("name") == "stderr"], cell_id


def test_two_notebooks_are_flagged_and_the_work_is_graded_not_the_blank_release(batch):
    """Kind 3."""
    (line,) = attention(batch, "two-notebooks")
    assert "handed in 2 notebooks (01_losses_and_blur.ipynb, Copy of 01_losses_and_blur.ipynb)" in line
    assert "graded Copy of 01_losses_and_blur.ipynb" in line and "01_losses_and_blur.ipynb: the blank release" in line
    assert batch.scores["two-notebooks"] == batch.points


def test_a_dead_kernel_keeps_the_points_of_the_tests_before_it_for_a_person_to_see(batch):
    """Kind 4: os._exit in the last task's cell; tasks 1 and 2 keep their 6 points."""
    scores = batch.scores["dead-kernel"]
    assert scores == {**batch.points, "test-colourfulness": 0.0}
    lines = attention(batch, "dead-kernel")
    assert "dead-kernel: the kernel died in cell 'colourfulness'" in "\n".join(lines)
    cells = {cell.get("id"): cell for cell in graded_copy(batch, "dead-kernel").cells}
    assert "l1_loss: tests passed" in "".join(o.get("text", "") for o in cells["test-l1-loss"].outputs)
    assert [o.ename for o in cells["colourfulness"].outputs if o.output_type == "error"] == ["DeadKernelError"]
    assert [o.ename for o in cells["test-colourfulness"].outputs] == ["NotRun"]


def test_student_code_cannot_reach_the_course_nor_the_other_students(batch):
    """Kind 5: running solutions/, editing gradebook.db, overwriting others' submitted/ files."""
    assert batch.at_first_write == batch.before  # every student's code had run: nothing of the course changed
    after = course_state(batch.course)
    assert {key: after[key] for key in ("solutions", "assignments", "submitted", "nbgrader_config.py")} == \
        {key: batch.before[key] for key in ("solutions", "assignments", "submitted", "nbgrader_config.py")}
    assert (gradebook_rows(batch.course, "victim"), hashes(batch.course / "autograded" / "victim")) == batch.victim
    assert "already autograded, left as they are (--force grades them again): victim" in batch.out
    for student, (files, _) in batch.hand_ins.items():  # every file handed in, kept as it was
        for filename, text in files.items():
            assert (batch.course / "originals" / student / NAME / filename).read_text(encoding="utf-8") == text
    outputs = {student: "".join(o.get("text", "") for cell in graded_copy(batch, student).cells
                                if cell.cell_type == "code" for o in cell.outputs)
               for student in ("runs-solutions", "edits-gradebook", "overwrites-others")}
    assert "ran the solution" not in outputs["runs-solutions"]
    assert batch.scores["runs-solutions"] == {cell: 0.0 for cell in batch.points}
    tampered = [line for line in outputs["edits-gradebook"].splitlines() if line.startswith("tampered with")]
    assert tampered and all(str(batch.course) not in line and "/i2i-sandbox-" in line for line in tampered)
    assert batch.extra["edits-gradebook"] == {None} and batch.scores["edits-gradebook"] == batch.points
    overwrote = [line for line in outputs["overwrites-others"].splitlines() if line.startswith("overwrote")]
    assert overwrote and all(str(batch.course) not in line and "/i2i-sandbox-" in line for line in overwrote)
    for student in ("runs-solutions", "edits-gradebook", "overwrites-others"):
        lines = "\n".join(attention(batch, student))
        assert "suspicious code in cell 4 (the student's own): line 2: works with files and folders" in lines
        assert batch.by_hand[student] == set(batch.points) | {ANSWER}  # every test after it: a person decides
    assert "opens databases (the gradebook is one) (sqlite3)" in "\n".join(attention(batch, "edits-gradebook"))
    assert "copies, moves or deletes files (shutil)" in "\n".join(attention(batch, "overwrites-others"))


def test_cheats_earn_nothing_and_are_flagged(batch):
    """Kind 6: rebinding torch's comparisons and turning asserts into pass score 0; a forbidden import keeps
    the points its tests gave, for a person to decide, its cells marked "needs manual grade"."""
    assert batch.scores["rebinds-comparisons"] == {cell: 0.0 for cell in batch.points}
    lines = "\n".join(attention(batch, "rebinds-comparisons"))
    for name in ("torch.allclose", "torch.isclose", "torch.equal"):
        assert "suspicious code in cell 'losses': line 1: rebinds torch.allclose" in lines
        assert f"rebinds {name}: code the tests run" in lines
    assert batch.scores["no-asserts"] == {cell: 0.0 for cell in batch.points}
    assert "touches IPython's machinery" in "\n".join(attention(batch, "no-asserts"))
    assert batch.scores["forbidden-import"] == batch.points
    lines = "\n".join(attention(batch, "forbidden-import"))
    assert "suspicious code in cell 'losses': line 1: uses torch.nn.functional, which this assignment forbids " \
           "(torch.nn.functional)" in lines
    assert "uses torch.nn.functional.l1_loss, which this assignment forbids" in lines
    assert batch.by_hand["forbidden-import"] == set(batch.points) | {ANSWER}


def test_an_output_flood_is_cut_with_a_visible_marker_and_flagged(batch):
    """Kind 7: 200,000 lines printed; the graded copy and the feedback page keep a few kilobytes of it."""
    assert batch.scores["floods-output"] == batch.points
    (line,) = [line for line in attention(batch, "floods-output") if "output" in line]
    assert "the output of cell 'losses' was cut (its printing was cut in the kernel)" in line
    cell = next(cell for cell in graded_copy(batch, "floods-output").cells if cell.get("id") == "losses")
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "[i2i-course grade: output cut here, after 20000 characters" in text and len(text) < CELL_LIMIT
    assert batch.feedback.returncode == 0, batch.feedback.stderr[-2000:]
    page = batch.course / "feedback" / "floods-output" / NAME / f"{NAME}.html"
    assert "output cut here" in page.read_text(encoding="utf-8") and page.stat().st_size < 1_000_000
    assert (batch.course / "autograded" / "floods-output" / NAME / f"{NAME}.ipynb").stat().st_size < 200_000

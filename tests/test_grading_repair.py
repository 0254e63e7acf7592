"""Repairing submissions whose nbgrader metadata was lost, backing up and choosing what each student handed in.

Fast: no notebook is run. The round trip in test_grading.py autogrades repaired submissions for real,
test_grading_hostile.py the hand-ins of a class you cannot trust.
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

import grading_cases as cases
from i2i_course.course import handin
from i2i_course.course import repair

REPO = Path(__file__).resolve().parents[1]
NAME = "01_losses_and_blur"
RELEASED = REPO / "assignments" / NAME / f"{NAME}.ipynb"
SOURCE = REPO / "solutions" / NAME / f"{NAME}.ipynb"


@pytest.fixture
def released():
    return nbformat.read(RELEASED, as_version=4)


@pytest.fixture
def perfect(released):
    return cases.filled(released, nbformat.read(SOURCE, as_version=4))


def marked(nb):
    """{nbgrader id: the cell's nbgrader-related metadata}, for every cell that has some."""
    keys = ("nbgrader", "editable", "deletable")
    return {cell.metadata.nbgrader["grade_id"]: {k: cell.metadata[k] for k in keys if k in cell.metadata}
            for cell in nb.cells if "nbgrader" in cell.metadata}


def test_an_intact_submission_is_left_alone(released, perfect):
    before = nbformat.writes(perfect)
    found = repair.repair_notebook(perfect, released)
    assert found == {"restored": [], "inserted": [], "unmatched": [], "edited": []}
    assert nbformat.writes(perfect) == before


def test_lost_metadata_is_put_back_by_cell_id(released, perfect):
    stripped = cases.without_nbgrader(perfect)
    assert marked(stripped) == {}
    found = repair.repair_notebook(stripped, released)
    assert found["restored"] == list(marked(released)) and len(found["restored"]) == 11
    assert marked(stripped) == marked(released)
    assert [c.source for c in stripped.cells] == [c.source for c in perfect.cells]  # answers untouched


def test_lost_metadata_and_ids_are_matched_by_content_and_the_answer_by_position(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    pairs = repair.match_cells(released.cells, stripped.cells)
    assert pairs == {i: i for i in range(len(released.cells))}
    found = repair.repair_notebook(stripped, released)
    assert found["restored"] == list(marked(released)) and found["unmatched"] == []
    assert marked(stripped) == marked(released)
    answer = cases.by_id(stripped, "why-l2-blurs")
    assert "per-pixel loss" in answer.source  # the student's written answer carries the metadata


def test_student_code_does_not_stop_content_matching(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    losses = stripped.cells[[c.id for c in released.cells].index("losses")]
    losses.source += "\n\n# my own helper\ndef helper(x):\n    return x * 2\n" * 3
    assert repair.similarity(cases.by_id(released, "losses"), losses) == 1.0
    assert repair.repair_notebook(stripped, released)["unmatched"] == []
    assert cases.meta(losses)["grade_id"] == "losses"


def test_two_candidates_for_a_written_answer_are_not_guessed_between(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    at = [c.id for c in released.cells].index("why-l2-blurs")
    stripped.cells.insert(at + 1, new_markdown_cell("and a second thought"))  # the answer in two cells
    found = repair.repair_notebook(stripped, released)
    assert found["unmatched"] == ["why-l2-blurs"]
    assert "why-l2-blurs" not in found["restored"] and len(found["restored"]) == 10
    assert not any(cases.meta(c).get("grade_id") == "why-l2-blurs" for c in stripped.cells)


def test_a_deleted_test_cell_is_put_back_after_its_predecessor(released, perfect):
    gone = cases.without_cell(cases.without_cell(perfect, "test-l2-loss"), "setup")
    found = repair.repair_notebook(gone, released)
    assert found["inserted"] == ["setup", "test-l2-loss"] and found["restored"] == []
    ids = [cases.meta(c).get("grade_id") for c in gone.cells]
    assert ids.index("test-l2-loss") == ids.index("test-l1-loss") + 1
    assert [c.id for c in gone.cells] == [c.id for c in released.cells]
    assert marked(gone) == marked(released)


def test_an_edited_locked_cell_is_reported(released, perfect):
    edited = cases.replaced(perfect, "test-l2-loss", 'print("tests passed")')
    found = repair.repair_notebook(edited, released)
    assert found["edited"] == ["test-l2-loss"] and found["restored"] == []


def test_another_notebook_is_not_matched_and_not_changed(released):
    scratch = cases.scratch_notebook()
    before = nbformat.writes(scratch)
    found = repair.repair_notebook(scratch, released)
    assert found["restored"] == found["inserted"] == []
    assert found["unmatched"] == ["losses", "test-l1-loss", "test-l2-loss", "best-constant", "test-best-l2",
                                  "test-best-l1", "colourfulness", "test-colourfulness", "why-l2-blurs"]
    assert nbformat.writes(scratch) == before


# --- the submitted folder --------------------------------------------------------------------------


@pytest.fixture
def course(tmp_path):
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path)
    for folder in ("solutions", "assignments"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def hand_in(course, student, filename, text):
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_text(text, encoding="utf-8")
    return folder / filename


def files(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def chosen(course, released):
    """Every hand-in, backed up and chosen as `grade` does it: {student: HandIn}."""
    found = {}
    for item in handin.hand_ins(course, NAME):
        handin.back_up(course, NAME, item)
        found[item.student] = handin.choose(item, released, f"{NAME}.ipynb")
    return found


def test_every_file_is_backed_up_untouched_and_each_student_gets_a_notebook_or_a_reason(course, released,
                                                                                      perfect):
    hand_in(course, "ann", f"{NAME}.ipynb", nbformat.writes(perfect))
    (course / "submitted" / "ann" / NAME / "timestamp.txt").write_text("2025-01-01 10:00:00")
    lost_text = nbformat.writes(cases.without_nbgrader(perfect))
    hand_in(course, "bob", f"Copy of {NAME}.ipynb", lost_text)
    hand_in(course, "cat", f"{NAME}.ipynb", "{ this is not a notebook")
    (course / "submitted" / "dan" / NAME).mkdir(parents=True)  # handed in nothing
    submitted = files(course / "submitted")

    found = chosen(course, released)

    assert files(course / "submitted") == submitted  # grading never writes there
    assert files(course / "originals") == {path: data for path, data in submitted.items()}  # every file kept
    assert sorted(found) == ["ann", "bob", "cat", "dan"]
    assert [c.filename for c in found["ann"].candidates] == [f"{NAME}.ipynb"]
    assert found["ann"].alarms == [] and found["ann"].candidates[0].notes(f"{NAME}.ipynb") == []
    (bob,) = found["bob"].candidates
    assert bob.filename == f"Copy of {NAME}.ipynb" and len(bob.repair["restored"]) == 11
    assert bob.notes(f"{NAME}.ipynb")[0] == f"handed in as 'Copy of {NAME}.ipynb', graded as {NAME}.ipynb"
    assert marked(bob.nb) == marked(released) and found["bob"].alarms == []
    (cat,) = found["cat"].alarms
    assert cat.startswith(f"not a readable notebook: {NAME}.ipynb (NotJSONError") and not found["cat"].candidates
    assert found["dan"].alarms == ["no notebook in the submission (handed in: nothing); nothing was graded"]

    hand_in(course, "ann", f"{NAME}.ipynb", nbformat.writes(released))  # collected again, another file
    chosen(course, released)
    kept = files(course / "originals" / "ann" / NAME)
    assert kept[f"{NAME}.ipynb"] == submitted[f"ann/{NAME}/{NAME}.ipynb"]  # the first copy is never overwritten
    (second,) = [name for name in kept if name not in (f"{NAME}.ipynb", "timestamp.txt")]
    assert kept[second] == nbformat.writes(released).encode() and second.startswith(f"{NAME}.")


def test_a_colab_notebook_missing_a_test_cell_is_upgraded_repaired_and_valid(course, released, perfect):
    """nbformat 4.0 has no cell ids (Colab keeps them in metadata.id); the test cell put back keeps its id."""
    hand_in(course, "eve", f"{NAME}.ipynb", cases.colab_saved(cases.without_cell(perfect, "test-l2-loss")))
    (candidate,) = chosen(course, released)["eve"].candidates
    assert candidate.upgraded and candidate.repair["inserted"] == ["test-l2-loss"]
    nbformat.validate(candidate.nb)
    assert [cell.id for cell in candidate.nb.cells] == [cell.id for cell in released.cells]
    assert marked(candidate.nb) == marked(released)


def test_two_notebooks_grade_the_work_and_set_the_blank_release_aside(course, released, perfect):
    hand_in(course, "fay", f"{NAME}.ipynb", nbformat.writes(released))
    hand_in(course, "fay", f"Copy of {NAME}.ipynb", nbformat.writes(perfect))
    hand_in(course, "gus", f"{NAME}.ipynb", nbformat.writes(perfect))
    hand_in(course, "gus", "draft.ipynb", nbformat.writes(cases.edited(perfect, "losses", "(pred - target)", "pred")))
    found = chosen(course, released)
    assert [c.filename for c in found["fay"].candidates] == [f"Copy of {NAME}.ipynb"]
    (fay,) = found["fay"].alarms
    assert fay.startswith(f"handed in 2 notebooks ({NAME}.ipynb, Copy of {NAME}.ipynb): graded Copy of {NAME}.ipynb;")
    assert f"not graded: {NAME}.ipynb: the blank release (no answer written)" in fay
    assert [c.filename for c in found["gus"].candidates] == [f"{NAME}.ipynb", "draft.ipynb"]  # both: the best counts
    assert "graded each of" in found["gus"].alarms[0]


def test_a_notebook_that_fails_validation_is_named_not_fatal(course, released, perfect):
    broken = json.loads(nbformat.writes(perfect))
    next(cell for cell in broken["cells"] if cell["cell_type"] == "code").pop("outputs")
    hand_in(course, "hal", f"{NAME}.ipynb", json.dumps(broken))
    (alarm,) = chosen(course, released)["hal"].alarms
    assert "not a readable notebook" in alarm and "'outputs' is a required property" in alarm


def test_unmatched_cells_are_an_alarm_with_the_cells_named(course, released):
    hand_in(course, "eve", "scratch.ipynb", nbformat.writes(cases.scratch_notebook()))
    (candidate,) = chosen(course, released)["eve"].candidates
    assert candidate.filename == "scratch.ipynb" and candidate.repair["unmatched"] and not candidate.fits
    (alarm,) = candidate.alarms()
    assert "why-l2-blurs" in alarm and "test-l1-loss" in alarm and "by hand" in alarm
    assert (course / "originals" / "eve" / NAME / "scratch.ipynb").is_file()

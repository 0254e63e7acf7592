"""Repairing submissions whose nbgrader metadata was lost: matching cells to the released notebook.

Fast: no notebook is run. The round trip in test_grading.py autogrades repaired submissions for real.
"""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

import grading_cases as cases
from i2i_course.course import grading

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
    found = grading.repair_notebook(perfect, released)
    assert found == {"restored": [], "inserted": [], "unmatched": [], "edited": []}
    assert nbformat.writes(perfect) == before


def test_lost_metadata_is_put_back_by_cell_id(released, perfect):
    stripped = cases.without_nbgrader(perfect)
    assert marked(stripped) == {}
    found = grading.repair_notebook(stripped, released)
    assert found["restored"] == list(marked(released)) and len(found["restored"]) == 11
    assert marked(stripped) == marked(released)
    assert [c.source for c in stripped.cells] == [c.source for c in perfect.cells]  # answers untouched


def test_lost_metadata_and_ids_are_matched_by_content_and_the_answer_by_position(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    pairs = grading.match_cells(released.cells, stripped.cells)
    assert pairs == {i: i for i in range(len(released.cells))}
    found = grading.repair_notebook(stripped, released)
    assert found["restored"] == list(marked(released)) and found["unmatched"] == []
    assert marked(stripped) == marked(released)
    answer = cases.by_id(stripped, "why-l2-blurs")
    assert "per-pixel loss" in answer.source  # the student's written answer carries the metadata


def test_student_code_does_not_stop_content_matching(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    losses = stripped.cells[[c.id for c in released.cells].index("losses")]
    losses.source += "\n\n# my own helper\ndef helper(x):\n    return x * 2\n" * 3
    assert grading.similarity(cases.by_id(released, "losses"), losses) == 1.0
    assert grading.repair_notebook(stripped, released)["unmatched"] == []
    assert cases.meta(losses)["grade_id"] == "losses"


def test_two_candidates_for_a_written_answer_are_not_guessed_between(released, perfect):
    stripped = cases.without_nbgrader(perfect, new_ids=True)
    at = [c.id for c in released.cells].index("why-l2-blurs")
    stripped.cells.insert(at + 1, new_markdown_cell("and a second thought"))  # the answer in two cells
    found = grading.repair_notebook(stripped, released)
    assert found["unmatched"] == ["why-l2-blurs"]
    assert "why-l2-blurs" not in found["restored"] and len(found["restored"]) == 10
    assert not any(cases.meta(c).get("grade_id") == "why-l2-blurs" for c in stripped.cells)


def test_a_deleted_test_cell_is_put_back_after_its_predecessor(released, perfect):
    gone = cases.without_cell(cases.without_cell(perfect, "test-l2-loss"), "setup")
    found = grading.repair_notebook(gone, released)
    assert found["inserted"] == ["setup", "test-l2-loss"] and found["restored"] == []
    ids = [cases.meta(c).get("grade_id") for c in gone.cells]
    assert ids.index("test-l2-loss") == ids.index("test-l1-loss") + 1
    assert [c.id for c in gone.cells] == [c.id for c in released.cells]
    assert marked(gone) == marked(released)


def test_an_edited_locked_cell_is_reported(released, perfect):
    edited = cases.replaced(perfect, "test-l2-loss", 'print("tests passed")')
    found = grading.repair_notebook(edited, released)
    assert found["edited"] == ["test-l2-loss"] and found["restored"] == []


def test_another_notebook_is_not_matched_and_not_changed(released):
    scratch = cases.scratch_notebook()
    before = nbformat.writes(scratch)
    found = grading.repair_notebook(scratch, released)
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


def test_repair_submissions_keeps_every_original_and_reports_each_student(course, perfect):
    good = hand_in(course, "ann", f"{NAME}.ipynb", nbformat.writes(perfect))
    good_bytes = good.read_bytes()
    lost_text = nbformat.writes(cases.without_nbgrader(perfect))
    hand_in(course, "bob", f"Copy of {NAME}.ipynb", lost_text)
    hand_in(course, "cat", f"{NAME}.ipynb", "{ this is not a notebook")
    (course / "submitted" / "dan" / NAME).mkdir(parents=True)  # handed in nothing

    repairs = {repair.student: repair for repair in grading.repair_submissions(course, NAME)}

    assert sorted(repairs) == ["ann", "bob", "cat", "dan"]
    assert good.read_bytes() == good_bytes and repairs["ann"].notes() == [] and repairs["ann"].alarms() == []
    bob = repairs["bob"]
    assert bob.renamed_from == f"Copy of {NAME}.ipynb" and len(bob.restored) == 11
    kept = course / "originals" / "bob" / NAME / f"Copy of {NAME}.ipynb"
    assert kept.read_text(encoding="utf-8") == lost_text  # nothing the student handed in is lost
    assert bob.original == kept.relative_to(course) and str(bob.original) in bob.notes()[-1]
    assert bob.alarms() == []
    repaired = nbformat.read(course / "submitted" / "bob" / NAME / f"{NAME}.ipynb", as_version=4)
    assert marked(repaired) == marked(nbformat.read(RELEASED, as_version=4))
    assert "not a readable notebook" in repairs["cat"].alarms()[0]
    assert "not in the submission" in repairs["dan"].alarms()[0]

    again = {repair.student: repair for repair in grading.repair_submissions(course, NAME)}
    assert again["bob"].restored == [] and again["bob"].renamed_from is None  # already repaired
    assert kept.read_text(encoding="utf-8") == lost_text  # the first original is kept, not overwritten
    assert sorted(p.name for p in (course / "originals").iterdir()) == ["bob"]
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]
    assert list(grading.repair_submissions(course, NAME, student="ann")) == [again["ann"]]


def test_unmatched_cells_are_an_alarm_with_the_cells_named(course):
    hand_in(course, "eve", "scratch.ipynb", nbformat.writes(cases.scratch_notebook()))
    (repair,) = grading.repair_submissions(course, NAME)
    assert repair.renamed_from == "scratch.ipynb" and repair.unmatched
    (alarm,) = repair.alarms()
    assert "why-l2-blurs" in alarm and "test-l1-loss" in alarm and "by hand" in alarm
    assert (course / "originals" / "eve" / NAME / "scratch.ipynb").is_file()

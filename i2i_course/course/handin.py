"""What each student handed in: backed up untouched before anything runs, and which notebook is graded.

`submitted/STUDENT/NAME/` is where `nbgrader zip_collect` puts a student's files. Grading never writes
there: every file is first copied to `originals/STUDENT/NAME/` (before any student's code runs, so that
nothing handed in can be lost), then each notebook is read, brought to nbformat 4.5 and repaired in
memory (`repair.py`). Which notebook is graded:

* one notebook: that one, whatever its name (a `Copy of NAME.ipynb` is graded as NAME.ipynb);
* several: the blank ones (the release, no answer written) are set aside, and each of the others is
  graded; the best score counts. Always flagged for a person, with what was graded and why;
* none readable: nothing is graded, and the reason is flagged.
"""

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from i2i_course.course.coursedir import course_directory
from i2i_course.course.repair import is_blank, match_cells, repair_notebook, upgrade

ORIGINALS = "originals"  # the students' files as handed in, kept by `grade` before anything runs


@dataclass
class Candidate:
    """One handed-in notebook to grade: its file name, and the upgraded and repaired copy that runs."""

    filename: str
    nb: object  # nbformat.NotebookNode
    repair: dict  # repair_notebook's findings: restored, inserted, unmatched, edited
    upgraded: bool = False  # it was nbformat 4.0-4.4 (Colab) and got cell ids
    fits: bool = True  # at least half its cells pair with the released notebook's (it is this assignment)

    def notes(self, notebook):
        lines = []
        if self.filename != notebook:
            lines.append(f"handed in as {self.filename!r}, graded as {notebook}")
        if self.upgraded:
            lines.append(f"{self.filename}: nbformat 4.0-4.4 (saved by Colab?): cell ids put back")
        if self.repair["restored"]:
            lines.append(f"{self.filename}: put back the nbgrader metadata of {len(self.repair['restored'])} "
                         f"cell(s) (lost in another notebook front end): {', '.join(self.repair['restored'])}")
        if self.repair["inserted"]:
            lines.append(f"{self.filename}: put back missing locked cell(s) {', '.join(self.repair['inserted'])}")
        if self.repair["edited"]:
            lines.append(f"{self.filename}: the student changed locked cell(s) {', '.join(self.repair['edited'])}; "
                         "the original ran instead")
        return lines

    def alarms(self):
        if not self.repair["unmatched"]:
            return []
        return [f"{self.filename}: could not find the cell(s) {', '.join(self.repair['unmatched'])} of the released "
                "notebook (not this assignment's notebook, or cells split, merged or retyped): they are flagged "
                "for grading by hand in the gradebook"]


@dataclass
class HandIn:
    """One student's submitted/STUDENT/NAME/ folder, and what grading makes of it."""

    student: str
    folder: Path
    notebooks: list  # the .ipynb file names in the folder
    candidates: list = field(default_factory=list)  # the notebooks to grade (the best one counts)
    notes: list = field(default_factory=list)  # lines for the report
    alarms: list = field(default_factory=list)  # what a person must look at (ATTENTION lines)


def hand_ins(root, name, student=None):
    """Every student folder of assignment `name` in the submitted folder (or `student`'s alone)."""
    course = course_directory(root)
    submitted = Path(root) / course.submitted_directory
    everyone = sorted(folder.name for folder in submitted.iterdir() if folder.is_dir()) if submitted.is_dir() else []
    found = []
    for who in [student] if student else everyone:
        folder = Path(course.format_path(course.submitted_directory, who, name))
        if folder.is_dir():
            found.append(HandIn(who, folder, sorted(path.name for path in folder.glob("*.ipynb"))))
    return found


def back_up(root, name, hand_in):
    """Copy every file of the hand-in to originals/STUDENT/NAME/, untouched; returns the files copied.

    A file already kept with the same bytes is left as it is; one kept with other bytes (a submission
    collected again) stays too, and the new file is kept beside it with its hash in its name.
    """
    backups = Path(root) / ORIGINALS / hand_in.student / name
    copied = []
    for path in sorted(hand_in.folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        target = backups / path.relative_to(hand_in.folder)
        if target.is_file() and target.read_bytes() != data:
            target = target.with_name(f"{target.stem}.{hashlib.sha256(data).hexdigest()[:8]}{target.suffix}")
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def _read(path):
    """The notebook at `path`, nbformat 4.5 and valid, and whether it was upgraded; raises if it cannot be."""
    import nbformat

    text = path.read_text(encoding="utf-8", errors="replace")
    nb = nbformat.reads(text, as_version=4, capture_validation_error={})  # validated below, not logged
    upgraded = upgrade(nb)
    nbformat.validate(nb)
    return nb, upgraded


def _problem(error):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}"


def choose(hand_in, released, notebook):
    """Fill in `hand_in.candidates`, notes and alarms: which notebooks to grade, repaired (see the module)."""
    import nbformat

    readable, unreadable = [], []
    for filename in hand_in.notebooks:
        try:
            nb, upgraded = _read(hand_in.folder / filename)
            fits = len(match_cells(released.cells, nb.cells)) >= len(released.cells) / 2
            repair = repair_notebook(nb, released)
            nbformat.validate(nb)
        except Exception as error:  # not JSON, not a notebook, not valid, not repairable: a person looks
            unreadable.append(f"{filename} ({_problem(error)})")
            continue
        readable.append(Candidate(filename, nb, repair, upgraded, fits))
    if not hand_in.notebooks:
        others = sorted(path.name for path in hand_in.folder.iterdir())
        hand_in.alarms.append(f"no notebook in the submission (handed in: {', '.join(others) or 'nothing'}); "
                              "nothing was graded")
        return hand_in
    if not readable:
        hand_in.alarms.append(f"not a readable notebook: {'; '.join(unreadable)}; nothing was graded")
        return hand_in
    if len(hand_in.notebooks) == 1:
        hand_in.candidates = readable
        return hand_in
    fitting = [c for c in readable if c.fits]
    worked = [c for c in fitting if not is_blank(c.nb, released)]
    blank = [c.filename for c in fitting if c not in worked]
    graded = worked or [c for c in readable if c.filename == notebook] or readable[:1]
    hand_in.candidates = graded
    why = []
    if blank:
        why.append(f"{', '.join(blank)}: the blank release (no answer written)")
    others = [c.filename for c in readable if c not in graded and c.filename not in blank]
    if others:
        why.append(f"{', '.join(others)}: not this assignment's notebook")
    if unreadable:
        why.append(f"unreadable: {'; '.join(unreadable)}")
    which = (f"graded {graded[0].filename}" if len(graded) == 1 else
             f"graded each of {', '.join(c.filename for c in graded)}, the best score counts")
    hand_in.alarms.append(f"handed in {len(hand_in.notebooks)} notebooks ({', '.join(hand_in.notebooks)}): {which}"
                          + (f"; not graded: {'; '.join(why)}" if why else "") + ": check that this is the work "
                          "to grade")
    return hand_in

"""`i2i-course grade`: autograde every submission of an assignment, each in its own sandbox, several at once.

1. every file handed in is backed up, untouched, to originals/ (handin.py), before anything runs;
2. the assignment is registered in the course's gradebook if it is new (records.py);
3. each student's notebook is chosen, upgraded and repaired in memory (handin.py, repair.py), and its
   code scanned for what has no place in an answer (scan.py);
4. each notebook is graded by nbgrader in a throwaway folder of its own (sandbox.py), as many at once as
   there are cores (`jobs`), with a progress bar;
5. once every kernel of the batch has stopped, the course reads each graded notebook, checks and scores
   it, and writes the scores to its gradebook and the graded copy to autograded/ (scores.py);
6. a table of scores, then an ATTENTION line for everything a person must look at.

One student's file never stops the batch: whatever goes wrong with it becomes an ATTENTION line naming
the student and the reason, and the others are graded. docs/instructors.md says what to do on each.

The sandboxes' nbgrader processes are forked from multiprocessing's fork server (sandbox.py): a script
that calls `grade` must guard its entry point with `if __name__ == "__main__":`, as with any
multiprocessing code (the `i2i-course` command does).
"""

import copy
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from i2i_course.course import sandbox
from i2i_course.course.coursedir import (CONFIG_FILE, check_assignment, course_directory, load_config, open_gradebook,
                                         read_notebook, released_notebook)
from i2i_course.course.handin import back_up, choose, hand_ins
from i2i_course.course.records import copy_assignment, graded_sources, register
from i2i_course.course.scores import graded_after, record, score
from i2i_course.course.scan import Finding, forbidden_names, scan
from i2i_course.errors import CourseError

MAX_FINDINGS = 12  # suspicious lines reported per cell; the rest are counted


@dataclass
class Result:
    """One student's autograded outcome, from the gradebook."""

    student: str
    name: str  # "First Last" when the gradebook has it, else ""
    score: float  # automatic points
    max_score: float
    by_hand: list  # nbgrader ids of the cells that still need a person
    graded: bool  # there is a graded copy in autograded/


def results(root, name, students):
    """The gradebook's view of each student's submission of `name`."""
    from nbgrader.api import MissingEntry

    course = course_directory(root)
    found = []
    with open_gradebook(root) as gradebook:
        for student in students:
            folder = Path(course.format_path(course.autograded_directory, student, name))
            graded = (folder / f"{name}.ipynb").is_file()
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
                                graded and submission.code_score is not None))
    return found


def default_jobs():
    """How many notebooks to grade at once: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _progress(total, name, err):
    """A tqdm bar on a terminal; in a log, one clean line per notebook graded."""
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=f"grading {name}", unit="notebook")
        return lambda run: bar.update(1), bar.close
    done = [0]

    def line(run):
        done[0] += 1
        err(f"[{done[0]}/{total}] {run.student}: {run.filename} graded in {run.seconds:.1f} s")

    return line, lambda: None


def run_all(root, name, work, jobs, err, progress=True, meanwhile=None):
    """Grade each (student, filename, notebook) of `work` in its own sandbox, `jobs` at a time: {(student,
    filename): sandbox.Run}. The gradebook is not touched while any of them runs; `meanwhile()` is called
    once they have started (the scan, which needs no kernel, runs then)."""
    config = load_config(root)
    cell_timeout = config.Execute.timeout if "timeout" in config.Execute else sandbox.DEFAULT_CELL_TIMEOUT
    config_text = (Path(root) / CONFIG_FILE).read_text(encoding="utf-8")
    if Path(tempfile.gettempdir()).resolve().is_relative_to(Path(root).resolve()):
        raise CourseError(f"the temporary folder {tempfile.gettempdir()} lies inside the course: set TMPDIR to "
                          "a folder outside it (a sandbox must not see the course)")
    with tempfile.TemporaryDirectory(prefix="i2i-records-") as folder:
        records = copy_assignment(root, name, Path(folder) / sandbox.RECORDS).read_bytes()
    batch = sandbox.Batch(records, config_text, cell_timeout, Path(root).resolve())
    runs = {}
    step, close = _progress(len(work), name, err) if progress else (lambda run: None, lambda: None)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work)))) as pool:
        futures = {pool.submit(sandbox.run, batch, name, student, filename, nb):
                   (student, filename) for student, filename, nb in work}
        try:
            if meanwhile:
                meanwhile()
            for future in as_completed(futures):
                student, filename = futures[future]
                try:
                    runs[student, filename] = future.result()
                except Exception as error:  # a bug of ours: this notebook is not graded, the rest are
                    runs[student, filename] = sandbox.Run(student, filename, problem=f"grading failed "
                                                          f"({type(error).__name__}: {error})")
                step(runs[student, filename])
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            sandbox.stop_all()
            raise
        finally:
            close()
    return runs


def _who(student, names):
    return f"{student} ({names[student]})" if names.get(student) else student


def grade(root, name, student=None, force=False, jobs=None, out=print, err=None, progress=True):
    """`i2i-course grade` (see the module docstring). Returns the exit status: 0 when every submission
    was autograded and nothing needs a person beyond the written answers, 1 otherwise."""
    err = err or (lambda line: print(line, file=sys.stderr))
    sandbox.warm_up()  # the fork server imports nbgrader (seconds) while this process does the same and reads
    root = Path(root).resolve()
    check_assignment(root, name)
    course = course_directory(root)
    notebook = released_notebook(root, name).name
    released = read_notebook(root / course.release_directory / name / notebook)
    try:
        forbidden = forbidden_names(released)
    except ValueError as error:
        raise CourseError(f"{course.source_directory}/{name}/{notebook}: {error}") from None
    everyone = hand_ins(root, name, student)
    if not everyone:
        raise CourseError(f"no submission of {name}{f' from {student}' if student else ''} in "
                          f"{course.submitted_directory}/: collect them first (nbgrader zip_collect {name})")
    for hand_in in everyone:  # before anything runs: nothing handed in can be lost
        back_up(root, name, hand_in)
    if register(root, name):
        out(f"added {name} to the gradebook ({course.db_url})")

    todo = [h for h in everyone if force or not
            Path(course.format_path(course.autograded_directory, h.student, name)).is_dir()]
    skipped = [h.student for h in everyone if h not in todo]
    if skipped:
        out(f"already autograded, left as they are (--force grades them again): {', '.join(skipped)}")
    for hand_in in todo:
        try:
            choose(hand_in, released, notebook)
        except Exception as error:  # a bug of ours: this student waits for a person, the others are graded
            hand_in.candidates = []
            hand_in.alarms.append(f"could not read the submission ({type(error).__name__}: {error})")
    work = [(h.student, c.filename, copy.deepcopy(c.nb)) for h in todo for c in h.candidates]
    findings = {}

    def scan_all():
        for hand_in in todo:
            for candidate in hand_in.candidates:
                try:
                    found = scan(candidate.nb, released, forbidden)
                except Exception as error:  # a bug of ours: say so, for a person to read the code
                    found = [Finding("(all)", 0, f"the scan itself failed ({type(error).__name__}: {error})")]
                findings[hand_in.student, candidate.filename] = found

    out(f"grading {len(work)} notebook(s) of {name}, {min(jobs or default_jobs(), max(1, len(work)))} at a time, "
        "each in its own sandbox ...")
    sys.stdout.flush()
    runs = run_all(root, name, work, jobs or default_jobs(), err, progress, scan_all) if work else {}

    sources = graded_sources(root, name, name)
    known = set(sources) | {cell.metadata.nbgrader["grade_id"] for cell in released.cells
                            if cell.metadata.get("nbgrader", {}).get("grade_id")}
    for hand_in in todo:
        try:
            _record_one(root, name, notebook, hand_in, runs, findings, sources, known)
        except Exception as error:  # a bug of ours, or a gradebook that refuses: this student waits for a person
            hand_in.alarms.append(f"could not record the grade ({type(error).__name__}: {error})")

    graded = results(root, name, [h.student for h in everyone])
    names = {result.student: result.name for result in graded}
    for hand_in in todo:
        for line in hand_in.notes:
            out(f"{_who(hand_in.student, names)}: {line}")
    width = max(len("student"), *(len(_who(result.student, names)) for result in graded))
    out(f"\n{'student':<{width}}  auto score  to grade by hand")
    for result in graded:
        points = f"{result.score:g} / {result.max_score:g}" if result.graded else "not graded"
        out(f"{_who(result.student, names):<{width}}  {points:<10}  {', '.join(result.by_hand) or '-'}")
    alarms = [f"{_who(h.student, names)}: {line}" for h in todo for line in h.alarms]
    for line in alarms:
        err(f"ATTENTION {line}")
    if alarms:
        err(f"{len(alarms)} problem(s) need a person: see ATTENTION above, and docs/instructors.md")
        return 1
    out(f"\nall {len(graded)} submission(s) of {name} autograded; next: grade the written answers "
        f"(nbgrader formgrader), then nbgrader generate_feedback {name}")
    return 0


def _record_one(root, name, notebook, hand_in, runs, findings, sources, known):
    """Score the student's graded notebooks, record the best one, and note everything a person must know."""
    scored = []
    for candidate in hand_in.candidates:
        run = runs.get((hand_in.student, candidate.filename))
        if run is None or run.graded is None:
            problem = run.problem if run else "it was not graded"
            hand_in.alarms.append(f"{candidate.filename} could not be graded: {problem}")
            continue
        scored.append((score(run.graded, candidate.nb, sources, known), candidate, run))
    if not scored:
        return
    if len(scored) > 1:
        hand_in.alarms.append("scores of the notebooks handed in: " + ", ".join(
            f"{c.filename} {s.points:g} / {s.max_points:g}" for s, c, _ in scored) + "; the best one counts")
    best, candidate, run = max(scored, key=lambda item: (item[0].points, item[1].filename == notebook))
    found = findings.get((hand_in.student, candidate.filename), [])
    manual = list(candidate.repair["unmatched"])
    if found:
        manual += graded_after(run.graded, found[0].index)
    if best.not_handed_in:
        manual += list(sources)
    cut = record(root, name, hand_in.student, best, run.graded, manual)
    hand_in.notes += candidate.notes(notebook)
    if best.stderr:
        hand_in.notes.append(f"test cell(s) {', '.join(best.stderr)} wrote to stderr (shown in the graded copy; "
                             "not counted against them)")
    hand_in.alarms += candidate.alarms()
    if best.not_handed_in:
        hand_in.alarms.append("the graded copy is not the notebook handed in (changed while it was graded: by "
                              "another submission's code?): it scored 0; grade it again alone (--student --force)")
    if best.died_in:
        hand_in.alarms.append(f"the kernel died in cell {best.died_in} (os._exit, a crash, or out of memory): "
                              "the tests before it kept their points, the ones after it scored 0; the graded "
                              "copy in autograded/ shows how far it got")
    missing = [cell for cell in best.not_theirs if cell not in candidate.repair["unmatched"]]
    if missing:
        hand_in.alarms.append(f"graded cell(s) {', '.join(missing)} missing from the graded copy or not the "
                              "course's tests: they scored 0")
    for cell, what in cut.items():
        hand_in.alarms.append(f"the output of cell {cell} was cut ({what}): it prints in a loop? The graded "
                              "copy and the feedback show the start of it")
    for cell in dict.fromkeys(finding.cell for finding in found):  # one line per cell, in order
        here = [f"line {f.line}: {f.reason}" for f in found if f.cell == cell]
        more = f"; and {len(here) - MAX_FINDINGS} more" if len(here) > MAX_FINDINGS else ""
        hand_in.alarms.append(f"suspicious code in cell {cell}: {'; '.join(here[:MAX_FINDINGS])}{more}")
    if found:
        hand_in.alarms.append(f"the graded cells from cell {found[0].cell} on are marked 'needs manual grade': "
                              "read the code, then keep or change their points in the formgrader")

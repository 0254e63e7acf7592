"""The nbgrader course: the release, the student's side, and the instructor's grading round trip.

The first tests read the committed notebooks. The round trip copies the course to a temporary folder,
hands in a batch of made-up submissions (tests/grading_cases.py) through an LMS archive, and runs what
an instructor types: nbgrader zip_collect, i2i-course grade (one nbgrader autograde for the batch),
nbgrader generate_feedback and nbgrader export; then it checks every score in the gradebook. Nothing is
written into the repository. Every assignment in solutions/ goes through all of it.
"""

import ast
import csv
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

import grading_cases as cases
from i2i_course.course import notebooks as tools
from i2i_course.course.coursedir import CONFIG_FILE, assignment_names
from i2i_course.course.release import release
from i2i_course.cli import main

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = assignment_names(REPO)
COURSE_FILES = ("nbgrader_config.py", "solutions", "assignments")
# What the student's notebook may import: the course package and what Colab ships.
STUDENT_IMPORTS = {"i2i_course", "torch", "torchvision", "numpy", "matplotlib", "IPython", "ipywidgets",
                   "os", "sys", "subprocess", "math"}
# Assignment 01 in numbers: the points of each autograded test cell, and of the written answer.
POINTS_01 = {"test-l1-loss": 1.0, "test-l2-loss": 1.0, "test-best-l2": 2.0, "test-best-l1": 2.0,
             "test-colourfulness": 2.0}
ANSWER_01 = ("why-l2-blurs", 2.0)
# Assignment 02: UNetBlock (4 points), build_unet (2), the written answer (2)
POINTS_02 = {"test-block-shapes": 1.0, "test-block-parameters": 1.0, "test-block-severed": 1.0,
             "test-block-gradient": 1.0, "test-build-unet": 1.0, "test-build-unet-reference": 1.0}
ANSWER_02 = ("what-skips-carry", 2.0)
# Assignment 03: receptive_field (2 points), patch_discriminator (3), d_loss and g_loss (1 + 2), the answer (2)
POINTS_03 = {"test-receptive-field": 1.0, "test-receptive-field-patchgan": 1.0, "test-patch-shapes": 1.0,
             "test-patch-parameters": 1.0, "test-patch-reference": 1.0, "test-d-loss": 1.0, "test-g-loss": 2.0}
ANSWER_03 = ("why-patch-size", 2.0)
# Assignment 04: cycle_terms by hand and against the course's CycleGAN (2), the image pool's exact sequence and
# the course's pool (2), the 2x2 table (1 + 1), the ResNet generator: shapes, counts, same function (3), the answer (2)
POINTS_04 = {"test-cycle-terms": 1.0, "test-cycle-terms-library": 1.0, "test-pool-sequence": 1.0,
             "test-pool-library": 1.0, "test-conditional-entropy": 1.0, "test-best-cycle-error": 1.0,
             "test-resnet-shapes": 1.0, "test-resnet-parameters": 1.0, "test-resnet-reference": 1.0}
ANSWER_04 = ("why-cycle-is-not-enough", 2.0)
# Assignment 05: DSGAN's term (2, one hidden test catches a clamp that does nothing) and MSGAN's (1), the
# reparameterisation and the KL (1 + 1), modes covered and its ceiling (1 + 1), the written answer (2)
POINTS_05 = {"test-ds-loss": 2.0, "test-ms-loss": 1.0, "test-reparameterize": 1.0, "test-kl": 1.0,
             "test-modes-covered": 1.0, "test-modes-ceiling": 1.0}
ANSWER_05 = ("why-z-ignored", 2.0)
# Assignment 06: spade against the written-out and the library (2), its parameter count (1), feature matching
# with both weightings (2), the multi-scale receptive fields (1), the written answer (2)
POINTS_06 = {"test-spade": 1.0, "test-spade-library": 1.0, "test-spade-parameters": 1.0,
             "test-feature-matching": 1.0, "test-feature-matching-spade": 1.0, "test-multiscale-fields": 1.0}
ANSWER_06 = ("why-washout", 2.0)

every_assignment = pytest.mark.parametrize("name", ASSIGNMENTS)


def paths(name, root=REPO):
    """(solution notebook, released notebook) of assignment `name`: one notebook per assignment."""
    (source,) = sorted((root / "solutions" / name).glob("*.ipynb"))
    return source, root / "assignments" / name / source.name


def read(path):
    return nbformat.read(path, as_version=4)


def copy_course(target):
    target.mkdir(parents=True, exist_ok=True)
    for item in COURSE_FILES:
        if (REPO / item).is_dir():
            shutil.copytree(REPO / item, target / item)
        else:
            shutil.copy2(REPO / item, target / item)
    return target


def validator(**options):
    config = PyFileConfigLoader(CONFIG_FILE, path=str(REPO)).load_config()
    return Validator(config=config, **options)


def plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def tree(folder):
    """{relative path: bytes} of the files under `folder`, editor leftovers (.ipynb_checkpoints) aside."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(part.startswith((".", "__pycache__")) for part in
                                           path.relative_to(folder).parts)}


@pytest.mark.parametrize("name, points, answer", [("01_losses_and_blur", POINTS_01, ANSWER_01),
                                                   ("02_unet_skips", POINTS_02, ANSWER_02),
                                                   ("03_patchgan", POINTS_03, ANSWER_03),
                                                   ("04_cycle_consistency", POINTS_04, ANSWER_04),
                                                   ("05_diversity", POINTS_05, ANSWER_05),
                                                   ("06_spade", POINTS_06, ANSWER_06)])
def test_the_course_has_its_assignments(name, points, answer):
    assert name in ASSIGNMENTS
    source, released = paths(name)
    assert cases.auto_points(read(source)) == points
    cell = cases.by_id(read(released), answer[0])
    assert cell.cell_type == "markdown" and cases.meta(cell)["points"] == answer[1]
    assert cases.meta(cell)["grade"] and cases.meta(cell)["solution"]  # graded by hand


# --- the release ---------------------------------------------------------------------------------


def test_release_is_committed_up_to_date_and_deterministic(tmp_path):
    course = copy_course(tmp_path / "course")
    shutil.rmtree(course / "assignments")
    lines = []
    release(course, out=lines.append)
    first = tree(course / "assignments")
    assert first == tree(REPO / "assignments"), "assignments/ is out of date: run `i2i-course release`"
    assert tree(course / "solutions") == tree(REPO / "solutions"), \
        "solutions/ has run noise (outputs' metadata, made-up ids): run `i2i-course release`"
    release(course, out=lines.append)
    assert tree(course / "assignments") == first  # byte for byte, a second time
    assert not (course / "gradebook.db").exists()
    assert {path.split("/")[0] for path in first} == set(ASSIGNMENTS)
    assert lines.count(f"released assignments/{ASSIGNMENTS[0]}/ from solutions/{ASSIGNMENTS[0]}/") == 2


@every_assignment
def test_release_keeps_nbgrader_checksums_valid(name):
    from nbgrader.utils import compute_checksum, is_locked

    released = read(paths(name)[1])
    locked = [cell for cell in released.cells if cases.meta(cell) and is_locked(cell)]
    assert locked
    for cell in locked:
        assert cell.metadata.nbgrader["checksum"] == compute_checksum(cell), cell.id


@every_assignment
def test_released_notebook_has_no_solution_code_and_no_hidden_test(name):
    source_path, released_path = paths(name)
    released = released_path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME"):
        assert marker not in released
    secret = []
    for cell in read(source_path).cells:
        inside = False
        for line in cell.source.splitlines():
            if any(marker in line for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS")):
                inside = True
            elif any(marker in line for marker in ("END SOLUTION", "END HIDDEN TESTS")):
                inside = False
            elif inside and len(line.strip()) > 12:
                secret.append(line.strip())
        if cases.meta(cell).get("solution") and cell.cell_type == "markdown":
            secret += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 12]
    assert len(secret) > 10  # the solutions and hidden tests are really there to look for
    text = "\n".join(cell.source for cell in read(released_path).cells)
    leaked = [line for line in secret if line in text]
    assert not leaked, f"the released notebook shows solution or hidden-test lines: {leaked[:3]}"


@every_assignment
def test_released_notebook_is_fit_for_colab(name):
    source, released = map(read, paths(name))
    url = tools.repository_url(REPO)
    for nb in (source, released):
        first = next(cell for cell in nb.cells if cell.cell_type == "code")
        assert first.source == tools.colab_install_source(url), "run `i2i-course notebooks --sync-only`"
    imported = set()
    for cell in released.cells:
        if cell.cell_type != "code":
            continue
        assert "nbgrader" not in cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
    assert "i2i_course" in imported and imported <= STUDENT_IMPORTS
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    relpath = paths(name)[1].relative_to(REPO)
    assert tools.colab_url(url, relpath) in readme, f"README.md needs {tools.colab_badge(url, relpath)}"


@every_assignment
def test_solution_notebook_passes_its_own_tests(name):
    source = paths(name)[0]
    results = validator().validate(str(source))
    assert results == {}, f"the solution fails its tests: {plain(str(results))[:2000]}"
    inverted = validator(invert=True).validate(str(source))  # the passing graded cells, listed
    assert len(inverted["passed"]) == len(cases.auto_points(read(source)))


@every_assignment
def test_released_notebook_fails_every_graded_test_and_nothing_else(name):
    released = paths(name)[1]
    failed = validator(validate_all=True).validate(str(released))["failed"]
    nb = read(released)
    graded = [cell.source.strip() for cell in nb.cells if cases.meta(cell).get("grade")]
    assert sorted(cell["source"] for cell in failed) == sorted(graded)
    for cell in failed:
        error = plain(cell["raw_error"])
        assert "NotImplementedError" in error or "You did not provide a response" in error, error[-500:]


@every_assignment
def test_solution_runs_outside_grading_as_on_colab(name, tmp_path, monkeypatch):
    """The cells skipped while grading (training, widgets) work too, at a few training steps."""
    from nbclient import NotebookClient

    nb = read(paths(name)[0])
    setup = next(i for i, cell in enumerate(nb.cells) if "get_profile()" in cell.source)
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(
        "import dataclasses\nprofile = dataclasses.replace(profile, steps=5, eval_samples=8)"))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    text = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    assert "skipped while grading" not in text and "Error" not in text
    if name == "01_losses_and_blur":
        assert len(re.findall(r"^L[12] U-Net: edge width \d+\.\d+ px, colourfulness \d+\.\d$", text, re.M)) == 2
        panel = next(cell for cell in nb.cells if cell.get("id") == "panel")
        widget = "application/vnd.jupyter.widget-view+json"
        assert any(widget in output.get("data", {}) for output in panel.outputs), "no widget panel shown"
    if name == "02_unet_skips":
        found = re.findall(r"^your (U-Net|encoder-decoder): ([\d,]+) parameters, L1 error \d\.\d{3}, HF ratio \d+\.\d\d$",
                           text, re.M)
        assert [kind for kind, _ in found] == ["U-Net", "encoder-decoder"], text[-2000:]
        sizes = [int(count.replace(",", "")) for _, count in found]
        assert sizes[0] > sizes[1]  # the skips' halves of the up-convs
    if name == "03_patchgan":
        found = re.findall(r"^(L1 only|your 16x16 PatchGAN): texture detail -?\d+\.\d\d \(real photos 1\), "
                           r"L1 error \d\.\d{3}$", text, re.M)
        assert found == ["L1 only", "your 16x16 PatchGAN"], text[-2000:]
        panel = next(cell for cell in nb.cells if cell.get("id") == "panel")
        widget = "application/vnd.jupyter.widget-view+json"
        assert any(widget in output.get("data", {}) for output in panel.outputs), "no widget panel shown"
    if name == "04_cycle_consistency":
        found = re.findall(r"^(lambda_cyc 10|GAN alone): content kept \(NMI\) per run(?: -?\d\.\d\d){8}; runs hitting all 5 "
                           r"B modes [0-8] of 8; cycle error \d+\.\d{3}$", text, re.M)
        assert found == ["lambda_cyc 10", "GAN alone"], text[-2000:]


def test_sync_writes_the_install_cell_of_the_assignments_sources(tmp_path):
    root = tmp_path / "repo"
    (root / "solutions" / "01_x").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project.urls]\nRepository = "https://github.com/someone/fork"\n')
    stale = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(tools.colab_install_source("https://github.com/i2i-course/i2i-course")),
        nbformat.v4.new_code_cell("x = 1")])
    path = root / "solutions" / "01_x" / "01_x.ipynb"
    path.write_text(nbformat.writes(stale))
    assert tools.sync(root) == [path]
    assert read(path).cells[0].source == tools.colab_install_source("https://github.com/someone/fork")


# --- the round trip --------------------------------------------------------------------------------


def run(command, cwd):
    return subprocess.run(command, cwd=cwd, text=True, capture_output=True)


def lms_archive(path, handed_in):
    """A Canvas-style "Download Submissions" zip: NAME_[LATE_]USERID_SUBMISSIONID_FILENAME."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for number, (student, (filename, nb, _)) in enumerate(handed_in.items()):
            late = "LATE_" if student == STUDENTS["exception"] else ""
            archive.writestr(f"student{student}_{late}{student}_{5000 + number}_{filename}", cases.dumps(nb))


STUDENTS = {case: str(1001 + number) for number, case in enumerate(
    ["solution", "untouched", "wrong-function", "exception", "endless-loop", "lost-metadata",
     "lost-metadata-ids-and-a-test", "edited-test", "wrong-notebook"])}


def repository_state():
    """Which of nbgrader's working files the repository has, and the bytes of its course folders."""
    working = ("gradebook.db", "downloaded", "submitted", "autograded", "feedback", "originals", "grades.csv",
               ".nbgrader.log")
    present = {item: (REPO / item).exists() for item in working}
    return present, tree(REPO / "solutions"), tree(REPO / "assignments")


@pytest.fixture(scope="session", params=ASSIGNMENTS)
def round_trip(request, tmp_path_factory):
    """One course copy per assignment, a batch of submissions graded the way an instructor does it."""
    name = request.param
    repository_before = repository_state()
    course = copy_course(tmp_path_factory.mktemp(f"course-{name}"))
    with open(course / CONFIG_FILE, "a", encoding="utf-8") as config:  # the endless loop is cut sooner:
        config.write("\nc.Execute.timeout = 10\n")  # a correct notebook's slowest cell takes about 2 s here
    source, released = map(read, paths(name, course))
    batch = cases.submissions(name, released, source)
    handed_in = {STUDENTS[case]: submission for case, submission in batch.items()}
    lms_archive(course / "downloaded" / name / "archive" / "submissions.zip", handed_in)
    nbgrader = [sys.executable, "-m", "nbgrader"]

    collect = run([*nbgrader, "zip_collect", name], course)
    collected = {student: sorted(p.name for p in (course / "submitted" / student / name).glob("*.ipynb"))
                 for student in handed_in}
    submitted = {(student, filename): (course / "submitted" / student / name / filename).read_bytes()
                 for student, files in collected.items() for filename in files}
    graded = run([sys.executable, "-m", "i2i_course.cli", "grade", name], course)
    feedback = run([*nbgrader, "generate_feedback", name], course)
    export = run([*nbgrader, "export", "--to", "grades.csv"], course)

    scores, by_hand = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in handed_in:
            submission = gradebook.find_submission(name, student)
            grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
            scores[student] = {grade.name: grade.score for grade in grades}
            by_hand[student] = {grade.name for grade in grades if grade.needs_manual_grade}
    return SimpleNamespace(name=name, course=course, repository_before=repository_before, cases=batch,
                           handed_in=handed_in, collect=collect, collected=collected, submitted=submitted,
                           graded=graded,
                           feedback=feedback, export=export, scores=scores,
                           by_hand=by_hand, answer=cases.answer_cells(released)[-1])


def auto_scores(trip, case):
    student = STUDENTS[case]
    return {cell: score for cell, score in trip.scores[student].items() if cell in trip.cases[case][2]}


def test_lms_archive_is_collected_for_every_student(round_trip):
    assert round_trip.collect.returncode == 0, round_trip.collect.stderr[-2000:]
    name = round_trip.name
    expected = {student: [f"{name}.ipynb"] for student in round_trip.handed_in}  # "-1" suffix dropped
    expected[STUDENTS["lost-metadata"]] = [f"Copy of {name}.ipynb"]  # renamed later, by i2i-course grade
    expected[STUDENTS["wrong-notebook"]] = ["scratch.ipynb"]
    assert round_trip.collected == expected


def test_solution_gets_full_marks_and_the_untouched_release_zero(round_trip):
    points = cases.auto_points(read(paths(round_trip.name)[1]))
    assert auto_scores(round_trip, "solution") == points
    assert sum(auto_scores(round_trip, "untouched").values()) == 0
    full = {"01_losses_and_blur": 8.0, "02_unet_skips": 6.0, "03_patchgan": 8.0, "04_cycle_consistency": 9.0,
            "05_diversity": 7.0, "06_spade": 6.0}[round_trip.name]  # + 2 by hand
    assert sum(auto_scores(round_trip, "solution").values()) == full
    assert round_trip.by_hand[STUDENTS["solution"]] == {round_trip.answer}  # the written answer waits
    assert round_trip.by_hand[STUDENTS["untouched"]] == set()  # nbgrader: no answer, 0 points
    for case in ("solution", "untouched"):
        student = STUDENTS[case]
        assert (round_trip.course / "autograded" / student / round_trip.name).is_dir()
        assert f"ATTENTION {student}" not in round_trip.graded.stderr
        assert f"for student '{student}'" not in round_trip.graded.stderr  # nbgrader's own error summary
        assert not [line for line in round_trip.graded.stdout.splitlines() if line.startswith(f"{student}:")]


@pytest.mark.parametrize("case", ["wrong-function", "exception", "endless-loop", "edited-test",
                                  "lost-metadata", "lost-metadata-ids-and-a-test"])
def test_each_submission_loses_exactly_the_points_it_should(round_trip, case):
    expected = round_trip.cases[case][2]
    assert auto_scores(round_trip, case) == expected
    assert round_trip.by_hand[STUDENTS[case]] == {round_trip.answer}
    if case in ("wrong-function", "exception", "endless-loop", "edited-test"):
        assert 0 < sum(expected.values()) < sum(cases.auto_points(read(paths(round_trip.name)[1])).values())
    if case == "edited-test":
        edited = sorted(cases.WRONG_FUNCTION[round_trip.name][3])[0]
        assert f"{STUDENTS[case]}: {round_trip.name}.ipynb: the student changed locked cell(s) {edited}; " \
               "the original ran instead" in round_trip.graded.stdout


def test_an_endless_loop_is_cut_by_the_timeout_and_the_batch_goes_on(round_trip):
    autograded = round_trip.course / "autograded" / STUDENTS["endless-loop"] / round_trip.name
    nb = read(next(autograded.glob("*.ipynb")))
    errors = [output.ename for cell in nb.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert "CellTimeoutError" in errors or "KeyboardInterrupt" in errors, errors
    for student in round_trip.handed_in:  # every submission after it was graded too
        assert (round_trip.course / "autograded" / student / round_trip.name).is_dir(), student


def test_lost_metadata_is_repaired_and_every_file_kept_untouched(round_trip):
    out = round_trip.graded.stdout
    for case in ("lost-metadata", "lost-metadata-ids-and-a-test"):
        student = STUDENTS[case]
        handed_in = round_trip.collected[student][0]
        assert f"{student}: {handed_in}: put back the nbgrader metadata" in out
    assert f"handed in as 'Copy of {round_trip.name}.ipynb', graded as {round_trip.name}.ipynb" in out
    removed = sorted(cases.auto_points(read(paths(round_trip.name)[1])))[0]
    assert f"{STUDENTS['lost-metadata-ids-and-a-test']}: {round_trip.name}.ipynb: put back missing locked " \
           f"cell(s) {removed}" in out
    for student, files in round_trip.collected.items():  # backed up, and never changed in submitted/
        for filename in files:
            handed_in = round_trip.course / "submitted" / student / round_trip.name / filename
            kept = round_trip.course / "originals" / student / round_trip.name / filename
            assert kept.read_bytes() == handed_in.read_bytes() == round_trip.submitted[student, filename]


def test_a_notebook_that_cannot_be_matched_is_reported_loudly_not_graded_zero(round_trip):
    student = STUDENTS["wrong-notebook"]
    assert round_trip.graded.returncode == 1
    alarms = [line for line in round_trip.graded.stderr.splitlines() if line.startswith("ATTENTION")]
    assert len(alarms) == 1 and alarms[0].startswith(f"ATTENTION {student}: "), round_trip.graded.stderr[-3000:]
    graded_cells = set(cases.auto_points(read(paths(round_trip.name)[1]))) | {round_trip.answer}
    assert all(cell in alarms[0] for cell in graded_cells)
    assert round_trip.by_hand[student] == graded_cells  # flagged for a person in the gradebook


def test_feedback_and_grades_csv_for_every_submission(round_trip):
    assert round_trip.feedback.returncode == 0, round_trip.feedback.stderr[-2000:]
    for student in round_trip.handed_in:
        html = round_trip.course / "feedback" / student / round_trip.name / f"{round_trip.name}.html"
        assert html.is_file() and "Score" in html.read_text(encoding="utf-8"), student
    assert round_trip.export.returncode == 0, round_trip.export.stderr[-2000:]
    with open(round_trip.course / "grades.csv", newline="") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    assert set(rows) == set(round_trip.handed_in)
    max_score = sum(cases.auto_points(read(paths(round_trip.name)[1])).values()) + sum(
        cases.meta(cell)["points"] for cell in read(paths(round_trip.name)[1]).cells
        if cases.meta(cell).get("grade") and cell.cell_type == "markdown")
    for case, student in STUDENTS.items():
        expected = round_trip.cases[case][2]
        if expected is not None:
            assert float(rows[student]["score"]) == sum(expected.values()), case
        assert float(rows[student]["max_score"]) == max_score


def test_one_student_can_be_regraded_alone(round_trip):
    """`grade --student ID --force` regrades one submission (its time: benchmarks/grading.py)."""
    again = run([sys.executable, "-m", "i2i_course.cli", "grade", round_trip.name, "--student",
                 STUDENTS["solution"], "--force"], round_trip.course)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    full = sum(cases.auto_points(read(paths(round_trip.name)[1])).values())
    assert re.search(rf"^{STUDENTS['solution']} +{full:g} / {full:g} ", again.stdout, re.M), again.stdout
    others = [student for student in round_trip.handed_in if student != STUDENTS["solution"]]
    assert not any(re.search(rf"^{student} ", again.stdout, re.M) for student in others), again.stdout


def test_nothing_was_written_into_the_repository(round_trip):
    assert repository_state() == round_trip.repository_before


# --- the command line ------------------------------------------------------------------------------


def test_grade_and_release_say_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    if any((folder / CONFIG_FILE).exists() for folder in (tmp_path, *tmp_path.parents)):
        pytest.skip("tmp_path lies inside a course")
    assert main(["grade", "01_losses_and_blur"]) == 2
    assert "nbgrader_config.py" in capsys.readouterr().err
    course = copy_course(tmp_path / "course")
    monkeypatch.chdir(course / "solutions")  # the course is found by walking up
    assert main(["grade", "99_nothing"]) == 2
    assert "unknown assignment '99_nothing': choose from 01_losses_and_blur, 02_unet_skips, 03_patchgan" in \
        capsys.readouterr().err
    assert main(["release", "99_nothing"]) == 2
    assert main(["grade", ASSIGNMENTS[0]]) == 2
    err = capsys.readouterr().err
    assert f"no submission of {ASSIGNMENTS[0]} in submitted/" in err and "zip_collect" in err
    assert not (course / "assignments" / "99_nothing").exists()

"""How long autograding takes with `i2i-course grade`: one student, and a batch of nine.

    python benchmarks/grading.py [ASSIGNMENT ...]

For each assignment, copies the course (nbgrader_config.py, solutions/, assignments/) to a temporary
folder and hands in the solution notebook:

* as one student: times `i2i-course grade NAME` (the first run also registers the assignment in the
  gradebook), then a regrade of that student with `--student bench --force` (the time per student);
* as nine students: times `i2i-course grade NAME` on the batch, in a fresh copy (registration
  included), and gives the time per student of the batch.

Nothing is written into the repository. Needs the dev extra (nbgrader). Run it on an idle machine: the
batch grades as many notebooks at once as there are cores (`--jobs`).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_FILES = ("nbgrader_config.py", "solutions", "assignments")
BATCH = 9


def timed(command, cwd):
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, text=True, capture_output=True)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
    return time.perf_counter() - start, process.stdout


def course_with(name, students, tmp):
    course = Path(tmp)
    for item in COURSE_FILES:
        copy = shutil.copytree if (REPO / item).is_dir() else shutil.copy2
        copy(REPO / item, course / item)
    for student in students:
        handed_in = course / "submitted" / student / name
        handed_in.mkdir(parents=True)
        for notebook in (REPO / "solutions" / name).glob("*.ipynb"):
            shutil.copy2(notebook, handed_in / notebook.name)
    return course


def bench(name):
    grade = [sys.executable, "-m", "i2i_course.cli", "grade", name]
    with tempfile.TemporaryDirectory(prefix="i2i-bench-grading-") as tmp:
        course = course_with(name, ["bench"], tmp)
        first, report = timed(grade, course)
        again, _ = timed([*grade, "--student", "bench", "--force"], course)
    score = next((line for line in report.splitlines() if line.startswith("bench ")), "bench: no score line")
    with tempfile.TemporaryDirectory(prefix="i2i-bench-grading-") as tmp:
        course = course_with(name, [f"b{number:02d}" for number in range(1, BATCH + 1)], tmp)
        batch, report = timed(grade, course)
    wanted = " ".join(score.split()[1:4])  # "8 / 8"
    full = sum(1 for line in report.splitlines() if re.match(rf"b\d\d +{re.escape(wanted)} ", line))
    print(f"{name}: one student graded in {first:.1f} s (first, registers the assignment), regraded in "
          f"{again:.1f} s; {' '.join(score.split())}. A batch of {BATCH}: {batch:.1f} s ({batch / BATCH:.1f} s "
          f"per student, {full} of {BATCH} with that score), on {os.cpu_count()} cores")


def main(names):
    every = sorted(folder.name for folder in (REPO / "solutions").iterdir() if any(folder.glob("*.ipynb")))
    for name in names or every:
        bench(name)


if __name__ == "__main__":
    main(sys.argv[1:])

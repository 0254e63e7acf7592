"""How long autograding takes: one perfect submission per assignment, graded with `i2i-course grade`.

    python benchmarks/grading.py [ASSIGNMENT ...]

Copies the course (nbgrader_config.py, solutions/, assignments/) to a temporary folder, hands in the
solution notebook as student "bench", then times `i2i-course grade NAME` (repair + nbgrader autograde:
one kernel, the tests, no training cells) and a regrade of the one student with `--student --force`.
Nothing is written into the repository. Needs the dev extra (nbgrader).
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from i2i_course.course import grading

REPO = Path(__file__).resolve().parents[1]
COURSE_FILES = ("nbgrader_config.py", "solutions", "assignments")


def timed(command, cwd):
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, text=True, capture_output=True)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
    return time.perf_counter() - start, process.stdout


def bench(name):
    with tempfile.TemporaryDirectory(prefix="i2i-bench-grading-") as tmp:
        course = Path(tmp)
        for item in COURSE_FILES:
            copy = shutil.copytree if (REPO / item).is_dir() else shutil.copy2
            copy(REPO / item, course / item)
        handed_in = course / "submitted" / "bench" / name
        handed_in.mkdir(parents=True)
        for notebook in (REPO / "solutions" / name).glob("*.ipynb"):
            shutil.copy2(notebook, handed_in / notebook.name)
        grade = [sys.executable, "-m", "i2i_course.cli", "grade", name]
        first, report = timed(grade, course)
        again, _ = timed([*grade, "--student", "bench", "--force"], course)
    score = next((line for line in report.splitlines() if line.startswith("bench ")), "bench: no score line")
    print(f"{name}: graded in {first:.1f} s (first, registers the assignment), regraded in {again:.1f} s; "
          f"{' '.join(score.split())}")


def main(names):
    for name in names or grading.assignment_names(REPO):
        bench(name)


if __name__ == "__main__":
    main(sys.argv[1:])

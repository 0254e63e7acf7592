"""The course's own tooling, for instructors and maintainers (never imported by a student's notebook).

- `notebooks`: keep the lesson notebooks runnable, in step with the repository, committed executed.
- `repo`: what the tooling shares: finding the repository root, reading a cell's source.

The nbgrader course, one module per job (docs/instructors.md follows an assignment through them):

- `coursedir`: the course at the repository root: its configuration, folders, assignments; nbgrader.
- `release`: regenerate the student notebooks (assignments/) from the instructor's (solutions/).
- `grade`: `i2i-course grade`, which runs the rest in order:
  `handin` (back up what was handed in, choose the notebook), `repair` (put back lost nbgrader
  metadata), `scan` (flag suspicious code), `records` (the assignment's records for the sandboxes),
  `sandbox` (grade one notebook in a throwaway folder; its kernel runs `kernel_startup`, its nbgrader
  `execute`), `scores` (check and score the graded notebook, write the course's gradebook) and
  `outputs` (cap what a cell printed).

nbformat, nbclient and nbgrader are development dependencies, imported inside the functions that need
them (or by modules only the grading command imports), so that `import i2i_course` never needs them.
"""

"""The course's own tooling, for instructors and maintainers (never imported by a student's notebook).

- `notebooks`: keep the lesson notebooks runnable, in step with the repository, committed executed.
- `grading`: release the nbgrader assignments, repair and grade what students hand in.
- `repo`: what both share: finding the repository root, reading a cell's source.

nbformat, nbclient and nbgrader are development dependencies, imported inside the functions that need
them, so that `import i2i_course` never needs them.
"""

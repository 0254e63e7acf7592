"""The assignment's records: what nbgrader needs to grade a notebook, copied out of the course's gradebook.

The course's gradebook knows each assignment's cells once `grade` has registered it: the graded cells
with their points, the answer cells, and the source of every locked cell (hidden tests included; no
solution). `copy_assignment` writes that, and nothing else (no student, no score), into a fresh gradebook
file, which every sandbox of the batch gets a copy of. Grading uses the course's own records, as
`nbgrader autograde` would; nbgrader's API does the copying, so a server database works the same.
"""

import tempfile
from pathlib import Path

from i2i_course.course.coursedir import course_directory, failure, nbgrader, new_gradebook, open_gradebook
from i2i_course.errors import CourseError


def register(root, name):
    """Make sure the course gradebook knows assignment `name`; True if it was added.

    The assignment is generated into a temporary folder, so assignments/ is left as it is.
    """
    from nbgrader.api import MissingEntry

    course = course_directory(root)
    with open_gradebook(root) as gradebook:
        try:
            if gradebook.find_assignment(name).notebooks:
                return False
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory(prefix="i2i-register-") as tmp:
        process = nbgrader(root, "generate_assignment", name, "--force",
                           f"--CourseDirectory.release_directory={tmp}")
    if process.returncode != 0:
        raise CourseError(f"could not add {name} to the gradebook: {failure(process)}")
    return True


def copy_assignment(root, name, target):
    """Write assignment `name`'s records from the course's gradebook into a new gradebook file `target`."""
    from sqlalchemy import text

    course = course_directory(root)
    with open_gradebook(root) as source:
        assignment = source.find_assignment(name)
        notebooks = [(nb.name, nb.kernelspec,
                      [(c.name, c.max_score, c.cell_type) for c in nb.grade_cells],
                      [c.name for c in nb.solution_cells],
                      [(c.name, c.max_score, c.cell_type) for c in nb.task_cells],
                      [(c.name, c.cell_type, c.locked, c.source, c.checksum) for c in nb.source_cells])
                     for nb in assignment.notebooks]
        duedate = assignment.duedate
        version = source.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    with new_gradebook(target, course.course_id, version) as copy:
        copy.update_or_create_assignment(name, duedate=duedate)
        for notebook, kernelspec, grades, solutions, tasks, sources in notebooks:
            copy.update_or_create_notebook(notebook, name, kernelspec=kernelspec)
            for cell, points, cell_type in grades:
                copy.update_or_create_grade_cell(cell, notebook, name, max_score=points, cell_type=cell_type)
            for cell in solutions:
                copy.update_or_create_solution_cell(cell, notebook, name)
            for cell, points, cell_type in tasks:
                copy.update_or_create_task_cell(cell, notebook, name, max_score=points, cell_type=cell_type)
            for cell, cell_type, locked, text, checksum in sources:
                copy.update_or_create_source_cell(cell, notebook, name, cell_type=cell_type, locked=locked,
                                                  source=text, checksum=checksum)
    return Path(target)


def graded_sources(root, name, notebook):
    """{grade id: (cell type, source)} of the graded cells, as the course's gradebook has them."""
    course = course_directory(root)
    with open_gradebook(root) as gradebook:
        nb = gradebook.find_notebook(notebook, name)
        graded = {cell.name for cell in nb.grade_cells}
        return {cell.name: (cell.cell_type, cell.source) for cell in nb.source_cells if cell.name in graded}

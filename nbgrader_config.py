"""nbgrader's configuration: the repository itself is the nbgrader course (see docs/instructors.md).

Run nbgrader and `i2i-course grade` from the repository root. The folders, by nbgrader's names:
  solutions/    source: the instructor's notebooks, with solutions and hidden tests (committed)
  assignments/  release: the student versions, written by `i2i-course release` only (committed)
  downloaded/, submitted/, autograded/, feedback/, originals/, gradebook.db, grades.csv: the
  instructor's working files, kept out of git by .gitignore.
"""

c = get_config()  # noqa: F821 (nbgrader defines get_config when it loads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# The gradebook: SQLite in gradebook.db at the repository root unless set here. For a large course,
# or several graders at once, use a server database (SQLAlchemy URL; install its driver, e.g. psycopg):
# c.CourseDirectory.db_url = "postgresql://grader:PASSWORD@db.example.edu/i2i_course"

# Seconds each cell may run while autograding (and validating): an endless loop in a submission is
# cut after this, that submission loses the points of the tests it breaks, and the batch goes on.
# Training cells are skipped while grading, so a cell of a correct solution takes well under a second.
c.Execute.timeout = 20

# `nbgrader zip_collect ASSIGNMENT` reads the LMS archive from downloaded/ASSIGNMENT/archive/ and needs
# each file's student id. This matches Canvas's "Download Submissions" names,
# NAME_[LATE_]USERID_SUBMISSIONID_FILENAME[-N].ipynb; for Moodle's folders, NAME_ID_assignsubmission_file_/
# FILENAME.ipynb, use r".*/[^/]+_(?P<student_id>\d+)_assignsubmission_file_/(?P<file_id>[^/]+)\.ipynb$".
# A notebook the student renamed is matched to the assignment's notebook by `i2i-course grade`.
c.FileNameCollectorPlugin.named_regexp = (
    r".*/[^/_]+_(?:(?i:late)_)?(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)

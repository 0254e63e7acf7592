"""The nbgrader course at the repository root: its configuration, folders, assignments, and nbgrader itself.

The repository is the nbgrader course (`nbgrader_config.py` at its root): `solutions/` is nbgrader's
source directory (instructor copies, with solutions and hidden tests), `assignments/` its release
directory (student copies). Every module of the grading tooling finds the course, its folders and its
assignments here. An assignment is one notebook, `solutions/NAME/NAME.ipynb`.

nbformat and nbgrader are development dependencies: they are imported inside the functions, so
`import i2i_course` never needs them.
"""

import os
import subprocess
import sys
from pathlib import Path

from i2i_course.course.repo import find_root
from i2i_course.errors import CourseError

CONFIG_FILE = "nbgrader_config.py"


def find_course(start=None):
    """The course root: the nearest folder at or above `start` (default: the cwd) with nbgrader_config.py."""
    return find_root(start, CONFIG_FILE)


def load_config(root):
    """The course's nbgrader configuration (a traitlets Config), read from nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()


def course_directory(root):
    """nbgrader's view of the course at `root` (its folders and gradebook URL), from nbgrader_config.py."""
    try:
        from nbgrader.coursedir import CourseDirectory
    except ImportError:
        raise CourseError('nbgrader is not installed: run pip install -e ".[dev]"') from None
    return CourseDirectory(config=load_config(root), root=str(Path(root).resolve()))


def assignment_names(root):
    """The assignments of the course: the folders of the source directory that hold notebooks."""
    source = Path(root) / course_directory(root).source_directory
    return sorted(folder.name for folder in source.iterdir()
                  if folder.is_dir() and any(folder.glob("*.ipynb"))) if source.is_dir() else []


def check_assignment(root, name):
    names = assignment_names(root)
    if name not in names:
        raise CourseError(f"unknown assignment {name!r}: choose from {', '.join(names) or '(none yet)'}")


def released_notebook(root, name):
    """The student version of assignment `name`, assignments/NAME/NAME.ipynb: the one notebook it has."""
    course = course_directory(root)
    folder = Path(root) / course.release_directory / name
    found = sorted(folder.glob("*.ipynb"))
    if not found:
        raise CourseError(f"{course.release_directory}/{name} is missing: run `i2i-course release {name}`")
    if len(found) > 1 or found[0].stem != name:
        raise CourseError(f"{course.release_directory}/{name}/ must hold one notebook, {name}.ipynb (found "
                          f"{', '.join(path.name for path in found)}): one notebook per assignment")
    return found[0]


def script_env(extra=None):
    """os.environ with this Python's scripts folder first on PATH, and `extra` on top.

    nbgrader runs `alembic` by name, which an environment that is not activated (`.venv/bin/python -m ...`)
    would otherwise not find.
    """
    scripts = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    env.update(extra or {})
    return env


def nbgrader(root, *args, capture=True):
    """Run `nbgrader ARGS` in the course root (where it finds nbgrader_config.py); a CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, text=True,
                          capture_output=capture, env=script_env())


def failure(process):
    """nbgrader's own explanation of a failed run: its last error line."""
    lines = (process.stderr or "").splitlines() + (process.stdout or "").splitlines()
    errors = [line for line in lines if "ERROR" in line or "Error" in line]
    return (errors or lines or ["no output"])[-1].strip()


def open_gradebook(root):
    """The course's gradebook (nbgrader.api.Gradebook, a context manager), wherever its URL points.

    A gradebook that does not exist yet is created by nbgrader, which runs `alembic` by name: this
    Python's scripts folder is put first on PATH for that.
    """
    from unittest import mock

    from nbgrader.api import Gradebook

    course = course_directory(root)
    with mock.patch.dict(os.environ, {"PATH": script_env()["PATH"]}):
        return Gradebook(course.db_url, course.course_id)


def new_gradebook(path, course_id, alembic_version=None):
    """A new, empty SQLite gradebook at `path` (see open_gradebook).

    Given the schema's `alembic_version` (the course gradebook's), the tables are made here, and nbgrader
    need not ask alembic which version it is (a second or two).
    """
    from unittest import mock

    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{Path(path).resolve()}"
    if alembic_version:
        engine = create_engine(url, future=True)
        Base.metadata.create_all(bind=engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": alembic_version})
        engine.dispose()
    with mock.patch.dict(os.environ, {"PATH": script_env()["PATH"]}):
        return Gradebook(url, course_id)


def read_notebook(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def write_notebook(nb, path):
    """Write `nb` as nbgrader does (nbformat's JSON and a final newline), so both give the same bytes."""
    import nbformat

    Path(path).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")

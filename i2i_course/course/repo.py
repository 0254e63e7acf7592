"""What the course tooling shares: the repository root, and a notebook cell's source as one string."""

from pathlib import Path

from i2i_course.errors import CourseError


def find_root(start=None, marker="pyproject.toml"):
    """The repository root: the nearest folder at or above `start` (default: the cwd) holding `marker`."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / marker).is_file():
            return folder
    raise CourseError(f"no {marker} in {here} or above: run this inside the course repository")


def cell_source(cell):
    """A cell's source as one string (nbformat allows a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source

"""Release: regenerate the student notebooks (assignments/) from the instructor's (solutions/).

`i2i-course release` runs `nbgrader generate_assignment` for each assignment with a throwaway gradebook
(the repository gets none), then `notebooks.clean`, which keeps nbgrader's checksums valid (they cover
the source and nbgrader metadata only). The same solutions always give the same bytes, so a test can
insist that the committed release is up to date.
"""

import shutil
import tempfile
from pathlib import Path

from i2i_course.course.coursedir import (assignment_names, check_assignment, course_directory, failure,
                                         nbgrader, read_notebook, write_notebook)
from i2i_course.errors import CourseError


def release(root, names=None, out=print):
    """Regenerate the release folder (assignments/) from the source folder (solutions/).

    The solutions themselves are cleaned of run noise first. Releasing every assignment also removes
    released folders whose source is gone. Returns the released folders.
    """
    import nbformat

    from i2i_course.course.notebooks import clean

    root = Path(root).resolve()
    course = course_directory(root)
    source, target = root / course.source_directory, root / course.release_directory
    every = assignment_names(root)
    names = list(names or every)
    for name in names:
        check_assignment(root, name)
        found = sorted((source / name).glob("*.ipynb"))
        if [path.name for path in found] != [f"{name}.ipynb"]:
            raise CourseError(f"{course.source_directory}/{name}/ must hold one notebook, {name}.ipynb (found "
                              f"{', '.join(path.name for path in found)}): one notebook per assignment")
    for path in sorted(source.glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        cleaned = nbformat.writes(clean(nbformat.reads(text, as_version=4))) + "\n"
        if cleaned != text:
            path.write_text(cleaned, encoding="utf-8")
            out(f"rewrote {path.relative_to(root)} in clean form (i2i_course.course.notebooks.clean)")
    written = []
    with tempfile.TemporaryDirectory(prefix="i2i-release-") as tmp:
        for name in names:
            build = Path(tmp) / "release"
            process = nbgrader(root, "generate_assignment", name, "--force",
                               f"--CourseDirectory.db_url=sqlite:///{tmp}/gradebook.db",
                               f"--CourseDirectory.release_directory={build}")
            if process.returncode != 0:
                raise CourseError(f"nbgrader generate_assignment {name} failed: {failure(process)}")
            for path in sorted((build / name).glob("*.ipynb")):
                write_notebook(clean(read_notebook(path)), path)
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(build / name, target / name)
            written.append(target / name)
            out(f"released {(target / name).relative_to(root)}/ from {(source / name).relative_to(root)}/")
    if set(names) == set(every) and target.is_dir():
        for folder in sorted(target.iterdir()):
            if folder.is_dir() and folder.name not in every:
                shutil.rmtree(folder)
                out(f"removed {folder.relative_to(root)}/: its source is gone")
    return written

"""Safe extraction of .tar.gz and .zip archives: nothing lands outside the target folder.

A downloaded archive is untrusted input. Every entry is checked before anything is written, and one
bad entry refuses the whole archive: no absolute paths, no `..`, no devices or pipes, and links only
to relative targets without `..` (so, followed from anywhere inside, they stay inside). Python 3.12+
(and 3.11.4+) tarfile can also filter entries itself (`filter="data"`); it is used on top of these
checks where present, and the checks by hand keep older 3.11 releases just as safe.
"""

import stat
import tarfile
import zipfile
import zlib
from pathlib import Path

from i2i_course.errors import CourseError

# what a damaged archive raises while it is read: truncated gzip, bad zip, bad CRC, ...
CORRUPT = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError)


def unsafe_path(name):
    """Why an entry's path would escape the target folder, or None when it stays inside."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in parts:
        return "a path with '..'"
    return None


def unsafe_link(target):
    """Why a link target could point outside the target folder, or None when it cannot."""
    reason = unsafe_path(target)
    return f"a link to {target!r}, {reason}" if reason else None


def tar_problem(member):
    reason = unsafe_path(member.name)
    if reason is None and (member.issym() or member.islnk()):
        reason = unsafe_link(member.linkname)
    if reason is None and not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        reason = "a device, pipe or other special file"
    return reason


def zip_problem(archive, info):
    reason = unsafe_path(info.filename)
    if reason is None and stat.S_ISLNK(info.external_attr >> 16):
        reason = unsafe_link(archive.read(info).decode("utf-8", "replace"))
    return reason


def refuse(archive_path, name, reason):
    raise CourseError(f"{archive_path.name} holds an unsafe entry {name!r} ({reason}), so it is not the "
                      "dataset the catalog describes; nothing was extracted")


def safe_extract(archive_path, dest):
    """Extract `archive_path` (.zip, else any tar) into the existing folder `dest`, or refuse it whole."""
    archive_path, dest = Path(archive_path), Path(dest)
    try:
        if archive_path.suffix == ".zip":
            with zipfile.ZipFile(archive_path) as archive:
                for info in archive.infolist():
                    reason = zip_problem(archive, info)
                    if reason:
                        refuse(archive_path, info.filename, reason)
                archive.extractall(dest)
        else:
            with tarfile.open(archive_path, "r:*") as archive:
                members = archive.getmembers()
                while archive.fileobj.read(1 << 20):  # to the end: gzip checks its CRC there, and
                    pass  # tarfile alone takes a damaged header for the end of the archive
                for member in members:
                    reason = tar_problem(member)
                    if reason:
                        refuse(archive_path, member.name, reason)
                extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                archive.extractall(dest, members=members, **extra)
    except CORRUPT as error:
        if isinstance(error, OSError) and error.errno is not None:  # the disk, not the archive: full, read-only
            raise CourseError(f"extracting {archive_path.name} into {dest} failed: {error}") from error
        raise CourseError(f"{archive_path.name} cannot be read as an archive ({type(error).__name__}: "
                          f"{error}): it is corrupt or incomplete") from error

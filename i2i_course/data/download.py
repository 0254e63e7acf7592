"""Download, check and unpack a catalog dataset, safely and only once.

    folder = download("facades")            # -> ROOT/facades, ROOT = $I2I_DATA_DIR or ./datasets

What it does, in order, and why:

1. A dataset folder that is already there and complete is used as it is: no HTTP request. One that is
   there but incomplete is reported and left alone: the course never deletes or overwrites data it did
   not make.
2. An archive already at ROOT/ARCHIVE (fetched by hand, say) is used; otherwise the mirrors are tried in
   order (`url` replaces them), each into ROOT/ARCHIVE.part with a progress bar. A transfer that drops
   is resumed with an HTTP Range request, here and in a later run (Ctrl-C leaves the .part to resume).
3. The archive's sha256 is checked against the catalog's or, where the catalog has none, the one
   recorded in ROOT/SHA256SUMS by the first verified download. Only a complete, matching file is renamed
   from .part to its name.
4. It is extracted safely (see archives.py) into a hidden temporary folder inside ROOT, checked (splits,
   counts, every image decodes: see layout.py) and only then renamed into place. On any failure the
   temporary folder and a download that turned out bad are removed: no half-made dataset is left.
5. Where no checksum was known, this verified archive's is recorded in ROOT/SHA256SUMS. The archive it
   downloaded is deleted (`keep_archive` keeps it); one that was already there is never touched.
"""

import hashlib
import http.client
import os
import shutil
import tempfile
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from tqdm.auto import tqdm

from i2i_course.data.archives import safe_extract
from i2i_course.data.catalog import get_info
from i2i_course.data.layout import check_folder, split_counts
from i2i_course.errors import CourseError

ENV_VAR = "I2I_DATA_DIR"
SUMS_FILE = "SHA256SUMS"  # in ROOT, `sha256sum -c` format: checksums recorded on first verified download
CHUNK = 1 << 16
TIMEOUT_S = 60
RETRIES = 3  # resumed attempts per mirror after a dropped connection
USER_AGENT = "i2i-course dataset downloader"


def data_root(root=None):
    """Where datasets live: `root`, else $I2I_DATA_DIR, else ./datasets."""
    return Path(root or os.environ.get(ENV_VAR) or "datasets")


class TransferCut(Exception):
    """The server sent less than it announced."""


def fetch(url, part, progress=True, retries=RETRIES):
    """Download `url` into the file `part`, resuming from what `part` already holds.

    A dropped connection or a short body is resumed with `Range: bytes=N-` up to `retries` times; a
    server that ignores Range restarts the file. HTTP errors and unreachable hosts are raised at once.
    """
    part, error = Path(part), None
    for _ in range(retries + 1):
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT, **({"Range": f"bytes={have}-"} if have else {})}
        try:
            response = urlopen(Request(url, headers=headers), timeout=TIMEOUT_S)
        except HTTPError as http_error:
            if http_error.code != 416 or not have:
                raise
            if http_error.headers.get("Content-Range", "") == f"bytes */{have}":
                return  # "range not satisfiable" because the .part is already the whole file
            part.unlink()  # it is longer than this file: not a prefix of it, start over
            error = http_error
            continue
        except URLError:  # no such host, connection refused: the next mirror may do better
            raise
        except (http.client.HTTPException, OSError) as dropped:  # closed before answering: try again
            error = dropped
            continue
        with response:
            resumed = response.status == 206 and response.headers.get("Content-Range", "").startswith(
                f"bytes {have}-")
            if response.status == 206 and not resumed:
                part.unlink()
                error = TransferCut(f"the server answered a different range ({response.headers['Content-Range']})")
                continue
            start = have if resumed else 0
            length = response.headers.get("Content-Length")
            total = start + int(length) if length else None
            try:
                with open(part, "ab" if resumed else "wb") as out, tqdm(
                        total=total, initial=start, unit="B", unit_scale=True, unit_divisor=1024,
                        desc=part.name.removesuffix(".part"), disable=not progress, leave=False) as bar:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        bar.update(len(chunk))
            except (http.client.HTTPException, OSError) as dropped:
                error = dropped
                continue
        if total is not None and part.stat().st_size < total:
            error = TransferCut(f"got {part.stat().st_size} of {total} bytes")
            continue
        return
    raise TransferCut(f"the transfer kept dropping ({type(error).__name__}: {error}); "
                      f"{part.stat().st_size if part.exists() else 0} bytes kept in {part} to resume from")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def recorded_sha256(root, archive_name):
    """The checksum ROOT/SHA256SUMS recorded for `archive_name`, or None."""
    sums = Path(root) / SUMS_FILE
    if not sums.exists():
        return None
    for line in sums.read_text().splitlines():
        digest, _, name = line.strip().partition("  ")
        if name == archive_name:
            return digest
    return None


def record_sha256(root, archive_name, digest):
    with open(Path(root) / SUMS_FILE, "a") as sums:
        sums.write(f"{digest}  {archive_name}\n")


def expected_sha256(info, root, archive_name):
    """(sha256, where it comes from) for the archive, or (None, None) when none is known yet."""
    if info.sha256:
        return info.sha256, "the catalog"
    recorded = recorded_sha256(root, archive_name)
    return (recorded, str(Path(root) / SUMS_FILE)) if recorded else (None, None)


def how_to_fetch(info, archive, urls):
    where = urls[0] if urls else "the dataset's site"
    also = f" (or a mirror: {', '.join(urls[1:])})" if len(urls) > 1 else ""
    return (f"To fetch it by hand, download {where}{also} with a browser or `curl -L -C - -o {archive} URL`, "
            f"save it as {archive}, and run `i2i-course data download {info.name} --root {archive.parent}` "
            "again: it checks and extracts the archive it finds there")


def why(error):
    """A failed request in a few words: "HTTP 404 Not Found", "[Errno 111] Connection refused", ..."""
    if isinstance(error, HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, URLError):
        return str(error.reason)
    return f"{type(error).__name__}: {error}"


def fetch_archive(info, urls, archive, expected, progress):
    """Try each mirror in turn until one gives a complete archive with the expected checksum."""
    part = archive.with_name(archive.name + ".part")
    failures = []
    for url in urls:
        print(f"{info.name}: downloading {url}" + (" (resuming)" if part.exists() else ""))
        try:
            fetch(url, part, progress)
        except (URLError, TransferCut, http.client.HTTPException, OSError) as error:
            failures.append(f"{url}: {why(error)}")
            continue
        digest = sha256_of(part)
        if expected[0] and digest != expected[0]:
            part.unlink()
            failures.append(f"{url}: its sha256 {digest} does not match {expected[0]} from {expected[1]}, "
                            "so it was deleted (a changed or damaged file)")
            continue
        os.replace(part, archive)
        return digest
    raise CourseError(f"could not download {info.name}: {'; '.join(failures)}. "
                      + how_to_fetch(info, archive, urls))


def check_archive(info, archive, expected):
    """The sha256 of an archive that was already there (fetched by hand); refused when it is wrong."""
    digest = sha256_of(archive)
    if expected[0] and digest != expected[0]:
        raise CourseError(f"{archive} does not have the sha256 {expected[0]} from {expected[1]}: it is damaged "
                          f"or a different file. It was left as it is: delete it and run `i2i-course data "
                          f"download {info.name} --root {archive.parent}` again")
    return digest


def dataset_in(extracted, info):
    """The dataset folder inside a fresh extraction: the folder itself, or its single top folder."""
    if any((extracted / split).is_dir() for split in info.splits):
        return extracted
    tops = [p for p in extracted.iterdir() if p.is_dir() and not p.name.startswith((".", "__MACOSX"))]
    return tops[0] if len(tops) == 1 else extracted


def download(name, root=None, url=None, progress=True, keep_archive=False):
    """Make ROOT/NAME a complete, verified copy of the catalog's dataset `name`; returns its path."""
    info = get_info(name)
    root = data_root(root)
    target = root / info.name
    if target.exists():
        problems = check_folder(info, target, decode=False)
        if not problems:
            print(f"{info.name}: already in {target} ({sum(split_counts(info, target).values())} images), "
                  "nothing to download")
            return target
        raise CourseError(f"{target} exists but is not a complete {info.name} dataset "
                          f"({'; '.join(problems)}). It was left as it is: move it away or delete it, then run "
                          "the download again")
    urls = (url,) if url else info.urls
    archive = root / (info.archive or f"{info.name}.tar.gz")
    if not urls and not archive.exists():
        raise CourseError(f"{info.name} cannot be downloaded automatically. {info.manual}")
    root.mkdir(parents=True, exist_ok=True)
    expected = expected_sha256(info, root, archive.name)
    fetched = not archive.exists()
    if fetched:
        digest = fetch_archive(info, urls, archive, expected, progress)
    else:
        print(f"{info.name}: using the archive already at {archive}")
        digest = check_archive(info, archive, expected)
    extracting = Path(tempfile.mkdtemp(prefix=f".{info.name}.extracting-", dir=root))
    try:
        print(f"{info.name}: extracting {archive.name}")
        safe_extract(archive, extracting)
        folder = dataset_in(extracting, info)
        problems = check_folder(info, folder, decode=True, progress=progress)
        if problems:
            raise CourseError(f"{archive.name} does not hold a complete {info.name} dataset "
                              f"({'; '.join(problems)})")
        if target.exists():
            raise CourseError(f"{target} appeared while {info.name} was being extracted")
        os.rename(folder, target)
    except CourseError as error:
        if fetched:  # a bad download: gone, so that the next run fetches it afresh
            archive.unlink(missing_ok=True)
            raise CourseError(f"{error}; the download was deleted and nothing was installed") from None
        raise CourseError(f"{error}; {archive} was left as it is: delete it or replace it, then run "
                          f"`i2i-course data download {info.name} --root {root}` again") from None
    finally:
        shutil.rmtree(extracting, ignore_errors=True)
    if expected[0] is None:
        record_sha256(root, archive.name, digest)
        print(f"{info.name}: no published checksum; this verified archive's sha256 is recorded in "
              f"{root / SUMS_FILE} and later downloads are checked against it")
    if fetched and not keep_archive:
        archive.unlink()
    print(f"{info.name}: ready in {target} ({sum(split_counts(info, target).values())} images)")
    return target


def verify(name, root=None, progress=True):
    """Check ROOT/NAME fully (splits, counts, every image decodes). Returns (folder, counts, problems)."""
    info = get_info(name)
    folder = data_root(root) / info.name
    if not folder.exists():
        how = info.manual or f"`i2i-course data download {info.name} --root {folder.parent}` fetches it"
        raise CourseError(f"{info.name} is not in {folder}: {how}")
    return folder, split_counts(info, folder), check_folder(info, folder, decode=True, progress=progress)


def is_complete(name, root=None):
    """Whether ROOT/NAME holds every split with the expected counts (a quick look: nothing decoded)."""
    info = get_info(name)
    folder = data_root(root) / info.name
    return folder.is_dir() and not check_folder(info, folder, decode=False)

"""Keep the lesson notebooks runnable, in step with the repository, and committed with clean outputs.

The notebooks are committed *executed* (the outputs of a real run at the `cpu` profile), so readers on
GitHub or Colab see every figure before running anything. `i2i-course notebooks` re-creates them:

* `sync(root)` writes the repository address from `pyproject.toml` (`[project.urls] Repository`, the
  one place it lives) into every notebook's first code cell (the Colab install cell) and into the
  README's "Open in Colab" badges;
* `execute(path, profile)` runs a notebook top to bottom in a fresh kernel (`I2I_PROFILE=profile`),
  and saves it only when every cell succeeded, after `clean` has stripped what changes from run to
  run (timings, widget state, progress bars, machine-specific kernel metadata).

nbformat and nbclient are development dependencies: they are imported inside the functions, so
`import i2i_course` never needs them.
"""

import contextlib
import copy
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from unittest import mock

from i2i_course.course.repo import cell_source, find_root
from i2i_course.errors import CourseError

NOTEBOOK_GLOB = "notebooks/[0-9][0-9]_*.ipynb"
DEFAULT_BRANCH = "main"
DEFAULT_TIMEOUT = 3600  # seconds per cell; a `cpu` lesson's training cell takes minutes
KERNEL_NAME = "python3"

# A first code cell that starts with INSTALL_MARKER or names GENERATED_BY (a placeholder such as
# "# install cell: written by `i2i-course notebooks --sync-only`") is the generated install cell, and
# `sync` rewrites it whole; any other first code cell is the author's, kept, with the install cell
# inserted before it.
INSTALL_MARKER = "# Colab only: install the course package"
GENERATED_BY = "i2i-course notebooks --sync"

_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Cell metadata that changes from run to run or from machine to machine: nbclient/JupyterLab timings
# ("execution", the ExecuteTime extension's "ExecuteTime"), the classic notebook's view state
# ("collapsed", "scrolled") and Colab's run records ("executionInfo" holds timestamps and the user's
# name, "outputId", "colab" the output frame's size).
_NOISY_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "executionInfo",
                        "outputId", "colab")
# A line of a progress bar: a carriage-return update, a rate ("9.5it/s", "?it/s", "1.2s/it") or a bar
# (" 40%|████").
_PROGRESS = re.compile(r"[\d?](?:it/s|s/it)\b|\d+%\|")
# Ids that a tool made up (nbformat: 8 hex digits; JupyterLab: a UUID); `clean` replaces them.
_RANDOM_ID = re.compile(r"[0-9a-f]{8}|[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")
_STABLE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?")
# The repository part of an "Open in Colab" link: .../github/OWNER/REPO/blob/BRANCH/
_COLAB_LINK = re.compile(r"colab\.research\.google\.com/github/[^/\s()\[\]<>\"']+/[^/\s()\[\]<>\"']+"
                         r"/blob/[^/\s()\[\]<>\"']+/")


class NotebookFailed(Exception):
    """A notebook did not run to the end; the message is one line naming the cell and the error."""

    def __init__(self, path, reason, cell_index=None, cell_id=None):
        self.path = Path(path)
        self.reason = reason  # "cell 3 of 9 (id cell-02, 'x = 1 / 0') failed: ZeroDivisionError: ..."
        self.cell_index = cell_index  # 0-based index in nb.cells, None when the kernel did not start
        self.cell_id = cell_id
        super().__init__(f"{self.path.name}: {reason}")


# ---------------------------------------------------------------------------------------------------
# The repository address and what is written from it


def repository_url(root):
    """The `[project.urls] Repository` address in `root/pyproject.toml`, without a trailing slash."""
    pyproject = Path(root) / "pyproject.toml"
    try:
        with open(pyproject, "rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise CourseError(f"{pyproject} not found: run inside the course repository") from None
    except tomllib.TOMLDecodeError as error:
        raise CourseError(f"{pyproject} is not valid TOML: {error}") from None
    url = data.get("project", {}).get("urls", {}).get("Repository")
    if not isinstance(url, str) or not url.strip():
        raise CourseError(f"{pyproject} has no [project.urls] Repository address")
    return url.strip().rstrip("/")


def _github_owner_repo(url):
    match = _GITHUB.fullmatch(url.strip())
    if match is None:
        raise CourseError(f"repository address {url!r} is not a https://github.com/OWNER/REPO address "
                          "(Colab opens notebooks from GitHub)")
    return match.group(1), match.group(2)


CPU_RUNTIME_HINT = ("No GPU in this runtime, so the course runs at the cpu profile (smaller, slower). For the "
                    "colab profile: Runtime > Change runtime type > T4 GPU, then Run all.")


def colab_install_source(url):
    """The source of every notebook's first code cell: installs the package on Colab (and, on a CPU runtime,
    says in one line how to get a GPU, then goes on), nothing elsewhere."""
    return (
        f"{INSTALL_MARKER} from its repository (does nothing elsewhere).\n"
        "import sys, subprocess\n"
        f"REPOSITORY = {json.dumps(url)}"
        "  # written from pyproject.toml by `i2i-course notebooks --sync-only`\n"
        'if "google.colab" in sys.modules:\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPOSITORY}"], check=True)\n'
        "    import torch\n"
        "    if not torch.cuda.is_available():\n"
        f"        print({json.dumps(CPU_RUNTIME_HINT)})"
    )


def colab_url(url, notebook_relpath, branch=DEFAULT_BRANCH):
    """The Colab address that opens `notebook_relpath` (relative to the repository root) from GitHub."""
    owner, repo = _github_owner_repo(url)
    relpath = Path(notebook_relpath).as_posix()
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/{relpath}"


def colab_badge(url, notebook_relpath, branch=DEFAULT_BRANCH):
    """The README's markdown "Open In Colab" badge for one notebook."""
    return ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(url, notebook_relpath, branch)})")


def lesson_notebooks(root):
    """The lesson notebooks of the repository, in lesson order."""
    return sorted(Path(root).glob(NOTEBOOK_GLOB))


def _is_install_cell(cell):
    source = cell_source(cell)
    return source.lstrip().startswith(INSTALL_MARKER) or GENERATED_BY in source


def sync_notebook(nb, url):
    """Make the first code cell of `nb` the install cell for `url`, in place; True when `nb` changed."""
    import nbformat

    wanted = colab_install_source(url)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if code and _is_install_cell(nb.cells[code[0]]):
        cell = nb.cells[code[0]]
        if cell_source(cell) == wanted:
            return False
        cell.source = wanted  # it does nothing outside Colab, so its (empty) outputs stay valid
        return True
    cell = nbformat.v4.new_code_cell(wanted)
    taken = {c.get("id") for c in nb.cells}
    cell.id = next(name for name in ("colab-install", *(f"colab-install-{n}" for n in range(1, 1000)))
                   if name not in taken)
    nb.cells.insert(code[0] if code else len(nb.cells), cell)
    if nb.nbformat == 4 and nb.nbformat_minor < 5:
        nb.nbformat_minor = 5  # cell ids
    return True


def sync_readme(text, url):
    """`text` with every Colab badge link pointing at the repository `url` (nothing else changes)."""
    owner, repo = _github_owner_repo(url)
    return _COLAB_LINK.sub(f"colab.research.google.com/github/{owner}/{repo}/blob/{DEFAULT_BRANCH}/", text)


def sync(root):
    """Write the repository address into the notebooks' install cells and the README's Colab badges.

    Returns the files it rewrote (only those whose content changed).
    """
    import nbformat

    root = Path(root)
    url = repository_url(root)
    _github_owner_repo(url)  # a bad address stops here, before any file is written
    changed = []
    # the lessons, and the assignments' sources (`i2i-course release` then regenerates the student copies)
    for path in [*lesson_notebooks(root), *sorted(root.glob("solutions/*/*.ipynb"))]:
        nb = nbformat.read(path, as_version=4)
        if sync_notebook(nb, url):
            _write_atomic(path, nbformat.writes(nb))
            changed.append(path)
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        new = sync_readme(text, url)
        if new != text:
            _write_atomic(readme, new)
            changed.append(readme)
    return changed


def missing_badges(root):
    """The lesson notebooks (paths relative to `root`) that the README has no Colab link for."""
    root = Path(root)
    url = repository_url(root)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    return [path.relative_to(root) for path in lesson_notebooks(root)
            if colab_url(url, path.relative_to(root)) not in text]


# ---------------------------------------------------------------------------------------------------
# Cleaning


def _is_progress(line):
    return "\r" in line or _PROGRESS.search(line) is not None


def _clean_outputs(outputs):
    """Outputs without widget views and progress-bar lines; consecutive chunks of a stream merged.

    A progress bar reaches stderr in pieces, and its closing newline may come after later stdout
    output, so stderr is read as one stream across the cell: a line is judged once it is complete.
    """
    result = []
    pending = ""  # the unfinished last line of stderr so far, judged when it ends
    last_stderr = None
    for output in outputs:
        if _WIDGET_VIEW in output.get("data", {}):
            continue  # a widget's view: meaningless without the widget state, different every run
        if output.get("output_type") == "stream":
            text = "".join(output.get("text", ""))
            if output.get("name") == "stderr":
                lines = (pending + text).split("\n")
                pending = lines.pop()
                text = "".join(line + "\n" for line in lines if not _is_progress(line))
                last_stderr = output
            output["text"] = text
        result.append(output)
    if pending and not _is_progress(pending):
        last_stderr["text"] += pending
    merged = []
    for output in result:
        if output.get("output_type") == "stream":
            if not output["text"]:
                continue
            previous = merged[-1] if merged else None
            if (previous is not None and previous.get("output_type") == "stream"
                    and previous.get("name") == output.get("name")):
                previous["text"] += output["text"]  # one stream, however the kernel chunked it
                continue
        merged.append(output)
    return merged


def _stable_ids(cells):
    """Give every cell a stable, unique id: keep readable ones, number the made-up ones by position."""
    taken = set()
    keep = []
    for cell in cells:
        cell_id = cell.get("id")
        ok = (isinstance(cell_id, str) and len(cell_id) <= 64 and _STABLE_ID.fullmatch(cell_id)
              and not _RANDOM_ID.fullmatch(cell_id) and cell_id not in taken)
        keep.append(bool(ok))
        if ok:
            taken.add(cell_id)
    for position, (cell, kept) in enumerate(zip(cells, keep)):
        if kept:
            continue
        number = position
        while f"cell-{number:02d}" in taken:
            number += 1
        cell["id"] = f"cell-{number:02d}"
        taken.add(cell["id"])


def clean(nb):
    """A copy of `nb` fit to commit: the same cells and real outputs, without what changes between runs.

    Strips cell timings and view/Colab run metadata, the notebook's widget state and widget outputs,
    progress-bar lines from stderr (and streams left empty); merges consecutive chunks of one stream;
    gives cells stable ids (`cell-NN` by position unless a readable id is already there); sets the
    kernelspec to python3 and language_info to {"name": "python"}. `clean(clean(nb)) == clean(nb)`.
    """
    import nbformat

    nb = nbformat.from_dict(copy.deepcopy(dict(nb)))
    if nb.get("nbformat") == 4 and nb.get("nbformat_minor", 0) < 5:
        nb.nbformat_minor = 5  # cell ids
    metadata = nb.setdefault("metadata", nbformat.NotebookNode())
    metadata.pop("widgets", None)
    metadata["kernelspec"] = nbformat.from_dict(dict(_KERNELSPEC))
    metadata["language_info"] = nbformat.from_dict({"name": "python"})
    for cell in nb.cells:
        cell["source"] = cell_source(cell)
        cell_metadata = cell.setdefault("metadata", nbformat.NotebookNode())
        for key in _NOISY_CELL_METADATA:
            cell_metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = _clean_outputs(cell.get("outputs", []))
    _stable_ids(nb.cells)
    return nb


# ---------------------------------------------------------------------------------------------------
# Executing


def _write_atomic(path, text):
    """Replace `path` by `text` at once: a crash never leaves a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)  # keep the file's permissions, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _kernel_environment(profile):
    """os.environ for a kernel started inside the block (jupyter_client copies the parent's); restored after."""
    with mock.patch.dict(os.environ, {"I2I_PROFILE": profile,
                                      "PYDEVD_DISABLE_FILE_VALIDATION": "1"}):  # no debugger warning on stderr
        os.environ.pop("MPLBACKEND", None)  # let ipykernel pick the inline backend: figures land in the notebook
        yield


def _one_line(text, limit=200):
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(text))  # ANSI colours of tracebacks
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _failure_message(nb, index, error):
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(error, CellExecutionError):
        reason = f"{error.ename}: {error.evalue}" if error.evalue else error.ename
    elif isinstance(error, CellTimeoutError):
        reason = f"timed out ({_one_line(error)})"
    elif isinstance(error, DeadKernelError):
        reason = f"the kernel died ({_one_line(error)})"
    else:
        reason = f"{type(error).__name__}: {error}"
    if index is None:
        return f"could not start the kernel: {_one_line(reason)}"
    cell = nb.cells[index]
    first = next((line.strip() for line in cell_source(cell).splitlines() if line.strip()), "")
    return (f"cell {index + 1} of {len(nb.cells)} (id {cell.get('id', '?')}, "
            f"{_one_line(first, 60)!r}) failed: {_one_line(reason)}")


def execute(path, profile="cpu", timeout=DEFAULT_TIMEOUT, kernel_name=KERNEL_NAME):
    """Run the notebook at `path` top to bottom in a fresh kernel and save it, cleaned, with its outputs.

    The kernel runs in the notebook's folder with `I2I_PROFILE=profile`; `timeout` is per cell, in
    seconds. The file is rewritten (atomically) only when every cell succeeded; otherwise it is left as
    it was and `NotebookFailed` says, in one line, which cell failed and how. Returns the saved notebook.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    running = {}

    def on_cell_execute(cell, cell_index):
        running["index"] = cell_index

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=on_cell_execute)
    with _kernel_environment(profile):
        try:
            client.execute()
        except Exception as error:
            index = running.get("index")
            cell_id = nb.cells[index].get("id") if index is not None else None
            raise NotebookFailed(path, _failure_message(nb, index, error),
                                 cell_index=index, cell_id=cell_id) from error
    cleaned = clean(nb)
    _write_atomic(path, nbformat.writes(cleaned))
    return cleaned


# ---------------------------------------------------------------------------------------------------
# The `i2i-course notebooks` command


def _shown(path, root):
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def command(args):
    """`i2i-course notebooks [--profile P] [--sync-only] [PATH ...]`: sync, then execute and save."""
    from i2i_course.profiles import get_profile

    root = find_root()
    profile = get_profile(args.profile).name
    paths = [Path(p).resolve() for p in args.paths] or lesson_notebooks(root)
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            raise CourseError(f"{path} is not a notebook file (.ipynb)")

    for path in sync(root):
        print(f"synced {_shown(path, root)} with the repository address in pyproject.toml")
    for relpath in missing_badges(root):
        print(f"note: README.md has no Colab badge for {relpath.as_posix()}; add "
              f"{colab_badge(repository_url(root), relpath)}")
    if args.sync_only:
        return 0
    if not paths:
        print(f"no notebooks to run (none match {NOTEBOOK_GLOB})")
        return 0

    failed = []
    for number, path in enumerate(paths, 1):
        shown = _shown(path, root)
        print(f"[{number}/{len(paths)}] {shown}: running at profile {profile} ...", flush=True)
        start = time.perf_counter()
        try:
            execute(path, profile=profile)
        except NotebookFailed as error:
            seconds = time.perf_counter() - start
            print(f"    FAILED after {seconds:.1f} s, not saved: {error.reason}", flush=True)
            failed.append(shown)
        else:
            print(f"    ok in {time.perf_counter() - start:.1f} s, saved", flush=True)
    if failed:
        print(f"{len(failed)} of {len(paths)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(paths)} notebook(s) ran and were saved")
    return 0

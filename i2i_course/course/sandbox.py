"""Sandbox: grade one notebook in a throwaway folder that holds only what grading it needs.

A submission's code runs as the instructor, so what it can reach by relative paths, its neighbourhood, is
kept bare. Each notebook is graded by `nbgrader autograde` in its own folder outside the course:

    SANDBOX/nbgrader_config.py           the course's configuration, then this sandbox's folders
    SANDBOX/gradebook.db                 the assignment's records (records.py), a copy for this run only
    SANDBOX/submitted/STUDENT/NAME/      the repaired copy of the student's one notebook
    SANDBOX/.ipython/.../startup/        kernel_startup.py: the grading kernel's guards
    SANDBOX/.lib/i2i_course/             a copy of the course package, first on the kernel's path
    SANDBOX/autograded/STUDENT/NAME/     nbgrader's graded copy; the kernel runs here

No solutions/, no other student's work, not the course's gradebook; the environment does not name the
course either (PWD, OLDPWD, PYTHONPATH, and the package's `__file__` with an editable install). Absolute
paths the Python environment itself reveals (a virtual environment inside the course) are not hidden:
docs/instructors.md says what this protects against and what not. The sandbox's own gradebook is
thrown away with it: scores reach the course's gradebook only from the graded notebook's outputs,
read and checked by `scores.py`. nbgrader's Execute is replaced by `GradingExecute` (a dead kernel
keeps its partial results), its LimitOutput by the course's cap (kernel_startup.py, outputs.py), and the
whole run has a time limit besides nbgrader's per-cell one. nbgrader runs in a process forked from
multiprocessing's fork server, which imported nbgrader once for the batch (where the platform has one;
else a fresh `python -m nbgrader`), in a session of its own so that a time limit ends it and its kernel.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import i2i_course
from i2i_course.course.coursedir import CONFIG_FILE, failure, read_notebook, script_env, write_notebook

STARTUP = Path(__file__).with_name("kernel_startup.py")
RECORDS = "gradebook.db"
OUTPUT_LIMIT = 20_000  # characters of stdout and stderr one cell may print while graded (kernel_startup.py)
DEFAULT_CELL_TIMEOUT = 30  # nbgrader's own default for c.Execute.timeout, in seconds
_RUNNING = set()  # the nbgrader processes of the sandboxes running now (stop_all ends them)
_LOCK = threading.Lock()

SANDBOX_CONFIG = '''

# --- added by i2i-course grade for this sandbox: its own folders and records, and the grading Execute ---
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import CheckCellMetadata, IgnorePattern

from i2i_course.course.execute import GradingExecute

c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.Autograde.autograde_preprocessors = [GradingExecute, IgnorePattern, ClearMetadataPreprocessor, CheckCellMetadata]
'''


@dataclass
class Batch:
    """What every sandbox of a batch gets: the assignment's records (the bytes of a gradebook file written
    by records.py: no file of them lies around while students' code runs), the course's configuration
    text, nbgrader's per-cell timeout, and where the course is (so that nothing points there)."""

    records: bytes
    config_text: str
    cell_timeout: int
    course: Path


@dataclass
class Run:
    """What came back from grading one notebook in its sandbox."""

    student: str
    filename: str  # the notebook as handed in
    graded: object = None  # nbgrader's graded copy (a NotebookNode), None when there is none
    problem: str = None  # why there is none
    seconds: float = 0.0


def time_limit(nb, cell_timeout):
    """Seconds the whole run may take: kernel start, then every code cell up to its timeout, and a margin."""
    code_cells = sum(1 for cell in nb.cells if cell.get("cell_type") == "code")
    return 120 + code_cells * (cell_timeout + 10)


def _environment(sandbox, course):
    """The environment of the sandbox's nbgrader, and so of its kernel (see kernel_startup.py)."""
    paths = [str(sandbox / ".lib")]  # the package's copy first; the course's own folders not at all
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and not Path(entry).resolve().is_relative_to(course):
            paths.append(entry)
    env = script_env({
        "IPYTHONDIR": str(sandbox / ".ipython"),
        "PYTHONWARNINGS": "ignore",
        "TQDM_DISABLE": "1",
        "OMP_NUM_THREADS": "1",  # several kernels share the cores; the tests are small
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on the kernel's stderr
        "I2I_GRADING_OUTPUT_LIMIT": str(OUTPUT_LIMIT),
        "PWD": str(sandbox),
        "PYTHONPATH": os.pathsep.join(paths),
    })
    env.pop("OLDPWD", None)  # where the instructor's shell was: the course, most likely
    return env


def _stop(process):
    """Kill nbgrader and what it started in its session (its kernel notices its parent is gone and exits)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def stop_all():
    """End every sandbox's nbgrader (and so its kernel) now: the batch was interrupted."""
    with _LOCK:
        for process in list(_RUNNING):
            _stop(process)


def _autograde(sandbox, args, env, log):
    """A forked grading process: `nbgrader autograde ARGS` in `sandbox`, in its own session, with `env`,
    its output in the file `log`. Forked from a server that imported nbgrader once (see _launch)."""
    os.setsid()
    os.chdir(sandbox)
    os.environ.clear()
    os.environ.update(env)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    from nbgrader.apps.autogradeapp import AutogradeApp

    try:
        AutogradeApp.launch_instance(args)
    except SystemExit as error:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(error.code if isinstance(error.code, int) else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _forkserver():
    """multiprocessing's fork server, with nbgrader imported once, where the platform has one; else None."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["nbgrader.apps.autogradeapp", "i2i_course.course.execute"])
    return context


def warm_up():
    """Start the fork server now (it imports nbgrader, a second or two), while the course does other work."""
    context = _forkserver()
    if context is not None:
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _launch(sandbox, args, env, limit):
    """Run `nbgrader autograde ARGS` in `sandbox` for at most `limit` seconds: (exit status, or None when
    it was stopped at the limit; its output). Forked from a server that imported nbgrader once (1.6 s
    less per notebook), or a fresh process where the platform cannot fork."""
    log = sandbox / "nbgrader.log"
    context = _forkserver()
    if context is not None:
        process = context.Process(target=_autograde, args=(str(sandbox), args, env, str(log)))
        process.start()
    else:
        with log.open("w") as out:
            process = subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", *args], cwd=sandbox,
                                       env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    with _LOCK:
        _RUNNING.add(process)
    try:
        if context is not None:
            process.join(limit)
            status = process.exitcode
        else:
            try:
                status = process.wait(limit)
            except subprocess.TimeoutExpired:
                status = None
        if status is None:
            _stop(process)
            process.join() if context is not None else process.wait()
    finally:
        with _LOCK:
            _RUNNING.discard(process)
    return status, log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def run(batch, name, student, filename, nb):
    """Grade `nb` (student's notebook `filename`, repaired) of assignment `name` in a fresh sandbox, a
    temporary folder of its own (not beside the others: no sandbox is in another's neighbourhood).
    Never raises for what the submission does: a failure is a Run with a problem."""
    start = time.perf_counter()
    sandbox = Path(tempfile.mkdtemp(prefix="i2i-sandbox-")).resolve()
    result = Run(student, filename)
    try:
        handed_in = sandbox / "submitted" / student / name
        handed_in.mkdir(parents=True)
        write_notebook(nb, handed_in / f"{name}.ipynb")
        (sandbox / RECORDS).write_bytes(batch.records)
        shutil.copytree(Path(i2i_course.__file__).parent, sandbox / ".lib" / "i2i_course")
        startup = sandbox / ".ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True)
        shutil.copy2(STARTUP, startup / "00-i2i-course-grading.py")
        (sandbox / CONFIG_FILE).write_text(batch.config_text + SANDBOX_CONFIG.format(
            root=str(sandbox), db_url=f"sqlite:///{sandbox / RECORDS}"), encoding="utf-8")
        limit = time_limit(nb, batch.cell_timeout)
        status, log = _launch(sandbox, [name, f"--student={student}", "--force", "--log-level=WARN"],
                              _environment(sandbox, batch.course), limit)
        if status is None:
            result.problem = f"grading did not finish in {limit} s (a kernel that no longer answers?)"
            return result
        graded = sandbox / "autograded" / student / name / f"{name}.ipynb"
        if status != 0 or not graded.is_file():
            result.problem = f"nbgrader could not autograde it: {failure(SimpleNamespace(stdout=log, stderr=''))}"
            return result
        try:
            result.graded = read_notebook(graded)
        except Exception as error:
            result.problem = f"nbgrader's graded copy is not a readable notebook ({type(error).__name__})"
        return result
    finally:
        result.seconds = time.perf_counter() - start
        shutil.rmtree(sandbox, ignore_errors=True)

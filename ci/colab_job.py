"""The course as a student gets it on Colab: Colab's versions, the notebooks' own install cell, every notebook
run at `ci`, every panel's Run clicked.

    python ci/colab_job.py [--venv DIR] [--notebooks notebooks/01_*.ipynb ...] [--screenshots DIR] [--fresh]
                           [--build-only]

1. Builds a venv from Python 3.13 (`$(pyenv root)/versions/3.13.0`; where there is none, from the running
   Python, and says so) and installs Colab's versions from ci/colab-constraints.txt (the one file to edit when
   Colab moves). pip's cache is reused, so torch is downloaded once per machine.
2. Installs the course exactly as the notebooks' install cell does: `pip install -q git+<URL>`, the URL being
   this checkout (`git+file://...`: its committed HEAD), with no constraints, as on Colab. Then `pip check`,
   and a check that the install left every Colab version as it was (if the course needed another, Colab
   students would get a broken or changed runtime).
3. Runs every lesson notebook top to bottom at the `ci` profile in that venv's own classic Notebook 6.5 and
   kernel (ipykernel 6.17, IPython 7.34, ipywidgets 7.7.1: the front end closest to Colab's widget manager),
   in a real browser, and clicks every panel's Run button: `ci/browser_job.py --frontend classic`, which
   checks that each click added a row and a picture, and that nothing wrote to stderr, raised or logged an
   error in the browser.

Exits 0 when all is well, 1 with the reasons otherwise. The venv is kept in DIR (default .colab-venv) and
reused while ci/colab-constraints.txt is unchanged; --fresh builds it again.
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "ci" / "colab-constraints.txt"
def say(text):
    print(f"colab job: {text}", flush=True)


def pins():
    """{package: version} from the constraints file."""
    wanted = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            wanted[name.strip().lower().replace("_", "-")] = version.strip()
    return wanted


def python_313():
    """Python 3.13 from pyenv, else the running Python (said aloud)."""
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
        candidate = Path(root) / "versions" / "3.13.0" / "bin" / "python"
        if candidate.is_file():
            return str(candidate)
    except (OSError, subprocess.CalledProcessError):
        pass
    say(f"no Python 3.13 under pyenv: using the running Python {sys.version.split()[0]} ({sys.executable}) "
        "instead of Colab's 3.13")
    return sys.executable


def run(*command, **options):
    """Run a command, echoing it; stop the job with its output if it fails."""
    say("$ " + " ".join(map(str, command)))
    done = subprocess.run(list(map(str, command)), text=True, capture_output=True, **options)
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"colab job: failed: {' '.join(map(str, command))}")
    return done.stdout


def build_venv(venv, fresh):
    """The venv with Colab's versions (reused while the constraints are unchanged) and the course installed."""
    stamp = venv / "colab-constraints.sha256"
    digest = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()
    if fresh or not stamp.is_file() or stamp.read_text() != digest:
        shutil.rmtree(venv, ignore_errors=True)
        run(python_313(), "-m", "venv", venv)
        python = venv / "bin" / "python"
        run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "-q", "-c", CONSTRAINTS, *pins())
        stamp.write_text(digest)
    python = venv / "bin" / "python"
    say(f"Python {run(python, '-c', 'import sys; print(sys.version.split()[0])').strip()} in {venv}")
    # the notebooks' install cell: pip install -q git+REPOSITORY, with this checkout as the repository
    dirty = run("git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no").strip()
    if dirty:
        say("note: git+file:// installs the committed HEAD; uncommitted changes are not in this run")
    run(python, "-m", "pip", "uninstall", "-q", "-y", "i2i-course")
    run(python, "-m", "pip", "install", "-q", f"git+file://{ROOT}")
    run(python, "-m", "pip", "check")
    installed = {p["name"].lower().replace("_", "-"): p["version"]
                 for p in json.loads(run(python, "-m", "pip", "list", "--format", "json"))}
    moved = {name: (version, installed.get(name)) for name, version in pins().items() if installed.get(name) != version}
    if moved:
        raise SystemExit("colab job: installing the course changed Colab's versions: " + ", ".join(
            f"{name} {want} -> {got}" for name, (want, got) in moved.items()))
    say("pip check passed; Colab's versions untouched by the install: "
        + ", ".join(f"{name} {version}" for name, version in pins().items()))
    return python


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".colab-venv")
    parser.add_argument("--notebooks", nargs="*", type=Path)
    parser.add_argument("--screenshots", type=Path, help="save each panel's screenshot (classic front end) here")
    parser.add_argument("--fresh", action="store_true", help="build the venv again")
    parser.add_argument("--build-only", action="store_true",
                        help="only build the venv (CI does it while the test suite runs)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    python = build_venv(args.venv.resolve(), args.fresh)
    if args.build_only:
        say(f"venv ready in {time.perf_counter() - started:.0f} s")
        return 0
    say(f"venv ready in {time.perf_counter() - started:.0f} s; the notebooks in its classic Notebook, in a browser")
    command = [sys.executable, str(ROOT / "ci" / "browser_job.py"), "--frontend", "classic", "--python", str(python)]
    command += ["--notebooks", *map(str, args.notebooks)] if args.notebooks else []
    command += ["--screenshots", str(args.screenshots)] if args.screenshots else []
    code = subprocess.run(command).returncode
    say(f"{'passed' if code == 0 else 'FAILED'} in {time.perf_counter() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())

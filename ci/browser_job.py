"""Every lesson notebook run in a real browser, and every panel checked the way a student would meet it.

    python ci/browser_job.py [--frontend lab|classic] [--python PATH] [--notebooks ...] [--screenshots DIR]

A headless Chromium (Debian's `chromium`, driven by Playwright; never `playwright install`) at 1280x800 opens
each lesson notebook in a Jupyter front end served on 127.0.0.1 with a token, from a temporary copy of the
notebooks (the repository's files are never touched), runs it top to bottom at the `ci` profile, then for
every panel (`.i2i-panel`) checks that:

- no cell wrote to stderr or raised, and nothing reached the browser console as an error;
- every control is rendered, inside the window, its label not cut (ellipsis); every slider has a track of at
  least 200 px; the progress bar is hidden before a run;
- every dropdown shows the label of each option after it is chosen;
- Run adds a row to the table and a new picture, and then the controls, the picture and the newest row of
  the table are all in sight without scrolling (the panel's top scrolled to the top of the notebook view);

and saves a 1280x800 screenshot of the panel after its Run (--screenshots DIR: docs/screenshots/).

Front ends: `lab` is JupyterLab 4 with ipywidgets 8, from --python (default: this Python); `classic` is the
classic Notebook 6.5 with ipywidgets 7.7.1, the front end closest to Colab's widget manager, from the Python
of the Colab-pinned venv (`ci/colab_job.py` runs it so). Exits 0 when every check passed, 1 otherwise.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
MIN_TRACK_PX = 200
# browser console errors that are the front end's own and not the course's: the classic notebook asks for
# MathJax web fonts it does not ship (404, and a CORS error for its about:blank fallback)
BENIGN_CONSOLE = ("MathJax", "Access to font at 'about:blank'", "Failed to load resource")


def say(text):
    print(f"browser job: {text}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A Jupyter server on 127.0.0.1 with a token, serving `folder`, its kernels at the `ci` profile."""

    def __init__(self, frontend, python, folder, log):
        self.frontend, self.port, self.token = frontend, free_port(), secrets.token_hex(16)
        env = dict(os.environ, I2I_PROFILE="ci", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures into the notebook
        common = ["--no-browser", "--allow-root"]
        if frontend == "lab":
            # every cell rendered, not only those near the view (JupyterLab 4's windowing), so that every panel is
            # on the page to check
            settings = Path(folder) / "lab-settings" / "@jupyterlab" / "notebook-extension"
            settings.mkdir(parents=True)
            (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
            command = [python, "-m", "jupyter", "lab", *common, "--ServerApp.ip=127.0.0.1",
                       f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
                       f"--ServerApp.root_dir={folder}", "--LabServerApp.extension_manager=readonly",
                       "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                       f"--LabApp.user_settings_dir={Path(folder) / 'lab-settings'}",
                       f"--LabApp.workspaces_dir={Path(folder) / 'lab-workspaces'}"]
        else:
            command = [python, "-m", "notebook", *common, "--ip=127.0.0.1", f"--port={self.port}",
                       f"--NotebookApp.token={self.token}", f"--notebook-dir={folder}"]
        self.process = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_until_up()

    def url(self, notebook):
        if self.frontend == "lab":  # a fresh workspace per notebook: nothing restored from the one before
            stem = Path(notebook).stem
            return f"http://127.0.0.1:{self.port}/lab/workspaces/{stem}/tree/{notebook}?reset&token={self.token}"
        return f"http://127.0.0.1:{self.port}/notebooks/{notebook}?token={self.token}"

    def wait_until_up(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"browser job: the {self.frontend} server exited (code {self.process.returncode})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status?token={self.token}", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"browser job: the {self.frontend} server did not start in {timeout} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- one front end's ways: open a notebook, run it all, find what went wrong ---------------------------------

LAB_ERRORS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
CLASSIC_ERRORS = ".output_stderr, .output_error"


def fresh_copy(source, target):
    """The notebook as a student reruns it: no outputs, no execution counts, no saved widget state (the
    committed notebooks carry ipywidgets 8 views, which the classic front end would try to restore, and saved
    execution counts would make a notebook look finished before it ran)."""
    notebook = json.loads(source.read_text())
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target.write_text(json.dumps(notebook, indent=1))


# set in the page when the classic widget manager says it falls back to asking the kernel for each widget
CLASSIC_FALLBACK_FLAG = """
const warn = console.warn.bind(console);
console.warn = (...args) => {
  if (String(args[0]).includes('fallback to fetching individual model state')) window.__widgetsFellBack = true;
  warn(...args);
};
"""


def run_all(page, frontend, timeout):
    """Run every cell and wait until the last has finished (raises TimeoutError)."""
    if frontend == "lab":
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_function("document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')"
                               " !== null", timeout=120_000)
        for name in ("No", "Dismiss"):  # JupyterLab's "get notified about news?" toast, if it shows
            button = page.get_by_role("button", name=name, exact=True)
            if button.count():
                button.first.click()
        page.keyboard.press("Control+b")  # close the file browser: the notebook gets the window's width
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        busy = ("() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".map(e => e.textContent.trim()); return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }")
    else:
        page.wait_for_function("window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                               " && Jupyter.notebook.kernel.is_connected()", timeout=120_000)
        # The widget manager (widgetsnbextension 3.6) first asks the kernel for the widgets it already has: over
        # the "jupyter.widget.control" comm, which ipywidgets 7.7.1 lacks, then, falling back, with a comm_info
        # request. A widget the kernel opens while that request is out is restored a second time and its view
        # removed: the panel never shows. So the cells run once that fallback's comm_info has been answered
        # (our own comm_info request, sent after it on the same channel, comes back after it).
        page.wait_for_function("window.__widgetsFellBack === true", timeout=60_000)
        page.evaluate("() => new Promise(done => Jupyter.notebook.kernel.comm_info('jupyter.widget', done))")
        page.wait_for_timeout(500)
        page.evaluate("Jupyter.notebook.execute_all_cells()")
        busy = ("() => Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code')"
                ".every(c => typeof c.input_prompt_number === 'number')")
    page.wait_for_function(busy, timeout=timeout * 1000, polling=1000)


def output_errors(page, frontend):
    selector = LAB_ERRORS if frontend == "lab" else CLASSIC_ERRORS
    return [text.strip()[:400] for text in page.eval_on_selector_all(selector, "els => els.map(e => e.innerText)")
            if text.strip()]


# --- the panel checks --------------------------------------------------------------------------------------

GEOMETRY = """(panel) => {
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {x: r.x, y: r.y, w: r.width, h: r.height, bottom: r.bottom, right: r.right}; };
  const all = (selector) => [...panel.querySelectorAll(selector)];
  const controls = all('.widget-button, .widget-toggle-button, .widget-hslider, .widget-dropdown, '
                       + '.widget-checkbox, .widget-readout');
  const labels = all('.widget-label, .widget-button, .widget-toggle-button, .widget-checkbox label, .widget-readout');
  return {
    panel: box(panel),
    controls: controls.map(e => ({what: (e.innerText || e.className).trim().slice(0, 40), ...box(e),
                                  hidden: getComputedStyle(e).visibility === 'hidden'})),
    cut: labels.filter(e => e.scrollWidth > e.clientWidth + 1 && e.offsetParent !== null)
               .map(e => (e.innerText || '').trim().slice(0, 60)),
    tracks: all('.widget-hslider .slider-container').map(e => box(e).w),
    progress_hidden: all('.i2i-progress').every(e => getComputedStyle(e).visibility === 'hidden'),
    rows: all('.i2i-table tr').length,
    picture: (panel.querySelector('.i2i-picture') || {}).src || '',
    picture_box: panel.querySelector('.i2i-picture') ? box(panel.querySelector('.i2i-picture')) : null,
    newest_row: panel.querySelector('.i2i-table tr:nth-child(2)') ?
                box(panel.querySelector('.i2i-table tr:nth-child(2)')) : null,
    run_box: box(panel.querySelector('.i2i-run')),
    status: (panel.querySelector('.i2i-status') || {}).innerText || '',
    run_disabled: panel.querySelector('.i2i-run').disabled,
  };
}"""


def geometry(panel):
    return panel.evaluate(GEOMETRY)


def check_dropdowns(page, panel, problems):
    """Choose every option of every dropdown: the menu must show the chosen label each time."""
    for index in range(panel.locator("select").count()):
        select = panel.locator("select").nth(index)
        labels = select.evaluate("s => [...s.options].map(o => o.text)")
        chosen = select.evaluate("s => s.selectedIndex")
        for option, label in [*enumerate(labels), (chosen, labels[chosen] if chosen >= 0 else None)]:
            select.select_option(index=option)
            page.wait_for_timeout(600)  # the kernel's echo of the new value comes back meanwhile
            shown = select.evaluate("s => s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : ''")
            if shown != label:
                problems.append(f"dropdown {labels}: chose {label!r}, it shows {shown!r}")


def check_panel(page, panel, name, frontend, screenshots, problems, run_timeout=300):
    panel.evaluate("p => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    before = geometry(panel)
    for control in before["controls"]:
        if control["w"] <= 0 or control["h"] <= 0:
            problems.append(f"control {control['what']!r} is not rendered (size {control['w']}x{control['h']})")
        elif control["x"] < 0 or control["right"] > VIEWPORT["width"]:
            problems.append(f"control {control['what']!r} runs out of the window (x {control['x']:.0f} to "
                            f"{control['right']:.0f})")
    problems += [f"label cut off: {text!r}" for text in before["cut"]]
    problems += [f"a slider's track is {width:.0f} px wide (at least {MIN_TRACK_PX})" for width in before["tracks"]
                 if width < MIN_TRACK_PX]
    if not before["progress_hidden"]:
        problems.append("the progress bar shows before any run")
    check_dropdowns(page, panel, problems)

    panel.locator(".i2i-run").click()
    deadline = time.monotonic() + run_timeout
    while True:
        now = geometry(panel)
        if not now["run_disabled"] and now["status"] != before["status"] and "training" not in now["status"] \
                and "step " not in now["status"]:
            break
        if time.monotonic() > deadline:
            problems.append(f"Run did not finish in {run_timeout} s (status: {now['status']!r})")
            return
        page.wait_for_timeout(500)
    if "done in" not in now["status"]:
        problems.append(f"Run did not succeed: status {now['status']!r}")
    expected_rows = before["rows"] + 1 if before["rows"] else 2  # a header and the new row
    if now["rows"] != expected_rows:
        problems.append(f"Run left {now['rows']} table rows, expected {expected_rows}")
    if not now["picture"] or now["picture"] == before["picture"]:
        problems.append("Run did not update the picture")
    panel.evaluate("p => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    now = geometry(panel)
    for what, box in (("the Run button", now["run_box"]), ("the picture", now["picture_box"]),
                      ("the newest row of the table", now["newest_row"])):
        if box is None or box["y"] < 0 or box["bottom"] > VIEWPORT["height"] or box["right"] > VIEWPORT["width"]:
            problems.append(f"after Run, {what} is not in sight at 1280x800 without scrolling ({box})")
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
        suffix = "" if frontend == "lab" else f"-{frontend}"
        page.screenshot(path=str(screenshots / f"{name}{suffix}.png"))


def check_notebook(browser, server, path, frontend, screenshots, timeout):
    """Open, run and check one notebook; a list of problems."""
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(CLASSIC_FALLBACK_FLAG)
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(f"uncaught: {error}"))
    problems = []
    try:
        page.goto(server.url(path.name))
        run_all(page, frontend, timeout)
        page.wait_for_timeout(1500)  # the last outputs and widget views settle
        problems += [f"a cell wrote to stderr or raised: {text!r}" for text in output_errors(page, frontend)]
        panels = page.locator(".i2i-panel")
        if panels.count() == 0:
            problems.append("no panel rendered (.i2i-panel): the widget views did not appear")
        for index in range(panels.count()):
            name = path.stem if panels.count() == 1 else f"{path.stem}-{index + 1}"
            check_panel(page, panels.nth(index), name, frontend, screenshots, problems)
    except Exception as error:  # noqa: BLE001 - a timeout or a missing element: reported for this notebook
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        page.close()
    problems += [f"browser console error: {text[:300]}" for text in console
                 if not any(benign in text for benign in BENIGN_CONSOLE)]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", choices=["lab", "classic"], default="lab")
    parser.add_argument("--python", default=sys.executable, help="the Python whose Jupyter serves the notebooks")
    parser.add_argument("--notebooks", nargs="*", type=Path)
    parser.add_argument("--screenshots", type=Path, help="save each panel's 1280x800 screenshot here")
    parser.add_argument("--timeout", type=int, default=600, help="seconds for one notebook to run")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("browser job: no `chromium` on PATH: apt-get install -y chromium (never `playwright install`)")
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    started, failed = time.perf_counter(), {}
    with tempfile.TemporaryDirectory(prefix="i2i-browser-") as folder, sync_playwright() as playwright:
        for path in notebooks:
            fresh_copy(path, Path(folder) / path.name)
        log_path = Path(folder) / f"{args.frontend}-server.log"
        with open(log_path, "w") as log:
            server = Server(args.frontend, args.python, folder, log)
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for path in notebooks:
                    began = time.perf_counter()
                    problems = check_notebook(browser, server, Path(folder) / path.name, args.frontend,
                                              args.screenshots, args.timeout)
                    say(f"{args.frontend}: {path.name}: {'ok' if not problems else 'FAILED'} in "
                        f"{time.perf_counter() - began:.0f} s")
                    if problems:
                        failed[path.name] = problems
            finally:
                browser.close()
                server.stop()
        if failed:
            print(log_path.read_text()[-3000:], file=sys.stderr)
    for name, problems in failed.items():
        for problem in problems:
            print(f"browser job: {args.frontend}: {name}: {problem}", file=sys.stderr)
    say(f"{args.frontend}: {len(notebooks) - len(failed)} of {len(notebooks)} notebooks passed "
        f"({time.perf_counter() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

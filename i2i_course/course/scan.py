"""Scan: a static look at the code a student wrote, for what has no place in an answer.

Run on the repaired copy of a submission before it is graded; nothing of it is executed. Only the lines
the student wrote are judged (a line that is in the released cell it pairs with is the assignment's
own), and locked cells not at all (nbgrader runs their original text). What it flags, each with the cell
and line, for a person to look at (`grade` prints an ATTENTION line per finding and marks the graded
cells after it "needs manual grade"; the automatic score is left as the tests gave it):

* rebinding attributes of what the notebook imports (`torch.allclose = ...`, `setattr(torch, ...)`),
  names the read-only cells define (`torch = ...`, `def plausible_targets`), builtins;
* IPython's machinery (`get_ipython()`: its transformers and hooks run every cell), `sys.modules`,
  frames, exec/eval/compile/__import__, shell commands and magics (but %matplotlib, %time, %timeit);
* files, processes and the environment: paths outside the working folder, the course's own files,
  sqlite3, shutil, subprocess, pathlib, os's file and process functions, os.environ, `GRADING`;
* what the assignment forbids: a list of dotted names in the solution notebook's metadata,
  `{"i2i_course": {"forbidden": ["torch.nn.functional", "i2i_course"]}}` (the one place an assignment
  declares it; `nbgrader generate_assignment` carries it into the release). A name is forbidden when it
  is one of those or inside one, or when it resolves to the same object as one or to an object defined
  in a forbidden module (so `i2i_course.nets.PatchDiscriminator` is caught by
  `i2i_course.nets.discriminators`).

A static scan is a net, not a wall: code can hide from it (strings built at run time, getattr). What it
cannot see, the grading kernel (kernel_startup.py) and the hidden tests' references guard in part; see
docs/instructors.md for what is and is not protected.
"""

import ast
import importlib
import re
import types
from dataclasses import dataclass

from i2i_course.course.repair import match_cells
from i2i_course.course.repo import cell_source

METADATA_KEY = "i2i_course"  # the notebook metadata that holds {"forbidden": [dotted names]}
ALLOWED_MAGICS = {"matplotlib", "time", "timeit", "config", "who", "whos", "autoreload"}
MODULES = {  # imported or used anywhere in a student's lines
    "sqlite3": "opens databases (the gradebook is one)",
    "shutil": "copies, moves or deletes files",
    "subprocess": "runs other programs",
    "pathlib": "works with files and folders",
    "glob": "searches the file system",
    "importlib": "imports modules by computed names",
    "builtins": "reaches Python's builtins",
    "ctypes": "calls C code directly",
    "gc": "reaches objects through the garbage collector",
    "inspect": "inspects frames and code",
    "ast": "rewrites code",
    "signal": "handles signals",
    "atexit": "runs code when the kernel stops",
    "threading": "runs code in the background",
    "multiprocessing": "runs code in other processes",
    "concurrent": "runs code in the background",
    "socket": "opens network connections",
    "urllib": "opens network connections",
    "http": "opens network connections",
    "requests": "opens network connections",
    "unittest": "patches other code (mock)",
    "nbgrader": "imports nbgrader (the student's side never does)",
    "IPython.core": "touches IPython's machinery",
    "IPython.get_ipython": "touches IPython's machinery",
}
OS_FILES = {"remove", "unlink", "rmdir", "removedirs", "rename", "renames", "replace", "chmod", "chown", "symlink",
            "link", "makedirs", "mkdir", "truncate", "walk", "listdir", "scandir", "chdir", "getcwd", "open"}
OS_PROCESSES = {"system", "popen", "fork", "forkpty", "kill", "killpg", "_exit", "setsid", "abort"}
OS_ENVIRONMENT = {"environ", "getenv", "putenv", "unsetenv", "environb"}
SYS_ATTRIBUTES = {"modules": "touches sys.modules", "_getframe": "reaches into the interpreter's frames",
                  "settrace": "reaches into the interpreter (settrace)", "setprofile": "reaches into the interpreter",
                  "exit": "stops the kernel (sys.exit)", "path": "changes where modules are imported from",
                  "meta_path": "changes how modules are imported", "excepthook": "changes how errors are shown",
                  "addaudithook": "reaches into the interpreter"}
CALLS = {"exec": "runs code from a string (exec)", "eval": "runs code from a string (eval)",
         "compile": "compiles code from a string", "__import__": "imports modules by computed names",
         "globals": "reaches the notebook's namespace (globals())", "vars": "reaches a namespace (vars())",
         "breakpoint": "stops for a debugger", "exit": "stops the kernel (exit)", "quit": "stops the kernel (quit)"}
FILE_METHODS = {"write_text", "write_bytes", "read_text", "read_bytes", "unlink", "rmdir", "touch", "mkdir",
                "symlink_to", "hardlink_to", "chmod", "iterdir", "rglob", "glob", "resolve", "absolute"}
COURSE_FILES = ("gradebook", "nbgrader", "solutions", "submitted", "autograded", "originals", "feedback",
                "assignments", "release")
_PARENT = re.compile(r"(^|[/\\])\.\.([/\\]|$)")


@dataclass(frozen=True)
class Finding:
    """One suspicious line: the cell (its nbgrader id, else its position), the line in it, and why."""

    cell: str
    line: int
    reason: str
    index: int = 0  # the cell's position in the notebook, from 0

    def __str__(self):
        return f"cell {self.cell}, line {self.line}: {self.reason}"


def forbidden_names(released):
    """The dotted names the assignment forbids, from its notebook's metadata (see the module docstring)."""
    names = released.metadata.get(METADATA_KEY, {}).get("forbidden", [])
    if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
        raise ValueError(f"metadata {METADATA_KEY}.forbidden must be a list of dotted names, got {names!r}")
    return names


def _python(source):
    """The cell as plain Python (IPython's magics and `!` commands turned into calls), or None."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError, IndexError):  # a student's syntax error: the cell will fail, visibly
        return None


def _chain(node):
    """['torch', 'nn', 'functional'] for `torch.nn.functional`; None when it does not start at a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _bindings(tree):
    """{name: dotted target} for the imports of `tree`, and the names its top level defines otherwise."""
    imports, defined = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    imports[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return imports, defined


class _Forbidden:
    """Decides whether a dotted name is one the assignment forbids (see the module docstring)."""

    def __init__(self, names):
        self.names = list(names)
        self.packages = {name.split(".")[0] for name in self.names}
        self.objects, self.modules = [], []  # (name, object) of the forbidden names that are not modules
        for name in self.names:
            found = self._resolve(name)
            if isinstance(found, types.ModuleType):
                self.modules.append(found.__name__)
            elif found is not None:
                self.objects.append((name, found))

    def _resolve(self, dotted):
        """The object `dotted` names, importing modules of the forbidden names' packages only; else None."""
        parts = dotted.split(".")
        if parts[0] not in self.packages:
            return None
        for split in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:split]))
            except Exception:  # not a module (or not importable here): try a shorter prefix
                continue
            try:
                for part in parts[split:]:
                    found = getattr(found, part)
            except AttributeError:
                return None
            return found
        return None

    def match(self, dotted):
        """The forbidden name `dotted` is or falls under, or None."""
        for name in self.names:
            if dotted == name or dotted.startswith(name + "."):
                return name
        found = self._resolve(dotted)
        if found is None:
            return None
        for name, obj in self.objects:
            if found is obj:
                return name
        home = found.__name__ if isinstance(found, types.ModuleType) else getattr(found, "__module__", None)
        for module in self.modules:
            if isinstance(home, str) and (home == module or home.startswith(module + ".")):
                return module
        return None


def _module_reason(dotted):
    for name, reason in MODULES.items():
        if dotted == name or dotted.startswith(name + "."):
            return f"{reason} ({dotted})"
    return None


def _path_reason(text):
    """Why a string literal looks like a path outside the working folder, or None."""
    if "\n" in text or len(text) > 300:
        return None
    pathlike = "/" in text or "\\" in text or text.endswith((".db", ".ipynb", ".py", ".sqlite"))
    if not pathlike:
        return None
    if text.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[/\\]", text):
        return f"names a path outside the working folder ({text!r})"
    if _PARENT.search(text):
        return f"climbs out of the working folder ({text!r})"
    parts = [part.lower() for part in re.split(r"[/\\.]", text)]
    if any(part.startswith(COURSE_FILES) for part in parts):
        return f"names the course's files ({text!r})"
    return None


class _Visitor(ast.NodeVisitor):
    """Collects (line, reason) for one cell, given the notebook's names so far."""

    def __init__(self, imports, protected, forbidden):
        self.imports, self.protected, self.forbidden = imports, protected, forbidden
        self.found = []
        self.allowed_magic_calls = set()

    def flag(self, node, reason):
        self.found.append((getattr(node, "lineno", 1), reason))

    def dotted(self, node):
        chain = _chain(node)
        if chain is None:
            return None
        root = self.imports.get(chain[0], chain[0])
        return ".".join([root, *chain[1:]])

    def check_dotted(self, node, dotted):
        reason = _module_reason(dotted)
        if reason:
            self.flag(node, reason)
        name = self.forbidden.match(dotted) if self.forbidden.names else None
        if name:
            self.flag(node, f"uses {dotted}, which this assignment forbids ({name})")
        parts = dotted.split(".")
        if parts[0] == "os" and len(parts) > 1:
            if parts[1] in OS_FILES:
                self.flag(node, f"works with files and folders ({dotted})")
            elif parts[1] in OS_PROCESSES or parts[1].startswith(("exec", "spawn")):
                self.flag(node, f"starts or stops processes ({dotted})")
            elif parts[1] in OS_ENVIRONMENT:
                self.flag(node, f"reads or changes the environment ({dotted}): behaves differently while grading?")
        if parts[0] == "sys" and len(parts) > 1 and parts[1] in SYS_ATTRIBUTES:
            self.flag(node, f"{SYS_ATTRIBUTES[parts[1]]} ({dotted})")

    # imports
    def visit_Import(self, node):
        for alias in node.names:
            self.check_dotted(node, alias.name)
            self.check_rebinding(node, alias.asname or alias.name.split(".")[0],
                                 alias.name if alias.asname else alias.name.split(".")[0])

    def visit_ImportFrom(self, node):
        if node.level:
            self.flag(node, "imports from the working folder (relative import)")
            return
        for alias in node.names:
            if alias.name == "*":
                self.check_dotted(node, node.module)
                hidden = [name for name in self.forbidden.names if name.startswith(node.module + ".")]
                if hidden:
                    self.flag(node, f"imports everything from {node.module}, which holds {hidden[0]} (forbidden)")
                continue
            self.check_dotted(node, f"{node.module}.{alias.name}")
            self.check_rebinding(node, alias.asname or alias.name, f"{node.module}.{alias.name}")

    # names and attributes
    def visit_Attribute(self, node):
        dotted = self.dotted(node)
        if dotted is not None:
            if not isinstance(node.ctx, ast.Load):
                root = _chain(node)[0]
                if root in self.imports or root in self.protected or root in ("__builtins__", "builtins"):
                    self.flag(node, f"rebinds {dotted}: code the tests run")
            if not getattr(node, "_inner", False):
                self.check_dotted(node, dotted)
        if isinstance(node.value, ast.Attribute):
            node.value._inner = True
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in ("__builtins__", "__file__", "__loader__", "__spec__"):
            self.flag(node, f"reaches for {node.id}")
        elif node.id == "get_ipython" and id(node) not in self.allowed_magic_calls:
            self.flag(node, "touches IPython's machinery (get_ipython(): the transformers and hooks that run "
                            "every cell)")
        elif node.id == "GRADING" and isinstance(node.ctx, ast.Load):
            self.flag(node, "behaves differently while grading (GRADING)")
        elif isinstance(node.ctx, (ast.Store, ast.Del)):
            self.check_rebinding(node, node.id, None)

    def check_rebinding(self, node, name, target):
        if name in self.protected and (target is None or self.protected[name] != target):
            self.flag(node, f"rebinds {name}, which the read-only cells define (the tests use it)")

    def visit_FunctionDef(self, node):
        self.check_rebinding(node, node.name, None)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.check_rebinding(node, node.name, None)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if not isinstance(node.ctx, ast.Load):
            inner = node.value
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and \
                    inner.func.id in ("globals", "vars"):
                self.flag(node, "rebinds names through globals()")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and \
                isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython":
            magic = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if func.attr in ("run_line_magic", "run_cell_magic") and magic in ALLOWED_MAGICS:
                self.allowed_magic_calls.add(id(func.value.func))
            elif func.attr in ("system", "getoutput"):
                self.flag(node, "runs a shell command (!...)")
                self.allowed_magic_calls.add(id(func.value.func))
            elif func.attr in ("run_line_magic", "run_cell_magic"):
                self.flag(node, f"runs the magic %{magic}")
                self.allowed_magic_calls.add(id(func.value.func))
        if isinstance(func, ast.Name):
            if func.id in CALLS:
                self.flag(node, CALLS[func.id])
            elif func.id in ("setattr", "delattr") and node.args:
                target = _chain(node.args[0])
                if target and (target[0] in self.imports or target[0] in self.protected):
                    self.flag(node, f"rebinds attributes of {self.dotted(node.args[0])} ({func.id})")
            elif func.id == "open" and node.args:
                if not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    self.flag(node, "opens a file whose path is computed at run time")
        if isinstance(func, ast.Attribute) and func.attr in FILE_METHODS:
            self.flag(node, f"works with files and folders (.{func.attr}())")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            reason = _path_reason(node.value)
            if reason:
                self.flag(node, reason)
            elif "NBGRADER" in node.value:
                self.flag(node, f"behaves differently while grading ({node.value!r})")


def _label(cell, index):
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"{grade_id!r}" if grade_id else f"{index + 1} (the student's own)"


def scan(nb, released, forbidden=None):
    """The suspicious lines the student wrote in `nb` (the repaired copy), in order: a list of Findings."""
    forbidden = _Forbidden(forbidden_names(released) if forbidden is None else forbidden)
    pairs = {j: released.cells[i] for i, j in match_cells(released.cells, nb.cells).items()}
    protected = {}  # what the setup and read-only cells bind, wherever they are: the tests rely on it
    for cell in released.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        tree = _python(cell_source(cell)) if cell.get("cell_type") == "code" and meta.get("locked") and \
            not meta.get("grade") else None
        if tree is not None:
            cell_imports, defined = _bindings(tree)
            protected.update({name: None for name in defined})
            protected.update(cell_imports)
    imports, findings = {}, []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        partner = pairs.get(index)
        if meta.get("locked") and partner is not None and partner.metadata.get("nbgrader", {}).get("locked"):
            # nbgrader runs the released text: it imports names, and is not judged
            tree = _python(cell_source(partner))
            if tree is not None:
                imports.update(_bindings(tree)[0])
            continue
        source = cell_source(cell)
        tree = _python(source)
        if tree is None:
            continue
        released_lines = {line.strip() for line in cell_source(partner).splitlines()} if partner is not None else set()
        theirs = {number for number, line in enumerate(source.splitlines(), 1)
                  if line.strip() and line.strip() not in released_lines}
        imports.update(_bindings(tree)[0])
        visitor = _Visitor(imports, protected, forbidden)
        visitor.visit(tree)
        seen = set()
        for line, reason in visitor.found:
            if line in theirs and (line, reason) not in seen:
                seen.add((line, reason))
                findings.append(Finding(_label(cell, index), line, reason, index))
    return findings

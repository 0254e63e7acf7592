"""Progress for long work: a live bar where someone watches, clean lines where a log is written.

In a notebook (an IPython kernel) or a terminal, `progress_bar` is tqdm's bar (tqdm.auto: a widget in
notebooks). Where stderr is neither (CI, `> log.txt`, a pipe), a bar's carriage-return updates would fill the
log with half-lines, so it is a `LogLine` instead: one line when the work ends, with its count, time and the
last numbers shown. `enabled=False` shows nothing at all.
"""

import sys
import time

from tqdm.auto import tqdm


def in_notebook():
    """Whether this runs in a Jupyter kernel (where tqdm.auto draws a widget)."""
    shell = sys.modules.get("IPython") and getattr(sys.modules["IPython"], "get_ipython", lambda: None)()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class LogLine:
    """The part of tqdm's interface the course uses, printing one clean line at `close()`."""

    def __init__(self, total, desc, file=None):
        self.total, self.desc, self.n, self.postfix = total, desc, 0, ""
        self.file = file or sys.stderr
        self.start = time.perf_counter()

    def update(self, n=1):
        self.n += n

    def set_postfix(self, values=None, refresh=False):
        self.postfix = ", ".join(f"{key}={value}" for key, value in (values or {}).items())

    def close(self):
        if self.file is None:
            return
        numbers = f" ({self.postfix})" if self.postfix else ""
        print(f"{self.desc}: {self.n}/{self.total} in {time.perf_counter() - self.start:.1f} s{numbers}",
              file=self.file, flush=True)
        self.file = None  # closed: a second close prints nothing


def progress_bar(total, desc, enabled=True):
    """A tqdm bar in a notebook or terminal, a `LogLine` elsewhere, nothing when not `enabled`."""
    if not enabled:
        return tqdm(total=total, desc=desc, disable=True)
    if in_notebook() or sys.stderr.isatty():
        return tqdm(total=total, desc=desc, leave=False)
    return LogLine(total, desc)

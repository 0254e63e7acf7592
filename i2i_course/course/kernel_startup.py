"""Run by IPython in a grading kernel before the first cell: `i2i-course grade` copies this file into each
sandbox's IPython profile (startup/). It is not imported anywhere else.

* Fair to correct work: warnings are ignored (PYTHONWARNINGS too) and tqdm is off (TQDM_DISABLE, set in
  the kernel's environment): a correct answer's UserWarning or progress bar is not a failed test.
* The hidden tests' references: `i2i_course.references` is imported now, before any student code, so
  that its copies of torch.allclose & co. are torch's own.
* Before and after every cell, what a cell may have done to how the next ones run is undone: IPython's
  input and AST transformers, its custom exception handler, methods patched onto the shell, warnings
  filters, sys.stdout and sys.stderr.
* Each cell's stdout and stderr together are cut after I2I_GRADING_OUTPUT_LIMIT characters, with a marker
  (a print loop would otherwise send megabytes to the graded copy and the feedback page).

Code that means to can still undo this (it runs in the same process); the static scan flags such code.
"""


def _grading_kernel():
    import inspect
    import os
    import sys
    import warnings

    limit = int(os.environ.get("I2I_GRADING_OUTPUT_LIMIT", "20000"))
    marker = (f"\n[i2i-course grade: output cut here, after {limit} characters; the rest of this cell's "
              "output was not kept]\n")
    warnings.simplefilter("ignore")
    try:
        import i2i_course.references  # noqa: F401 (imported for its copies of torch's comparisons)
    except Exception:  # without torch the hidden tests fail the same way everywhere
        pass

    class Capped:
        """A stream that passes on at most `limit` characters per cell (counted with its twin), then a marker."""

        used = [0]

        def __init__(self, stream):
            self._stream = stream

        def write(self, text):
            text = str(text)
            room = limit - Capped.used[0]
            if room > 0:
                self._stream.write(text[:room])
                if len(text) > room:
                    self._stream.write(marker)
            Capped.used[0] += len(text)
            return len(text)

        def __getattr__(self, name):
            return getattr(self._stream, name)

    shell = get_ipython()  # noqa: F821 (IPython runs this file with get_ipython defined)
    manager = shell.input_transformer_manager
    lists = [(shell, "ast_transformers"), (shell, "input_transformers_post"), (manager, "cleanup_transforms"),
             (manager, "line_transforms"), (manager, "token_transformers")]
    kept = [(owner, name, list(getattr(owner, name))) for owner, name in lists if hasattr(owner, name)]
    own = set(vars(shell))
    handler = (shell.custom_exceptions, shell.CustomTB)
    streams = (Capped(sys.stdout), Capped(sys.stderr))

    def restore(*_):
        for owner, name, value in kept:
            getattr(owner, name)[:] = value
        for name in set(vars(shell)) - own:  # a method patched onto the shell (showtraceback, run_cell, ...)
            if inspect.isfunction(inspect.getattr_static(type(shell), name, None)):
                delattr(shell, name)
        shell.custom_exceptions, shell.CustomTB = handler
        warnings.resetwarnings()
        warnings.simplefilter("ignore")
        sys.stdout, sys.stderr = streams
        Capped.used[0] = 0

    restore()
    shell.events.register("pre_run_cell", restore)
    shell.events.register("post_run_cell", restore)


_grading_kernel()
del _grading_kernel

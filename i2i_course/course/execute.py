"""nbgrader's Execute preprocessor, but a kernel that dies keeps what it had done.

nbgrader gives up on a notebook whose kernel dies (`os._exit`, a crash, out of memory): nothing is
written, and the tests that had passed lose their points. `GradingExecute` keeps the notebook as it
was at that moment, adds an error output to the cell that was running (DEAD_KERNEL) and one to every
code cell after it (NOT_RUN), so that nbgrader writes the graded copy, the person who looks sees what
ran, and the tests that never ran score 0. Each sandbox's nbgrader_config.py puts it in the place of
nbgrader's Execute (sandbox.py); it runs in that nbgrader process, never in a student's kernel.
"""

from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute

DEAD_KERNEL = "DeadKernelError"
NOT_RUN = "NotRun"


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradingExecute(Execute):
    """Execute that survives a dead kernel: the outputs so far are kept, the rest is marked not run."""

    def preprocess_cell(self, cell, resources, index):
        self._running = index
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources=None, km=None):
        self._running = None
        try:
            return super().preprocess(nb, resources, km)
        except (DeadKernelError, RuntimeError) as error:
            if not isinstance(error, DeadKernelError) and "kernel died" not in str(error).lower():
                raise
        died = -1 if self._running is None else self._running
        self.log.warning("the kernel died in cell %s: keeping the outputs so far", died)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index < died:
                continue
            if index == died:
                cell.outputs.append(_error(DEAD_KERNEL, "the kernel died while this cell ran (os._exit, a crash, "
                                                        "or out of memory): the cells after it did not run"))
            else:
                where = f"in cell {died + 1}" if died >= 0 else "before the first cell"
                cell.outputs = [_error(NOT_RUN, f"not run: the kernel died {where}")]
        return nb, resources or {}

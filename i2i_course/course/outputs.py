"""Outputs: each cell's output in the graded copy (and so the feedback page) cut at a sane size.

A submission that prints in a loop made tens of megabytes of feedback per student. The grading kernel
already cuts each cell's printing (kernel_startup.py); this is the second cut, on what the course keeps:
every cell's outputs together (text, encoded images, tracebacks) are kept up to CELL_LIMIT characters,
then a visible marker says what was cut. Errors are never dropped (a traceback is shortened instead):
they are what a failed test is, to the score and to the person reading the feedback.
"""

import json

CELL_LIMIT = 50_000  # characters of output one cell keeps
TRACEBACK_LINES = 40  # lines of a traceback kept: the first and the last halves
KERNEL_MARKER = "[i2i-course grade: output cut here"  # what kernel_startup.py writes where it cuts


def _size(output):
    return len(json.dumps(output))


def _short_traceback(output):
    lines = output.get("traceback", [])
    if len(lines) > TRACEBACK_LINES:
        half = TRACEBACK_LINES // 2
        output["traceback"] = [*lines[:half], f"... {len(lines) - TRACEBACK_LINES} traceback lines cut ...",
                               *lines[-half:]]
    return output


def cap_cell(cell, limit=CELL_LIMIT):
    """Cut `cell`'s outputs to `limit` characters in place; what was cut (a phrase), or None."""
    outputs = cell.get("outputs", [])
    total = sum(_size(output) for output in outputs)
    cut_in_kernel = any(KERNEL_MARKER in "".join(output.get("text", "")) for output in outputs
                        if output.get("output_type") == "stream")
    if total <= limit:
        return "its printing was cut in the kernel" if cut_in_kernel else None
    kept, room = [], limit
    for output in outputs:
        if output.get("output_type") == "error":
            kept.append(_short_traceback(output))
            continue
        size = _size(output)
        if size <= room:
            kept.append(output)
            room -= size
        elif output.get("output_type") == "stream" and room > 200:
            output["text"] = "".join(output.get("text", ""))[: room - 200]
            kept.append(output)
            room = 0
        else:
            room = 0
    from nbformat.v4 import new_output

    kept.append(new_output("stream", name="stdout", text=f"\n[i2i-course grade: this cell's output was cut at "
                                                         f"{limit:,} of {total:,} characters]\n"))
    cell["outputs"] = kept
    return f"{total:,} characters of output cut to {limit:,}"


def cap(nb, limit=CELL_LIMIT):
    """Cut every code cell's outputs in `nb`, in place: {cell label: what was cut} for the cells cut."""
    cut = {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code":
            what = cap_cell(cell, limit)
            if what is not None:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                cut[repr(grade_id) if grade_id else str(index + 1)] = what
    return cut

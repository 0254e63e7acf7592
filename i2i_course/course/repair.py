"""Repair: put back what a round trip through another notebook front end strips from a submission.

nbgrader recognises cells by their metadata (`metadata.nbgrader`). A notebook saved by Colab or another
front end can come back without it, or as nbformat 4.0 (no cell ids: Colab keeps each id in
`metadata.id`); nbgrader would then grade it 0 and say nothing. Cells are paired with the released
notebook's by cell id, then by the text the student does not write, then by position; what cannot be
paired is reported, never guessed. Nothing here touches a file: `grade` repairs a copy in memory.
"""

import copy
import difflib
import re

from i2i_course.course.repo import cell_source

STUBS = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}  # nbgrader's defaults
MATCH_THRESHOLD = 0.6  # share of a released cell's fixed lines a submitted cell must contain
KEPT_METADATA = ("nbgrader", "editable", "deletable")  # what nbgrader puts on a released cell
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5's rule for cell ids


def upgrade(nb):
    """Make `nb` nbformat 4.5 with a valid, unique id on every cell, in place; True when it changed.

    A cell without an id takes the one Colab keeps in `metadata.id` when that is a valid id not taken,
    else `handed-in-N` (N its position), so that the released cells put back later can keep theirs.
    """
    changed = nb.get("nbformat_minor", 0) < 5
    nb.nbformat_minor = max(nb.get("nbformat_minor", 0), 5)
    taken = set()
    for index, cell in enumerate(nb.cells):
        wanted = cell.get("id") or cell.get("metadata", {}).get("id")
        if not (isinstance(wanted, str) and _CELL_ID.match(wanted)) or wanted in taken:
            wanted = f"handed-in-{index}"
        if cell.get("id") != wanted:
            cell["id"] = wanted
            changed = True
        taken.add(wanted)
    return changed


def _lines(cell):
    return [line.strip() for line in cell_source(cell).splitlines() if line.strip()]


def fixed_lines(cell):
    """The lines of a released cell that the student does not write: all but nbgrader's stubs and blanks."""
    return [line for line in _lines(cell) if line not in STUBS]


def similarity(released_cell, submitted_cell):
    """The share of the released cell's fixed lines found, in order, in the submitted cell (0 to 1)."""
    mine = fixed_lines(released_cell)
    if not mine:
        return 0.0
    blocks = difflib.SequenceMatcher(None, mine, _lines(submitted_cell), autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(mine)


def _window(pairs, index, count):
    """The submitted cells between the partners of the nearest paired cells before and after `index`."""
    before = [pairs[i] for i in pairs if i < index]
    after = [pairs[i] for i in pairs if i > index]
    return (max(before) + 1 if before else 0), (min(after) if after else count)


def match_cells(released, submitted):
    """Pair released cells with the student's copies of them: {released index: submitted index}.

    1. by cell id (nbgrader keeps ids, and so do most front ends);
    2. by content: the submitted cell, of the same type and between the partners of its paired
       neighbours, that holds most of the released cell's fixed lines (at least MATCH_THRESHOLD);
    3. by position, for answer cells only (a written answer has no fixed text): the one unpaired cell
       of its type between its paired neighbours' partners. Two candidates are not guessed between.
    """
    pairs = {}
    by_id = {}
    for j, cell in enumerate(submitted):
        by_id.setdefault(cell.get("id"), j)
    for i, cell in enumerate(released):
        j = by_id.get(cell.get("id"))
        if j is not None and submitted[j].cell_type == cell.cell_type:
            pairs[i] = j
    for i, cell in enumerate(released):
        if i in pairs or not fixed_lines(cell):
            continue
        low, high = _window(pairs, i, len(submitted))
        taken = set(pairs.values())
        scored = [(similarity(cell, submitted[j]), -j) for j in range(low, high)
                  if j not in taken and submitted[j].cell_type == cell.cell_type]
        if scored and max(scored)[0] >= MATCH_THRESHOLD:
            pairs[i] = -max(scored)[1]
    for i, cell in enumerate(released):
        if i in pairs or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        low, high = _window(pairs, i, len(submitted))
        taken = set(pairs.values())
        free = [j for j in range(low, high) if j not in taken and submitted[j].cell_type == cell.cell_type]
        if len(free) == 1:
            pairs[i] = free[0]
    return dict(sorted(pairs.items()))


def nbgrader_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_answer_or_graded(cell):
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution"))


def is_blank(submitted, released):
    """True when no answer cell of `submitted` differs from the released notebook's (nothing was written)."""
    pairs = match_cells(released.cells, submitted.cells)
    answers = [i for i, cell in enumerate(released.cells) if cell.metadata.get("nbgrader", {}).get("solution")]
    return all(i in pairs and cell_source(submitted.cells[pairs[i]]).strip() ==
               cell_source(released.cells[i]).strip() for i in answers)


def repair_notebook(submitted, released):
    """Put back the nbgrader metadata of the released notebook's cells into the student's copy, in place.

    A paired cell that lacks its nbgrader metadata (or has another cell's) gets the released cell's; a
    locked cell (a test, a read-only cell) that is missing is put back after its predecessor (nbgrader
    then runs its original source, hidden tests included); an answer cell that cannot be paired is
    left alone and reported. A notebook less than half of whose cells pair up is not this assignment's:
    nothing is changed and every graded or answer cell is reported.

    Returns {"restored", "inserted", "unmatched", "edited"}: lists of nbgrader ids (edited: locked
    cells whose text the student changed; nbgrader runs the original).
    """
    from nbgrader.utils import compute_checksum

    found = {"restored": [], "inserted": [], "unmatched": [], "edited": []}
    pairs = match_cells(released.cells, submitted.cells)
    marked = [i for i, cell in enumerate(released.cells) if nbgrader_id(cell)]
    if len(pairs) < len(released.cells) / 2:
        found["unmatched"] = [nbgrader_id(released.cells[i]) for i in marked
                              if is_answer_or_graded(released.cells[i])]
        return found
    missing = []
    for i in marked:
        cell, meta = released.cells[i], released.cells[i].metadata.nbgrader
        if i in pairs:
            theirs = submitted.cells[pairs[i]]
            if nbgrader_id(theirs) != nbgrader_id(cell):
                for key in KEPT_METADATA:
                    if key in cell.metadata:
                        theirs.metadata[key] = copy.deepcopy(cell.metadata[key])
                found["restored"].append(nbgrader_id(cell))
            if meta.get("locked") and meta.get("checksum") != compute_checksum(theirs):
                found["edited"].append(nbgrader_id(cell))
        elif meta.get("locked") and not meta.get("solution"):
            missing.append(i)
        else:
            found["unmatched"].append(nbgrader_id(cell))
    taken = {cell.get("id") for cell in submitted.cells}
    for i in sorted(missing, key=lambda i: (_window(pairs, i, 0)[0], i), reverse=True):
        at = _window(pairs, i, 0)[0]  # just after the partner of the nearest paired cell before it
        cell = copy.deepcopy(released.cells[i])
        if cell.get("id") in taken:  # a cell of the student's has its id: the put-back cell takes another
            cell["id"] = f"released-{cell['id']}"[:64]
        submitted.cells.insert(at, cell)
        found["inserted"].insert(0, nbgrader_id(released.cells[i]))
    return found

"""Claims: a lesson's statements, each with the numbers that decide it.

A claim is computed by the library, shown in the notebook, printed by `i2i-course tour` and asserted by
the tests on the `ci` profile. `holds` is decided from `values` by the lesson's own rule.
"""

from dataclasses import asdict, dataclass, field


@dataclass
class Claim:
    lesson: str  # "01", "02", ...
    id: str  # short and stable, e.g. "edges-l2-wider"
    statement: str  # one sentence a student can check against the picture
    values: dict = field(default_factory=dict)  # the measured numbers, rounded for reading
    holds: bool = False

    def to_dict(self):
        return asdict(self)


@dataclass
class LessonResult:
    """What a lesson's `run` returns: its claims, its figures and the details behind them."""

    lesson: str
    title: str
    claims: list
    figures: dict  # name -> matplotlib Figure
    details: dict = field(default_factory=dict)


def format_values(values):
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def claims_table(claims):
    """A plain-text table: lesson, claim, measured values, holds."""
    rows = [("lesson", "claim", "measured", "holds")]
    rows += [(c.lesson, c.id, format_values(c.values), "yes" if c.holds else "NO") for c in claims]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)

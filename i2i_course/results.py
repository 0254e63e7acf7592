"""What a lesson's experiment returns: its variants (what was trained, with what, and how it measured), its
claims (statements decided by those numbers) and its figures.

    result = l02_unet_skips.run(profile, seed=0)
    result.variants["unet"].metrics["l1_error"]          # look a variant up by its stable key
    result.variants["unet"].visuals["fake_B"]             # its outputs, named as the reference names them
    result.table                                          # {key: metrics}, the lesson's table
    print(claims_table(result.claims))

A claim is computed by the library, shown in the notebook, printed by `i2i-course tour` and asserted by the
tests on the `ci` profile. `holds` is decided from `values` by the lesson's own rule, against thresholds named
next to the claim.
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
class Variant:
    """One run of a lesson (or a reference row such as the real photos or an exact oracle, not trained).

    key: short and stable ("unet", "l1-only", "patch-3"): what code looks variants up by, never `label`.
    label: what a reader sees in figures and tables ("U-Net", "PatchGAN 70x70").
    settings: what it was trained with ({"skips": ..., "steps": ...}); history: its training `History`
    (None when not trained). visuals: named images, (N, C, H, W) in [-1, 1], in the reference's vocabulary
    ({"fake_B": G(real_A)}, lesson 04 adds "rec_A", ...). metrics: its measured numbers. objective: the
    trained objective (nets and optimisers), for a closer look or to translate more inputs.
    """

    key: str
    label: str
    settings: dict = field(default_factory=dict)
    history: object = None
    visuals: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    objective: object = None


@dataclass
class LessonResult:
    """What a lesson's `run` returns: variants by key (in the order they were run), claims, figures.

    task, batch: what the variants were trained on and measured on (the held-out batch). details: anything
    else a lesson shows (lesson 01's toy).
    """

    lesson: str
    title: str
    claims: list
    figures: dict  # name -> matplotlib Figure
    variants: dict = field(default_factory=dict)  # key -> Variant
    task: object = None
    batch: object = None
    details: dict = field(default_factory=dict)

    @property
    def table(self):
        """{key: metrics} of every variant, in order: the lesson's table of numbers."""
        return {key: variant.metrics for key, variant in self.variants.items()}


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

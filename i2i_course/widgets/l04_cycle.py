"""Lesson 04's live ablation: set lambda_cyc, the identity weight and the image pool, press Run.

Each run trains the lesson's CycleGANs on the two circle mixtures with `l04_cycle.train_variant` (8 small
runs side by side, from different initial weights, for about the price of one), pictures real A, G(A) and
F(G(A)) for the first run and the run that kept the least, and adds to a table of every run so far what the
runs kept: content (the NMI of a's mode and G(a)'s B mode), how many runs kept all of it, the modes hit, the
share of G(a) on a B mode (what D asks for) and the cycle error. The points train in seconds and their modes
are known; the notebook's image variants (discs -> squares) can be recorded too, with their own numbers.
Training, metrics and the image figure are the lesson module's; the button, bar and table are `RunPanel`'s.
Works with ipywidgets 7.7 (Colab's) and 8.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from i2i_course.errors import CourseError
from i2i_course.experiments import l04_cycle
from i2i_course.objectives.cyclegan import LAMBDA_CYC
from i2i_course.results import Variant
from i2i_course.viz import show_rows
from i2i_course.widgets.panel import SHOWN, TILE, RunPanel, slider_style

POINTS_SHOWN = 200  # held-out points pictured per run
PANEL_RUNS = 8  # runs side by side per Run: ~5 s at ci (32, as the claims use, cost ~3x as much per step)
PANEL_INCHES = 1.15  # one scatter's side in the picture: with its labels ~430 px wide at 100 dpi, as the other panels


def dash(write):
    """A column writer that shows '-' where a value does not apply (an image run has no modes to count)."""
    return lambda value: "-" if value is None else write(value)


def is_points(variant):
    """Whether a variant is one of the plane's (points (N, runs, 2)) rather than the images'."""
    return variant.visuals["fake_B"].dim() == 3


def shown_runs(variant):
    """The runs a picture shows: the first, and the one whose content kept least (another if that is the first)."""
    kept = variant.metrics["content_kept_runs"]
    worst = min(range(len(kept)), key=kept.__getitem__)
    return [0, worst if worst != 0 else min(1, len(kept) - 1)] if len(kept) > 1 else [0]


def points_figure(task, variant, number, count=POINTS_SHOWN, tile=PANEL_INCHES):
    """Real A, G(A), F(G(A)) (columns) for the shown runs (rows), every point coloured by a's mode, the modes
    of the domain it should lie in drawn in grey; each row's numbers in its label."""
    runs = shown_runs(variant)
    fig, axes = plt.subplots(len(runs), 3, figsize=(3 * tile + 1.3, tile * len(runs) + 0.55), squeeze=False)
    m = variant.metrics
    for row, run in zip(axes, runs):
        real = variant.visuals["real_A"][:count, run]
        modes, _ = task.nearest_mode(real, "A")
        columns = (("real A", real, "A"), ("G(A)", variant.visuals["fake_B"][:count, run], "B"),
                   ("F(G(A))", variant.visuals["rec_A"][:count, run], "A"))
        for ax, (title, points, domain) in zip(row, columns):
            centres = task.centres(domain)
            ax.scatter(centres[:, 0], centres[:, 1], s=160, c="0.85", zorder=0)
            ax.scatter(points[:, 0], points[:, 1], s=4, c=modes, cmap="tab10", vmin=0, vmax=9)
            ax.set_xlim(-2.5, 2.5)
            ax.set_ylim(-2.5, 2.5)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            if run == runs[0]:
                ax.set_title(title, fontsize=8)
        row[0].set_ylabel(f"run {run + 1} of {m['runs']}\nNMI {m['content_kept_runs'][run]:.2f}, "
                          f"{m['distinct_modes_runs'][run]} modes\non-mode {m['on_mode_runs'][run]:.2f}\n"
                          f"cycle {m['cycle_error_runs'][run]:.3f}", rotation=0, ha="right", va="center",
                          fontsize=7)
    fig.suptitle(f"run {number}: {variant.label}, {variant.history.steps_done} steps\n"
                 f"{m['runs_kept']} of {m['runs']} runs kept A's modes (colour = a's mode)", fontsize=8)
    fig.tight_layout()
    return fig


def images_figure(variant, number, count=SHOWN, tile=TILE):
    """Held-out discs, G(A) and F(G(A)) of an image variant, its numbers in the row labels."""
    m = variant.metrics
    rows = [("real A", variant.visuals["real_A"][:count]),
            (f"G(A)\nhue NMI {m['hue_nmi']:.2f}\ncentroid err {m['centroid_error']:.1f} px",
             variant.visuals["fake_B"][:count]),
            (f"F(G(A))\nhue back {m['hue_recovered']:.2f}\ncycle err {m['cycle_error']:.3f}",
             variant.visuals["rec_A"][:count])]
    return show_rows(rows, title=f"run {number}: {variant.label}, {variant.history.steps_done} steps", tile=tile)


class CyclePanel(RunPanel):
    """lambda_cyc, identity-weight and pool controls, a picture of the latest run and a table of all runs
    (lesson 04).

    A Run trains `PANEL_RUNS` runs side by side on the circle mixtures (the claims use 32), every Run from the
    same `seed`, so two Runs differ only in the settings a student changed. `record` takes the plane's variants
    of `l04_cycle.run` ("cyc-10", "cyc-0") and its image variants ("images-cyc-10", "images-cyc-0"). `runs`
    holds one dict per finished run; `last_run` the latest `Variant`.
    """

    def __init__(self, profile=None, seed=0, task=None):
        super().__init__(profile, seed, hint="Set lambda_cyc, the identity weight and the pool, then press Run.")
        self.task = task if task is not None else l04_cycle.task_for(self.profile)
        _, plan_steps = l04_cycle.mixture_plan(self.profile)
        self.steps.max, self.steps.value = 4 * plan_steps, plan_steps  # the plane's step count, not the images'
        self.columns = [
            ("run", "run #", str),
            ("data", "data", str),
            ("lambda_cyc", "lambda_cyc", "{:g}".format),
            ("lambda_idt", "identity", "{:g}".format),
            ("pool", "pool", lambda on: "on" if on else "off"),
            ("steps", "steps", str),
            ("content", "content NMI", "{:.3f}".format),
            ("kept", "runs kept", dash(str)),
            ("modes", "modes hit (min)", dash(str)),
            ("on_mode", "on a B mode", dash("{:.3f}".format)),
            ("cycle_error", "cycle error", "{:.4f}".format),
        ]
        self.lambda_cyc = widgets.FloatSlider(value=LAMBDA_CYC, min=0, max=20, step=0.5, description="lambda_cyc",
                                              readout_format=".1f", **slider_style())
        self.lambda_idt = widgets.FloatSlider(value=0.0, min=0, max=1, step=0.1, description="identity weight",
                                              readout_format=".1f", **slider_style())
        self.pool = widgets.Checkbox(value=False, description="image pool of 50 (past fakes for D)", indent=False,
                                     layout=widgets.Layout(width="300px"))
        self.lay_out([self.lambda_cyc, self.lambda_idt], [self.pool, self.steps])

    def settings(self):
        """The controls' current values, named as `train_variant` takes them."""
        return {"lambda_cyc": self.lambda_cyc.value, "lambda_idt": self.lambda_idt.value, "pool": self.pool.value,
                "steps": self.steps.value}

    def describe(self, settings):
        return (f"{l04_cycle.variant_label(settings['lambda_cyc'], settings['lambda_idt'], settings['pool'])}, "
                f"{PANEL_RUNS} runs side by side, {settings['steps']} steps")

    def train(self, settings, callback):
        return l04_cycle.train_variant(self.profile, seed=self.seed, progress=False, callback=callback,
                                       task=self.task, runs=PANEL_RUNS, **settings)

    def record(self, variant):
        """Picture and tabulate a variant `l04_cycle.run` trained (the plane's or the images'), without training
        it again; one trained at another profile, or anything else, is refused."""
        if isinstance(variant, Variant) and variant.history is not None and "fake_B" in variant.visuals \
                and is_points(variant):
            count, shape = self.profile.eval_samples, tuple(variant.visuals["fake_B"].shape)
            if shape[0] != count:
                raise CourseError(f"this variant was not trained at the {self.profile.name!r} profile ({count} "
                                  f"held-out points); got outputs {shape}")
            self._add(variant, len(self.runs) + 1, planned=None)
        else:  # images (checked against the profile's image size) or not a trained variant at all
            super().record(variant)

    def summarise(self, variant, number):
        """Picture real A, G(A), F(G(A)); the run's row of numbers (image runs: hue NMI as the content)."""
        s, m = variant.settings, variant.metrics
        row = {"run": number, "lambda_cyc": s["lambda_cyc"], "lambda_idt": s["lambda_idt"],
               "steps": variant.history.steps_done, **m}
        if is_points(variant):
            row.update(data=f"points x{m['runs']}", pool=s["pool"], content=m["content_kept"],
                       kept=f"{m['runs_kept']}/{m['runs']}", modes=m["distinct_modes_min"], on_mode=m["on_mode"])
            return points_figure(self.task, variant, number), row
        row.update(data="images", pool=True, content=m["hue_nmi"], kept=None, modes=None, on_mode=None)
        return images_figure(variant, number), row

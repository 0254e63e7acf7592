"""The course tour: every lesson's experiment in turn, its claims collected and its figures saved.

    claims = run_tour(get_profile("ci"), seed=0, out=Path("tour-out"))

`i2i-course tour` is this plus printing: the claims table, the JSON report, the exit code.
"""

import time
from pathlib import Path

from i2i_course.errors import CourseError
from i2i_course.experiments.datasets import check_dataset


def lesson_modules(lessons=None):
    """{number: module} of the lessons asked for (default: all, in teaching order); unknown ones refused."""
    from i2i_course.experiments import LESSONS

    wanted = list(lessons) if lessons else list(LESSONS)
    unknown = [name for name in wanted if name not in LESSONS]
    if unknown:
        raise CourseError(f"unknown lesson(s) {', '.join(unknown)}: choose from {', '.join(LESSONS)}")
    return {name: LESSONS[name] for name in wanted}


def run_tour(profile, seed=0, lessons=None, dataset="synthetic", out=None, progress=True, say=print):
    """Run the lessons' experiments at `profile` (a Profile) and return their claims, in order.

    dataset: what the lessons that can run on real data run on ("facades"); the others run on their own
    synthetic task, and `say` says so. Every lesson's task is built before any lesson trains, so a missing
    dataset stops the tour at once. out: a folder for the figures (NN_name.png), or None.
    """
    import matplotlib.pyplot as plt

    modules = lesson_modules(lessons)
    check_dataset(dataset)
    own = {name: dataset if dataset in module.DATASETS else "synthetic" for name, module in modules.items()}
    tasks = {name: module.task_for(profile, own[name], progress=progress) for name, module in modules.items()}
    out = Path(out) if out is not None else None
    claims = []
    for name, module in modules.items():
        if own[name] != dataset:
            say(f"lesson {name} ({module.TITLE}) runs on its own synthetic data: its effect needs known answers")
        start = time.perf_counter()
        result = module.run(profile, seed=seed, progress=progress, task=tasks[name])
        say(f"lesson {name} ({module.TITLE}): {time.perf_counter() - start:.1f} s")
        claims += result.claims
        for figure_name, figure in result.figures.items():
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                figure.savefig(out / f"{name}_{figure_name}.png", dpi=100, bbox_inches="tight")
            plt.close(figure)
    return claims

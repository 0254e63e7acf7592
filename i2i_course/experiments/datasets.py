"""Which data a lesson runs on: lesson policy, kept here rather than in the data layer.

Each lesson module declares `DATASETS`, the names it can run on: "synthetic" (its own task, which knows its
answers; the default and the only data in CI) and, for lessons 02 and 03, "facades" (the real CMP facades).
`lesson_task` turns a name into a task; the `colab` and `full` profiles download the facades when missing.
"""

from i2i_course.data.real_task import facades_task
from i2i_course.errors import CourseError

DATASETS = ("synthetic", "facades")  # every name a lesson or `i2i-course tour --dataset` accepts
DOWNLOADING_PROFILES = ("colab", "full")  # profiles that fetch the real facades when they are missing


def check_dataset(dataset):
    """Refuse a name that is not in DATASETS, saying which names there are."""
    if dataset not in DATASETS:
        raise CourseError(f"unknown dataset {dataset!r}: choose {' or '.join(DATASETS)} (the real facades: "
                          "`i2i-course data download facades`)")


def synthetic_only(lesson, dataset, task, why):
    """Refuse any dataset but "synthetic" for a lesson whose claims need what only its own `task` knows (`why`)."""
    check_dataset(dataset)
    if dataset != "synthetic":
        raise CourseError(f"lesson {lesson} runs on its {task} only: its claims need {why}")


def lesson_task(dataset, profile, synthetic, progress=True):
    """The task a lesson runs on: `synthetic()` for "synthetic", the real facades for "facades"."""
    check_dataset(dataset)
    if dataset == "synthetic":
        return synthetic()
    return facades_task(profile.image_size, download=profile.name in DOWNLOADING_PROFILES, progress=progress)

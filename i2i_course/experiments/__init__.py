"""Each lesson's experiment, one module per lesson, all to one contract (docs/adding-a-lesson.md):

    LESSON, TITLE, DATASETS          its number, its title, the data it can run on ("synthetic", "facades")
    task_for(profile, dataset)       its task (see data.task)
    train_variant(profile, ...)      one run -> a `results.Variant` (key, label, settings, history, visuals, metrics)
    run(profile, seed, progress, task) -> a `results.LessonResult`: variants by key, claims, figures

`LESSONS` maps a lesson number to its module, in teaching order; `tour.run_tour` runs them all.
"""

from i2i_course.experiments import l01_blur, l02_unet_skips, l03_patchgan, l04_cycle, l05_diversity, l06_spade

LESSONS = {"01": l01_blur, "02": l02_unet_skips, "03": l03_patchgan, "04": l04_cycle, "05": l05_diversity,
           "06": l06_spade}

__all__ = ["LESSONS"]

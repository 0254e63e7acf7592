"""Each lesson's experiment: `run(profile, seed, progress)` returns its claims and figures.

`LESSONS` maps a lesson number to its module, in teaching order; the tour runs them all. Lessons that
run on real data too (02, 03) have `task_for(profile, dataset)`, and their `run` takes its `task`.
"""

from i2i_course.experiments import l01_blur, l02_unet_skips, l03_patchgan

LESSONS = {"01": l01_blur, "02": l02_unet_skips, "03": l03_patchgan}

__all__ = ["LESSONS"]

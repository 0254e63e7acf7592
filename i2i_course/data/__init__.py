"""Data: synthetic tasks generated on the fly (the default everywhere and the only data in tests).

Every task follows one protocol, `task.Task` (sample, batches, what it knows). The real datasets are opt-in and
imported from their own modules: `catalog` (what exists and where), `download` (fetch, check, unpack), `folders`
(torch datasets for the aligned and unaligned layouts), `real_task` (a real paired dataset as a task),
`cityscapes` (prepare it by hand).
"""

from i2i_course.data.ambiguous_discs import AmbiguousDiscs, DiscBatch, render_discs
from i2i_course.data.mixtures import CircleMixtures
from i2i_course.data.palette_fills import FillBatch, PaletteFills
from i2i_course.data.scenes import SceneLabels
from i2i_course.data.shapes import UnpairedShapes
from i2i_course.data.task import Task, UnpairedBatch, UnpairedTask, one_hot

__all__ = ["AmbiguousDiscs", "DiscBatch", "render_discs", "CircleMixtures", "FillBatch", "PaletteFills",
           "SceneLabels", "Task", "UnpairedBatch", "UnpairedShapes", "UnpairedTask", "one_hot"]

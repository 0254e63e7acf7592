"""Data: synthetic tasks generated on the fly (the default everywhere and the only data in tests).

The real datasets are opt-in and imported from their own modules: `catalog` (what exists and where),
`download` (fetch, check, unpack), `folders` (torch datasets for the aligned and unaligned layouts),
`real_task` (a real paired dataset as a task for the training code), `cityscapes` (prepare it by hand).
"""

from i2i_course.data.ambiguous_discs import AmbiguousDiscs, DiscBatch, render_discs

__all__ = ["AmbiguousDiscs", "DiscBatch", "render_discs"]

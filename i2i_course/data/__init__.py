"""Data: synthetic tasks generated on the fly (the default everywhere and the only data in tests)."""

from i2i_course.data.ambiguous_discs import AmbiguousDiscs, DiscBatch, render_discs

__all__ = ["AmbiguousDiscs", "DiscBatch", "render_discs"]

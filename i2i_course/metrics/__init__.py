"""Metrics that put a number next to every picture, one module per kind of question:

- `images`: what an image looks like: edge width, colourfulness, fine detail (high-frequency ratio, texture
  energy), and the FCN-score's segmentation scores (lessons 01-03).
- `labels`: what a generator kept of a label-map input: outputs' spread, per-class IoU, label recovery (lesson 06).

Later lessons add their own module here (what a translation kept, how diverse samples are, ...).
"""

from i2i_course.metrics.images import (colourfulness, edge_width, high_frequency_ratio, high_frequency_share,
                                       radial_profile, segmentation_scores, texture_energy, texture_ratio)

__all__ = ["colourfulness", "edge_width", "high_frequency_ratio", "high_frequency_share", "radial_profile",
           "segmentation_scores", "texture_energy", "texture_ratio"]

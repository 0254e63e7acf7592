"""Metrics that put a number next to every picture, one module per kind of question:

- `images`: what an image looks like: edge width, colourfulness, fine detail (high-frequency ratio, texture
  energy), and the FCN-score's segmentation scores (lessons 01-03).
- `cycle`: what an unpaired translation kept: content (NMI of modes), modes hit, share on a mode, cycle
  error, hue read-back and centroid error (lesson 04; import it as a module).
- `diversity`: how many different right answers samples of one input show: modes covered, valid rate, pairwise
  L1, best-mode L1, encode accuracy, and the exact ceiling (lesson 05; import it as a module).
- `labels`: what a generator kept of a label-map input: outputs' spread, per-class IoU, label recovery (lesson 06).
"""

from i2i_course.metrics.images import (colourfulness, edge_width, high_frequency_ratio, high_frequency_share,
                                       radial_profile, segmentation_scores, texture_energy, texture_ratio)

__all__ = ["colourfulness", "edge_width", "high_frequency_ratio", "high_frequency_share", "radial_profile",
           "segmentation_scores", "texture_energy", "texture_ratio"]

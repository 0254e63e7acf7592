"""Metrics for label-map inputs (lesson 06): how much of the label map a generator's output still carries.

- `spread`: how far apart a generator's outputs for several inputs are (0: it cannot tell them apart).
- `class_iou`: the IoU of each class between predicted and true label maps (the FCN-score per class).
- `label_recovery`: a segmenter's reading of generated photos against the label maps they were made from.
"""

import torch

from i2i_course.errors import CourseError
from i2i_course.metrics.images import segmentation_scores


def spread(images):
    """max |images[i] - images[0]| over every i and pixel, as a float: 0 when the outputs are identical."""
    images = images.double()
    return (images - images[:1]).abs().max().item()


def class_iou(predicted, true, num_classes):
    """(K,) float64 IoU of each class between label maps (N, H, W); NaN for a class absent from both."""
    if predicted.shape != true.shape:
        raise CourseError(f"label maps differ in shape: {tuple(predicted.shape)} vs {tuple(true.shape)}")
    confusion = torch.bincount(true.flatten() * num_classes + predicted.flatten(), minlength=num_classes ** 2)
    confusion = confusion.view(num_classes, num_classes).double()  # rows: true class
    hits = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - hits
    return torch.where(union > 0, hits / union.clamp(min=1), torch.full_like(hits, float("nan")))


@torch.no_grad()
def segment(segmenter, photos, batch_size=64):
    """The segmenter's label map (N, H, W) of photos (N, 3, H, W) in [-1, 1]."""
    return torch.cat([segmenter(chunk).argmax(1) for chunk in photos.float().split(batch_size)])


def label_recovery(segmenter, photos, labels, num_classes, classes_of_interest=()):
    """The FCN-score analog of generated `photos` against the `labels` (N, H, W) they were made from:
    pixel_accuracy, class_accuracy, class_iou (means), and `object_iou`, the mean IoU of `classes_of_interest`
    (those present), when given."""
    predicted = segment(segmenter, photos)
    scores = segmentation_scores(predicted, labels, num_classes)
    if classes_of_interest:
        ious = class_iou(predicted, labels, num_classes)[list(classes_of_interest)]
        scores["object_iou"] = ious[~ious.isnan()].mean().item() if (~ious.isnan()).any() else float("nan")
    return scores

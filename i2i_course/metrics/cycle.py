"""What an unpaired translation kept (lesson 04): content, round trips, and what an image shows.

Content, on tasks whose samples know their mode (class):
- `content_kept(source, target, k_source, k_target)`: the mutual information between a's mode and the mode
  G(a) landed on, over the entropy of a's mode: 1 when G(a)'s mode tells a's mode exactly (whatever the
  assignment), 0 when it tells nothing (every a sent to the same mode, or modes mixed at random).
- `distinct_modes(source, target, k_source)`: how many different target modes A's modes go to (each A mode
  counted by where most of its points land): k for a one-to-one assignment, 1 for a collapse.
- `on_mode_fraction(distances, radius)`: the share of outputs close to a real mode: what a discriminator
  asks for.
- `cycle_error(rec, real)`: mean |F(G(a)) - a|, the cycle loss without its weight.

Images, on tasks that know each shape's hue and place:
- `shape_mask`, `read_hue`: which pixels differ from the background, and which palette colour they are.
- `centroids`, `centroid_error`: where the shape is, and how far from where it should be.
"""

import torch


def contingency(source, target, k_source, k_target):
    """(k_source, k_target) joint frequencies of two label vectors (N,) (a float table summing to 1)."""
    index = source.long().cpu() * k_target + target.long().cpu()
    counts = torch.bincount(index, minlength=k_source * k_target).double()
    return (counts / counts.sum()).view(k_source, k_target)


def entropy(p):
    """Entropy in nats of a probability table (any shape), 0 log 0 = 0."""
    p = p[p > 0]
    return float(-(p * p.log()).sum())


def mutual_information(source, target, k_source, k_target):
    """I(source; target) in nats, from the empirical joint of two label vectors (N,)."""
    joint = contingency(source, target, k_source, k_target)
    return entropy(joint.sum(1)) + entropy(joint.sum(0)) - entropy(joint)


def content_kept(source, target, k_source, k_target):
    """I(source; target) / H(source): the share of the source's mode information the target still carries."""
    h = entropy(contingency(source, target, k_source, k_target).sum(1))
    return mutual_information(source, target, k_source, k_target) / h if h > 0 else 0.0


def majority_map(source, target, k_source, k_target):
    """(k_source,) the target mode most of each source mode's points go to (-1 for a mode with no points)."""
    joint = contingency(source, target, k_source, k_target)
    return torch.where(joint.sum(1) > 0, joint.argmax(1), torch.full((k_source,), -1))


def distinct_modes(source, target, k_source, k_target):
    """How many different target modes the source modes go to (each by its majority): k for a bijection."""
    mapped = majority_map(source, target, k_source, k_target)
    return len(set(mapped[mapped >= 0].tolist()))


def on_mode_fraction(distances, radius):
    """The share of points within `radius` of their nearest mode centre ((N,) distances)."""
    return float((distances <= radius).float().mean())


def cycle_error(rec, real):
    """mean |rec - real| over every value: the cycle loss ||F(G(a)) - a||_1 without lambda."""
    return float((rec.float() - real.float()).abs().mean())


# ---------------------------------------------------------------- images of one shape on a plain background


def background_distance(images, background):
    """(N, H, W): how far each pixel's colour is from the background colour (3,), the largest channel gap."""
    bg = torch.tensor(background, dtype=images.dtype, device=images.device).view(1, 3, 1, 1)
    return (images - bg).abs().amax(dim=1)


def shape_mask(images, background, threshold=0.5):
    """(N, H, W) bool: the pixels whose colour differs from the background by more than `threshold`."""
    return background_distance(images, background) > threshold


def read_hue(images, palette, background, threshold=0.5):
    """(N,) the palette colour (index) nearest to the mean colour of each image's shape; -1 with no shape."""
    mask = shape_mask(images, background, threshold).unsqueeze(1).float()  # (N, 1, H, W)
    area = mask.sum(dim=(2, 3))  # (N, 1)
    mean = (images * mask).sum(dim=(2, 3)) / area.clamp(min=1)  # (N, 3)
    nearest = torch.cdist(mean.float(), palette.to(images.device).float()).argmin(dim=1)
    return torch.where(area[:, 0] > 0, nearest, torch.full_like(nearest, -1))


def centroids(images, background, threshold=0.5):
    """(N, 2) the (column, row) centre of each image's shape mask in pixels; the image centre with no shape."""
    mask = shape_mask(images, background, threshold).float()
    n, h, w = mask.shape
    cols = torch.arange(w, dtype=torch.float32, device=images.device) + 0.5
    rows = torch.arange(h, dtype=torch.float32, device=images.device) + 0.5
    area = mask.sum(dim=(1, 2))
    centre = torch.stack([(mask.sum(1) * cols).sum(1), (mask.sum(2) * rows).sum(1)], dim=1) / area.clamp(min=1)[:, None]
    middle = torch.tensor([w / 2, h / 2], device=images.device)
    return torch.where(area[:, None] > 0, centre, middle)


def centroid_error(images, centers, background, threshold=0.5):
    """Mean distance in pixels between each image's shape centroid and where it should be, centers (N, 2)."""
    return float((centroids(images, background, threshold) - centers.to(images.device)).norm(dim=1).mean())


def constant_centre_error(centers, image_size):
    """The centroid error of a translation that always drew the shape in the middle: the bar to beat."""
    middle = torch.tensor([image_size / 2, image_size / 2])
    return float((centers.cpu() - middle).norm(dim=1).mean())


__all__ = ["contingency", "entropy", "mutual_information", "content_kept", "majority_map", "distinct_modes",
           "on_mode_fraction", "cycle_error", "shape_mask", "read_hue", "centroids", "centroid_error",
           "constant_centre_error"]

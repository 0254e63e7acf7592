"""What an image looks like, in numbers. Images are (N, 3, H, W) with values in [-1, 1].

- `edge_width`: how blurred a disc's boundary is, as the 10-90 % rise distance of its radial profile
  (the optics definition of edge width). A hard edge measures under 1 px; a linear ramp of width w
  measures 0.8 w; the L2-optimal "two-step" edge of lesson 01 measures the gap between its two modes.
- `colourfulness`: Hasler and Suesstrunk's colourfulness M = sigma_rgyb + 0.3 mu_rgyb (2003), on
  0-255 RGB. A grey image scores 0, a uniform pure red 85.5; averaging two hues lowers it.
- `high_frequency_ratio`: the share of spectral energy above a cut-off frequency, outputs relative to
  targets: 1 keeps all the fine detail, a blurred output scores below 1.
- `segmentation_scores`: the FCN-score's per-pixel accuracy, per-class accuracy and class IoU.
"""

import torch
import torch.nn.functional as F

from i2i_course.errors import CourseError


def _check_images(images):
    if images.dim() != 4 or images.shape[1] != 3:
        raise CourseError(f"expected RGB images (N, 3, H, W), got shape {tuple(images.shape)}")


def radial_profile(images, center, bin_size=0.25):
    """Mean colour at each distance from `center`: (N, 3, H, W), (N, 2) -> (N, bins, 3), bin radii.

    Pixel (row i, column j) sits at (j + 0.5, i + 0.5); bins are `bin_size` pixels wide.
    """
    n, _, h, w = images.shape
    cols = torch.arange(w, dtype=torch.float32) + 0.5
    rows = torch.arange(h, dtype=torch.float32) + 0.5
    dist = torch.sqrt((cols.view(1, 1, w) - center[:, 0].view(-1, 1, 1)) ** 2
                      + (rows.view(1, h, 1) - center[:, 1].view(-1, 1, 1)) ** 2)  # (N, H, W)
    index = (dist / bin_size).long().view(n, -1)
    bins = int(index.max()) + 1
    pixels = images.float().permute(0, 2, 3, 1).reshape(n, -1, 3)
    sums = torch.zeros(n, bins, 3).scatter_add_(1, index.unsqueeze(-1).expand(-1, -1, 3), pixels)
    counts = torch.zeros(n, bins).scatter_add_(1, index, torch.ones_like(index, dtype=torch.float32))
    radii = (torch.arange(bins, dtype=torch.float32) + 0.5) * bin_size
    return sums / counts.clamp(min=1).unsqueeze(-1), counts, radii


def _first_drop_below(values, radii, level):
    """The radius where a profile first falls below `level`, linearly interpolated between bins."""
    for i in range(1, len(values)):
        if values[i] < level <= values[i - 1]:
            t = (values[i - 1] - level) / (values[i - 1] - values[i])
            return float(radii[i - 1] + t * (radii[i] - radii[i - 1]))
    return float("nan")


def edge_width(images, center, background, bin_size=0.25, inner_radius=1.5):
    """10-90 % edge width in pixels of one disc per image centred at `center`: (N,) tensor.

    The radial profile is projected onto the line from the background colour (0 %) to the colour at
    the centre (100 %, the mean within `inner_radius` px); the width is the distance between the
    radius where it first drops below 90 % and the radius where it first drops below 10 %.
    """
    _check_images(images)
    profile, counts, radii = radial_profile(images, center, bin_size)
    bg = torch.as_tensor(background, dtype=torch.float32).view(1, 1, 3)
    inner = (radii < inner_radius).view(1, -1, 1) & (counts > 0).unsqueeze(-1)
    fg = (profile * inner).sum(1, keepdim=True) / inner.sum(1, keepdim=True).clamp(min=1)
    direction = fg - bg
    fraction = ((profile - bg) * direction).sum(-1) / (direction**2).sum(-1).clamp(min=1e-8)
    widths = []
    for values, seen in zip(fraction, counts > 0):
        values, at = values[seen].tolist(), radii[seen].tolist()
        widths.append(_first_drop_below(values, at, 0.1) - _first_drop_below(values, at, 0.9))
    return torch.tensor(widths)


def colourfulness(images):
    """Hasler-Suesstrunk colourfulness of each image: (N, 3, H, W) in [-1, 1] -> (N,)."""
    _check_images(images)
    rgb = (images.float().clamp(-1, 1) + 1) * 127.5
    r, g, b = rgb[:, 0].flatten(1), rgb[:, 1].flatten(1), rgb[:, 2].flatten(1)
    rg, yb = r - g, 0.5 * (r + g) - b
    spread = torch.sqrt(rg.var(1, unbiased=False) + yb.var(1, unbiased=False))
    mean = torch.sqrt(rg.mean(1) ** 2 + yb.mean(1) ** 2)
    return spread + 0.3 * mean


def high_frequency_share(images, cutoff=0.25):
    """Share of each image's spectral energy above `cutoff` (a fraction of the Nyquist frequency): (N,).

    The mean of each channel is removed first, so a flat image has no energy and scores 0. White noise
    scores the share of frequency bins above the cut-off; blurring lowers the score, sharp detail
    (edges, textures) raises it.
    """
    _check_images(images)
    images = images.float()
    power = torch.fft.fft2(images - images.mean((-2, -1), keepdim=True)).abs() ** 2  # (N, 3, H, W)
    fy = torch.fft.fftfreq(images.shape[-2]).view(-1, 1).abs() * 2  # 1 = Nyquist
    fx = torch.fft.fftfreq(images.shape[-1]).view(1, -1).abs() * 2
    high = torch.sqrt(fy**2 + fx**2) > cutoff
    total = power.sum((1, 2, 3))
    return (power * high).sum((1, 2, 3)) / total.clamp(min=1e-12)


def high_frequency_ratio(outputs, targets, cutoff=0.25):
    """How much of the targets' fine detail the outputs keep: mean HF share of outputs / of targets.

    1 means as much high-frequency energy (relative to all energy) as the real images; a blurred
    output scores below 1.
    """
    return (high_frequency_share(outputs, cutoff).mean()
            / high_frequency_share(targets, cutoff).mean().clamp(min=1e-12)).item()


def _box_blur(images, size):
    """Mean over each size x size window (window starting at the pixel; edges replicated): same shape."""
    return F.avg_pool2d(F.pad(images, (0, size - 1, 0, size - 1), mode="replicate"), size, stride=1)


def _lagged(values, lag, dim):
    """values(t + lag) along `dim`, 0 where t + lag is off the image: same shape."""
    shifted = torch.zeros_like(values)
    size = values.shape[dim]
    shifted.narrow(dim, 0, size - lag).copy_(values.narrow(dim, lag, size - lag))
    return shifted


def texture_energy(images, mask, period, margin=None):
    """How strongly images repeat every `period` pixels inside a region: (N,), NaN where the region is empty.

    With h the image minus its period-wide box blur (its local mean), a texture of that period meets
    itself a period further on and not half a period on (its lines are a quarter period wide), so along
    the axis it repeats on h(t) h(t + period) is high and h(t) h(t + period/2) low. The energy is their
    difference, summed over rows, columns and channels and averaged over the pixels of `mask` (N, H, W)
    at least `margin` (default: period) inside it. A flat region scores 0, and so does speckle that repeats
    every 2 pixels (both lags meet it alike, for a period that is a multiple of 4); a blob or a block's
    edge, wider than half a period, meets itself more at half a period than at one, so it scores below 0.
    Only repetition at the texture's own period counts, whatever its phase.
    """
    _check_images(images)
    images = images.float()
    h = images - _box_blur(images, period)
    energy = torch.zeros_like(h)
    for dim in (2, 3):  # rows, columns
        on_image = _lagged(torch.ones_like(h), period, dim)  # where t + period is still on the image
        energy += (h * _lagged(h, period, dim) - h * _lagged(h, period // 2, dim)) * on_image
    energy = energy.sum(1)  # (N, H, W)
    margin = period if margin is None else margin
    inside = -F.max_pool2d(-mask.float().unsqueeze(1), 2 * margin + 1, stride=1, padding=margin).squeeze(1)
    return (energy * inside).sum((1, 2)) / inside.sum((1, 2))


def texture_ratio(outputs, targets, mask, period):
    """How much of the targets' texture (at `period`) inside `mask` the outputs have: 1 = as much, 0 = flat."""
    return (texture_energy(outputs, mask, period).nanmean()
            / texture_energy(targets, mask, period).nanmean().clamp(min=1e-12)).item()


def segmentation_scores(predicted, true, num_classes):
    """The FCN-score's three numbers for label maps (N, H, W): per-pixel accuracy, mean per-class
    accuracy and mean class IoU, over the classes present in `true` (as in pix2pix's Table 1)."""
    if predicted.shape != true.shape:
        raise CourseError(f"label maps differ in shape: {tuple(predicted.shape)} vs {tuple(true.shape)}")
    predicted, true = predicted.flatten(), true.flatten()
    confusion = torch.bincount(true * num_classes + predicted, minlength=num_classes**2)
    confusion = confusion.view(num_classes, num_classes).double()  # rows: true class
    hits, present = confusion.diag(), confusion.sum(1) > 0
    union = confusion.sum(0) + confusion.sum(1) - hits
    return {"pixel_accuracy": (hits.sum() / confusion.sum()).item(),
            "class_accuracy": (hits / confusion.sum(1).clamp(min=1))[present].mean().item(),
            "class_iou": (hits / union.clamp(min=1))[present].mean().item()}

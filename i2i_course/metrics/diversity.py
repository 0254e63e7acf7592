"""How many different right answers a generator draws for one input (lesson 05).

A conditional generator G(x, z) is asked for S samples per input, `samples` (N, S, C, H, W) in [-1, 1]. On a
task whose answers are known (`data.palette_fills`: M fills per outline), each sample is read back to the
mode it drew, or to "invalid" (-1) when it is none of them:

    read_modes        the mean colour inside the shape -> the nearest palette colour, or -1 when farther than
                      `threshold` from every one                                             (N, S) long
    modes_covered     distinct valid modes among one input's S samples                      (N,)
    valid_rate        the share of samples that read as a valid mode
    pairwise_l1       mean |s_i - s_j| over the pairs of one input's samples                  (N,)
    best_mode_l1      each sample's L1 distance to the nearest valid target                  (N, S)
    encode_accuracy   the share of G(x, E(y)) that drew y's own mode (BicycleGAN's encoder)

Exact expectations to hold the numbers against: S draws of M equiprobable modes cover on average
M (1 - (1 - 1/M)^S) of them (`modes_ceiling`; 3.60 for M = 4, S = 8), and for z1, z2 ~ N(0, I) each
dimension of z1 - z2 is N(0, 2), so E|z1 - z2| = 2 / sqrt(pi) = 1.128 per dimension (`mean_latent_distance`).

Pairwise L1 stands in for LPIPS, the papers' diversity measure: LPIPS needs a pretrained backbone whose
weights cannot be downloaded here; `lpips_pairwise` uses it only where the `lpips` package and its weights
are already on the machine, and never downloads anything.
"""

import importlib.util
import math
from pathlib import Path

import torch

INVALID = -1  # what `read_modes` says for a sample that is none of the valid modes
VALID_DISTANCE = 0.5  # a fill counts as palette colour m when its mean colour is this close to it (RGB in [-1, 1])


def read_modes(samples, mask, palette, threshold=VALID_DISTANCE):
    """(N, S, 3, H, W) samples, (N, H, W) bool mask where the fill is read, (M, 3) palette -> (N, S) long: the
    palette index of each sample's mean fill colour, or INVALID when it is farther than `threshold` from all."""
    weights = mask[:, None, None].to(samples.dtype)  # (N, 1, 1, H, W)
    colour = (samples * weights).sum((-2, -1)) / weights.sum((-2, -1)).clamp(min=1)  # (N, S, 3)
    distance = torch.cdist(colour, palette.to(colour).expand(len(colour), -1, -1))  # (N, S, M)
    nearest, index = distance.min(-1)
    return torch.where(nearest <= threshold, index, INVALID)


def modes_covered(modes):
    """(N, S) mode indices (INVALID for none) -> (N,) how many distinct valid modes each input's samples hit."""
    shifted = modes + 1  # column 0 counts the invalid samples, column m + 1 mode m
    counts = torch.zeros(len(modes), int(shifted.max()) + 1, device=modes.device)
    counts.scatter_add_(1, shifted, torch.ones_like(shifted, dtype=counts.dtype))
    return (counts[:, 1:] > 0).sum(1)


def valid_rate(modes):
    """The share of samples that read as a valid mode (a float)."""
    return (modes >= 0).float().mean().item()


def pairwise_l1(samples):
    """(N, S, C, H, W) -> (N,): mean |s_i - s_j| (over pixels and channels) over the S (S - 1) / 2 pairs i < j."""
    n, s = samples.shape[:2]
    flat = samples.reshape(n, s, -1)
    distances = torch.cdist(flat, flat, p=1) / flat.shape[-1]  # (N, S, S), zero on the diagonal
    return distances.sum((1, 2)) / (s * (s - 1))


def best_mode_l1(samples, targets):
    """(N, S, C, H, W) samples, (N, M, C, H, W) every valid target -> (N, S): L1 to the nearest target."""
    difference = (samples[:, :, None] - targets[:, None]).abs().flatten(3).mean(-1)  # (N, S, M)
    return difference.min(-1).values


def encode_accuracy(modes, wanted):
    """(N,) modes read from G(x, E(y)), (N,) y's own modes -> the share that match (a float)."""
    return (modes == wanted).float().mean().item()


def modes_ceiling(m, s):
    """Expected distinct modes among s draws of m equiprobable ones: m (1 - (1 - 1/m)^s). Each mode is missed
    by all s draws with probability (1 - 1/m)^s; add up the chances of being hit."""
    return m * (1 - (1 - 1 / m) ** s)


def mean_latent_distance():
    """E|z1 - z2| per dimension for independent z1, z2 ~ N(0, 1): z1 - z2 ~ N(0, 2), so sqrt(2) sqrt(2/pi)."""
    return 2 / math.sqrt(math.pi)


# ------------------------------------------------------------------- LPIPS, only where it is already here

LPIPS_BACKBONE = "alexnet-owt-7be5be79.pth"  # torchvision's AlexNet weights, which `lpips` builds on


def lpips_available():
    """True when the `lpips` package is installed and its backbone's weights are in torch's cache: then
    nothing would be downloaded. False otherwise (this machine has no internet; neither does CI)."""
    if importlib.util.find_spec("lpips") is None:
        return False
    return (Path(torch.hub.get_dir()) / "checkpoints" / LPIPS_BACKBONE).is_file()


def lpips_pairwise(samples):
    """(N, S, 3, H, W) -> (N,) mean LPIPS over the pairs of each input's samples, or None when LPIPS is not
    available without a download (`lpips_available`)."""
    if not lpips_available():
        return None
    import lpips  # noqa: PLC0415 - optional, and only imported once its weights are known to be here

    metric = lpips.LPIPS(net="alex", verbose=False).to(samples.device).eval()
    n, s = samples.shape[:2]
    pairs = [(i, j) for i in range(s) for j in range(i + 1, s)]
    with torch.no_grad():
        scores = torch.stack([metric(samples[:, i], samples[:, j]).flatten() for i, j in pairs], dim=1)
    return scores.mean(1)

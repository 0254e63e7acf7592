"""Pictures: image grids (torchvision's `make_grid`) and curves. Images are (N, C, H, W) in [-1, 1]."""

import io

import matplotlib.pyplot as plt
import numpy as np
from torchvision.utils import make_grid


def to_unit(images):
    """[-1, 1] -> [0, 1], clamped: what matplotlib and image files expect."""
    return ((images.detach().float().cpu() + 1) / 2).clamp(0, 1)


def grid_image(images, nrow=8, padding=2):
    """(N, C, H, W) in [-1, 1] -> one (H', W', 3) float array in [0, 1] with the images side by side."""
    grid = make_grid(to_unit(images), nrow=nrow, padding=padding, pad_value=1.0)
    return grid.permute(1, 2, 0).numpy()


def show_rows(rows, title=None, width=None, tile=None):
    """One labelled row of images per (label, images) pair; labels carry the row's numbers.

    width: the figure's width in inches (default: 1.3 in per image, at most 16). tile: instead, the side of
    one image in inches, the figure sized around it (a panel's picture, shown at its natural size so that
    its labels stay readable). Returns the matplotlib Figure (the caller shows, saves or closes it).
    """
    ncols = max(len(images) for _, images in rows)
    if tile is not None:
        size = (1.3 + tile * ncols, (tile + 0.12) * len(rows) + 0.3 * bool(title))
    else:
        size = (width or min(2.0 + 1.3 * ncols, 16), 1.45 * len(rows) + 0.4 * bool(title))
    fig, axes = plt.subplots(len(rows), 1, figsize=size, squeeze=False)
    for ax, (label, images) in zip(axes[:, 0], rows):
        ax.imshow(grid_image(images, nrow=ncols))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10 if tile else 11)
    fig.tight_layout()
    return fig


def smooth(values, window):
    """Moving average with a window of `window` points (shorter at the start)."""
    values = np.asarray(values, dtype=float)
    if window <= 1 or len(values) == 0:
        return values
    cumsum = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (cumsum[1:] - cumsum[np.maximum(np.arange(1, len(values) + 1) - window, 0)]) / counts


def plot_curves(curves, xlabel="step", ylabel="loss", title=None, window=10, logy=False):
    """Plot named curves {label: values}, smoothed with a moving average; returns the Figure."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), smooth(values, window), label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def table_figure(table, columns, width=8):
    """A results table as a figure, one row per run, like the papers' tables.

    table: {row name: {key: value}}; columns: [(key, heading, how to write the value)].
    """
    cells = [[write(values[key]) for key, _, write in columns] for values in table.values()]
    fig, ax = plt.subplots(figsize=(width, 0.35 * len(table) + 0.6))
    ax.axis("off")
    ax.table(cellText=cells, rowLabels=list(table), colLabels=[heading for _, heading, _ in columns],
             loc="center")
    fig.tight_layout()
    return fig


def figure_to_png(fig, dpi=100):
    """The figure as PNG bytes (for widgets and files)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


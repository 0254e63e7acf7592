"""Lesson 04's unpaired task in the plane: a mixture of Gaussians on one circle <-> a mixture on another.

    domain A: k_a Gaussians (sigma 0.05) evenly spaced on a circle of radius 1
    domain B: k_b Gaussians (sigma 0.05) evenly spaced on a circle of radius 2, rotated by 0.3 rad

Every point knows which mode (Gaussian) it came from, so what a translation keeps can be counted exactly: does
G send A's mode i to one B mode, a different one for each i (content kept), or does it mix them up? The
"intended" correspondence is mode i -> mode i (the nearest, 0.3 rad round), but nothing in unpaired data says
so: any one-to-one assignment of A's modes to B's makes the same distribution of G(a).

`CircleMixtures(modes_b=1)` is the steganography set-up: all of B is one blob, so G(a) must look the same for
every a, and whatever F recovers of a's mode was hidden in G(a) where a discriminator does not look.

Points are (N, 2) float rows; modes (N,) int64. Drawn on the generator's device.
"""

import math

import torch

from i2i_course.data.task import UnpairedTask
from i2i_course.errors import CourseError

SIGMA = 0.05  # each Gaussian's standard deviation
ON_MODE_SIGMAS = 3.0  # a point is "on" a mode within 3 sigma of its centre (99 % of that mode's own points)


def circle(k, radius, rotation=0.0):
    """(k, 2) points evenly spaced on a circle of `radius`, the first at angle `rotation`."""
    angles = rotation + 2 * math.pi * torch.arange(k) / k
    return radius * torch.stack([angles.cos(), angles.sin()], dim=1)


class CircleMixtures(UnpairedTask):
    """Two mixtures of Gaussians on circles (see the module's docstring): `sample_a`, `sample_b` give
    (points, modes); `centres(domain)`, `nearest_mode(points, domain)` say where the modes are."""

    def __init__(self, modes_a=5, modes_b=5, radius_a=1.0, radius_b=2.0, rotation_b=0.3, sigma=SIGMA):
        if modes_a < 1 or modes_b < 1:
            raise CourseError(f"each domain needs at least one mode, got {modes_a} and {modes_b}")
        self.modes_a, self.modes_b, self.sigma = modes_a, modes_b, sigma
        self.centres_a = circle(modes_a, radius_a)
        self.centres_b = circle(modes_b, radius_b, rotation_b)

    def centres(self, domain):
        """(k, 2) mode centres of domain "A" or "B"."""
        if domain not in ("A", "B"):
            raise CourseError(f"domain must be 'A' or 'B', got {domain!r}")
        return self.centres_a if domain == "A" else self.centres_b

    def _draw(self, centres, n, generator):
        device = generator.device
        modes = torch.randint(len(centres), (n,), generator=generator, device=device)
        noise = torch.randn(n, 2, generator=generator, device=device)
        return centres.to(device)[modes] + self.sigma * noise, modes

    def sample_a(self, n, generator):
        return self._draw(self.centres_a, n, generator)

    def sample_b(self, n, generator):
        return self._draw(self.centres_b, n, generator)

    def nearest_mode(self, points, domain):
        """(modes, distances): each point's nearest mode centre of `domain` and how far it is, (N,) each."""
        distances = torch.cdist(points.float(), self.centres(domain).to(points.device))  # (N, k)
        nearest = distances.min(dim=1)
        return nearest.indices, nearest.values

    def on_mode_radius(self):
        """How close to a centre a point must be to count as on that mode: 3 sigma."""
        return ON_MODE_SIGMAS * self.sigma

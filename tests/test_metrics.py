import math

import pytest
import torch

from i2i_course import CourseError
from i2i_course.metrics import colourfulness, edge_width


def ramp_disc(radius, width, size=64, colour=(1.0, -0.2, -1.0), background=(0.0, 0.0, 0.0)):
    """A disc whose edge falls linearly from colour to background over `width` px around `radius`."""
    coords = torch.arange(size, dtype=torch.float32) + 0.5
    centre = size / 2 + 0.3  # off the pixel grid on purpose
    dist = torch.sqrt((coords.view(1, -1) - centre) ** 2 + (coords.view(-1, 1) - centre) ** 2)
    alpha = ((radius - dist) / width + 0.5).clamp(0, 1)
    colour, background = torch.tensor(colour).view(3, 1, 1), torch.tensor(background).view(3, 1, 1)
    image = alpha * colour + (1 - alpha) * background
    return image.unsqueeze(0), torch.tensor([[centre, centre]])


@pytest.mark.parametrize("width", [2.0, 4.0, 8.0])
def test_linear_ramp_measures_0_8_of_its_width(width):
    image, centre = ramp_disc(radius=18.0, width=width)
    assert edge_width(image, centre, (0, 0, 0)).item() == pytest.approx(0.8 * width, abs=0.3)


def test_hard_edge_is_under_a_pixel():
    image, centre = ramp_disc(radius=15.0, width=1e-3)
    assert edge_width(image, centre, (0, 0, 0)).item() < 1.0


def test_two_step_edge_spans_the_gap_between_its_steps():
    # the L2-optimal edge of lesson 01: 100 % inside r=10, 70 % between r=10 and r=16, 0 % outside
    inner, _ = ramp_disc(radius=10.0, width=1e-3)
    outer, centre = ramp_disc(radius=16.0, width=1e-3)
    image = 0.3 * inner + 0.7 * outer
    assert edge_width(image, centre, (0, 0, 0)).item() == pytest.approx(6.0, abs=0.5)


def test_edge_width_does_not_depend_on_colour_or_contrast():
    a, centre = ramp_disc(radius=12.0, width=4.0, colour=(1.0, 1.0, 1.0))
    b, _ = ramp_disc(radius=12.0, width=4.0, colour=(-0.5, 0.2, 0.6), background=(0.1, 0.1, 0.1))
    assert edge_width(a, centre, (0, 0, 0)).item() == pytest.approx(
        edge_width(b, centre, (0.1, 0.1, 0.1)).item(), abs=1e-4)


def uniform(rgb255, size=8):
    """A uniform image of one 0-255 RGB colour, in [-1, 1]."""
    return (torch.tensor(rgb255, dtype=torch.float32) / 127.5 - 1).view(1, 3, 1, 1).expand(1, 3, size, size)


def test_colourfulness_known_values():
    assert colourfulness(uniform((128, 128, 128))).item() == pytest.approx(0.0, abs=1e-3)
    # uniform pure red: rg = 255, yb = 127.5, no spread -> 0.3 * sqrt(255^2 + 127.5^2)
    assert colourfulness(uniform((255, 0, 0))).item() == pytest.approx(0.3 * math.hypot(255, 127.5), rel=1e-4)
    # half red, half green: rg = +-255 (spread 255, mean 0), yb = 127.5 everywhere
    half = torch.cat([uniform((255, 0, 0), 8)[..., :4], uniform((0, 255, 0), 8)[..., :4]], dim=-1)
    assert colourfulness(half).item() == pytest.approx(255 + 0.3 * 127.5, rel=1e-4)


def test_averaging_two_hues_lowers_colourfulness():
    orange, teal = uniform((255, 115, 0)), uniform((0, 140, 255))
    mean = 0.7 * orange + 0.3 * teal
    assert colourfulness(mean) < colourfulness(orange)


def test_metrics_refuse_non_rgb_images():
    with pytest.raises(CourseError, match=r"\(N, 3, H, W\)"):
        colourfulness(torch.zeros(1, 1, 8, 8))
    with pytest.raises(CourseError, match=r"\(N, 3, H, W\)"):
        edge_width(torch.zeros(3, 8, 8), torch.zeros(1, 2), (0, 0, 0))

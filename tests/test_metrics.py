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


# ------------------------------------------------------------------ lesson 02's metrics

from torch.nn import functional as F  # noqa: E402

from i2i_course.metrics import high_frequency_ratio, high_frequency_share, segmentation_scores  # noqa: E402


def test_flat_image_has_no_high_frequency_energy():
    assert high_frequency_share(torch.full((1, 3, 16, 16), 0.3)).item() == 0.0


def test_white_noise_share_is_the_share_of_high_frequency_bins():
    noise = torch.randn(64, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    f = torch.fft.fftfreq(32).abs() * 2
    radius = torch.sqrt(f.view(-1, 1) ** 2 + f.view(1, -1) ** 2)
    bins = ((radius > 0.25).sum() / (radius.numel() - 1)).item()  # the DC bin is removed with the mean
    assert high_frequency_share(noise).mean().item() == pytest.approx(bins, abs=0.01)


def test_a_pure_low_and_a_pure_high_frequency():
    rows = torch.arange(32, dtype=torch.float32).view(1, 1, -1, 1).expand(1, 3, 32, 32)
    slow = torch.cos(2 * torch.pi * rows / 32)  # 1/32 cycles per pixel: 1/16 of Nyquist
    fast = torch.cos(torch.pi * rows / 2)  # 1/4 cycles per pixel: half the Nyquist frequency
    assert high_frequency_share(slow).item() == pytest.approx(0.0, abs=1e-6)
    assert high_frequency_share(fast).item() == pytest.approx(1.0, abs=1e-6)


def test_blurring_lowers_the_ratio_and_identity_keeps_it():
    images = torch.rand(8, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    assert high_frequency_ratio(images, images) == pytest.approx(1.0)
    assert high_frequency_ratio(F.avg_pool2d(images, 3, 1, 1), images) < 0.75  # 0.69 measured


def test_segmentation_scores_known_values():
    true = torch.tensor([[0, 0, 1, 1], [0, 0, 2, 2]]).unsqueeze(0)
    predicted = torch.tensor([[0, 0, 1, 0], [0, 0, 2, 2]]).unsqueeze(0)  # one class-1 pixel called 0
    scores = segmentation_scores(predicted, true, num_classes=4)  # class 3 is absent: not averaged
    assert scores["pixel_accuracy"] == pytest.approx(7 / 8)
    assert scores["class_accuracy"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert scores["class_iou"] == pytest.approx((4 / 5 + 1 / 2 + 1) / 3)
    assert segmentation_scores(true, true, 4) == {"pixel_accuracy": 1.0, "class_accuracy": 1.0, "class_iou": 1.0}


def test_texture_energy_counts_repetition_at_the_period_only():
    from i2i_course.metrics import texture_energy, texture_ratio

    size, period = 32, 8
    rows = torch.arange(size).view(size, 1).expand(size, size)
    cols = rows.t()
    stripes = torch.where(rows % period < period // 4, 1.0, -1.0).expand(1, 3, size, size)
    shifted = torch.roll(stripes, 3, dims=2)  # the same stripes in another phase
    speckle = torch.where((rows + cols) % 2 == 0, 1.0, -1.0).expand(1, 3, size, size)  # repeats every 2 px
    flat = torch.full((1, 3, size, size), 0.3)
    block = torch.full((1, 3, size, size), -1.0)  # a light square, as a PixelGAN paints at the colab profile
    block[..., 10:20, 12:22] = 1.0
    middle = torch.zeros(1, size, size, dtype=torch.bool)
    middle[:, 4:-4, 4:-4] = True  # 24x24; its inside, a period from its edge, is 8x8
    # lines a quarter period wide, contrast 2: a period on they meet (variance 3/16 * 4), half a period on
    # they miss (-1/16 * 4); 1 per channel, along the rows only
    assert texture_energy(stripes, middle, period).item() == pytest.approx(3.0, rel=0.05)
    assert texture_energy(shifted, middle, period).item() == pytest.approx(3.0, rel=0.05)
    assert texture_energy(speckle, middle, period).item() == pytest.approx(0.0, abs=1e-10)
    assert texture_energy(flat, middle, period).item() == pytest.approx(0.0, abs=1e-10)
    assert texture_energy(block, middle, period).item() < -1.0
    assert texture_ratio(stripes, stripes, middle, period) == pytest.approx(1.0)
    # only the mask's inside counts: a region too small for the margin gives NaN, not a number
    tiny = torch.zeros(1, size, size, dtype=torch.bool)
    tiny[:, :4, :4] = True
    assert texture_energy(stripes, tiny, period).isnan().all()

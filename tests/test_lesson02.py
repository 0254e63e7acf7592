"""Lesson 02's claims on the `ci` profile, on three seeds (the numbers the tour and notebook show)."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from i2i_course.experiments import l02_unet_skips

matplotlib.use("Agg")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_claims_hold(seed):
    result = l02_unet_skips.run("ci", seed=seed, progress=False)
    claims = {claim.id: claim for claim in result.claims}
    assert set(claims) == {"unet-beats-ed-l1", "unet-beats-ed-detail", "outermost-skip-matters-most"}
    assert all(c.holds for c in claims.values()), [c for c in claims.values() if not c.holds]
    table = result.table
    assert list(table) == ["unet", "encoder-decoder", "without-1", "without-2", "without-3", "without-4", "real"]
    assert [v.label for v in result.variants.values()][:3] == ["U-Net", "encoder-decoder", "without skip 1"]
    unet, ed, real = table["unet"], table["encoder-decoder"], table["real"]
    # the segmenter reads real photos almost perfectly: the ceiling for generated ones
    assert real["pixel_accuracy"] > 0.99 and real["hf_ratio"] == pytest.approx(1.0)
    # the gaps are wide, not coin flips: measured 0.13 vs 0.18 L1, 0.96 vs 0.81 FCN per-pixel accuracy
    assert ed["l1_error"] - unet["l1_error"] > 0.02
    assert unet["pixel_accuracy"] - ed["pixel_accuracy"] > 0.05
    # any single skip kept at every other level still beats severing them all
    for level in (1, 2, 3, 4):
        assert table[f"without-{level}"]["l1_error"] < ed["l1_error"]
    for figure in result.figures.values():
        plt.close(figure)

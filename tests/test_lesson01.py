"""Lesson 01's claims on the `ci` profile, on three seeds (the numbers the tour and notebook show)."""

import matplotlib
import pytest

from i2i_course.experiments import l01_blur

matplotlib.use("Agg")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_toy_argmins_are_mean_and_median(seed):
    result = l01_blur.toy(seed=seed)
    assert abs(result["argmin_l2"] - result["mean"]) < 0.01
    assert abs(result["argmin_l1"] - result["median"]) < 0.02
    assert result["mean"] == pytest.approx(0.4, abs=0.1)  # 0.7 * 1 + 0.3 * (-1)
    assert result["median"] > 0.8
    assert l01_blur.toy_claim(result).holds


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trained_claims_hold(seed):
    result = l01_blur.run("ci", seed=seed, progress=False)
    claims = {claim.id: claim for claim in result.claims}
    assert set(claims) == {"toy-argmin", "edges-l2-wider", "colour-l2-greyer"}
    assert all(claim.holds for claim in claims.values()), [c for c in claims.values() if not c.holds]
    edges = claims["edges-l2-wider"].values
    # the exact mean's edge spans the 2 * delta = 4 px gap between the two boundary modes at 32 px
    assert edges["mean_oracle_px"] == pytest.approx(4.5, abs=0.3)
    assert edges["median_oracle_px"] < 1.0
    assert edges["edge_width_l2_px"] > edges["mean_oracle_px"] - 0.5  # about as blurred as the best L2 answer
    assert edges["edge_width_l1_px"] < 3.5
    colour = claims["colour-l2-greyer"].values
    assert colour["mean_oracle"] < colour["median_oracle"]
    assert list(result.variants) == ["l2", "l1", "mean", "median"]
    assert all(v.visuals["fake_B"].shape == (64, 3, 32, 32) for v in result.variants.values())
    assert set(result.figures) == {"toy", "outputs", "losses"}
    for figure in result.figures.values():
        matplotlib.pyplot.close(figure)


def test_same_seed_same_numbers():
    a = l01_blur.train_variant("ci", "l1", steps=20, seed=5, progress=False)
    b = l01_blur.train_variant("ci", "l1", steps=20, seed=5, progress=False)
    assert a.history.losses == b.history.losses and a.metrics == b.metrics
    assert (a.key, a.label, a.settings) == ("l1", "L1 U-Net", {"loss": "l1", "l1_weight": None, "p_minor": 0.3,
                                                               "steps": 20})

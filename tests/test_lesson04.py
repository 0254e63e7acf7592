"""Lesson 04: the reference's parameter counts, the exact 2x2 table, the image pool's exact sequence, the
CycleGAN step, and the lesson's claims on seeds 0, 1, 2 at ci (the plane; the images are for pictures)."""

from fractions import Fraction

import pytest
import torch

from i2i_course.data.mixtures import CircleMixtures
from i2i_course.data.shapes import UnpairedShapes
from i2i_course.errors import CourseError
from i2i_course.experiments import l04_cycle
from i2i_course.image_pool import ImagePool
from i2i_course.metrics import cycle as cm
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.nets.layers import count_parameters
from i2i_course.nets.resnet import ResnetBlock, ResnetGenerator
from i2i_course.objectives.cyclegan import CycleGAN
from i2i_course.profiles import get_profile


def test_resnet_generator_matches_the_reference_counts_and_shapes():
    assert count_parameters(ResnetGenerator(3, 3, ngf=64, n_blocks=9)) == 11_378_179
    assert count_parameters(ResnetGenerator(3, 3, ngf=64, n_blocks=6)) == 7_837_699
    assert count_parameters(ResnetBlock(256)) == 1_180_160
    net = ResnetGenerator(3, 3, ngf=8, n_blocks=2)
    y = net(torch.rand(2, 3, 32, 32) * 2 - 1)
    assert y.shape == (2, 3, 32, 32) and y.abs().max() <= 1
    with pytest.raises(CourseError, match="multiples of 4"):
        net(torch.zeros(1, 3, 30, 32))


def test_cyclegan_discriminator_is_the_instance_norm_patchgan():
    assert count_parameters(PatchDiscriminator(3, ndf=64, n_layers=3, norm="instance")) == 2_764_737
    assert count_parameters(PatchDiscriminator(3, ndf=64, n_layers=3, norm="batch")) == 2_765_633


def test_two_by_two_table_is_exact():
    for d in (Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(2, 5), Fraction(1, 2)):
        assert l04_cycle.best_cycle_error(d) == min(2 * d, 1 - 2 * d)
    assert l04_cycle.conditional_entropy(Fraction(1, 4)) == pytest.approx(1.0, abs=1e-12)
    assert l04_cycle.conditional_entropy(Fraction(0)) == 0.0
    assert l04_cycle.conditional_entropy(Fraction(1, 10)) == pytest.approx(0.7219280948873623, abs=1e-12)
    claim = l04_cycle.table_claim()
    assert claim.holds and claim.values["zero_at"] == "0, 1/2" and claim.values["cycle_error_at_0.25"] == 0.5


def test_image_pool_returns_the_exact_sequence():
    pool = ImagePool(2)
    images = torch.arange(6.0).view(6, 1)
    out = pool.query(images[:2], coins=[0.9, 0.9], picks=[0, 0])  # filling: each returned and stored
    assert out.flatten().tolist() == [0.0, 1.0]
    out = pool.query(images[2:], coins=[0.9, 0.1, 0.7, 0.2], picks=[1, 0, 1, 0])
    # 2 swaps with slot 1 (returns 1), 3 returned itself, 4 swaps with slot 1 (returns 2), 5 itself
    assert out.flatten().tolist() == [1.0, 3.0, 2.0, 5.0]
    assert [t.item() for t in pool.images] == [0.0, 4.0]
    assert ImagePool(0).query(images) is images
    a, b = ImagePool(50, seed=3), ImagePool(50, seed=3)
    for _ in range(30):  # the same seed, the same sequence
        x = torch.randn(4, 1)
        assert torch.equal(a.query(x), b.query(x))


def test_cyclegan_step_returns_every_term_and_only_generators_learn_in_backward_G():
    torch.manual_seed(0)
    G, F = ResnetGenerator(3, 3, 4, 1), ResnetGenerator(3, 3, 4, 1)
    D_A, D_B = PatchDiscriminator(3, 4, 2, "instance"), PatchDiscriminator(3, 4, 2, "instance")
    objective = CycleGAN(G, F, D_A, D_B, device="cpu")
    task = UnpairedShapes(16)
    batch = task.sample(2, torch.Generator().manual_seed(0))
    d_before = [p.clone() for p in D_B.parameters()]
    terms = objective.step(batch.a, batch.b)
    assert set(terms) == {"loss", "gan_G", "gan_F", "cycle_A", "cycle_B", "idt_G", "idt_F", "d_A", "d_B"}
    assert all(t.dim() == 0 for t in terms.values())
    assert terms["loss"] == pytest.approx(sum(float(terms[k]) for k in
                                              ("gan_G", "gan_F", "cycle_A", "cycle_B", "idt_G", "idt_F")), rel=1e-5)
    assert any(not torch.equal(a, b) for a, b in zip(d_before, D_B.parameters()))  # the D step did run
    out = objective.translate(batch.b, direction="BtoA")
    assert out.shape == batch.b.shape
    with pytest.raises(CourseError, match="direction"):
        objective.translate(batch.a, direction="sideways")


def test_tasks_draw_on_the_generators_device_and_know_their_truth():
    task = CircleMixtures()
    batch = task.sample(256, torch.Generator().manual_seed(0))
    modes, distances = task.nearest_mode(batch.a, "A")
    assert torch.equal(modes, batch.truth_a) and distances.max() < 5 * task.sigma
    shapes = UnpairedShapes(32)
    b = shapes.sample(16, torch.Generator().manual_seed(1))
    assert torch.equal(cm.read_hue(b.a, shapes.palette_a, shapes.background_a), b.truth_a.hue)
    assert cm.centroid_error(b.a, b.truth_a.center, shapes.background_a) < 0.5
    intended = shapes.intended_b(b.truth_a)  # the intended translation reads back a's hue index and place
    assert torch.equal(cm.read_hue(intended, shapes.palette_b, shapes.background_b), b.truth_a.hue)


def test_content_metrics_on_known_assignments():
    source = torch.arange(5).repeat(20)
    assert cm.content_kept(source, (source + 2) % 5, 5, 5) == pytest.approx(1.0)  # any bijection keeps it all
    assert cm.distinct_modes(source, (source + 2) % 5, 5, 5) == 5
    assert cm.content_kept(source, torch.zeros_like(source), 5, 5) == 0.0  # a collapse keeps nothing
    assert cm.distinct_modes(source, torch.zeros_like(source), 5, 5) == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lesson04_claims_hold_at_ci(seed):
    result = l04_cycle.run(get_profile("ci"), seed=seed, progress=False, images=False)
    claims = {claim.id: claim for claim in result.claims}
    assert list(claims) == ["two-by-two-table", "cycle-keeps-content", "gan-alone-not-reliable", "both-fool-d",
                            "d-blind-to-correspondence"]
    failing = [f"{c.id}: {c.values}" for c in claims.values() if not c.holds]
    assert not failing, failing
    cyc, gan = result.variants["cyc-10"].metrics, result.variants["cyc-0"].metrics
    assert cyc["runs"] == gan["runs"] == 32
    assert gan["cycle_error"] > 10 * cyc["cycle_error"]  # F inverts G only where the cycle trained it to


def test_same_seed_same_numbers():
    profile = get_profile("ci")
    first = l04_cycle.train_variant(profile, 10.0, seed=5, steps=40, runs=2, progress=False)
    second = l04_cycle.train_variant(profile, 10.0, seed=5, steps=40, runs=2, progress=False)
    assert torch.equal(first.visuals["fake_B"], second.visuals["fake_B"])

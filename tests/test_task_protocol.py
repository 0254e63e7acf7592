"""The task protocol (data.task): batches written once, unpaired draws independent, label maps one-hot."""

import math

import pytest
import torch

from i2i_course.data import AmbiguousDiscs, Task, UnpairedTask, one_hot
from i2i_course.data.facades import SyntheticFacades
from i2i_course.data.real_task import PairedFolderTask
from i2i_course.data.textures import RandomPhaseTextures


class TwoClusters(UnpairedTask):
    """Domain A: points at -1 or +1 (a's mode), domain B: points at -5 or +5 (b's mode), plus noise."""

    def sample_a(self, n, generator):
        mode = torch.randint(0, 2, (n,), generator=generator)
        return (mode * 2 - 1).float()[:, None] + 0.1 * torch.randn(n, 1, generator=generator), mode

    def sample_b(self, n, generator):
        mode = torch.randint(0, 2, (n,), generator=generator)
        return (mode * 10 - 5).float()[:, None] + 0.1 * torch.randn(n, 1, generator=generator), mode


def mutual_information_bits(u, v):
    joint = torch.zeros(2, 2).index_put_((u, v), torch.ones(len(u)), accumulate=True) / len(u)
    pu, pv = joint.sum(1, keepdim=True), joint.sum(0, keepdim=True)
    return (joint * (joint / (pu * pv)).log2()).nansum().item()


def test_an_unpaired_task_draws_a_and_b_independently():
    task = TwoClusters()
    batch = task.sample(20_000, torch.Generator().manual_seed(0))
    assert batch.a.shape == batch.b.shape == (20_000, 1) and not task.paired
    # nothing in b says which a it came with: the modes' mutual information is sampling noise
    # (for 20,000 independent draws of two fair coins, ~1/(2 n ln 2) = 4e-5 bits on average)
    assert mutual_information_bits(batch.truth_a, batch.truth_b) < 1e-3
    real_A, real_B = next(task.batches(8, seed=3))
    assert real_A.shape == real_B.shape == (8, 1) and real_A.abs().max() < 2 < real_B.abs().min()


def test_batches_are_written_once_and_repeat_for_a_seed():
    for task in (AmbiguousDiscs(16), SyntheticFacades(32), RandomPhaseTextures(32, 4), TwoClusters()):
        assert type(task).batches is Task.batches  # no task writes its own
        first = [torch.cat(pair, 1) for pair, _ in zip(task.batches(4, seed=7), range(3))]
        again = [torch.cat(pair, 1) for pair, _ in zip(task.batches(4, seed=7), range(3))]
        other = next(task.batches(4, seed=8))
        assert all(torch.equal(a, b) for a, b in zip(first, again))
        assert not torch.equal(first[0], torch.cat(other, 1))
    # a real dataset goes through its pairs in shuffled epochs instead (as the reference does)
    assert PairedFolderTask.batches is not Task.batches


def test_what_a_task_knows_is_declared():
    discs, facades, textures = AmbiguousDiscs(16), SyntheticFacades(32), RandomPhaseTextures(32, 4)
    assert (discs.classes, discs.period, discs.synthetic, discs.paired) == (None, None, True, True)
    assert facades.classes[0] == "sky" and facades.period is None
    assert textures.period == 4 and len(textures.classes) == 4
    assert PairedFolderTask.classes is None and PairedFolderTask.synthetic is False


class Stripes(Task):
    """A label-map task: K = 3 classes in horizontal bands; x is the one-hot map."""

    classes = ("sky", "grass", "water")
    input_is_labels = True
    label_colours = torch.tensor([[-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [-1.0, 0.0, 0.5]])

    def sample(self, n, generator):
        labels = torch.randint(0, 3, (n, 8, 1), generator=generator).expand(n, 8, 8)
        return type("Batch", (), {"x": one_hot(labels, 3), "y": self.label_colours[labels].permute(0, 3, 1, 2),
                                  "labels": labels})


def test_a_label_map_task_gives_one_hot_input_that_figures_show_as_colours():
    task = Stripes()
    batch = task.sample(5, torch.Generator().manual_seed(0))
    assert batch.x.shape == (5, 3, 8, 8) and batch.x.dtype == torch.float32
    assert torch.equal(batch.x.sum(1), torch.ones(5, 8, 8)) and set(batch.x.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(batch.x.argmax(1), batch.labels)  # one 1 per pixel, in its class's channel
    shown = task.show_input(batch.x)
    assert shown.shape == (5, 3, 8, 8) and torch.equal(shown, batch.y)
    images = AmbiguousDiscs(16).sample(2, torch.Generator().manual_seed(0)).x
    assert AmbiguousDiscs(16).show_input(images) is images  # an image input is shown as it is


@pytest.mark.parametrize("k", [1, 4])
def test_one_hot_of_uniform_maps(k):
    labels = torch.arange(k).view(k, 1, 1).expand(k, 4, 4)
    x = one_hot(labels, k)
    assert math.isclose(x.sum().item(), k * 16) and all(torch.all(x[i, i] == 1) for i in range(k))

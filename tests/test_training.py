"""The one training loop: history, same seed same losses, Ctrl-C and checkpoints, few device syncs, batches
drawn where the nets train, clean lines in logs."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

import i2i_course
from i2i_course.data import AmbiguousDiscs
from i2i_course.data.facades import SyntheticFacades
from i2i_course.data.textures import RandomPhaseTextures
from i2i_course.losses import l1_loss
from i2i_course.nets import UNet
from i2i_course.objectives import Regression
from i2i_course.runtime import seed_everything
from i2i_course.training import READBACK_EVERY, load_checkpoint, run_steps


def small_setup(seed=0):
    seed_everything(seed)
    return Regression(UNet(3, 3, num_downs=4, ngf=8, dropout=False), l1_loss, lr=2e-3, device="cpu"), \
        AmbiguousDiscs(16, p_minor=0.0)


def test_loss_falls_and_history_is_kept():
    model, task = small_setup()
    history = model.train(task.batches(8, seed=0), steps=60, progress=False)
    assert history.steps_done == 60 and not history.interrupted
    assert sum(history.losses[-10:]) / 10 < 0.5 * sum(history.losses[:10]) / 10
    assert all(isinstance(loss, float) for loss in history.losses)


def test_same_seed_same_losses():
    runs = []
    for _ in range(2):
        model, task = small_setup(seed=4)
        runs.append(model.train(task.batches(8, seed=4), steps=15, progress=False).losses)
    assert runs[0] == runs[1]


def test_interruption_keeps_what_was_trained(tmp_path):
    model, task = small_setup()
    before = [p.detach().clone() for p in model.generator.parameters()]

    def stop_at_step_20(step, loss):
        if step == 20:
            raise KeyboardInterrupt

    checkpoint = tmp_path / "run" / "model.pt"
    history = model.train(task.batches(8, seed=0), steps=50, progress=False, callback=stop_at_step_20,
                          checkpoint=checkpoint)
    assert history.interrupted and history.steps_done == 20
    assert any(not torch.equal(a, b) for a, b in zip(before, model.generator.parameters()))
    # the checkpoint holds the trained weights, the optimiser and the partial history
    restored, _ = small_setup(seed=99)
    saved = load_checkpoint(checkpoint, restored)
    assert saved.interrupted and saved.losses == history.losses
    x = next(task.batches(4, seed=1))[0]
    assert torch.allclose(restored.translate(x), model.translate(x))
    assert restored.opt_g.state_dict()["state"][0]["step"] == 20
    assert not (checkpoint.parent / "model.pt.tmp").exists()


def test_losses_are_read_back_once_every_k_steps(monkeypatch):
    """Reading a loss back (`.item()`, `.tolist()`) waits for the GPU: the course's code does it once per
    READBACK_EVERY steps and at the end, not per step. (torch's Adam reads its step counter with .item(), from a
    tensor it keeps on the CPU so that this is no sync: reads made by torch itself are not counted.)"""
    model, task = small_setup()
    reads = []
    package = str(Path(i2i_course.__file__).parent)

    def spy(name):
        real = getattr(torch.Tensor, name)

        def read(self, *args, **kwargs):
            if sys._getframe(1).f_code.co_filename.startswith(package):
                reads.append(name)
            return real(self, *args, **kwargs)
        return read

    for name in ("item", "tolist"):
        monkeypatch.setattr(torch.Tensor, name, spy(name))
    steps = 2 * READBACK_EVERY + 5
    history = model.train(task.batches(8, seed=0), steps=steps, progress=False)
    assert history.steps_done == steps
    assert reads == ["tolist"] * 3  # after 20, 40 and the last 5 steps: one stacked read each


def test_read_back_mixes_tensors_and_floats():
    losses = run_steps(lambda x, y: {"loss": x.sum() * 0 + 1.5, "extra": 2.0}, [(torch.zeros(1), torch.zeros(1))] * 3,
                       steps=3, device="cpu", progress=False)
    assert losses.parts == [{"loss": 1.5, "extra": 2.0}] * 3


@pytest.mark.parametrize("task", [AmbiguousDiscs(16), SyntheticFacades(32), RandomPhaseTextures(32, 4)],
                         ids=["discs", "facades", "textures"])
def test_synthetic_tasks_draw_every_tensor_on_the_generators_device(task):
    """A task draws its batches where its generator is (on the GPU, where the nets train): with torch's default
    device set to "meta", a tensor made without the generator's device would land there and fail this."""
    generator = torch.Generator(device="cpu").manual_seed(0)
    torch.set_default_device("meta")
    try:
        batch = task.sample(4, generator)
    finally:
        torch.set_default_device("cpu")
    tensors = [value for value in vars(batch).values() if torch.is_tensor(value)]
    assert tensors and all(t.device.type == "cpu" for t in tensors)


def test_lessons_ask_for_batches_on_the_training_device(monkeypatch):
    from i2i_course.experiments import l01_blur

    asked = []
    real = AmbiguousDiscs.batches
    monkeypatch.setattr(AmbiguousDiscs, "batches",
                        lambda self, batch_size, seed, device=None: (asked.append(device), real(self, batch_size, seed,
                                                                                               device))[1])
    l01_blur.train_variant("ci", "l1", steps=2, progress=False)
    assert [torch.device(d) for d in asked] == [torch.device("cuda" if torch.cuda.is_available() else "cpu")]


def test_progress_in_a_log_is_one_clean_line():
    """Where stderr is not a terminal (CI, a log file) a run's progress is one line, no carriage returns."""
    code = ("from i2i_course.training import run_steps\nimport torch\n"
            "run_steps(lambda x: {'loss': x.sum()}, [(torch.ones(2),)] * 50, 50, 'cpu', desc='demo')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    assert [line.split(" in ")[0] for line in done.stderr.splitlines()] == ["demo: 50/50"]

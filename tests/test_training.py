import torch

from i2i_course.data import AmbiguousDiscs
from i2i_course.losses import l1_loss
from i2i_course.nets import UNet
from i2i_course.runtime import seed_everything
from i2i_course.training import load_checkpoint, predict, train


def small_setup(seed=0):
    seed_everything(seed)
    return UNet(3, 3, num_downs=4, ngf=8, dropout=False), AmbiguousDiscs(16, p_minor=0.0)


def test_loss_falls_and_history_is_kept():
    model, task = small_setup()
    history = train(model, task.batches(8, seed=0), l1_loss, steps=60, lr=2e-3, progress=False)
    assert history.steps_done == 60 and not history.interrupted
    assert sum(history.losses[-10:]) / 10 < 0.5 * sum(history.losses[:10]) / 10


def test_same_seed_same_losses():
    runs = []
    for _ in range(2):
        model, task = small_setup(seed=4)
        runs.append(train(model, task.batches(8, seed=4), l1_loss, steps=15, lr=2e-3, progress=False).losses)
    assert runs[0] == runs[1]


def test_interruption_keeps_what_was_trained(tmp_path):
    model, task = small_setup()
    before = [p.detach().clone() for p in model.parameters()]

    def stop_at_step_7(step, loss):
        if step == 7:
            raise KeyboardInterrupt

    checkpoint = tmp_path / "run" / "model.pt"
    history = train(model, task.batches(8, seed=0), l1_loss, steps=50, lr=2e-3, progress=False,
                    callback=stop_at_step_7, checkpoint=checkpoint)
    assert history.interrupted and history.steps_done == 7
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    # the checkpoint holds the trained weights and the partial history
    restored, _ = small_setup(seed=99)
    saved = load_checkpoint(checkpoint, restored)
    assert saved.interrupted and saved.losses == history.losses
    x = next(task.batches(4, seed=1))[0]
    assert torch.allclose(predict(restored, x), predict(model, x))
    assert not (checkpoint.parent / "model.pt.tmp").exists()


def test_predict_chunks_match_one_pass():
    model, task = small_setup()
    x = next(task.batches(10, seed=2))[0]
    assert torch.allclose(predict(model, x, batch_size=3), predict(model, x, batch_size=10), atol=1e-6)

import torch

from i2i_course import segmenter
from i2i_course.data.facades import SyntheticFacades


def test_segmenter_reads_real_photos_and_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("I2I_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(segmenter, "_TRAINED", {})
    task = SyntheticFacades(32)
    model = segmenter.trained_segmenter(task, seed=0, steps=150)
    batch = task.sample(64, torch.Generator().manual_seed(123))
    scores = segmenter.fcn_scores(model, batch.y, batch.labels, len(task.classes))
    assert scores["pixel_accuracy"] > 0.9
    # blurred photos lose their textures, and the segmenter notices
    blurred = torch.nn.functional.avg_pool2d(batch.y, 5, 1, 2)
    assert segmenter.fcn_scores(model, blurred, batch.labels, 6)["pixel_accuracy"] < scores["pixel_accuracy"] - 0.1
    # cached in memory (same object) and on disk (a new process would load, not train)
    assert segmenter.trained_segmenter(task, seed=0, steps=150) is model
    files = list(tmp_path.glob("segmenter-SyntheticFacades-image_size32-seed0-150steps-*.pt"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))
    monkeypatch.setattr(segmenter, "_TRAINED", {})
    monkeypatch.setattr(segmenter, "train_segmenter", lambda *a, **k: (_ for _ in ()).throw(AssertionError("retrained")))
    loaded = segmenter.trained_segmenter(task, seed=0, steps=150)
    assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(), model.state_dict().values()))


def test_cache_key_covers_the_task_settings():
    from i2i_course.data.textures import RandomPhaseTextures

    keys = {segmenter._disk_key(RandomPhaseTextures(32, period), 0, 300) for period in (4, 8)}
    keys.add(segmenter._disk_key(RandomPhaseTextures(64, 4), 0, 300))
    assert len(keys) == 3 and all("RandomPhaseTextures" in key for key in keys)

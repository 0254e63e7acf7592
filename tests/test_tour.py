import json
import subprocess
import sys

import pytest
from datasets_archives import install_facades

from i2i_course import cli
from i2i_course.results import Claim, LessonResult
from i2i_course.experiments import l01_blur


def test_tour_on_ci_writes_claims_and_figures(tmp_path):
    report = tmp_path / "out.json"
    figures = tmp_path / "figures"
    done = subprocess.run([sys.executable, "-m", "i2i_course.cli", "tour", "--profile", "ci",
                           "--json", str(report), "--out", str(figures)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    # its output goes to pipes, as to a CI log: one clean line per training run, no carriage-return bars
    assert "\r" not in done.stdout + done.stderr
    assert "L2 U-Net: 300/300 in " in done.stderr and "PatchGAN 70x70: 300/300 in " in done.stderr
    data = json.loads(report.read_text())
    assert data["profile"] == "ci"
    ids = {(c["lesson"], c["id"]) for c in data["claims"]}
    assert ids == {("01", "toy-argmin"), ("01", "edges-l2-wider"), ("01", "colour-l2-greyer"),
                   ("02", "unet-beats-ed-l1"), ("02", "unet-beats-ed-detail"),
                   ("02", "outermost-skip-matters-most"), ("03", "receptive-field-table"),
                   ("03", "l1-leaves-texture-flat"), ("03", "patchgan-brings-texture-back"),
                   ("03", "pixelgan-no-texture"), ("03", "gan-costs-l1"), ("04", "two-by-two-table"),
                   ("04", "cycle-keeps-content"), ("04", "gan-alone-not-reliable"), ("04", "both-fool-d"),
                   ("04", "d-blind-to-correspondence"), ("05", "modes-ceiling"),
                   ("05", "latent-distance"), ("05", "median-is-no-mode"), ("05", "pix2pix-ignores-z"),
                   ("05", "diversity-comes-back"), ("06", "first-layer-washout"),
                   ("06", "uniform-maps-identical"), ("06", "multiscale-receptive-fields"),
                   ("06", "spade-recovers-uniform"), ("06", "spade-not-worse-on-scenes"), ("06", "spade-small-objects"),
                   ("06", "concat-recovers-through-last-conv")}
    for claim in data["claims"]:
        assert set(claim) == {"lesson", "id", "statement", "values", "holds"}
        assert claim["holds"] is True and claim["values"]
    assert sorted(p.name for p in figures.iterdir()) == ["01_losses.png", "01_outputs.png", "01_toy.png",
                                                         "02_outputs.png", "02_table.png", "03_outputs.png",
                                                         "03_receptive_field.png", "03_table.png",
                                                         "04_mixtures.png", "04_outputs.png", "04_table.png",
                                                         "05_diversity_validity.png", "05_samples.png",
                                                         "05_table.png", "06_outputs.png", "06_table.png",
                                                         "06_uniform.png"]
    assert "edges-l2-wider" in done.stdout and "all 28 claims hold" in done.stdout


def test_tour_exits_1_when_a_claim_fails(monkeypatch, tmp_path, capsys):
    def failing_run(profile, seed=0, progress=True, task=None):
        claim = Claim("01", "edges-l2-wider", "stand-in", {"edge_width_l2_px": 1.0}, False)
        return LessonResult("01", l01_blur.TITLE, [claim], {})

    monkeypatch.setattr(l01_blur, "run", failing_run)
    assert cli.main(["tour", "--profile", "ci", "--lessons", "01", "--json", str(tmp_path / "c.json")]) == 1
    assert json.loads((tmp_path / "c.json").read_text())["claims"][0]["holds"] is False
    assert "1 claim(s) do not hold: 01/edges-l2-wider" in capsys.readouterr().out


def test_unknown_profile_is_a_one_line_error():
    done = subprocess.run([sys.executable, "-m", "i2i_course.cli", "tour", "--profile", "gpu"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "choose one of ci, cpu, colab, full" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_lesson_is_refused(capsys):
    assert cli.main(["tour", "--profile", "ci", "--lessons", "99"]) == 2
    assert "unknown lesson(s) 99" in capsys.readouterr().err


def test_tour_on_facades_runs_lessons_02_and_03_on_them(monkeypatch, tmp_path, capsys):
    """The real-data path end to end, on a stand-in for the facades (synthetic facades saved as JPEGs in
    the real layout, 64 train pairs): measured at seed 0, U-Net L1 0.211 against 0.25 for the
    encoder-decoder, HF 0.68 against 0.39; 16x16 PatchGAN HF 0.81 against 0.66 for L1 alone."""
    install_facades(monkeypatch, tmp_path / "data")
    report, figures = tmp_path / "claims.json", tmp_path / "figures"
    assert cli.main(["tour", "--profile", "ci", "--lessons", "02,03", "--dataset", "facades", "--quiet",
                     "--json", str(report), "--out", str(figures)]) == 0, capsys.readouterr().out
    data = json.loads(report.read_text())
    assert data["dataset"] == "facades"
    assert [(c["lesson"], c["id"]) for c in data["claims"]] == [
        ("02", "unet-beats-ed-l1"), ("02", "unet-beats-ed-detail"),  # the per-level claim: synthetic only
        ("03", "receptive-field-table"), ("03", "patchgan-adds-detail"), ("03", "gan-costs-l1")]
    assert all(c["holds"] for c in data["claims"])
    patchgan = data["claims"][3]["values"]  # at 32 px only the 16x16 patch fits in the image
    assert set(patchgan) == {"hf_ratio_l1_only", "hf_ratio_16x16"}
    assert sorted(p.name for p in figures.iterdir()) == ["02_outputs.png", "02_table.png", "03_outputs.png",
                                                         "03_receptive_field.png", "03_table.png"]
    assert "dataset facades" in capsys.readouterr().out


def test_tour_on_missing_facades_stops_before_any_lesson_and_says_how_to_get_them(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("I2I_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(l01_blur, "run", lambda *args, **kwargs: pytest.fail("lesson 01 ran"))
    assert cli.main(["tour", "--profile", "ci", "--lessons", "01,02", "--dataset", "facades"]) == 2
    error = capsys.readouterr().err
    assert f"the real facades are not in {tmp_path / 'facades'}" in error
    assert "i2i-course data download facades" in error


def test_tour_runs_lesson_01_on_its_own_data_whatever_the_dataset(monkeypatch, capsys):
    def holding_run(profile, seed=0, progress=True, task=None):
        assert type(task).__name__ == "AmbiguousDiscs"  # its own task, whatever the dataset
        return LessonResult("01", l01_blur.TITLE, [Claim("01", "toy-argmin", "stand-in", {"mean": 0.4}, True)], {})

    monkeypatch.setattr(l01_blur, "run", holding_run)
    assert cli.main(["tour", "--profile", "ci", "--lessons", "01", "--dataset", "facades"]) == 0
    assert "lesson 01 (L2 vs L1 blur) runs on its own synthetic data" in capsys.readouterr().out


def test_unknown_dataset_is_refused(capsys):
    assert cli.main(["tour", "--profile", "ci", "--dataset", "cityscapes"]) == 2
    assert "unknown dataset 'cityscapes': choose synthetic or facades" in capsys.readouterr().err

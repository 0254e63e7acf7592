import json
import subprocess
import sys

from i2i_course import cli
from i2i_course.claims import Claim, LessonResult
from i2i_course.experiments import l01_blur


def test_tour_on_ci_writes_claims_and_figures(tmp_path):
    report = tmp_path / "out.json"
    figures = tmp_path / "figures"
    done = subprocess.run([sys.executable, "-m", "i2i_course.cli", "tour", "--profile", "ci",
                           "--json", str(report), "--out", str(figures), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert data["profile"] == "ci"
    ids = {(c["lesson"], c["id"]) for c in data["claims"]}
    assert ids == {("01", "toy-argmin"), ("01", "edges-l2-wider"), ("01", "colour-l2-greyer"),
                   ("02", "unet-beats-ed-l1"), ("02", "unet-beats-ed-detail"),
                   ("02", "outermost-skip-matters-most"), ("03", "receptive-field-table"),
                   ("03", "l1-leaves-texture-flat"), ("03", "patchgan-brings-texture-back"),
                   ("03", "pixelgan-no-texture"), ("03", "gan-costs-l1")}
    for claim in data["claims"]:
        assert set(claim) == {"lesson", "id", "statement", "values", "holds"}
        assert claim["holds"] is True and claim["values"]
    assert sorted(p.name for p in figures.iterdir()) == ["01_losses.png", "01_outputs.png", "01_toy.png",
                                                         "02_outputs.png", "02_table.png", "03_outputs.png",
                                                         "03_receptive_field.png", "03_table.png"]
    assert "edges-l2-wider" in done.stdout and "all 11 claims hold" in done.stdout


def test_tour_exits_1_when_a_claim_fails(monkeypatch, tmp_path, capsys):
    def failing_run(profile, seed=0, progress=True):
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

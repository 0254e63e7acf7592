import pytest
import torch

from i2i_course import CourseError, get_profile, pick_device, seed_everything
from i2i_course.profiles import PROFILES


def test_env_var_picks_the_profile(monkeypatch):
    monkeypatch.setenv("I2I_PROFILE", "cpu")
    assert get_profile().name == "cpu"
    assert get_profile("ci").name == "ci"  # an explicit name wins over the variable


def test_auto_profile_follows_the_hardware(monkeypatch):
    monkeypatch.delenv("I2I_PROFILE", raising=False)
    expected = "colab" if torch.cuda.is_available() else "cpu"
    assert get_profile().name == expected
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_profile().name == "colab"


def test_unknown_profile_lists_the_valid_ones(monkeypatch):
    monkeypatch.setenv("I2I_PROFILE", "laptop")
    with pytest.raises(CourseError) as error:
        get_profile()
    message = str(error.value)
    assert "'laptop'" in message and "\n" not in message
    for name in ("ci", "cpu", "colab", "full"):
        assert name in message


def test_profiles_grow_in_scale():
    sizes = [PROFILES[name].image_size for name in ("ci", "cpu", "colab", "full")]
    assert sizes == sorted(sizes) and PROFILES["full"].image_size == 256


def test_seed_everything_repeats_random_streams():
    seed_everything(3)
    a = torch.randn(5)
    generator = seed_everything(3)
    assert torch.equal(a, torch.randn(5))
    assert torch.equal(torch.randn(2, generator=generator), torch.randn(2, generator=torch.Generator().manual_seed(3)))


def test_pick_device():
    assert pick_device("cpu").type == "cpu"
    assert pick_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_seed_everything_chooses_exact_reruns_or_speed():
    seed_everything(0, deterministic=False)  # colab, full: cuDNN autotuning
    assert torch.backends.cudnn.benchmark and not torch.backends.cudnn.deterministic
    assert not torch.are_deterministic_algorithms_enabled()
    seed_everything(0)  # ci, cpu: bit-exact
    assert not torch.backends.cudnn.benchmark and torch.backends.cudnn.deterministic
    assert torch.are_deterministic_algorithms_enabled()
    assert [PROFILES[name].deterministic for name in ("ci", "cpu", "colab", "full")] == [True, True, False, False]

"""What every lesson's experiment shares: the held-out batch, the L1 error, the start of a run."""

from i2i_course.results import Variant
from i2i_course.runtime import seed_everything, stream


def evaluation_batch(task, profile, seed):
    """The held-out batch a lesson measures on: `profile.eval_samples` draws from the run's evaluation stream
    (on the CPU, so it is the same batch on any machine), never used for training."""
    return task.sample(profile.eval_samples, stream(seed, "evaluation"))


def l1_error(outputs, targets):
    """Mean absolute error between two batches of images, as a float: the pix2pix papers' L1 column."""
    return (outputs.float() - targets.float()).abs().mean().item()


def start_run(profile, seed):
    """Seed everything for one run, bit-exact or speed-first as the profile says (`Profile.deterministic`)."""
    return seed_everything(seed, deterministic=profile.deterministic)


def reference_row(key, label, images, metrics, name="real_B"):
    """A table row that was not trained (the real photos, an exact oracle): a Variant with no history."""
    return Variant(key, label, visuals={name: images}, metrics=metrics)

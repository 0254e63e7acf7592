"""Profiles: one name sets the scale of every experiment.

`ci` is tiny (seconds on 2 CPU cores; tests and nbval use it), `cpu` fits a laptop (minutes), `colab`
a T4-class GPU (minutes), `full` the paper's scale. `I2I_PROFILE` picks one; unset, the course picks
`colab` when CUDA is present and `cpu` otherwise. Notebooks read sizes and step counts from here and
never hard-code them.
"""

import os
from dataclasses import dataclass

import torch

from i2i_course.errors import CourseError

ENV_VAR = "I2I_PROFILE"


@dataclass(frozen=True)
class Profile:
    """Sizes and step counts for one scale of the course."""

    name: str
    image_size: int  # square images, H = W
    batch_size: int
    ngf: int  # generator width (64 in the paper)
    ndf: int  # discriminator width (64 in the paper)
    steps: int  # optimiser steps per training run
    lr: float  # Adam learning rate for the regression lessons
    eval_samples: int  # images the metrics are measured on
    description: str
    deterministic: bool = True  # bit-exact reruns (ci, cpu); False: speed first, cuDNN autotuning (colab, full)


    @property
    def reruns(self):
        """What the same seed gives at this profile, in words (each notebook prints it)."""
        if self.deterministic:
            return "the same seed gives the same numbers, bit for bit"
        return ("the same seed gives the same numbers to within noise (cuDNN picks the fastest kernels, "
                "which are not bit-exact)")


PROFILES = {
    "ci": Profile("ci", image_size=32, batch_size=16, ngf=16, ndf=16, steps=300, lr=2e-3, eval_samples=64,
                  description="tiny, seconds on 2 CPU cores (tests, nbval, CI)"),
    "cpu": Profile("cpu", image_size=64, batch_size=16, ngf=16, ndf=16, steps=600, lr=1e-3, eval_samples=128,
                   description="a laptop CPU, a few minutes per lesson"),
    "colab": Profile("colab", image_size=128, batch_size=16, ngf=64, ndf=64, steps=2000, lr=1e-3,
                     eval_samples=256, description="a T4-class GPU, minutes per lesson", deterministic=False),
    "full": Profile("full", image_size=256, batch_size=4, ngf=64, ndf=64, steps=20000, lr=2e-4,
                    eval_samples=512, description="the paper's scale (256x256, ngf 64)", deterministic=False),
}


def get_profile(name=None):
    """Return the profile called `name`, else the one `I2I_PROFILE` names, else the automatic one."""
    if isinstance(name, Profile):
        return name
    if name is None:
        name = os.environ.get(ENV_VAR, "").strip() or None
    if name is None:
        name = "colab" if torch.cuda.is_available() else "cpu"
    key = str(name).strip().lower()
    if key not in PROFILES:
        raise CourseError(
            f"unknown profile {name!r}: choose one of {', '.join(PROFILES)} "
            f"(set {ENV_VAR} or pass --profile)"
        )
    return PROFILES[key]

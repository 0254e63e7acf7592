"""i2i-course: the helper library behind the image-to-image translation lessons.

The notebooks show each idea in a few readable lines; this package is the tested copy they share:
data (synthetic tasks), nets (U-Net, ...), losses, training, metrics, experiments (each lesson's
claims), viz, widgets and the `i2i-course` command line.
"""

from i2i_course.errors import CourseError
from i2i_course.profiles import PROFILES, Profile, get_profile
from i2i_course.runtime import autocast, pick_device, seed_everything

__version__ = "0.1.0"

__all__ = [
    "CourseError",
    "PROFILES",
    "Profile",
    "get_profile",
    "autocast",
    "pick_device",
    "seed_everything",
]

"""ipywidgets panels that re-run a lesson's ablation live (ipywidgets 7.7, as on Colab, and 8)."""

from i2i_course.widgets.l01_blur import BlurPanel
from i2i_course.widgets.l02_skips import SkipPanel
from i2i_course.widgets.l03_patchgan import GanPanel
from i2i_course.widgets.l04_cycle import CyclePanel
from i2i_course.widgets.l05_diversity import DiversityPanel
from i2i_course.widgets.l06_spade import SpadePanel

__all__ = ["BlurPanel", "SkipPanel", "GanPanel", "CyclePanel", "DiversityPanel", "SpadePanel"]

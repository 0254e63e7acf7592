"""The widget panels' checks, written once and run under two ipywidgets versions: `common` holds the helpers
and the checks every panel must pass (run once per panel in PANELS), one module per lesson holds that lesson's
own. `CHECKS` gathers them all, by name.

tests/test_widgets.py calls each check in-process (the installed ipywidgets, 8.x), and runs this package as a
script in a subprocess whose PYTHONPATH starts with an ipywidgets 7.7.1 install (Colab's version):
`python -m widget_checks 7.7.1` (from tests/) asserts that version, runs every check and prints one
"passed <name>" line per check. The panels are driven headlessly on the `ci` profile with short runs.
"""

import functools

from widget_checks import common, l01_blur, l02_skips, l03_patchgan, l04_cycle, l05_diversity, l06_spade

LESSON_MODULES = [l01_blur, l02_skips, l03_patchgan, l04_cycle, l05_diversity, l06_spade]
PANELS = {module.KIND: module.PANEL for module in LESSON_MODULES}  # kind -> (make, lesson module, row reader)

CHECKS = {check.__name__: check for module in LESSON_MODULES for check in module.CHECKS}
for kind in PANELS:  # the shared checks, once per panel
    for shared in common.SHARED_CHECKS:
        CHECKS[f"{shared.__name__}[{kind}]"] = functools.partial(shared, PANELS[kind])

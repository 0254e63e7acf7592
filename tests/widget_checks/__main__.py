"""`python -m widget_checks VERSION` (from tests/): run every check under the ipywidgets found first on the path."""

import sys

import ipywidgets

from widget_checks import CHECKS


def main(expected_version):
    assert ipywidgets.__version__ == expected_version, \
        f"expected ipywidgets {expected_version}, imported {ipywidgets.__version__} from {ipywidgets.__file__}"
    print(f"ipywidgets {ipywidgets.__version__} from {ipywidgets.__file__}", flush=True)
    for name, check in CHECKS.items():
        check()
        print(f"passed {name}", flush=True)


main(sys.argv[1])

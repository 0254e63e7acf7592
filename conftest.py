"""pytest setup shared by the tests and by nbval's notebook runs.

Tests and notebooks run at the tiny `ci` profile unless I2I_PROFILE says otherwise; nbval's kernels
inherit this environment, so the notebooks read the same profile.
"""

import os

os.environ.setdefault("I2I_PROFILE", "ci")

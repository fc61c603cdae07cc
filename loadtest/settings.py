"""The portal's own settings, with static files collected outside the checkout.

The load test runs ``collectstatic`` and serves the result through whitenoise like a release
does, but into its own directory (``STATIC_ROOT`` from the environment), so that a run leaves
nothing behind in the working tree.
"""

import os
from pathlib import Path

from ipops.settings import *  # noqa: F401,F403

if os.getenv("STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["STATIC_ROOT"])

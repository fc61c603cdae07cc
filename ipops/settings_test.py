"""Settings for the test suite: production settings, on plain HTTP with a test-only key.

The tests talk to the portal over plain HTTP (Django's test client, the live server of the
browser tests), so HTTPS enforcement is turned off here the way a deployment behind a TLS proxy
or a test bench would turn it off: through the environment.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "k3y" * 20)
for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS"):
    os.environ.setdefault(name, "0")

from ipops.settings import *  # noqa: E402,F401,F403

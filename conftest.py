"""Root conftest: tests use the development defaults for settings that need a value.

pytest-django still runs every test with settings.DEBUG = False.
"""

import os

os.environ.setdefault("DEBUG", "true")

import os
import tempfile

# Compiled templates are cached on disk, so each test's new app does not recompile them.
os.environ.setdefault(
    "CHAMELEON_CACHE", os.path.join(tempfile.gettempdir(), "statportal-tests-chameleon"))
os.makedirs(os.environ["CHAMELEON_CACHE"], exist_ok=True)

pytest_plugins = ["statportal.testing"]

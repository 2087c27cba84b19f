"""Test-wide settings.

Hypothesis explores new random examples on every developer run; under CI (``CI`` set) the
examples are derandomized so a submission's result does not depend on the draw. A failure a
developer's run finds is kept as an explicit example in the test that found it.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

"""Test configuration: hypothesis explores at random locally and runs derandomised on CI.

A property failure found locally becomes a regression test; CI (``CI=true``) replays the same
examples every run, so a green submission stays green.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

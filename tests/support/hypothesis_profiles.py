"""Hypothesis profiles: `dev` locally, `ci` in CI, `fuzz` for `make fuzz`.

Chosen by HYPOTHESIS_PROFILE, else `ci` whenever CI is set. The CI profile is
bounded and derandomized: the same examples every run, no deadline to flake on.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Tests drive the real app and database: slow examples are expected, not a smell.
SLOW_IS_FINE = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
]

settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=SLOW_IS_FINE
)
settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=SLOW_IS_FINE,
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "3000")),
    deadline=None,
    suppress_health_check=SLOW_IS_FINE,
)


def selected_profile() -> str:
    """The profile this run asks for."""
    return os.environ.get("HYPOTHESIS_PROFILE") or (
        "ci" if os.environ.get("CI") else "dev"
    )


def load_selected_profile() -> None:
    """Make the selected profile the default for every test."""
    settings.load_profile(selected_profile())


def scaled(factor: float) -> settings:
    """The profile's example count times `factor` (cheap tests run more)."""
    return settings(max_examples=max(1, int(settings.default.max_examples * factor)))

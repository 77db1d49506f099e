"""Hypothesis profiles for the property tests.

``ci`` (the default) keeps the whole property suite to a minute or two; ``thorough`` runs ten
times as many examples (``pytest tests/property --hypothesis-profile thorough``) and is what
the figures in docs/reliability.md come from. Neither has a deadline: the machines that run
the suite are shared, and a slow example is not a failing one.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=100, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
if settings.get_current_profile_name() == "default":
    settings.load_profile("ci")

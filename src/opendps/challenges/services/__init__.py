"""Every change to challenges: raising one, and each step of the authority's review.

One module per side; this package re-exports the services, so callers write
``challenges.services.challenge_raise`` whatever module holds it.
"""

from opendps.challenges.services.common import (
    HANDLE_AWARD_ROLES,
    HANDLE_ROLES,
    RAISE_ROLES,
    REMEDIES_BY_KIND,
)
from opendps.challenges.services.raising import challenge_raise, decision_resolve
from opendps.challenges.services.review import (
    challenge_acknowledge,
    challenge_decide,
    challenge_proceedings_record,
    challenge_remedy_record,
    challenge_review_record,
    challenge_time_limits_set,
)

__all__ = [
    "HANDLE_AWARD_ROLES",
    "HANDLE_ROLES",
    "RAISE_ROLES",
    "REMEDIES_BY_KIND",
    "challenge_acknowledge",
    "challenge_decide",
    "challenge_proceedings_record",
    "challenge_raise",
    "challenge_remedy_record",
    "challenge_review_record",
    "challenge_time_limits_set",
    "decision_resolve",
]

"""The market-health dashboard counts challenges and their outcomes, by kind."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from opendps.challenges import services
from opendps.core.calendar import LONDON
from opendps.insights import selectors as insight_selectors
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_market_health_counts_challenges_and_outcomes(people, rejected_application):
    market = rejected_application.market
    challenge = services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="application_rejected",
        decision_id=rejected_application.pk,
        grounds="x",
    )
    services.challenge_acknowledge(actor=people.commissioner, challenge=challenge)
    services.challenge_decide(
        actor=people.commissioner, challenge=challenge, outcome="dismissed", reasons="Sound."
    )
    services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="application_rejected",
        decision_id=rejected_application.pk,
        grounds="Again, with new evidence.",
    )
    # The second is still open after its 10 working days (due Mon 15 March 2027).
    with time_machine.travel(datetime(2027, 3, 16, 9, tzinfo=LONDON), tick=False):
        health = insight_selectors.market_health(people.commissioner, market_id=market.pk)
        page = client_for(people.commissioner).get(f"/insights/markets/{market.pk}")
    rows = {row.kind: row for row in health.challenges}
    rejected = rows["application_rejected"]
    assert (rejected.raised, rejected.open, rejected.dismissed, rejected.upheld) == (2, 1, 1, 0)
    assert rejected.late == 1
    assert rows["award"].raised == 0
    assert page.status_code == 200
    assert "2 challenges were raised: 0 upheld, 0 partly upheld, 1 dismissed and 1 still open." in (
        page.content.decode()
    )

"""Withdrawing a planned call: the authority's buyers do it once, with a reason; members
stop seeing it; nobody else can; a refusal changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opendps.competitions import selectors, services
from opendps.competitions.models import PlannedCall
from opendps.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import market_with_both_suppliers
from opendps.testing.fixtures import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_day")]


@pytest.fixture
def planned(people):
    market = market_with_both_suppliers(people)
    return services.planned_call_announce(
        actor=people.buyer,
        category=market.categories.get(),
        title="Winter support",
        expected_month=date(2027, 11, 1),
        estimated_value=Decimal("9000"),
    )


def still_planned(people) -> bool:
    return selectors.planned_call_list(people.buyer, authority_ids=[people.authority.pk]).exists()


def test_the_buyer_withdraws_a_planned_call_with_a_reason(people, planned):
    services.planned_call_withdraw(actor=people.buyer, planned=planned, reason="Budget moved")
    assert not still_planned(people)
    event = AuditEvent.objects.get(event_type=AuditEventType.PLANNED_CALL_WITHDRAWN)
    assert event.data == {"reason": "Budget moved"}
    with pytest.raises(Conflict, match="already been withdrawn"):
        services.planned_call_withdraw(actor=people.buyer, planned=planned, reason="Again")


@pytest.mark.parametrize(
    ("role", "reason", "refusal"),
    [
        ("buyer", "   ", RuleViolation),
        ("other_buyer", "Not ours", NotPermitted),
        ("supplier_a_admin", "Not ours", NotPermitted),
        ("evaluator", "Not ours", NotPermitted),
    ],
)
def test_a_refused_withdrawal_changes_nothing(people, planned, role, reason, refusal):
    with pytest.raises(refusal):
        services.planned_call_withdraw(actor=people.by_name(role), planned=planned, reason=reason)
    assert PlannedCall.objects.get().withdrawn_at is None
    assert still_planned(people)


def test_the_calls_page_withdraws_a_planned_call(people, planned):
    buyer = client_for(people.buyer)
    assert f"/calls/planned/{planned.pk}/withdraw" in buyer.get("/calls").content.decode()
    path = f"/calls/planned/{planned.pk}/withdraw"
    blank = buyer.post(path, {"reason": ""})
    assert blank.status_code == 200 and "govuk-error-summary" in blank.content.decode()
    assert PlannedCall.objects.get().withdrawn_at is None
    response = buyer.post(path, {"reason": "Budget moved"})
    assert response.status_code == 302
    page = buyer.get("/calls").content.decode()
    assert "Winter support is no longer planned." in page
    assert f"/calls/planned/{planned.pk}/withdraw" not in page
    # Withdrawn: the page is gone, for a second attempt too.
    assert buyer.get(path).status_code == 404


@pytest.mark.parametrize("role", ["other_buyer", "supplier_a_admin"])
def test_outsiders_get_not_found_and_change_nothing(people, planned, role):
    client = client_for(people.by_name(role))
    path = f"/calls/planned/{planned.pk}/withdraw"
    assert client.get(path).status_code == 404
    assert client.post(path, {"reason": "Mine now"}).status_code == 404
    assert PlannedCall.objects.get().withdrawn_at is None


def test_the_selector_finds_only_the_actors_live_planned_calls(people, planned):
    assert selectors.planned_call_get(people.buyer, planned_id=planned.pk) == planned
    with pytest.raises(NotFound):
        selectors.planned_call_get(people.other_buyer, planned_id=planned.pk)

"""Email alerts: saved searches of the opportunities, sent over SMTP once per call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from opendps.alerts import services
from opendps.alerts.models import AlertSent, SavedSearch
from opendps.core import clock
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers
from opendps.testing.fixtures import client_for, make_person

pytestmark = pytest.mark.django_db(transaction=True)

SUBSCRIBER = "bid@gamma.test"
UNSUBSCRIBE = re.compile(r"http://[^\s]+/alerts/unsubscribe/[^\s]+")


@pytest.fixture
def market(people):
    return market_with_both_suppliers(people, cpv_codes=["85310000-5"])


@pytest.fixture
def subscriber(db):
    """A prospective supplier: signed up, member of nothing."""
    return make_person(SUBSCRIBER)


def alert(subscriber, frequency="immediate", **filters):
    return services.saved_search_create(
        actor=subscriber, name="Leeds care", frequency=frequency, **filters
    )


def alerts_to(mailbox) -> list:
    return [m for m in mailbox.to(SUBSCRIBER) if "new opportunit" in m["Subject"]]


def test_a_matching_call_reaches_the_subscriber_once_and_a_non_matching_one_does_not(
    people, market, subscriber, mailbox
):
    alert(subscriber, region="Leeds", cpv="853")
    match = make_call(people, market, days=1, rapid=True, title="Care in Leeds", region="Leeds")
    make_call(people, market, days=1, rapid=True, title="Care in York", region="York")
    make_call(people, market, days=1, rapid=True, title="Draft", region="Leeds", publish=False)
    (message,) = alerts_to(mailbox)
    assert message["Subject"] == "1 new opportunity: Leeds care"
    body = mailbox.body(message)
    assert "Care in Leeds" in body and match.reference in body
    assert f"/opportunities/{match.pk}" in body
    assert "Care in York" not in body and "Draft" not in body
    assert UNSUBSCRIBE.search(body)
    # A retried job sends nothing twice.
    services.alerts_send_for_call(match.pk)
    assert len(alerts_to(mailbox)) == 1
    assert AlertSent.objects.count() == 1


def test_the_daily_digest_gathers_the_days_calls_in_one_email(people, market, subscriber, mailbox):
    alert(subscriber, frequency="daily", cpv="85")
    make_call(people, market, days=2, rapid=True, title="Morning care")
    make_call(people, market, days=2, rapid=True, title="Evening care")
    assert alerts_to(mailbox) == []  # nothing at once for a daily alert
    with time_machine.travel(clock.now() + timedelta(hours=20), tick=False):
        assert services.alerts_send_daily() == 1
        (digest,) = alerts_to(mailbox)
        assert digest["Subject"] == "2 new opportunities: Leeds care"
        body = mailbox.body(digest)
        assert "Morning care" in body and "Evening care" in body
        assert services.alerts_send_daily() == 0  # the same calls are not sent again
    assert len(alerts_to(mailbox)) == 1


def test_one_click_unsubscribe_stops_the_emails(people, market, subscriber, mailbox):
    alert(subscriber)
    make_call(people, market, days=1, rapid=True, title="First call")
    link = UNSUBSCRIBE.search(mailbox.body(alerts_to(mailbox)[0])).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    asked = browser.get(f"/{path}")
    assert asked.status_code == 200 and "Stop the emails" in asked.content.decode()
    assert SavedSearch.objects.get().stopped_at is None  # a link checker stops nothing
    done = browser.post(f"/{path}")
    assert "You will get no more emails" in done.content.decode()
    assert SavedSearch.objects.get().stopped_at is not None
    assert AuditEvent.objects.filter(event_type=AuditEventType.ALERT_STOPPED).count() == 1
    make_call(people, market, days=1, rapid=True, title="Second call")
    assert len(alerts_to(mailbox)) == 1
    forged = browser.post("/alerts/unsubscribe/1:forged")
    assert "not valid" in forged.content.decode()


def test_alerts_page_saves_lists_and_stops_ones_own_alerts_only(people, market, subscriber):
    assert Client().get("/alerts").status_code == 302  # sign in first
    page = client_for(subscriber)
    prefilled = page.get("/alerts?region=Leeds&cpv=853").content.decode()
    assert 'value="Leeds"' in prefilled and 'value="853"' in prefilled
    missing = page.post("/alerts", {"region": "Leeds", "frequency": "daily"})
    assert "Give the alert a name" in missing.content.decode()
    assert not SavedSearch.objects.exists()
    saved = page.post("/alerts", {"name": "Care", "region": "Leeds", "frequency": "daily"})
    assert saved.status_code == 302
    search = SavedSearch.objects.get()
    assert (search.region, search.frequency, search.user) == ("Leeds", "daily", subscriber)
    assert AuditEvent.objects.filter(event_type=AuditEventType.ALERT_CREATED).count() == 1
    stranger = client_for(people.supplier_b_admin)
    assert stranger.post(f"/alerts/{search.pk}/stop").status_code == 404
    assert "Care" not in stranger.get("/alerts").content.decode()
    assert page.post(f"/alerts/{search.pk}/stop").status_code == 302
    search.refresh_from_db()
    assert search.stopped_at is not None

"""Incident-aware deadlines: real 5xx answers from a running server extend a deadline."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from opendps.accounts import services as account_services
from opendps.availability import health, services
from opendps.availability.models import AvailabilityMinute
from opendps.availability.tasks import incident_extensions
from opendps.competitions.models import AmendmentKind, Call, CallAmendment
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.errors import NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.testing.factories import make_call, market_with_both_suppliers
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)

BOUNDARY = "opendps-test-boundary"


@pytest.fixture
def morning() -> Any:
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def call(people, morning) -> Call:
    """A rapid call closing in 90 minutes: inside the default two watched hours."""
    market = market_with_both_suppliers(people)
    return make_call(
        people,
        market,
        rapid=True,
        title="Home care, Northgate",
        deadline=clock.now() + timedelta(minutes=90),
    )


def _post(url: str, token: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def tender_with_document(base: str, call: Call, token: str) -> int:
    """A multipart tender with one document: the document goes to storage."""
    answers = json.dumps({"quality": "Carers on every round."})
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="price"\r\n\r\n24.00\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="answers"\r\n\r\n{answers}\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; '
        f'filename="plan.pdf"\r\nContent-Type: application/pdf\r\n\r\n',
    ]
    body = "".join(parts).encode() + b"%PDF-1.4\n%%EOF\n" + f"\r\n--{BOUNDARY}--\r\n".encode()
    return _post(
        f"{base}/api/v1/competitions/{call.pk}/tenders",
        token,
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
    )


def tender_json(base: str, call: Call, token: str) -> int:
    body = json.dumps({"price": "24.00", "answers": {"quality": "Carers."}}).encode()
    return _post(f"{base}/api/v1/competitions/{call.pk}/tenders", token, body, "application/json")


def test_real_5xx_answers_before_the_deadline_extend_it_for_every_invitee(
    people, call, live_server, settings, tmp_path, mailbox
):
    """Storage fails, so tenders with documents get 500s from the running server; the
    minute is degraded; the job extends the deadline once, audited, emailed, published."""
    services.incident_policy_save(
        actor=people.commissioner,
        authority=people.authority,
        threshold_percent=50,
        window_hours=2,
        extension_hours=24,
    )
    _, token = account_services.api_token_create(actor=people.supplier_a_admin, name="bids")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("storage is broken")
    settings.MEDIA_ROOT = str(blocker / "media")
    with time_machine.travel(clock.now(), tick=False):
        assert [tender_with_document(live_server.url, call, token) for _ in range(3)] == [500] * 3
        assert tender_json(live_server.url, call, token) == 201
        row = AvailabilityMinute.objects.get()
        assert (row.requests, row.server_errors) == (4, 3)
    mailbox.clear()
    before = call.deadline
    assert incident_extensions.call_local() == 1
    call.refresh_from_db()
    assert call.deadline == before + timedelta(hours=24)
    amendment = CallAmendment.objects.get(call=call, kind=AmendmentKind.DEADLINE)
    assert amendment.made_by is None
    assert "The platform was degraded from" in amendment.text
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_DEADLINE_CHANGED)
    assert event.data["by_platform"] is True
    for address in ("admin@alpha.test", "admin@beta.test"):
        assert any("Deadline extended" in m["Subject"] for m in mailbox.to(address))
    # One incident, one extension.
    assert incident_extensions.call_local() == 0
    page = client_for(None).get("/status").content.decode()
    assert "Home care, Northgate" in page


def test_failures_below_the_authority_threshold_extend_nothing(people, call, live_server):
    """One failure in four answers is 25 %: under the default 20 % it is degraded, under an
    authority's 50 % it is not."""
    services.incident_policy_save(
        actor=people.commissioner,
        authority=people.authority,
        threshold_percent=50,
        window_hours=2,
        extension_hours=24,
    )
    minute = health.minute_of(clock.now())
    AvailabilityMinute.objects.create(minute=minute, requests=4, server_errors=1)
    assert services.deadlines_extend_for_incidents() == 0
    assert health.degraded_minutes(minute, minute + timedelta(minutes=1), 20) == [minute]
    assert health.degraded_minutes(minute, minute + timedelta(minutes=1), 50) == []


def test_only_the_watched_window_before_the_deadline_counts(people, call):
    """An incident earlier than window_hours before the deadline does not extend it; a
    failed health check inside the window does."""
    services.incident_policy_save(
        actor=people.commissioner,
        authority=people.authority,
        threshold_percent=20,
        window_hours=1,
        extension_hours=6,
    )
    AvailabilityMinute.objects.create(
        minute=health.minute_of(clock.now()), requests=0, health_failures=1
    )
    assert services.deadlines_extend_for_incidents() == 0  # the window opens at 09:30
    with time_machine.travel(call.deadline - timedelta(minutes=30), tick=False):
        assert services.deadlines_extend_for_incidents() == 0  # 09:00 is before 09:30
        health.availability_count(health_failure=True, request=False)
        assert services.deadlines_extend_for_incidents() == 1
    before = call.deadline
    call.refresh_from_db()
    assert call.deadline == before + timedelta(hours=6)


def test_a_failing_health_check_is_counted(people, morning, settings, tmp_path):
    """/readyz answering 503 counts as a failed health check."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the cache cannot write here")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        }
    }
    response = client_for(None).get("/readyz")
    assert response.status_code >= 500
    assert AvailabilityMinute.objects.get().health_failures == 1


def test_the_policy_is_the_authority_s_and_checked(people):
    with pytest.raises(NotPermitted):
        services.incident_policy_save(
            actor=people.other_buyer,
            authority=people.authority,
            threshold_percent=20,
            window_hours=2,
            extension_hours=24,
        )
    for bad in ({"threshold_percent": 0}, {"window_hours": 49}, {"extension_hours": 0}):
        values = {"threshold_percent": 20, "window_hours": 2, "extension_hours": 24} | bad
        with pytest.raises(RuleViolation):
            services.incident_policy_save(
                actor=people.commissioner, authority=people.authority, **values
            )
    assert not AuditEvent.objects.filter(event_type=AuditEventType.AVAILABILITY_POLICY_SAVED)


def test_the_status_page_is_public(people, morning):
    AvailabilityMinute.objects.create(
        minute=health.minute_of(clock.now()), requests=10, server_errors=9
    )
    page = client_for(None).get("/status")
    assert page.status_code == 200
    assert "The service is having problems now" in page.content.decode()


def test_the_authority_sets_its_policy_on_a_page(people):
    from opendps.availability.models import IncidentPolicy

    client = client_for(people.commissioner)
    page = client.get("/status/policy")
    assert page.status_code == 200 and 'value="20"' in page.content.decode()
    bad = client.post(
        "/status/policy", {"threshold_percent": "0", "window_hours": "2", "extension_hours": "24"}
    )
    assert "There is a problem" in bad.content.decode()
    assert not IncidentPolicy.objects.exists()
    good = {"threshold_percent": "35", "window_hours": "3", "extension_hours": "12"}
    assert client.post("/status/policy", good).status_code == 302
    policy = IncidentPolicy.objects.get(authority=people.authority)
    assert (policy.threshold_percent, policy.window_hours, policy.extension_hours) == (35, 3, 12)
    assert client_for(people.buyer).get("/status/policy").status_code == 403

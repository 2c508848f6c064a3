"""`opendps demo` loads the §7 demo through the services, with every state, and twice is once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from opendps.accounts.models import User
from opendps.competitions.models import Call, Feedback
from opendps.competitions.status import with_status
from opendps.contracts.models import Contract
from opendps.core.audit import audit_verify
from opendps.core.models import AuditEvent
from opendps.insights.forecast import MIN_MONTHS
from opendps.insights.selectors import supplier_insight
from opendps.markets.models import Market
from opendps.membership.models import Application, CategoryMember
from opendps.membership.status import application_status, member_status
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

NAMED_SUPPLIERS = [
    "bid@brightpath.demo",
    "bid@nextstep.demo",
    "bid@carewell.demo",
    "bid@hearth.demo",
    "bid@nationwide.demo",
]


def test_demo_has_both_markets_every_state_queues_nothing_and_loads_once(
    mailbox, job_queue, django_capture_on_commit_callbacks
):
    """One test, as loading the demo takes half a minute: what it holds, that its history
    queued no email and no job (a worker started later must find nothing to send), and
    that loading it again changes nothing."""
    out = StringIO()
    # The test's transaction never commits: run what would have run on each commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=out)
    assert job_queue.pending_count() == 0
    assert "commissioner@dwp.demo" in out.getvalue()
    assert "demo-password-2026" in out.getvalue()
    titles = set(Market.objects.values_list("title", flat=True))
    assert {"Employment Support DPS", "Home Support Dynamic Market"} <= titles
    assert Market.objects.get(title="Employment Support DPS").regime == "pcr2015_dps"
    assert Market.objects.get(title="Home Support Dynamic Market").regime == "pa2023_dynamic_market"
    application_states = Counter(application_status(a) for a in Application.objects.all())
    assert set(application_states) == {"awaiting", "overdue", "admitted", "rejected", "withdrawn"}
    member_states = {member_status(m) for m in CategoryMember.objects.all()}
    assert member_states == {"active", "suspended", "declaration_overdue", "removed"}
    assert Application.objects.values("supplier").distinct().count() >= 200
    call_states = {c.status for c in with_status(Call.objects.all())}
    assert call_states == {
        "draft",
        "open",
        "closed",
        "evaluation",
        "standstill",
        "awarded",
        "cancelled",
        "no_compliant",
    }
    assert Contract.objects.exists() and Feedback.objects.exists()
    # The broker's morning (brokerage.demo): capacity, answers from rate cards, and one
    # placement declined that fell to the next-ranked provider, who accepted.
    from opendps.brokerage.models import Capacity, Placement

    assert Capacity.objects.exists()
    assert Placement.objects.filter(declined_at__isnull=False, rank=1).count() == 1
    assert Placement.objects.filter(accepted_at__isnull=False).values("call").count() == 2
    assert Placement.objects.get(declined_at__isnull=False).call.contract.supplier_id == (
        Placement.objects.get(call__placements__declined_at__isnull=False, rank=2).supplier_id
    )
    # The calls go back far enough for the named suppliers' demand forecasts: about two years
    # in the PCR DPS, since 24 February 2025 in the PA 2023 market.
    forecasts = {}
    for email in NAMED_SUPPLIERS:
        user = User.objects.get(email=email)
        supplier = user.memberships.get().organisation
        insight = supplier_insight(user, supplier_id=supplier.pk)
        assert insight.forecast_calls.history_months >= MIN_MONTHS, email
        forecasts[email] = insight.forecast_calls
    assert any(f.available for f in forecasts.values())
    employment = forecasts["bid@nationwide.demo"]
    assert employment.available and employment.history_months >= 2 * MIN_MONTHS
    assert len(employment.points) == 3 and employment.total is not None
    page = client_for(User.objects.get(email="bid@nationwide.demo")).get("/insights/supplier")
    assert page.status_code == 200
    assert "In the next three months we expect about" in page.content.decode()
    events = AuditEvent.objects.count()
    assert audit_verify() == (events, None)
    assert mailbox.messages == []  # demo history emails no one

    call_command("demo", stdout=StringIO())
    assert AuditEvent.objects.count() == events

"""`opendps demo` loads the §7 demo through the services, with every state, and twice is once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from opendps.competitions.models import Call, Feedback
from opendps.competitions.status import with_status
from opendps.contracts.models import Contract
from opendps.core.audit import audit_verify
from opendps.core.models import AuditEvent
from opendps.markets.models import Market
from opendps.membership.models import Application, CategoryMember
from opendps.membership.status import application_status, member_status

pytestmark = pytest.mark.django_db


def test_demo_has_both_markets_every_state_and_loads_once(mailbox):
    out = StringIO()
    call_command("demo", stdout=out)
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
    events = AuditEvent.objects.count()
    assert audit_verify() == (events, None)
    assert mailbox.messages == []  # demo history emails no one

    call_command("demo", stdout=StringIO())
    assert AuditEvent.objects.count() == events

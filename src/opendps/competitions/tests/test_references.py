"""Call references: "DWP-DPS-2026-0143", given once when a call is drafted."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from opendps.competitions.models import Call
from opendps.competitions.references import buyer_initials, reference_next, reference_prefix
from opendps.core.calendar import LONDON
from opendps.testing.factories import make_call, make_market, market_with_both_suppliers
from opendps.testing.fixtures import client_for


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Department for Work and Pensions", "DWP"),
        ("Northshire County Council", "NCC"),
        ("Isle of Wight Council", "IWC"),
        ("NHS Greater Glasgow & Clyde", "NGGC"),
        ("The City of London Corporation", "CLC"),
        ("---", "X"),
        ("A B C D E F G H", "ABCDEF"),
    ],
)
def test_a_buyer_is_known_by_its_initials(name, initials):
    assert buyer_initials(name) == initials


def test_the_year_is_londons_and_the_sequence_grows_past_four_digits():
    new_year_in_london = datetime(2027, 1, 1, 0, 30, tzinfo=LONDON)
    assert (
        reference_prefix("Department for Work and Pensions", "pcr2015_dps", new_year_in_london)
        == "DWP-DPS-2027-"
    )
    assert (
        reference_prefix("Northshire County Council", "pa2023_dynamic_market", new_year_in_london)
        == "NCC-DM-2027-"
    )
    assert reference_next("DWP-DPS-2027-", None) == "DWP-DPS-2027-0001"
    assert reference_next("DWP-DPS-2027-", "DWP-DPS-2027-0143") == "DWP-DPS-2027-0144"
    assert reference_next("DWP-DPS-2027-", "DWP-DPS-2027-9999") == "DWP-DPS-2027-10000"


@pytest.mark.django_db
def test_calls_are_numbered_per_buyer_kind_and_year(people):
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=False):
        pa = market_with_both_suppliers(people)
        first = make_call(people, pa, days=1, rapid=True, publish=False)
        second = make_call(people, pa, days=1, rapid=True, publish=False)
        pcr = make_market(people, first_period_ends_at=None)
    assert (first.reference, second.reference) == ("TBC-DM-2027-0001", "TBC-DM-2027-0002")
    with time_machine.travel(datetime(2028, 1, 3, 9, tzinfo=LONDON), tick=False):
        next_year = make_call(people, pa, days=1, rapid=True, publish=False)
        other_kind = make_call(people, pcr, publish=False)
    assert next_year.reference == "TBC-DM-2028-0001"
    assert other_kind.reference == "TBC-DPS-2028-0001"


@pytest.mark.django_db
def test_a_reference_is_never_given_twice(people):
    market = market_with_both_suppliers(people)
    call = make_call(people, market, days=1, rapid=True, publish=False)
    twin = make_call(people, market, days=1, rapid=True, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=twin.pk).update(reference=call.reference)


@pytest.mark.django_db(transaction=True)
def test_the_reference_is_on_the_pages_the_email_and_the_api(people, mailbox, api_client_for):
    market = market_with_both_suppliers(people)
    call = make_call(people, market, days=1, rapid=True, title="Home care in NT4")
    assert call.reference
    for user in (people.buyer, people.supplier_a_admin):
        page = client_for(user).get(f"/calls/{call.pk}").content.decode()
        assert call.reference in page
    (invitation,) = [
        m for m in mailbox.to("admin@alpha.test") if m["Subject"].startswith("Invitation")
    ]
    assert f"Call reference: {call.reference}" in mailbox.body(invitation)
    shown = api_client_for(people.buyer).get(f"/api/v1/competitions/{call.pk}").json()
    assert shown["reference"] == call.reference
    found = Client().get("/opportunities", {"text": call.reference.lower()}).content.decode()
    assert "Home care in NT4" in found and call.reference in found

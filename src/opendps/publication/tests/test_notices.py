"""Notices due under each regime, across a quarter end and the Easter bank holidays of 2027
(Good Friday 26 March, Easter Monday 29 March): PCR 2015 award notices within 30 days of the
award or 30 days after the quarter; PA 2023 contract details notices within 30 days of the
contract, 120 for light-touch contracts. Shown only to the authority's people."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from opendps.competitions.models import Award
from opendps.contracts.models import Contract
from opendps.core.calendar import LONDON
from opendps.publication.notices import NoticeDue, notice_list_due
from opendps.publication.tests.conftest import at, end_of
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def by_title(notices: list[NoticeDue]) -> dict[str, NoticeDue]:
    return {notice.call_title: notice for notice in notices}


def test_pcr_award_notice_30_days_after_the_award_or_after_the_quarter(people, calls):
    with at(2027, 4, 1):
        due = by_title(notice_list_due(people.commissioner))
        grouped = by_title(notice_list_due(people.commissioner, grouped_quarterly=True))
    pcr = due["PCR call"]
    assert pcr.kind == "award_notice"
    assert pcr.event_at == datetime(2027, 3, 15, 9, 1, tzinfo=LONDON)
    # Awarded Mon 15 March: 30 days, Easter included, end on 14 April.
    assert pcr.due_at == end_of(2027, 4, 14)
    assert not pcr.grouped_quarterly
    # Grouped: the quarter ends on 31 March; 30 days later is 30 April.
    assert grouped["PCR call"].due_at == end_of(2027, 4, 30)
    assert grouped["PCR call"].grouped_quarterly
    # PA 2023 has no award notice to list: its contract award notice went with the decision.
    assert {n.kind for n in due.values() if n.regime == "pa2023_dynamic_market"} == {
        "contract_details_notice"
    }


def test_pcr_award_notice_becomes_overdue_after_its_deadline(people, calls):
    with time_machine.travel(end_of(2027, 4, 14), tick=False):
        assert not by_title(notice_list_due(people.commissioner))["PCR call"].overdue
    with time_machine.travel(end_of(2027, 4, 14) + timedelta(microseconds=1), tick=False):
        assert by_title(notice_list_due(people.commissioner))["PCR call"].overdue
        grouped = notice_list_due(people.commissioner, grouped_quarterly=True)
        assert not by_title(grouped)["PCR call"].overdue
    with at(2027, 5, 1, 0, 0):
        grouped = notice_list_due(people.commissioner, grouped_quarterly=True)
        assert by_title(grouped)["PCR call"].overdue


def test_pa_contract_details_notice_30_days_or_120_for_light_touch(people, calls):
    with at(2027, 4, 1):
        due = by_title(notice_list_due(people.commissioner))
    # Entered into on Good Friday 26 March: 30 days beginning with that day end on 24 April.
    assert due["PA call"].kind == "contract_details_notice"
    assert due["PA call"].due_at == end_of(2027, 4, 24)
    assert not due["PA call"].light_touch
    # A light-touch contract: 120 days beginning with 26 March end on 23 July.
    assert due["Rapid call"].light_touch
    assert due["Rapid call"].due_at == end_of(2027, 7, 23)
    # Every contract of a light-touch market is a light-touch contract, rapid or not.
    assert due["Light-touch call"].light_touch
    # Made at the award on 15 March: 120 days beginning with it end on 12 July.
    assert due["Light-touch call"].due_at == end_of(2027, 7, 12)
    with time_machine.travel(end_of(2027, 4, 24) + timedelta(seconds=1), tick=False):
        due = by_title(notice_list_due(people.commissioner))
    assert due["PA call"].overdue and not due["Rapid call"].overdue


def test_the_list_is_soonest_first_and_published_notices_drop_off(people, calls):
    with at(2027, 4, 1):
        titles = [n.call_title for n in notice_list_due(people.commissioner)]
        assert titles == ["PCR call", "PA call", "Light-touch call", "Rapid call"]
        Award.objects.filter(call=calls.pcr_call).update(
            award_notice_published_at=datetime(2027, 4, 1, tzinfo=LONDON)
        )
        Contract.objects.filter(call=calls.pa_call).update(
            details_notice_published_at=datetime(2027, 4, 1, tzinfo=LONDON)
        )
        titles = [n.call_title for n in notice_list_due(people.commissioner)]
    assert titles == ["Light-touch call", "Rapid call"]


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("authority_admin", True),
        ("commissioner", True),
        ("buyer", True),
        ("evaluator", False),
        ("other_buyer", False),
        ("supplier_a_admin", False),
        ("staff", False),
    ],
)
def test_only_the_authoritys_people_see_its_notices(people, calls, role, sees):
    with at(2027, 4, 1):
        assert bool(notice_list_due(people.by_name(role))) is sees


API_ROLES = [
    ("commissioner", 200, 4),
    ("buyer", 200, 4),
    ("evaluator", 200, 0),
    ("other_buyer", 200, 0),
    ("supplier_a_admin", 200, 0),
    ("anonymous", 401, None),
]


@pytest.mark.parametrize(("role", "status", "count"), API_ROLES)
def test_api_notices_due_per_role(people, calls, api_client_for, role, status, count):
    user = None if role == "anonymous" else people.by_name(role)
    client = api_client_for(user)
    with at(2027, 4, 20):
        response = client.get("/api/v1/notices/due")
    assert response.status_code == status
    if status == 401:
        assert response.json() == {
            "detail": "Authentication required: send a valid, unrevoked API token.",
            "code": "not_authenticated",
        }
        return
    body = response.json()["items"]
    assert len(body) == count
    if count:
        first = body[0]
        assert first["kind"] == "award_notice"
        assert first["call_title"] == "PCR call"
        assert first["overdue"] is True  # 20 April is after 14 April
        assert first["due_at"] == "2027-04-14T22:59:59.999Z"
        assert [n["overdue"] for n in body] == [True, False, False, False]


def test_api_grouped_quarterly(people, calls, api_client_for):
    client = api_client_for(people.commissioner)
    with at(2027, 4, 20):
        body = client.get("/api/v1/notices/due", grouped_quarterly="true").json()["items"]
        bad = client.get("/api/v1/notices/due", grouped_quarterly="maybe")
    pcr = next(n for n in body if n["call_title"] == "PCR call")
    assert pcr["due_at"] == "2027-04-30T22:59:59.999Z"
    assert pcr["overdue"] is False and pcr["grouped_quarterly"] is True
    assert bad.status_code == 422


def test_the_page_flags_overdue_notices(people, calls):
    with at(2027, 4, 20):
        response = client_for(people.commissioner).get("/notices")
        grouped = client_for(people.commissioner).get("/notices?grouped=1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Notices due" in page
    assert page.count("govuk-tag--red") == 1  # the PCR award notice, past 14 April
    assert "14 April 2027, 11:59pm" in page
    assert "light-touch contract" in page
    assert grouped.content.decode().count("govuk-tag--red") == 0
    assert "30 April 2027, 11:59pm" in grouped.content.decode()


def test_the_page_is_not_found_for_people_outside_the_authority(people, calls):
    for role in ("supplier_a_admin", "evaluator"):
        assert client_for(people.by_name(role)).get("/notices").status_code == 404
    response = client_for(None).get("/notices")
    assert response.status_code == 302 and "/account/sign-in" in response["Location"]
    empty = client_for(people.other_buyer).get("/notices")
    assert empty.status_code == 200
    assert "Your authority has no notices to publish." in empty.content.decode()

"""Recording a notice as published on Find a Tender: the authority's buyers and
commissioners do it once per notice, with the notice's reference; it then stops being due,
on the page, in the API and on the home page. Nobody else can, and bad input changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from opendps.competitions.models import Award
from opendps.contracts.models import Contract
from opendps.core.errors import Conflict, NotFound, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.publication.notices import notice_counts, notice_list_due
from opendps.publication.services import notice_record_published
from opendps.publication.tests.conftest import at
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = "2027/S 000-012345"


def titles_due(actor: Any) -> set[str]:
    return {notice.call_title for notice in notice_list_due(actor)}


def test_a_recorded_award_notice_keeps_its_reference_and_is_no_longer_due(people, calls):
    with at(2027, 4, 1):
        assert "PCR call" in titles_due(people.commissioner)
        notice_record_published(
            actor=people.buyer,
            kind="award_notice",
            call_id=calls.pcr_call.pk,
            reference=f"  {REFERENCE} ",
        )
        assert "PCR call" not in titles_due(people.commissioner)
    award = Award.objects.get(call=calls.pcr_call)
    assert award.award_notice_reference == REFERENCE
    assert award.award_notice_published_at is not None
    event = AuditEvent.objects.get(event_type=AuditEventType.AWARD_NOTICE_RECORDED)
    assert event.data == {"reference": REFERENCE}


def test_a_contract_details_notice_is_recorded_on_the_contract(people, calls):
    with at(2027, 4, 1):
        notice_record_published(
            actor=people.commissioner,
            kind="contract_details_notice",
            call_id=calls.pa_call.pk,
            reference=REFERENCE,
        )
        assert "PA call" not in titles_due(people.commissioner)
    contract = Contract.objects.get(call=calls.pa_call)
    assert contract.details_notice_reference == REFERENCE
    assert AuditEvent.objects.filter(event_type=AuditEventType.DETAILS_NOTICE_RECORDED).count() == 1


@pytest.mark.parametrize(
    ("role", "refusal"),
    [
        ("other_buyer", NotFound),  # another authority: as if there were no such notice
        ("supplier_a_admin", NotFound),
        ("evaluator", NotFound),  # an evaluator does not publish the authority's notices
    ],
)
def test_only_the_authoritys_publishers_record_its_notices(people, calls, role, refusal):
    with at(2027, 4, 1), pytest.raises(refusal):
        notice_record_published(
            actor=people.by_name(role),
            kind="award_notice",
            call_id=calls.pcr_call.pk,
            reference=REFERENCE,
        )
    assert Award.objects.get(call=calls.pcr_call).award_notice_published_at is None


@pytest.mark.parametrize(
    ("kind", "reference", "refusal", "message"),
    [
        ("award_notice", "   ", RuleViolation, "Enter the notice's reference"),
        ("award_notice", "x" * 101, RuleViolation, "100 characters or fewer"),
        ("contract_details_notice", REFERENCE, NotFound, "no such notice"),  # none for PCR
        ("no_such_kind", REFERENCE, NotFound, "no such notice"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(people, calls, kind, reference, refusal, message):
    with at(2027, 4, 1), pytest.raises(refusal, match=message):
        notice_record_published(
            actor=people.buyer, kind=kind, call_id=calls.pcr_call.pk, reference=reference
        )
    assert Award.objects.get(call=calls.pcr_call).award_notice_published_at is None
    assert not AuditEvent.objects.filter(event_type=AuditEventType.AWARD_NOTICE_RECORDED).exists()


def test_a_notice_is_recorded_once(people, calls):
    with at(2027, 4, 1):
        record = {"kind": "award_notice", "call_id": calls.pcr_call.pk, "reference": REFERENCE}
        notice_record_published(actor=people.buyer, **record)
        with pytest.raises(Conflict, match="already been recorded"):
            notice_record_published(actor=people.commissioner, **(record | {"reference": "other"}))
    assert Award.objects.get(call=calls.pcr_call).award_notice_reference == REFERENCE


def test_a_buyer_without_a_publishing_role_is_refused_by_the_service(people, calls):
    from opendps.competitions import services

    award = Award.objects.get(call=calls.pcr_call)
    with at(2027, 4, 1), pytest.raises(NotPermitted):
        services.award_notice_record(actor=people.evaluator, award=award, reference=REFERENCE)


def test_the_counts_agree_with_the_list(people, calls):
    for moment in ((2027, 4, 1), (2027, 4, 20), (2027, 8, 1)):
        with at(*moment):
            due = notice_list_due(people.commissioner)
            assert notice_counts(people.commissioner) == (
                len(due),
                sum(1 for notice in due if notice.overdue),
            )
    assert notice_counts(people.supplier_a_admin) == (0, 0)


def test_the_page_records_a_notice_and_the_home_page_counts_down(people, calls):
    with at(2027, 4, 20):
        buyer = client_for(people.buyer)  # signed in at the moment of the visit
        assert "Publish 4 notices on Find a Tender, 1 overdue" in buyer.get("/").content.decode()
        response = buyer.post(
            "/notices/record",
            {"kind": "award_notice", "call_id": calls.pcr_call.pk, "reference": REFERENCE},
        )
        assert response.status_code == 302
        page = buyer.get("/notices").content.decode()
        assert f"Award notice recorded as published on Find a Tender ({REFERENCE})" in page
        assert "Publish 3 notices on Find a Tender" in buyer.get("/").content.decode()


def test_a_blank_reference_on_the_page_is_shown_at_that_notice(people, calls):
    with at(2027, 4, 20):
        buyer = client_for(people.buyer)
        response = buyer.post(
            "/notices/record",
            {"kind": "award_notice", "call_id": calls.pcr_call.pk, "reference": " "},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_reference"' in page
    assert 'id="id_reference"' in page  # the failed row's box, which the summary links to
    assert Award.objects.get(call=calls.pcr_call).award_notice_published_at is None


def test_outsiders_cannot_post_to_the_page(people, calls):
    for role in ("supplier_a_admin", "evaluator"):  # signed in now: the session is fresh
        response = client_for(people.by_name(role)).post(
            "/notices/record",
            {"kind": "award_notice", "call_id": calls.pcr_call.pk, "reference": REFERENCE},
        )
        assert response.status_code == 404
    assert client_for(None).post("/notices/record", {}).status_code == 302
    assert Award.objects.get(call=calls.pcr_call).award_notice_published_at is None


def test_the_api_records_a_notice(people, calls, api_client_for):
    client = api_client_for(people.commissioner)
    body = {"kind": "contract_details_notice", "call_id": calls.pa_call.pk, "reference": REFERENCE}
    with at(2027, 4, 20):
        response = client.post("/api/v1/notices/published", body)
        again = client.post("/api/v1/notices/published", body)
        blank = client.post("/api/v1/notices/published", body | {"reference": ""})
        other = api_client_for(people.other_buyer).post("/api/v1/notices/published", body)
        due = client.get("/api/v1/notices/due").json()["items"]
    assert response.status_code == 200
    assert response.json()["reference"] == REFERENCE
    assert again.status_code == 409 and "already been recorded" in again.json()["detail"]
    assert blank.status_code in (409, 422)
    assert other.status_code == 404 and "detail" in other.json()
    assert "PA call" not in {notice["call_title"] for notice in due}


def test_a_long_list_of_notices_comes_in_pages(people, calls, monkeypatch):
    monkeypatch.setattr("opendps.web.pagination.PER_PAGE", 3)
    with at(2027, 4, 20):
        buyer = client_for(people.buyer)
        first = buyer.get("/notices").content.decode()
        second = buyer.get("/notices?page=2").content.decode()
    assert "Showing 1 to 3 of 4" in first and "Showing 4 to 4 of 4" in second
    assert first.count("Record as published") == 3 and second.count("Record as published") == 1


def test_recording_from_the_grouped_view_returns_to_it(people, calls):
    with at(2027, 4, 20):
        buyer = client_for(people.buyer)
        response = buyer.post(
            "/notices/record?grouped=1",
            {"kind": "award_notice", "call_id": calls.pcr_call.pk, "reference": REFERENCE},
        )
    assert response.status_code == 302 and response["Location"] == "/notices?grouped=1"

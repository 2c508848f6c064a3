"""The API under /api/v1/challenges and the pages: who sees a challenge (the supplier and
the authority only; everyone else gets "not found"), the authority's steps, and the error
shape {"detail", "code"}."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.challenges import services
from opendps.challenges.models import Challenge
from opendps.core.calendar import LONDON
from opendps.testing.factories import TINY_PDF
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db(transaction=True)

SEES = {
    "supplier_a_admin": True,
    "supplier_a_writer": True,
    "commissioner": True,
    "buyer": True,
    "evaluator": True,
    "authority_admin": True,
    "supplier_b_admin": False,
    "other_buyer": False,
    "staff": False,
}


@pytest.fixture
def challenge(people, rejected_application):
    return services.challenge_raise(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        kind="application_rejected",
        decision_id=rejected_application.pk,
        grounds="Our certificate shows the cover.",
        files=[SimpleUploadedFile("cover.pdf", TINY_PDF, "application/pdf")],
    )


@pytest.mark.parametrize(("person", "sees"), SEES.items())
def test_only_the_supplier_and_the_authority_see_a_challenge(
    people, api_client_for, challenge, person, sees
):
    user = people.by_name(person)
    api = api_client_for(user)
    detail = api.get(f"/api/v1/challenges/{challenge.pk}")
    listed = api.get("/api/v1/challenges").json()
    page = client_for(user).get(f"/challenges/{challenge.pk}")
    document = challenge.documents.get()
    download = client_for(user).get(f"/challenges/{challenge.pk}/documents/{document.pk}")
    if sees:
        assert detail.status_code == 200
        assert detail.json()["reference"] == challenge.reference
        assert [c["id"] for c in listed["items"]] == [challenge.pk]
        assert page.status_code == 200 and challenge.reference in page.content.decode()
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == TINY_PDF
    else:
        assert detail.status_code == 404
        assert detail.json() == {"detail": "Challenge not found.", "code": "not_found"}
        assert listed["items"] == []
        assert page.status_code == 404
        assert download.status_code == 404


def test_anonymous_is_refused(api_client_for, challenge):
    response = api_client_for(None).get(f"/api/v1/challenges/{challenge.pk}")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    page = client_for(None).get(f"/challenges/{challenge.pk}")
    assert page.status_code == 302 and "/account/sign-in" in page["Location"]


def test_the_authority_takes_each_step_through_the_api(people, api_client_for, challenge):
    commissioner = api_client_for(people.commissioner)
    evaluator = api_client_for(people.evaluator)
    path = f"/api/v1/challenges/{challenge.pk}"
    refused = evaluator.post(f"{path}/acknowledgement", {})
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    supplier = api_client_for(people.supplier_a_admin)
    assert supplier.post(f"{path}/acknowledgement", {}).status_code == 403
    early = commissioner.post(f"{path}/outcome", {"outcome": "dismissed", "reasons": "x"})
    assert early.status_code == 422 and early.json()["code"] == "acknowledge_first"
    acknowledged = commissioner.post(f"{path}/acknowledgement", {"note": "Received."})
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    again = commissioner.post(f"{path}/acknowledgement", {})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    blank = commissioner.post(f"{path}/review", {"note": " "})
    assert blank.status_code == 422 and blank.json()["code"] == "note_required"
    reviewed = commissioner.post(f"{path}/review", {"note": "A second evaluator re-read it."})
    assert reviewed.json()["status"] == "under_review"
    not_award = commissioner.post(f"{path}/proceedings", {"note": "Claim issued."})
    assert not_award.json()["code"] == "proceedings_only_for_awards"
    bad = commissioner.post(f"{path}/outcome", {"outcome": "won", "reasons": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    decided = commissioner.post(
        f"{path}/outcome",
        {"outcome": "upheld", "reasons": "The certificate was missed.", "remedy": "reassess"},
    )
    body = decided.json()
    assert decided.status_code == 200, body
    assert (body["status"], body["outcome"], body["remedy"]) == ("decided", "upheld", "reassess")
    assert body["remedy_done_at"] is None
    done = commissioner.post(f"{path}/remedy", {"note": "Re-assessed and admitted."})
    assert done.json()["remedy_done_at"] is not None


def test_a_supplier_raises_a_challenge_through_the_api(
    people, api_client_for, rejected_application
):
    api = api_client_for(people.supplier_a_admin)
    created = api.post(
        "/api/v1/challenges",
        {"kind": "application_rejected", "decision_id": rejected_application.pk, "grounds": "x"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["kind"] == "application_rejected"
    other = api_client_for(people.supplier_b_admin).post(
        "/api/v1/challenges",
        {"kind": "application_rejected", "decision_id": rejected_application.pk, "grounds": "x"},
    )
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert Challenge.objects.count() == 1


def test_a_supplier_attaches_documents_in_a_multipart_form(
    people, api_client_for, rejected_application
):
    api = api_client_for(people.supplier_a_admin)
    form = {
        "kind": "application_rejected",
        "decision_id": str(rejected_application.pk),
        "grounds": "See the certificate.",
        "documents": [SimpleUploadedFile("cover.pdf", TINY_PDF, "application/pdf")],
    }
    response = api.client.post("/api/v1/challenges", form, headers=api._headers())
    assert response.status_code == 201, response.json()
    assert [d["name"] for d in response.json()["documents"]] == ["cover.pdf"]
    fake = dict(form, documents=[SimpleUploadedFile("fake.pdf", b"not a pdf", "application/pdf")])
    refused = api.client.post("/api/v1/challenges", fake, headers=api._headers())
    assert refused.status_code == 422 and refused.json()["code"] == "file_content"


def test_the_authority_sets_its_time_limits(people, api_client_for):
    api = api_client_for(people.commissioner)
    saved = api.post(
        "/api/v1/challenges/time-limits",
        {"authority_id": people.authority.pk, "acknowledge_working_days": 3},
    )
    assert saved.status_code == 200
    assert saved.json() == {
        "authority_id": people.authority.pk,
        "acknowledge_working_days": 3,
        "decision_working_days": None,
    }
    too_long = api.post(
        "/api/v1/challenges/time-limits",
        {"authority_id": people.authority.pk, "decision_working_days": 61},
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "challenge_period_too_long"
    buyer = api_client_for(people.buyer).post(
        "/api/v1/challenges/time-limits", {"authority_id": people.authority.pk}
    )
    assert buyer.status_code == 403


def test_pages_raise_and_decide_a_challenge(people, rejected_application, mailbox):
    supplier = client_for(people.supplier_a_admin)
    chooser = supplier.get("/challenges/new")
    assert "Challenge the rejection of your application" in chooser.content.decode()
    path = f"/challenges/new/application_rejected/{rejected_application.pk}"
    empty = supplier.post(path, {"grounds": ""})
    assert empty.status_code == 400
    assert "Enter the grounds of the challenge" in empty.content.decode()
    assert not Challenge.objects.exists()
    sent = supplier.post(path, {"grounds": "The certificate was attached."})
    challenge = Challenge.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/challenges/{challenge.pk}"
    commissioner = client_for(people.commissioner)
    home = commissioner.get("/").content.decode()
    assert f"Acknowledge challenge {challenge.reference}" in home
    commissioner.post(f"/challenges/{challenge.pk}/acknowledge", {"acknowledge-note": ""})
    missing = commissioner.post(
        f"/challenges/{challenge.pk}/outcome", {"outcome-outcome": "dismissed"}
    )
    assert missing.status_code == 400
    assert "Enter the reasons for the outcome" in missing.content.decode()
    decided = commissioner.post(
        f"/challenges/{challenge.pk}/outcome",
        {
            "outcome-outcome": "dismissed",
            "outcome-reasons": "The evidence was read.",
            "outcome-remedy": "none",
        },
    )
    assert decided.status_code == 302
    page = supplier.get(f"/challenges/{challenge.pk}").content.decode()
    assert "The evidence was read." in page and "Challenge decided" in page
    assert (
        f"Acknowledge challenge {challenge.reference}" not in commissioner.get("/").content.decode()
    )


def test_time_limits_page(people):
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=LONDON), tick=False):
        page = client_for(people.commissioner).post(
            "/challenges/time-limits",
            {"acknowledge_working_days": "1", "decision_working_days": ""},
        )
    assert page.status_code == 302
    assert client_for(people.buyer).get("/challenges/time-limits").status_code == 403

"""After opening (issue 18): the box is open, the authority reads and scores the tenders,
and still no tender content is written back in clear to the database or the file storage.

Before opening and after award are test_services' raw-holdings tests; together they scan
the three states on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.competitions import services
from opendps.competitions.models import TenderSubmission
from opendps.competitions.tests.test_services import _raw_holdings
from opendps.testing.factories import make_call, market_with_both_suppliers, tender
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

MARKERS = [
    b"OPENED-QUALITY-4142",
    b"OPENED-SV-1732",
    b"OPENED-NOTES-2236",
    b"OPENED-DOC-3162",
    b"opened-method.pdf",
    b"76543.21",
]


def test_opening_reading_and_scoring_write_no_tender_content_in_clear(people, fixed_day, settings):
    market = market_with_both_suppliers(people)
    call = make_call(people, market)
    tender(
        people,
        call,
        price="76543.21",
        answers={"quality": "OPENED-QUALITY-4142", "social_value": "OPENED-SV-1732"},
        notes="OPENED-NOTES-2236",
        files=[SimpleUploadedFile("opened-method.pdf", b"%PDF-1.4\nOPENED-DOC-3162\n%%EOF\n")],
    )
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
        submission = TenderSubmission.objects.get(call=call)
        page = client_for(people.buyer).get(f"/calls/{call.pk}/tenders")
        assert b"OPENED-QUALITY-4142" in page.content  # read, in the answer only
        document = client_for(people.buyer).get(
            f"/calls/{call.pk}/tenders/{submission.pk}/documents/0"
        )
        assert document.status_code == 200
        assert b"OPENED-DOC-3162" in document.getvalue()
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        keys = [c["key"] for c in call.criteria if c["kind"] != "price"]
        services.scoresheet_save(
            actor=people.evaluator,
            call=call,
            scores={str(submission.pk): {k: {"score": 3, "reason": "Clear."} for k in keys}},
            submit=True,
        )
    held = _raw_holdings(settings.MEDIA_ROOT)
    for where, raw in held:
        for marker in MARKERS:
            assert marker not in raw, (where, marker)
    assert any(where.endswith(".sealed") for where, _raw in held)

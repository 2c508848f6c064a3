"""Checking a tender receipt on a public page, pasted or uploaded: a clear answer for a
good, a forged and a no-longer-held receipt, and a field error (never a 500) for bad input."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opendps.competitions.forms.receipts import (
    RECEIPT_BOTH,
    RECEIPT_FILE_TOO_LARGE,
    RECEIPT_MISSING,
    RECEIPT_NOT_A_RECEIPT,
    RECEIPT_NOT_JSON,
)
from opendps.competitions.tests.test_own_tender import call as call
from opendps.competitions.tests.test_views import text_of
from opendps.testing.factories import tender

pytestmark = pytest.mark.django_db

URL = "/receipts/verify"


@pytest.fixture
def receipt_json(people, call):
    submission = tender(people, call)
    return json.dumps({"receipt": submission.receipt, "signature": submission.receipt_signature})


def test_the_page_is_public_and_explains_itself():
    page = text_of(Client().get(URL))
    assert "Check a tender receipt" in page and 'name="receipt_text"' in page
    assert 'name="receipt_file"' in page


def test_a_pasted_receipt_is_valid(receipt_json):
    page = text_of(Client().post(URL, {"receipt_text": receipt_json}))
    assert "The receipt is valid" in page


def test_an_uploaded_receipt_is_valid(receipt_json):
    upload = SimpleUploadedFile("receipt.json", receipt_json.encode(), "application/json")
    page = text_of(Client().post(URL, {"receipt_file": upload}))
    assert "The receipt is valid" in page


def test_a_changed_receipt_is_not_valid(receipt_json):
    document = json.loads(receipt_json)
    document["receipt"]["received_at"] = "2020-01-01T00:00:00.000Z"
    page = text_of(Client().post(URL, {"receipt_text": json.dumps(document)}))
    assert "The receipt is not valid" in page
    assert "OpenDPS did not sign this receipt" in page


def test_a_signed_receipt_for_a_tender_no_longer_held_says_so(people, call, receipt_json):
    from opendps.competitions.models import TenderSubmission

    TenderSubmission.objects.update(sealed_sha256="0" * 64)
    page = text_of(Client().post(URL, {"receipt_text": receipt_json}))
    assert "The receipt is not valid" in page
    assert "no longer holds the sealed tender" in page


BAD_INPUT = [
    ("nothing", {}, RECEIPT_MISSING, "receipt_text"),
    ("not json", {"receipt_text": "hello"}, RECEIPT_NOT_JSON, "receipt_text"),
    ("a list", {"receipt_text": "[1, 2]"}, RECEIPT_NOT_A_RECEIPT, "receipt_text"),
    ("nested", {"receipt_text": "[" * 5000 + "]" * 5000}, RECEIPT_NOT_JSON, "receipt_text"),
    (
        "missing fields",
        {"receipt_text": json.dumps({"receipt": {"call_id": 1}, "signature": "x"})},
        RECEIPT_NOT_A_RECEIPT,
        "receipt_text",
    ),
    (
        "wrong types",
        {
            "receipt_text": json.dumps(
                {
                    "receipt": {
                        "call_id": "1",
                        "supplier_id": 1,
                        "submission_id": 1,
                        "received_at": "x",
                        "sealed_sha256": "x",
                        "documents": 0,
                    },
                    "signature": "x",
                }
            )
        },
        RECEIPT_NOT_A_RECEIPT,
        "receipt_text",
    ),
]


@pytest.mark.parametrize(
    ("data", "message", "field"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_is_a_field_error_not_a_500(data, message, field):
    response = Client().post(URL, data)
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert str(message) in page
    assert f'href="#id_{field}"' in page


def test_a_bad_file_is_an_error_at_the_file(receipt_json):
    binary = SimpleUploadedFile("receipt.json", b"\xff\xfe\x00garbage", "application/json")
    page = text_of(Client().post(URL, {"receipt_file": binary}))
    assert str(RECEIPT_NOT_JSON) in page and 'href="#id_receipt_file"' in page
    big = SimpleUploadedFile("receipt.json", b" " * 20_000, "application/json")
    page = text_of(Client().post(URL, {"receipt_file": big}))
    assert str(RECEIPT_FILE_TOO_LARGE) in page
    both = SimpleUploadedFile("receipt.json", receipt_json.encode(), "application/json")
    page = text_of(Client().post(URL, {"receipt_file": both, "receipt_text": receipt_json}))
    assert str(RECEIPT_BOTH) in page

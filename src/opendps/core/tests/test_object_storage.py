"""Files in S3-compatible object storage, against a real S3 server started for the tests
(moto's standalone server, in its own process): what several web nodes share."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opendps.competitions import services
from opendps.competitions.opened import unseal_document, unseal_tenders
from opendps.testing.factories import make_call, market_with_both_suppliers, tender

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = b"%PDF-1.4\nSECRET-METHOD-STATEMENT-S3-4411\n%%EOF\n"
CREDENTIALS = {"aws_access_key_id": "opendps-test", "aws_secret_access_key": "opendps-test"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)  # waiting for a server to start, not for the clock
        else:
            pytest.fail("the S3 server did not start", pytrace=False)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(settings, s3_endpoint: str) -> object:
    """A fresh private bucket as the default storage, configured as production would be."""
    name = f"opendps-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2", **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-2",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "file_overwrite": False,
            },
        }
    }
    return client, name


def objects_in(bucket) -> dict[str, bytes]:
    client, name = bucket
    listing = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listing}


def test_a_sealed_document_is_ciphertext_in_the_bucket_and_opens_after_the_deadline(people, bucket):
    market = market_with_both_suppliers(people)
    call = make_call(people, market, days=1, rapid=True)
    tender(people, call, files=[SimpleUploadedFile("method.pdf", MARKER, "application/pdf")])
    stored = objects_in(bucket)
    sealed = [body for key, body in stored.items() if key.endswith(".sealed")]
    assert len(sealed) == 1
    assert MARKER not in sealed[0] and b"SECRET-METHOD" not in sealed[0]
    import time_machine

    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        opened_call = services.call_open(actor=people.buyer, call=call)
        (opened,) = unseal_tenders(opened_call)
        document = opened.submission.documents.get()
        assert unseal_document(opened_call, document, 0) == MARKER  # read back from S3
    assert opened.documents[0]["name"] == "method.pdf"


def test_evidence_and_readiness_use_the_bucket(people, bucket):
    from opendps.testing.factories import apply, make_market

    market = make_market(people, regime="pa2023_dynamic_market")
    stored_before = set(objects_in(bucket))
    (application,) = apply(
        people, market, supplier=people.supplier_b, actor=people.supplier_b_admin
    )
    assert application.documents.exists()
    new = set(objects_in(bucket)) - stored_before
    assert {d.file.name for d in application.documents.all()} <= new
    ready = Client().get("/readyz").json()
    assert ready["checks"]["storage"] == "ok"

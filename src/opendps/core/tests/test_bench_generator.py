"""``bench/generate.py`` keeps up with the schema.

The generator writes most rows with COPY, outside the ORM, so a new column can break it
without any other test noticing (it once failed on a NOT NULL ``award_notice_reference``).
Here it runs exactly as a person would run it, at a tiny scale, into a throwaway
PostgreSQL database, and the dataset is checked: calls in every state, tenders that were
invited, sealed so that the call's key opens them, with receipts the platform signed.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import connection

from opendps.core import sealing

ROOT = Path(__file__).resolve().parents[4]
BENCH = ROOT / "bench"
SCALE = "0.01"  # 12 suppliers, 230 calls: every state a call can be in, in about 10 s


@pytest.fixture
def generate(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The generator module, imported as the bench scripts import each other."""
    monkeypatch.syspath_prepend(str(BENCH))
    import generate

    return generate


def test_every_not_null_column_of_the_bulk_tables_is_filled_or_has_a_default(generate):
    """Checked before anything is loaded; SQLite runs it too."""
    plan = generate.copy_plan()
    assert set(plan) == set(generate.COLUMNS)
    for table, (columns, _) in plan.items():
        assert columns.split(", ")[: len(generate.COLUMNS[table])] == generate.COLUMNS[table]


def test_a_not_null_column_without_a_default_is_named_before_anything_is_loaded(generate):
    filled = [c for c in generate.COLUMNS["competitions_award"] if c != "winner_id"]
    with pytest.raises(SystemExit, match=r"competitions_award\.winner_id is NOT NULL"):
        generate.model_defaults("competitions_award", filled)
    with pytest.raises(SystemExit, match=r"fills competitions_award\.\['gone'\]"):
        generate.model_defaults("competitions_award", [*filled, "winner_id", "gone"])


def test_defaults_come_from_the_model_fields(generate):
    """Text is "", a nullable column NULL, and a field's own default is used as it is."""
    filled = [
        c
        for c in generate.COLUMNS["competitions_award"]
        if c not in {"award_notice_reference", "standstill_ends_at"}
    ]
    defaults = {f.column: v for f, v in generate.model_defaults("competitions_award", filled)}
    assert defaults == {"award_notice_reference": "", "standstill_ends_at": None}
    filled = [
        c
        for c in generate.COLUMNS["contracts_contract"]
        if c not in {"commitments", "service_users"}
    ]
    defaults = {f.column: v for f, v in generate.model_defaults("contracts_contract", filled)}
    assert defaults == {"service_users": 1, "commitments": {}}


@pytest.fixture
def dataset(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A throwaway database on the test's PostgreSQL server, dropped afterwards."""
    server = connection.settings_dict
    name = f"test_opendps_bench_{os.getpid()}"
    login = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    base = f"postgresql://{login}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    admin = f"{base}/postgres"

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    try:
        yield f"{base}/{name}", tmp_path
    finally:
        drop()


@pytest.mark.postgres_only
def test_the_generator_loads_a_consistent_dataset(dataset):
    url, var_dir = dataset
    # Its keys and results in the test's own folder; its server the test's.
    env = os.environ | {
        "OPENDPS_BENCH_VAR_DIR": str(var_dir),
        "OPENDPS_BENCH_PG": url.rsplit("/", 1)[0],
    }
    run = subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            *("--scale", SCALE, "--database-url", url, "--workers", "1", "--chunk", "100"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads((var_dir / "results" / "generate-s0p01.json").read_text())
    assert summary["rows"]["competitions_call"] == 230
    assert summary["rows"]["accounts_organisation"] == 12 + 2  # suppliers, authorities
    assert set(summary["call_states"]) >= {"open", "closed", "evaluation", "awarded", "cancelled"}

    with psycopg.connect(url) as conn:

        def one(sql: str) -> Any:
            return conn.execute(sql).fetchone()[0]

        counts = {
            table: one(f"SELECT count(*) FROM {table}")
            for table in (
                "competitions_tendersubmission",
                "competitions_invitation",
                "competitions_award",
                "contracts_contract",
            )
        }
        assert all(counts.values()), counts
        # Every tender comes from a supplier invited to its call; every award names a live,
        # compliant tender of its own call; a recorded award notice has its reference.
        assert not one("""
            SELECT count(*) FROM competitions_tendersubmission t
            WHERE NOT EXISTS (SELECT 1 FROM competitions_invitation i
                              WHERE i.call_id = t.call_id AND i.supplier_id = t.supplier_id)""")
        assert not one("""
            SELECT count(*) FROM competitions_award a
            JOIN competitions_tendersubmission t ON t.id = a.winner_id
            WHERE t.call_id <> a.call_id OR t.withdrawn_at IS NOT NULL
               OR t.superseded_at IS NOT NULL OR t.excluded_at IS NOT NULL""")
        assert not one("""
            SELECT count(*) FROM competitions_award
            WHERE award_notice_due_at IS NOT NULL AND award_notice_published_at IS NOT NULL
              AND award_notice_reference = ''""")
        # The new columns the generator does not know took their model defaults.
        assert one("SELECT count(*) FROM competitions_call WHERE price_basis = 'total'") == 230
        call_id, wrapped, tender_supplier, sealed, receipt, signature, received_at = (
            conn.execute("""
                SELECT c.id, c.wrapped_private_key, t.supplier_id, t.sealed_payload,
                       t.receipt, t.receipt_signature, t.received_at
                FROM competitions_tendersubmission t JOIN competitions_call c ON c.id = t.call_id
                ORDER BY t.id LIMIT 1""").fetchone()
        )

    # The receipt was signed with the generator's key, in the form the service signs.
    signing = Ed25519PrivateKey.from_private_bytes(key(var_dir / "signing.key"))
    public = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_b64 = base64.urlsafe_b64encode(public).decode().rstrip("=")
    assert sealing.receipt_signature_valid(receipt, signature, public_b64)
    assert receipt["received_at"].endswith("Z")
    utc = received_at.astimezone(UTC)
    assert receipt["received_at"] == utc.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    # The call's private key, unwrapped with the master key, opens the sealed tender.
    label = f"opendps:call:{call_id}"
    wrapped = bytes(wrapped)
    raw = AESGCM(key(var_dir / "master.key")).decrypt(wrapped[:12], wrapped[12:], label.encode())
    opened = sealing.unseal(
        bytes(sealed),
        X25519PrivateKey.from_private_bytes(raw),
        f"{label}:supplier:{tender_supplier}",
    )
    tender = json.loads(opened)
    assert set(tender) == {"price", "answers", "notes", "documents"}
    assert tender["answers"]


def key(path: Path) -> bytes:
    text = path.read_text().strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

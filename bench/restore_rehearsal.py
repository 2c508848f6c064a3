#!/usr/bin/env python3
"""Restore rehearsal: back up, wipe, restore, verify (docs/deploy.md "Backups, kept apart").

    .venv/bin/python bench/restore_rehearsal.py                  # 50 sealed tenders
    .venv/bin/python bench/restore_rehearsal.py --tenders 500

On 127.0.0.1, with the shared infrastructure of bench/cluster.py: a throwaway PostgreSQL
database (``opendps_restore``), moto's standalone S3 server as the object store, and keys in
a var folder of their own.

1. **Live**: an authority's published call with ``--tenders`` suppliers, each tender sealed
   through the real service with a document (ciphertext in the bucket), a receipt each.
2. **Back up, kept apart**, into three folders that share nothing: the database
   (``pg_dump --format=custom``), the bucket (every object, as a replica would hold it), the
   keys (``master.key``, ``signing.key``, ``secret_key``).
3. **Wipe**: the database is dropped, the S3 server stopped (its store lived in memory), the
   keys deleted.
4. **Restore** into empty ones: a new database (``pg_restore``), a new S3 server and bucket
   (the objects uploaded back), a new var folder holding only the restored keys.
5. **Verify**, in a fresh process on the restored parts: ``opendps audit verify`` passes;
   every receipt handed out before the backup verifies (signature, and the stored tender
   matches it); every sealed document is in the bucket with its hash and still opens with
   the restored master key. Exits 1 otherwise.

The timings of each step are printed and written to ``var/bench/results/restore.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import common
from cluster import start, stop, wait_for_port

DATABASE = "opendps_restore"
BUCKET = "opendps-restore"
KEY_FILES = ("master.key", "signing.key", "secret_key")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def database_url() -> str:
    return urlunparse(urlparse(common.PG_BASE)._replace(path=f"/{DATABASE}"))


def pg_url_for_tools(url: str) -> list[str]:
    """pg_dump / pg_restore arguments for a postgres:// URL (host, port, user, name)."""
    parts = urlparse(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", parts.username]
    return [*args, "-d", parts.path.lstrip("/")]


def s3_env(port: int) -> dict[str, str]:
    return {
        "OPENDPS_S3_BUCKET": BUCKET,
        "OPENDPS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "OPENDPS_S3_ACCESS_KEY_ID": "restore",
        "OPENDPS_S3_SECRET_ACCESS_KEY": "restore",
    }


def s3_client(port: int) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-west-2",
        aws_access_key_id="restore",
        aws_secret_access_key="restore",
    )


def start_s3(work: Path, name: str) -> tuple[subprocess.Popen[bytes], int]:
    port = common.free_port()
    process = start(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        work / f"{name}.log",
    )
    wait_for_port(port)
    s3_client(port).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    return process, port


def run_step(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run this script's ``--live`` or ``--verify`` step in a process of its own."""
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps run inside Django ------------------------------------------------------------


def live(n: int) -> dict[str, Any]:
    """Migrate, then seal ``n`` tenders with a document each; return their receipts."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    import rush

    from opendps.accounts.models import User
    from opendps.competitions import services

    fixture = rush.setup(n)
    receipts = []
    for i, supplier_id in enumerate(fixture["supplier_ids"][:n]):
        actor = User.objects.filter(memberships__organisation_id=supplier_id).first()
        submission = services.tender_submit(
            actor=actor,
            call=fixture["call_id"],
            supplier=actor.memberships.get().organisation,
            price=f"{4000 + i}.00",
            answers={key: f"Answer {i} to {key}." for key in fixture["answer_keys"]},
            files=[SimpleUploadedFile(f"method-{i}.pdf", PDF, "application/pdf")],
        )
        receipts.append({"receipt": submission.receipt, "signature": submission.receipt_signature})
    return {"call_id": fixture["call_id"], "receipts": receipts}


def verify(receipts_file: Path) -> dict[str, Any]:
    """``opendps audit verify`` passes; every receipt verifies; every sealed document is in
    the bucket with its hash and opens."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from opendps.competitions.models import Call, SealedDocument
    from opendps.competitions.opened import unseal_own_document
    from opendps.competitions.receipts import receipt_check

    said = StringIO()
    try:
        call_command("audit", "verify", stdout=said)
        audit_ok = True
    except CommandError as error:
        said.write(str(error))
        audit_ok = False
    receipts = json.loads(receipts_file.read_text())
    bad_receipts = 0
    for item in receipts:
        check = receipt_check(item["receipt"], item["signature"])
        bad_receipts += not (check.signature_valid and check.matches_stored_tender)
    documents = SealedDocument.objects.select_related("submission").order_by("pk")
    missing = wrong_hash = unopened = 0
    for document in documents:
        try:
            with document.file.open("rb") as handle:
                sealed = handle.read()
        except OSError:
            missing += 1
            continue
        if hashlib.sha256(sealed).hexdigest() != document.sealed_sha256:
            wrong_hash += 1
        call = Call.objects.get(pk=document.submission.call_id)
        index = list(document.submission.documents.order_by("pk")).index(document)
        try:
            unseal_own_document(call, document, index)
        except Exception:
            unopened += 1
    return {
        "audit_verify": said.getvalue().strip(),
        "audit_ok": audit_ok,
        "receipts": len(receipts),
        "receipts_not_verified": bad_receipts,
        "documents": documents.count(),
        "documents_missing": missing,
        "documents_wrong_hash": wrong_hash,
        "documents_not_opened": unopened,
    }


# --- the rehearsal ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenders", type=int, default=50)
    parser.add_argument("--live", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.live or args.verify:
        common.VAR_DIR = Path(os.environ["OPENDPS_VAR_DIR"])  # the step's own keys
        common.django_setup(os.environ["DATABASE_URL"])
        result = live(args.tenders) if args.live else verify(args.verify)
        print(json.dumps(result))
        return
    rehearse(args.tenders)


def rehearse(n: int) -> None:
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found: apt-get install postgresql-client")
    work = Path(tempfile.mkdtemp(prefix="opendps-restore-"))
    backup = {name: work / "backup" / name for name in ("database", "objects", "keys")}
    for folder in backup.values():
        folder.mkdir(parents=True)
    url = database_url()
    timings: dict[str, float] = {}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # 1. live
        started = time.perf_counter()
        common.pg_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        common.pg_admin(f'CREATE DATABASE "{DATABASE}"')
        s3, port = start_s3(work, "s3-live")
        processes.append(s3)
        common.VAR_DIR = work / "var-live"
        env = common.bench_env(url, **s3_env(port))
        made = run_step(["--live", "--tenders", str(n)], env)
        timings["live_s"] = time.perf_counter() - started
        receipts_file = work / "receipts.json"  # what the suppliers hold, outside the backup
        receipts_file.write_text(json.dumps(made["receipts"]))

        # 2. back up, each part apart
        with common.timed("backup_s", timings):
            dump = backup["database"] / "opendps.dump"
            subprocess.run(
                ["pg_dump", "--format=custom", "--file", str(dump), *pg_url_for_tools(url)],
                check=True,
            )
            client = s3_client(port)
            names = [
                item["Key"]
                for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
                for item in page.get("Contents", [])
            ]
            for name in names:
                target = backup["objects"] / name
                target.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(BUCKET, name, str(target))
            for key in KEY_FILES:
                shutil.copy2(common.VAR_DIR / key, backup["keys"] / key)

        # 3. wipe
        with common.timed("wipe_s", timings):
            common.pg_admin(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            stop(s3)
            processes.remove(s3)
            shutil.rmtree(common.VAR_DIR)

        # 4. restore into empty ones
        with common.timed("restore_s", timings):
            common.pg_admin(f'CREATE DATABASE "{DATABASE}"')
            subprocess.run(
                ["pg_restore", "--no-owner", *pg_url_for_tools(url), str(dump)], check=True
            )
            s3, port = start_s3(work, "s3-restored")
            processes.append(s3)
            client = s3_client(port)
            for name in names:
                client.upload_file(str(backup["objects"] / name), BUCKET, name)
            common.VAR_DIR = work / "var-restored"
            common.VAR_DIR.mkdir()
            for key in KEY_FILES:
                shutil.copy2(backup["keys"] / key, common.VAR_DIR / key)

        # 5. verify, in fresh processes on the restored parts
        with common.timed("verify_s", timings):
            env = common.bench_env(url, **s3_env(port))
            checked = run_step(["--verify", str(receipts_file)], env)
        result = {
            "tenders": n,
            "objects_backed_up": len(names),
            **checked,
            **{name: round(seconds, 1) for name, seconds in timings.items()},
        }
        print(json.dumps(result, indent=2))
        common.RESULTS.mkdir(parents=True, exist_ok=True)
        (common.RESULTS / "restore.json").write_text(json.dumps(result, indent=2))
        ok = (
            checked["audit_ok"]
            and checked["receipts"] == n
            and checked["receipts_not_verified"] == 0
            and checked["documents"] == n
            and checked["documents_missing"] == 0
            and checked["documents_wrong_hash"] == 0
            and checked["documents_not_opened"] == 0
        )
        if not ok:
            print(f"FAILED: see {work}", flush=True)
            sys.exit(1)
        print("restore rehearsal: audit chain intact, every receipt verifies", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    finally:
        for process in processes:
            stop(process)
        try:
            common.pg_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except Exception as error:
            print(f"could not drop {DATABASE}: {error}")


if __name__ == "__main__":
    main()

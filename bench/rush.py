#!/usr/bin/env python3
"""Deadline rush: 2,000 tender submissions to ONE call through the real API, beside a no-op POST.

    .venv/bin/python bench/rush.py --scale 1            # PostgreSQL: opendps_bench_s1
    .venv/bin/python bench/rush.py --sqlite             # default settings: SQLite, WAL

Setup (in this process, on the target database): an authority, a PA 2023 dynamic market and
a category made through the real services; ``--suppliers`` suppliers admitted to it (bulk,
each with its bid manager and an API token); one call created and published by the real
services (which invite every member). Then ``opendps serve --workers 4`` starts on
127.0.0.1 (with a bench-only URLconf that adds ``POST /bench/noop``) and 32 clients send:

1. ``--submissions`` no-op POSTs with the same JSON bodies (the floor);
2. ``--submissions`` tenders ``POST /api/v1/competitions/{id}/tenders``, each supplier in
   turn (a supplier sending again replaces its tender: the last one counts).

Each phase stops after its count or ``--max-seconds``. Afterwards every acknowledged receipt
(201) is checked against the database: stored (row present with the receipt's hash), lost
(acknowledged but not stored: must be 0), the receipt signature verified, and errors counted
by status (with any "database is locked" named). Exits 1 if any acknowledged tender is lost
or any 5xx was answered.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import common
import loadgen
from loadgen import Req

SITE = {"DJANGO_SETTINGS_MODULE": "benchsite.settings", "PYTHONPATH": str(common.BENCH / "server")}


def setup(n_suppliers: int) -> dict[str, Any]:
    """Authority, market, category, members with tokens, and one published call."""
    import fixture as fx

    from opendps.competitions import services
    from opendps.core.jobs import jobs_suppressed

    made = fx.members(n_suppliers, tokens=True)
    with jobs_suppressed():
        call = fx.draft_call(made)
        started = time.perf_counter()
        call = services.call_publish(actor=made["buyer"], call=call)
        publish_s = time.perf_counter() - started
    keys = [c["key"] for c in call.criteria if c["kind"] != "price"]
    return {
        "call_id": call.pk,
        "tokens": made["tokens"],
        "supplier_ids": made["supplier_ids"],
        "answer_keys": keys,
        "publish_s": round(publish_s, 3),
        "invited": call.invitations.count(),
    }


def body(fixture: dict[str, Any], i: int) -> bytes:
    return json.dumps(
        {
            "price": f"{40000 + (i * 37) % 9000}.{i % 100:02d}",
            "answers": {
                k: f"Answer {i} to {k}: experienced local staff and weekly reviews."
                for k in fixture["answer_keys"]
            },
            "notes": f"submission {i}",
        }
    ).encode()


def verify(fixture: dict[str, Any], receipts: list[dict[str, Any]]) -> dict[str, Any]:
    from opendps.competitions.models import TenderSubmission
    from opendps.core.sealing import receipt_signature_valid

    rows = dict(
        TenderSubmission.objects.filter(call_id=fixture["call_id"]).values_list(
            "pk", "sealed_sha256"
        )
    )
    live = TenderSubmission.objects.filter(
        call_id=fixture["call_id"], withdrawn_at=None, superseded_at=None
    ).count()
    lost = [
        r
        for r in receipts
        if rows.get(r["receipt"]["submission_id"]) != r["receipt"]["sealed_sha256"]
    ]
    bad_signatures = sum(
        1 for r in receipts if not receipt_signature_valid(r["receipt"], r["signature"])
    )
    return {
        "stored_rows": len(rows),
        "live_tenders": live,
        "lost": len(lost),
        "lost_ids": [r["receipt"]["submission_id"] for r in lost][:20],
        "bad_signatures": bad_signatures,
        "distinct_acknowledged": len({r["receipt"]["submission_id"] for r in receipts}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--scale", type=float, help="PostgreSQL bench database of this scale")
    target.add_argument("--database-url")
    target.add_argument(
        "--sqlite", action="store_true", help="default settings: a fresh SQLite file (WAL)"
    )
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--suppliers", type=int, default=2000, help="distinct invited suppliers")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=300, help="bound on each phase")
    args = parser.parse_args()
    if args.sqlite:
        url = None
        sqlite_dir = common.VAR_DIR / "rush-sqlite"
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        sqlite_dir.mkdir(parents=True)
        for name in ("master.key", "signing.key", "secret_key"):
            if (common.VAR_DIR / name).exists():
                shutil.copy(common.VAR_DIR / name, sqlite_dir / name)
        os.environ["OPENDPS_BENCH_VAR_DIR"] = str(sqlite_dir)
        common.VAR_DIR = sqlite_dir
        label = "SQLite (default settings: WAL, IMMEDIATE, busy timeout 20 s)"
    else:
        url = args.database_url or common.database_url_for(args.scale or 1)
        if not common.db_exists(url):
            raise SystemExit(f"{common.db_name(url)} does not exist: run bench/generate.py first")
        label = f"PostgreSQL {common.pg_version(url)} ({common.db_name(url)})"
    common.django_setup(url)
    if args.sqlite:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    print(f"rush on {label}: setting up {args.suppliers} invited suppliers ...", flush=True)
    fixture = setup(args.suppliers)
    print(
        f"call {fixture['call_id']} published to {fixture['invited']} members in {fixture['publish_s']} s",
        flush=True,
    )
    log = (
        common.VAR_DIR / f"rush-server-{'sqlite' if args.sqlite else common.db_name(url or '')}.log"
    )
    n = args.submissions
    receipts: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    counter = {"next": 0}

    def next_index() -> int:
        counter["next"] += 1
        return counter["next"] - 1

    def make_noop(client: int, k: int) -> Req:
        return Req(
            "POST", "/bench/noop", {"Content-Type": "application/json"}, body(fixture, next_index())
        )

    def make_tender(client: int, k: int) -> Req:
        i = next_index()
        token = fixture["tokens"][i % len(fixture["tokens"])]
        return Req(
            "POST",
            f"/api/v1/competitions/{fixture['call_id']}/tenders",
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            body(fixture, i),
        )

    def on_tender(client: int, req: Req, resp: loadgen.Resp) -> None:
        if resp.status == 201:
            receipts.append(json.loads(resp.body))
        else:
            errors.setdefault(str(resp.status), []).append(resp.body[:300].decode(errors="replace"))

    with common.Server(url, workers=args.workers, log=log, **SITE) as server:
        counter["next"] = 0
        noop = loadgen.run(
            loadgen.phase(
                "noop POST",
                server.port,
                make_noop,
                clients=args.clients,
                duration=args.max_seconds,
                max_requests=n,
            )
        )
        counter["next"] = 0
        rush = loadgen.run(
            loadgen.phase(
                "tender POST",
                server.port,
                make_tender,
                clients=args.clients,
                duration=args.max_seconds,
                max_requests=n,
                timeout=60,
                on_response=on_tender,
            )
        )
    checked = verify(fixture, receipts)
    server_log = Path(log).read_text(errors="replace") if Path(log).exists() else ""
    locked = server_log.count("database is locked") + sum(
        body_.count("database is locked") for bodies in errors.values() for body_ in bodies
    )
    five_xx = sum(v for k, v in rush.statuses.items() if isinstance(k, int) and k >= 500)
    result = {
        "database": label,
        "call_id": fixture["call_id"],
        "invited": fixture["invited"],
        "publish_s": fixture["publish_s"],
        "clients": args.clients,
        "workers": args.workers,
        "submissions_sent": rush.count,
        "acknowledged_201": len(receipts),
        **checked,
        "errors_by_status": {k: v for k, v in rush.statuses.items() if k != 201},
        "error_samples": {k: v[:3] for k, v in errors.items()},
        "database_is_locked": locked,
        "server_5xx": five_xx,
        "within_60s": rush.elapsed <= 60 and rush.count >= n,
        "tender": rush.row(),
        "noop": noop.row(),
        "p99_ratio": round(rush.p(99) / noop.p(99), 1) if noop.p(99) else None,
        "throughput_ratio": round(noop.rps / rush.rps, 1) if rush.rps else None,
        "loadavg_after": os.getloadavg(),
        "machine": common.machine(),
    }
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    name = "rush-sqlite" if args.sqlite else f"rush-{common.db_name(url or '')}"
    (common.RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    print()
    print(
        common.table(
            [
                [
                    "tender POST (real API)",
                    rush.count,
                    len(receipts),
                    checked["stored_rows"],
                    checked["lost"],
                    json.dumps(result["errors_by_status"]),
                    round(rush.elapsed, 1),
                    round(rush.rps, 1),
                    round(rush.p(50), 1),
                    round(rush.p(99), 1),
                ],
                [
                    "no-op POST (same server)",
                    noop.count,
                    noop.ok,
                    "-",
                    "-",
                    json.dumps({k: v for k, v in noop.statuses.items() if k != 201}),
                    round(noop.elapsed, 1),
                    round(noop.rps, 1),
                    round(noop.p(50), 1),
                    round(noop.p(99), 1),
                ],
            ],
            [
                "phase",
                "sent",
                "acknowledged",
                "stored",
                "lost",
                "errors",
                "seconds",
                "req/s",
                "p50 ms",
                "p99 ms",
            ],
        )
    )
    print(
        f"\n{label}: p99 x{result['p99_ratio']} the no-op, throughput /{result['throughput_ratio']}; "
        f"'database is locked': {locked}; 5xx: {five_xx}; bad receipt signatures: {checked['bad_signatures']}; "
        f"all {n} within 60 s: {result['within_60s']}"
    )
    if checked["lost"] or five_xx:
        sys.exit(1)


if __name__ == "__main__":
    main()

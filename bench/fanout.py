#!/usr/bin/env python3
"""Fan-out: publishing a call to 10,000 members, beside a raw bulk insert of the same rows.

    .venv/bin/python bench/fanout.py --scale 1          # PostgreSQL: opendps_bench_s1
    .venv/bin/python bench/fanout.py --sqlite           # default settings (SQLite, WAL)

Makes a category with ``--members`` admitted members (``bench/fixture.py``), then, for
``--repeat`` fresh draft calls each:

- ``services.call_publish`` (the real service: lock, regime checks, the active-member
  query, sealing keys, ``bulk_create`` of one invitation per member, audit event, the
  e-mail job queued on commit), timed end to end including the commit;
- the same invitation rows (call, member, supplier, invited_at) written raw into another
  draft call: PostgreSQL ``COPY`` (or, on SQLite, one ``executemany`` INSERT), committed.

Reports the median of each and the ratio. The raw rows are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from typing import Any

import common


def raw_insert(call_id: int, rows: list[tuple[int, int]], now: Any) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(
                "COPY competitions_invitation (call_id, member_id, supplier_id, invited_at) FROM STDIN"
            ) as copy:
                for member_id, supplier_id in rows:
                    copy.write_row((call_id, member_id, supplier_id, now))
        else:
            cursor.executemany(
                "INSERT INTO competitions_invitation (call_id, member_id, supplier_id, invited_at) VALUES (%s, %s, %s, %s)",
                [(call_id, m, s, now) for m, s in rows],
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--scale", type=float)
    target.add_argument("--database-url")
    target.add_argument("--sqlite", action="store_true")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.sqlite:
        url = None
        sqlite_dir = common.VAR_DIR / "fanout-sqlite"
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        sqlite_dir.mkdir(parents=True)
        common.VAR_DIR = sqlite_dir
        label = "SQLite (default settings, WAL)"
    else:
        url = args.database_url or common.database_url_for(args.scale or 1)
        if not common.db_exists(url):
            raise SystemExit(f"{common.db_name(url)} does not exist: run bench/generate.py first")
        label = f"PostgreSQL {common.pg_version(url)} ({common.db_name(url)})"
    common.django_setup(url)
    if args.sqlite:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    import fixture as fx
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opendps.competitions import services
    from opendps.competitions.models import Invitation
    from opendps.core import clock
    from opendps.core.jobs import jobs_suppressed
    from opendps.membership.models import CategoryMember

    print(f"fan-out on {label}: making a category with {args.members:,} members ...", flush=True)
    made = fx.members(args.members)
    rows = list(
        CategoryMember.objects.filter(category=made["category"]).values_list("pk", "supplier_id")
    )
    publish, raw, queries = [], [], []
    with jobs_suppressed():
        for _ in range(args.repeat):
            call = fx.draft_call(made, "Fan-out")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.call_publish(actor=made["buyer"], call=call)
                publish.append(time.perf_counter() - started)
            queries.append(len(captured))
            assert Invitation.objects.filter(call=call).count() == len(rows)
            other = fx.draft_call(made, "Raw insert")
            raw.append(raw_insert(other.pk, rows, clock.now()))
            assert Invitation.objects.filter(call=other).count() == len(rows)
            Invitation.objects.filter(call=other).delete()
    result = {
        "database": label,
        "members": len(rows),
        "repeat": args.repeat,
        "call_publish_s": [round(t, 3) for t in publish],
        "raw_insert_s": [round(t, 3) for t in raw],
        "call_publish_median_s": round(statistics.median(publish), 3),
        "raw_insert_median_s": round(statistics.median(raw), 3),
        "ratio": round(statistics.median(publish) / statistics.median(raw), 1),
        "publish_queries": queries,
        "loadavg": os.getloadavg(),
        "machine": common.machine(),
    }
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    name = "fanout-sqlite" if args.sqlite else f"fanout-{common.db_name(url or '')}"
    (common.RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    print(
        common.table(
            [
                [
                    "services.call_publish",
                    len(rows),
                    result["call_publish_median_s"],
                    ", ".join(map(str, result["call_publish_s"])),
                    queries[0],
                ],
                [
                    "raw bulk insert (COPY / executemany)",
                    len(rows),
                    result["raw_insert_median_s"],
                    ", ".join(map(str, result["raw_insert_s"])),
                    1,
                ],
            ],
            ["what", "invitations", "median s", "runs s", "queries"],
        )
    )
    print(f"\n{label}: publishing costs x{result['ratio']} a raw bulk insert of the same rows")


if __name__ == "__main__":
    main()

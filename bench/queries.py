#!/usr/bin/env python3
"""Hot spots: query counts, SQL time, the slowest queries with EXPLAIN ANALYZE, and the
Python profile of each endpoint measured by bench/http_reads.py, run once in-process.

    .venv/bin/python bench/queries.py --scale 1
    .venv/bin/python bench/queries.py --scale 10 --only api_buyer_calls --explain 3
    .venv/bin/python bench/queries.py --scale 1 --cold-cache   # what the app's cache hides

Uses Django's test client on the bench database (no server, no network), with the same
identities as bench/http_reads.py. Writes var/bench/results/queries-s<scale>.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import sys
import time
from collections import Counter
from typing import Any

import common


def shape(sql: str) -> str:
    """The query with literals replaced, to spot the same query repeated (N+1)."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:160]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url")
    parser.add_argument("--only", nargs="*")
    parser.add_argument(
        "--explain", type=int, default=2, help="EXPLAIN ANALYZE the N slowest queries"
    )
    parser.add_argument(
        "--profile", type=int, default=12, help="top N functions by cumulative time"
    )
    parser.add_argument("--timeout", type=int, default=120, help="statement timeout, seconds")
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="clear Django's cache after the warm-up request: measure what the cache serves",
    )
    args = parser.parse_args()
    url = args.database_url or common.database_url_for(args.scale)
    common.django_setup(url + f"?options=-c%20statement_timeout%3D{args.timeout * 1000}")
    sys.argv = [sys.argv[0]]
    import http_reads as bench_http
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ids = bench_http.identities(4)
    out: list[dict[str, Any]] = []
    for name, description, make in bench_http.endpoints(ids):
        if args.only and name not in args.only:
            continue
        req = make(0, 0)
        headers = {k.upper().replace("-", "_"): v for k, v in req.headers.items()}
        client = Client(HTTP_HOST="127.0.0.1")
        extra: dict[str, Any] = {}
        if "COOKIE" in headers:
            key, _, value = headers.pop("COOKIE").partition("=")
            client.cookies[key] = value
        for k, v in headers.items():
            extra[f"HTTP_{k}"] = v
        try:
            client.get(req.path, **extra)  # warm caches and imports
        except Exception as error:  # e.g. the statement timeout
            print(f"{name}: {type(error).__name__}: {str(error)[:200]}")
            out.append(
                {
                    "name": name,
                    "description": description,
                    "error": f"{type(error).__name__}: {str(error)[:300]}",
                }
            )
            connection.close()
            continue
        if args.cold_cache:
            from django.core.cache import cache

            cache.clear()
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            profiler.enable()
            response = client.get(req.path, **extra)
            profiler.disable()
            elapsed = time.perf_counter() - started
        if response.status_code == 404:
            print(f"{name}: 404, skipped")
            continue
        queries = captured.captured_queries
        sql_time = sum(float(q["time"]) for q in queries)
        repeated = Counter(shape(q["sql"]) for q in queries).most_common(3)
        slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.explain]
        plans = []
        for q in slowest:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            try:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
            except Exception as error:  # the statement timeout
                plan = f"EXPLAIN ANALYZE failed: {error}"
                connection.close()
            plans.append({"time_s": float(q["time"]), "sql": q["sql"][:3000], "plan": plan})
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats("opendps/(?!web/middleware)", args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        entry = {
            "name": name,
            "description": description,
            "status": response.status_code,
            "bytes": len(response.content),
            "seconds": round(elapsed, 3),
            "queries": len(queries),
            "sql_seconds": round(sql_time, 3),
            "python_seconds": round(elapsed - sql_time, 3),
            "most_repeated": [{"count": n, "shape": s} for s, n in repeated],
            "slowest": plans,
            "profile": stream.getvalue(),
        }
        out.append(entry)
        print(
            f"\n=== {name}: {response.status_code}, {len(response.content):,} bytes, {elapsed * 1000:.0f} ms, "
            f"{len(queries)} queries, SQL {sql_time * 1000:.0f} ms, Python {1000 * (elapsed - sql_time):.0f} ms"
        )
        for s, n in repeated:
            if n > 2:
                print(f"   repeated x{n}: {s}")
        for p in plans:
            print(f"   slow {p['time_s'] * 1000:.0f} ms: {p['sql'][:400]}")
            print("     " + "\n     ".join(p["plan"].splitlines()[:14]))
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    cold = "-cold" if args.cold_cache else ""
    path = common.RESULTS / f"queries-s{common.scale_slug(args.scale)}{cold}.json"
    path.write_text(json.dumps(out, indent=2))
    print()
    print(
        common.table(
            [
                [
                    e["name"],
                    e["queries"],
                    int(e["seconds"] * 1000),
                    int(e["sql_seconds"] * 1000),
                    int(e["python_seconds"] * 1000),
                    e["bytes"],
                ]
                if "error" not in e
                else [e["name"], "-", "failed", "-", "-", e["error"][:70]]
                for e in out
            ],
            ["endpoint", "queries", "total ms", "SQL ms", "Python ms", "bytes"],
        )
    )
    print(f"details (plans, profiles): {path}")


if __name__ == "__main__":
    main()

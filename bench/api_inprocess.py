#!/usr/bin/env python3
"""The API's hot reads in this process, through the WSGI handler gunicorn calls.

    .venv/bin/python bench/api_inprocess.py --scale 1          # opendps_bench_s1
    OPENDPS_REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/api_inprocess.py

No server, no load generator, no sockets but the database's and Redis's: each request is a
WSGI call, so the figures are the application's own cost per request (middleware, ninja,
queries, JSON) with nothing else on the CPU. Per endpoint: 20 warm-up requests, then 7
rounds of ``--requests`` requests, the endpoints interleaved round by round; the best
round's mean is reported (the machine's noise only ever adds), with the time spent inside
SQL statements (database round trips included) and the queries per request. Results go to
var/bench/results/api-inprocess-s<scale>.json.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from typing import Any

import common

ROUNDS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=60, help="requests per round")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or common.database_url_for(args.scale)
    if not common.db_exists(url):
        raise SystemExit(f"{common.db_name(url)} does not exist: run bench/generate.py")
    common.django_setup(url)
    import django

    django.setup()
    import http_reads
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    ids = http_reads.identities(4)
    supplier, buyer = ids["supplier_tokens"][0], ids["buyer_tokens"][0]
    endpoints = {
        "healthz": ("/healthz", None),
        "api_call_detail": (f"/api/v1/competitions/{ids['supplier_call'][0]}", supplier),
        "api_supplier_calls": ("/api/v1/competitions?limit=100", supplier),
        "api_buyer_calls": ("/api/v1/competitions?limit=100", buyer),
    }
    in_sql = [0.0, 0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started
            in_sql[1] += 1

    def call(path: str, token: str | None) -> None:
        target, _sep, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": target,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": "application/json",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        statuses: list[str] = []
        b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}: {statuses[0]}")

    for path, token in endpoints.values():
        for _ in range(20):
            call(path, token)
    best: dict[str, tuple[float, float, float]] = {}
    with connection.execute_wrapper(timed):
        for _round in range(ROUNDS):
            for name, (path, token) in endpoints.items():
                in_sql[:] = [0.0, 0]
                started = time.perf_counter()
                for _ in range(args.requests):
                    call(path, token)
                mean = (time.perf_counter() - started) / args.requests * 1000
                if name not in best or mean < best[name][0]:
                    sql_ms = in_sql[0] / args.requests * 1000
                    best[name] = (mean, sql_ms, in_sql[1] / args.requests)
    noop = best["healthz"][0]
    rows = [
        {
            "endpoint": name,
            "ms_per_request": round(mean, 2),
            "ms_in_sql": round(sql_ms, 2),
            "queries_per_request": round(queries, 2),
            "times_the_noop": round(mean / noop, 1),
        }
        for name, (mean, sql_ms, queries) in best.items()
    ]
    print("| endpoint | ms per request | of which in SQL | queries | × no-op |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['endpoint']} | {row['ms_per_request']} | {row['ms_in_sql']} "
            f"| {row['queries_per_request']:g} | {row['times_the_noop']} |"
        )
    out = common.RESULTS / f"api-inprocess-s{args.scale:g}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scale": args.scale, "endpoints": rows}, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()

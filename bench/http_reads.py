#!/usr/bin/env python3
"""HTTP read benchmarks against a production-like server, each beside the no-op /healthz.

    .venv/bin/python bench/http_reads.py --scale 1                 # opendps_bench_s1
    .venv/bin/python bench/http_reads.py --scale 0.1 1 10          # the scaling curve, one run each
    .venv/bin/python bench/http_reads.py --scale 1 --duration 5 --only api_supplier_calls

For each scale: starts ``opendps serve --workers 4`` (gunicorn, sync workers) on
127.0.0.1 at a free port against the generated database, signs in generated people (API
tokens made by the real service, page sessions created directly in the session store), and
for each endpoint runs two phases with 32 concurrent clients: /healthz (the no-op, served
by the same server) and then the endpoint, each for ``--duration`` seconds (capped at
``--max-requests``). Reports p50, p99, throughput and the ratios to the no-op. Endpoints
that answer 404 (not built yet) are skipped with a note. Results go to
var/bench/results/http-s<scale>.json and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from typing import Any

import common
import loadgen
from loadgen import Req

# People of generate.py's authorities (not the rush and fan-out fixtures' one-call buyers).
GENERATED = r"@(dwp|county)[0-9]+\.bench$"


def identities(clients: int) -> dict[str, Any]:
    """Tokens and session cookies for generated people (made in this process via Django)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from opendps.accounts.models import Role, User
    from opendps.accounts.services import api_token_create
    from opendps.competitions.models import Invitation
    from opendps.markets.models import Market

    stamp = time.strftime("%Y%m%d-%H%M%S")
    serial = itertools.count()

    def token(user: User) -> str:
        return api_token_create(actor=user, name=f"bench http {stamp} {next(serial)}")[1]

    def session(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"sessionid={store.session_key}"

    # Busy suppliers: ranks 16-48 by number of invitations (a heavy, not extreme, user).
    busy = list(
        Invitation.objects.values("supplier_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("supplier_id", "n")[: clients * 4]
    )
    supplier_ids = [s for s, _ in busy][clients // 2 : clients // 2 + clients] or [
        s for s, _ in busy
    ]
    suppliers = list(
        User.objects.filter(
            memberships__organisation_id__in=supplier_ids,
            memberships__role=Role.SUPPLIER_ADMIN,
            email__endswith="@supplier.bench",
        ).distinct()[:clients]
    )
    buyers = list(
        User.objects.filter(memberships__role=Role.BUYER, email__regex=GENERATED)
        .distinct()
        .order_by("pk")[:clients]
    )
    evaluators = list(
        User.objects.filter(memberships__role=Role.EVALUATOR, email__regex=GENERATED)
        .distinct()
        .order_by("pk")[:clients]
    )
    invited = dict(
        Invitation.objects.filter(
            supplier__memberships__user__in=suppliers, call__published_at__isnull=False
        )
        .values_list("supplier__memberships__user_id", "call_id")
        .order_by("supplier__memberships__user_id", "-call_id")
    )
    market = Market.objects.order_by("pk").first()
    return {
        "supplier_tokens": [token(u) for u in suppliers],
        "supplier_call": [invited.get(u.pk) for u in suppliers],
        "buyer_tokens": [token(u) for u in buyers],
        "supplier_sessions": [session(u) for u in suppliers],
        "evaluator_sessions": [session(u) for u in evaluators],
        "buyer_sessions": [session(u) for u in buyers],
        "market_id": market.pk if market else 1,
        # Insight on a market is for its own authority's people (others get a 404).
        "market_buyer_tokens": [
            token(u)
            for u in buyers
            if market and u.memberships.filter(organisation_id=market.authority_id).exists()
        ],
        "market_buyer_sessions": [
            session(u)
            for u in buyers
            if market and u.memberships.filter(organisation_id=market.authority_id).exists()
        ],
        "invitations_per_supplier": [n for s, n in busy if s in supplier_ids][:clients],
    }


def endpoints(ids: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(name, description, make(client, n) -> Req)."""

    def pick(key: str, client: int) -> Any:
        values = ids[key]
        return values[client % len(values)]

    def bearer(key: str) -> Any:
        return lambda c: {"Authorization": f"Bearer {pick(key, c)}", "Accept": "application/json"}

    def cookie(key: str) -> Any:
        return lambda c: {"Cookie": pick(key, c)}

    supplier_api, buyer_api = bearer("supplier_tokens"), bearer("buyer_tokens")
    market = ids["market_id"]
    return [
        (
            "api_supplier_calls",
            "GET /api/v1/competitions?limit=100 (a supplier: calls it is invited to)",
            lambda c, n: Req("GET", "/api/v1/competitions?limit=100", supplier_api(c)),
        ),
        (
            "api_buyer_calls",
            "GET /api/v1/competitions?limit=100 (a buyer: its authority's calls)",
            lambda c, n: Req("GET", "/api/v1/competitions?limit=100", buyer_api(c)),
        ),
        (
            "api_call_detail",
            "GET /api/v1/competitions/{id} (a supplier, an invited call)",
            lambda c, n: Req(
                "GET", f"/api/v1/competitions/{pick('supplier_call', c)}", supplier_api(c)
            ),
        ),
        (
            "api_markets",
            "GET /api/v1/markets (public)",
            lambda c, n: Req("GET", "/api/v1/markets", {"Accept": "application/json"}),
        ),
        (
            "page_home_supplier",
            "GET / (home page with next actions, a supplier)",
            lambda c, n: Req("GET", "/", cookie("supplier_sessions")(c)),
        ),
        (
            "page_home_buyer",
            "GET / (home page with next actions, a buyer)",
            lambda c, n: Req("GET", "/", cookie("buyer_sessions")(c)),
        ),
        (
            "page_assessment",
            "GET /assessment (evaluator queue)",
            lambda c, n: Req("GET", "/assessment", cookie("evaluator_sessions")(c)),
        ),
        (
            "page_applications",
            "GET /applications (a supplier's applications)",
            lambda c, n: Req("GET", "/applications", cookie("supplier_sessions")(c)),
        ),
        (
            "page_markets",
            "GET /markets (market list)",
            lambda c, n: Req("GET", "/markets", cookie("supplier_sessions")(c)),
        ),
        (
            "page_supplier_invitations",
            "GET /invitations (a supplier's calls page)",
            lambda c, n: Req("GET", "/invitations", cookie("supplier_sessions")(c)),
        ),
        (
            "page_buyer_calls",
            "GET /calls (a buyer's calls page)",
            lambda c, n: Req("GET", "/calls", cookie("buyer_sessions")(c)),
        ),
        (
            "page_evaluator_calls",
            "GET /evaluation (an evaluator's calls to score)",
            lambda c, n: Req("GET", "/evaluation", cookie("evaluator_sessions")(c)),
        ),
        (
            "ocds_releases",
            "GET /ocds/releases (first page, public)",
            lambda c, n: Req("GET", "/ocds/releases"),
        ),
        (
            "page_home_public",
            "GET / (the public front door, signed out)",
            lambda c, n: Req("GET", "/"),
        ),
        (
            "page_opportunities",
            "GET /opportunities (open calls, public)",
            lambda c, n: Req("GET", "/opportunities"),
        ),
        (
            "page_opportunities_search",
            "GET /opportunities?text=support&region=Leeds (a search, public)",
            lambda c, n: Req("GET", "/opportunities?text=support&region=Leeds"),
        ),
        (
            "page_opportunities_cpv",
            "GET /opportunities?cpv=853 (by CPV, public)",
            lambda c, n: Req("GET", "/opportunities?cpv=853"),
        ),
        (
            "page_awards",
            "GET /awards (contracts awarded, public)",
            lambda c, n: Req("GET", "/awards"),
        ),
        (
            "page_insights_supplier",
            "GET /insights/supplier",
            lambda c, n: Req("GET", "/insights/supplier", cookie("supplier_sessions")(c)),
        ),
        (
            "api_insights_supplier",
            "GET /api/v1/insights/supplier",
            lambda c, n: Req("GET", "/api/v1/insights/supplier", supplier_api(c)),
        ),
        (
            "page_insights_market",
            "GET /insights/markets/{id} (a buyer)",
            lambda c, n: Req(
                "GET", f"/insights/markets/{market}", cookie("market_buyer_sessions")(c)
            ),
        ),
        (
            "api_insights_market",
            "GET /api/v1/insights/market/{id}",
            lambda c, n: Req(
                "GET", f"/api/v1/insights/market/{market}", bearer("market_buyer_tokens")(c)
            ),
        ),
    ]


STATEMENT_TIMEOUT = "?options=-c%20statement_timeout%3D30000"
NOOP = ("healthz", "GET /healthz (no-op)", lambda c, n: Req("GET", "/healthz"))


def bench_scale(scale: float, args: argparse.Namespace) -> dict[str, Any]:
    url = args.database_url or common.database_url_for(scale)
    if not common.db_exists(url):
        raise SystemExit(
            f"{common.db_name(url)} does not exist: run bench/generate.py --scale {scale:g}"
        )
    ids = identities(args.clients)
    results: dict[str, Any] = {
        "scale": scale,
        "database": common.db_name(url),
        "clients": args.clients,
        "duration_s": args.duration,
        "workers": args.workers,
        "loadavg_before": os.getloadavg(),
        "endpoints": [],
        "skipped": [],
    }
    # A statement running past 30 s is cancelled (gunicorn's worker timeout is 30 s too), so
    # a pathological query cannot keep sorting gigabytes on the shared server after the
    # client has given up.
    with common.Server(url + STATEMENT_TIMEOUT, workers=args.workers) as server:
        port = server.port
        for name, description, make in endpoints(ids):
            if args.only and name not in args.only:
                continue
            probe = loadgen.run(loadgen.fetch(port, make(0, 0), timeout=120))
            if probe.status == 404:
                results["skipped"].append(
                    {"name": name, "description": description, "why": "404: not built yet"}
                )
                print(f"  {name}: 404, skipped", flush=True)
                continue
            if probe.status >= 400:
                results["skipped"].append(
                    {
                        "name": name,
                        "description": description,
                        "why": f"{probe.status}: {probe.body[:200]!r}",
                    }
                )
                print(f"  {name}: {probe.status}, skipped: {probe.body[:200]!r}", flush=True)
                continue
            noop = loadgen.run(
                loadgen.phase(
                    "healthz",
                    port,
                    NOOP[2],
                    clients=args.clients,
                    duration=args.duration,
                    max_requests=args.max_requests,
                )
            )
            phase = loadgen.run(
                loadgen.phase(
                    name,
                    port,
                    make,
                    clients=args.clients,
                    duration=args.duration,
                    max_requests=args.max_requests,
                )
            )
            row = phase.row() | {
                "description": description,
                "bytes": len(probe.body),
                "noop_rps": round(noop.rps, 1),
                "noop_p50_ms": round(noop.p(50), 1),
                "noop_p99_ms": round(noop.p(99), 1),
                "p50_ratio": round(phase.p(50) / noop.p(50), 1) if noop.p(50) else None,
                "p99_ratio": round(phase.p(99) / noop.p(99), 1) if noop.p(99) else None,
                "rps_ratio": round(noop.rps / phase.rps, 1) if phase.rps else None,
                # Issue 17's goal: the endpoint's throughput as a share of the no-op's.
                "share_of_noop": round(phase.rps / noop.rps, 3) if noop.rps else None,
                "loadavg": round(os.getloadavg()[0], 2),
            }
            results["endpoints"].append(row)
            print(
                f"  {name}: {row['rps']} req/s p50 {row['p50_ms']} ms p99 {row['p99_ms']} ms "
                f"| no-op {row['noop_rps']} req/s p99 {row['noop_p99_ms']} ms "
                f"| p99 x{row['p99_ratio']}, throughput /{row['rps_ratio']} "
                f"(share {row['share_of_noop']}) | errors {row['errors']}",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0])
    parser.add_argument("--database-url", help="only with a single --scale")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap per phase")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="endpoint names to run")
    args = parser.parse_args()
    if args.database_url and len(args.scale) > 1:
        raise SystemExit("--database-url goes with a single --scale")
    all_results = []
    for scale in args.scale:
        url = args.database_url or common.database_url_for(scale)
        print(
            f"scale {scale:g} ({common.db_name(url)}), {args.clients} clients, {args.duration:g} s per phase",
            flush=True,
        )
        # Each scale's identities are made in a fresh process, so Django points at its DB.
        if len(args.scale) > 1:
            import subprocess

            cmd = [
                sys.executable,
                __file__,
                "--scale",
                f"{scale:g}",
                "--clients",
                str(args.clients),
                "--duration",
                str(args.duration),
                "--max-requests",
                str(args.max_requests),
                "--workers",
                str(args.workers),
            ] + (["--only", *args.only] if args.only else [])
            subprocess.run(cmd, check=True, timeout=3600)
            all_results.append(
                json.loads((common.RESULTS / f"http-s{common.scale_slug(scale)}.json").read_text())
            )
            continue
        common.django_setup(url)
        results = bench_scale(scale, args)
        results["machine"] = common.machine()
        results["postgres"] = common.pg_version(url)
        common.RESULTS.mkdir(parents=True, exist_ok=True)
        path = common.RESULTS / f"http-s{common.scale_slug(scale)}.json"
        if args.only and path.exists():  # a partial rerun replaces only its endpoints
            old = json.loads(path.read_text())
            fresh = {r["name"]: r for r in results["endpoints"]}
            results["endpoints"] = [fresh.pop(r["name"], r) for r in old["endpoints"]] + list(
                fresh.values()
            )
            results["skipped"] = [
                x for x in old["skipped"] if x["name"] not in args.only
            ] + results["skipped"]
        (common.RESULTS / f"http-s{common.scale_slug(scale)}.json").write_text(
            json.dumps(results, indent=2)
        )
        all_results.append(results)
        print()
        print(
            common.table(
                [
                    [
                        r["name"],
                        r["requests"],
                        r["rps"],
                        r["p50_ms"],
                        r["p99_ms"],
                        r["noop_rps"],
                        r["noop_p99_ms"],
                        f"x{r['p99_ratio']}",
                        f"/{r['rps_ratio']}",
                        r.get("share_of_noop"),
                        sum(r["errors"].values()),
                    ]
                    for r in results["endpoints"]
                ],
                [
                    "endpoint",
                    "requests",
                    "req/s",
                    "p50 ms",
                    "p99 ms",
                    "no-op req/s",
                    "no-op p99 ms",
                    "p99 vs no-op",
                    "throughput vs no-op",
                    "share of no-op",
                    "errors",
                ],
            )
        )
        for s in results["skipped"]:
            print(f"skipped {s['name']} ({s['description']}): {s['why']}")
    if len(all_results) > 1:
        print("\nScaling curve (p99 ms by scale):")
        names = [r["name"] for r in all_results[0]["endpoints"]]
        rows = []
        for name in names:
            cells = [name]
            for res in all_results:
                match = next((r for r in res["endpoints"] if r["name"] == name), None)
                cells.append(f"{match['p99_ms']} (x{match['p99_ratio']})" if match else "-")
            rows.append(cells)
        print(
            common.table(
                rows, ["endpoint"] + [f"s{r['scale']:g} p99 ms (vs no-op)" for r in all_results]
            )
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Print the Markdown tables of BENCHMARKS.md from var/bench/results/*.json.

    .venv/bin/python bench/report.py            # after running the benchmarks
    .venv/bin/python bench/report.py --before var/bench/results-before

Paste the output into BENCHMARKS.md. With ``--before DIR`` (the results of the same
commands run on the code before a change) it also prints before → after tables for the
HTTP reads and the in-process query counts.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import common


def load(name: str) -> Any:
    path = common.RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def _by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in rows}


def compare_http(before: dict[str, Any], after: dict[str, Any]) -> None:
    """p99 and throughput per endpoint, each beside its own run's no-op."""
    print(f"\n### Before → after: HTTP reads at scale {after['scale']:g}\n")
    old = _by_name(before["endpoints"])
    rows = []
    for new in after["endpoints"]:
        was = old.get(new["name"])
        rows.append(
            [
                new["name"],
                f"{was['p99_ms']} (x{was['p99_ratio']})" if was else "timed out",
                f"{new['p99_ms']} (x{new['p99_ratio']})",
                was["rps"] if was else "-",
                new["rps"],
                f"x{was['p99_ms'] / new['p99_ms']:.1f}" if was and new["p99_ms"] else "-",
                sum(was["errors"].values()) if was and was["errors"] else 0,
                sum(new["errors"].values()) if new["errors"] else 0,
            ]
        )
    print(
        common.table(
            rows,
            [
                "endpoint",
                "p99 ms before (vs no-op)",
                "p99 ms after (vs no-op)",
                "req/s before",
                "req/s after",
                "p99 faster",
                "errors before",
                "errors after",
            ],
        )
    )
    for skipped in before.get("skipped", []):
        print(f"\nbefore, skipped {skipped['name']}: {skipped['why']}")


def compare_queries(before: list[dict[str, Any]], after: list[dict[str, Any]], slug: str) -> None:
    """One request in-process: queries, time and bytes."""
    print(f"\n### Before → after: one request in-process, scale {slug.replace('p', '.')}\n")
    old = _by_name(before)
    rows = []
    for new in after:
        was = old.get(new["name"], {})
        rows.append(
            [
                new["name"],
                f"{was.get('queries', '-')} → {new['queries']}",
                f"{round(was['seconds'] * 1000) if was else '-'} → {round(new['seconds'] * 1000)}",
                f"{round(was['sql_seconds'] * 1000) if was else '-'} → "
                f"{round(new['sql_seconds'] * 1000)}",
                f"{was.get('bytes', '-'):,} → {new['bytes']:,}" if was else f"- → {new['bytes']:,}",
            ]
        )
    print(common.table(rows, ["endpoint", "queries", "total ms", "SQL ms", "bytes"]))


def compare(before_dir: Path) -> None:
    for slug in ("0p1", "1", "10"):
        name = f"http-s{slug}.json"
        if (before_dir / name).exists() and load(name):
            compare_http(json.loads((before_dir / name).read_text()), load(name))
    for slug in ("0p1", "1", "10"):
        name = f"queries-s{slug}.json"
        if (before_dir / name).exists() and load(name):
            compare_queries(json.loads((before_dir / name).read_text()), load(name), slug)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, help="results of the same runs before a change")
    options = parser.parse_args()
    for slug in ("0p1", "1", "10"):
        gen = load(f"generate-s{slug}.json")
        if gen:
            print(
                f"\n### Dataset, scale {gen['scale']:g} ({gen['database']}, {gen['database_size']})\n"
            )
            print(common.table([[k, f"{v:,}"] for k, v in gen["rows"].items()], ["table", "rows"]))
            print()
            print(common.table([[k, v] for k, v in gen["timings_s"].items()], ["step", "seconds"]))
            print(
                f"\ncall states: {gen['call_states']}; tender crypto {gen['crypto_cpu_s']} s in workers"
            )
    curve = []
    for slug in ("0p1", "1", "10"):
        res = load(f"http-s{slug}.json")
        if not res:
            continue
        curve.append(res)
        print(
            f"\n### HTTP reads, scale {res['scale']:g} ({res['clients']} clients, {res['duration_s']:g} s per phase, "
            f"{res['workers']} workers; load average before {res['loadavg_before'][0]:.1f})\n"
        )
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
                        sum(r["errors"].values()) if r["errors"] else 0,
                        r.get("loadavg", ""),
                    ]
                    for r in res["endpoints"]
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
                    "errors",
                    "load avg",
                ],
            )
        )
        for s in res["skipped"]:
            print(f"\nskipped {s['name']}: {s['why']}")
    if len(curve) > 1:
        print("\n### Scaling curve: p99 ms (ratio to the no-op p99 of the same run)\n")
        names = [r["name"] for r in curve[0]["endpoints"]]
        rows = []
        for name in names:
            cells = [name]
            for res in curve:
                match = next((r for r in res["endpoints"] if r["name"] == name), None)
                cells.append(f"{match['p99_ms']} (x{match['p99_ratio']})" if match else "-")
            first = next((r for r in curve[0]["endpoints"] if r["name"] == name), None)
            last = next((r for r in curve[-1]["endpoints"] if r["name"] == name), None)
            cells.append(
                f"x{last['p99_ms'] / first['p99_ms']:.1f}"
                if first and last and first["p99_ms"]
                else "-"
            )
            rows.append(cells)
        print(
            common.table(
                rows,
                ["endpoint"]
                + [f"scale {r['scale']:g}" for r in curve]
                + [f"growth {curve[0]['scale']:g}→{curve[-1]['scale']:g}"],
            )
        )
    for name in sorted(os.listdir(common.RESULTS)) if common.RESULTS.exists() else []:
        if name.startswith("rush-"):
            r = load(name)
            print(f"\n### Deadline rush: {r['database']}\n")
            t, n = r["tender"], r["noop"]
            print(
                common.table(
                    [
                        [
                            "tender POST",
                            r["submissions_sent"],
                            r["acknowledged_201"],
                            r["stored_rows"],
                            r["lost"],
                            json.dumps(r["errors_by_status"]),
                            t["seconds"],
                            t["rps"],
                            t["p50_ms"],
                            t["p99_ms"],
                        ],
                        [
                            "no-op POST",
                            n["requests"],
                            n["ok"],
                            "-",
                            "-",
                            json.dumps(n["errors"]),
                            n["seconds"],
                            n["rps"],
                            n["p50_ms"],
                            n["p99_ms"],
                        ],
                    ],
                    [
                        "phase",
                        "sent",
                        "acknowledged (201)",
                        "stored",
                        "lost",
                        "errors",
                        "s",
                        "req/s",
                        "p50 ms",
                        "p99 ms",
                    ],
                )
            )
            print(
                f"\np99 x{r['p99_ratio']} the no-op, throughput /{r['throughput_ratio']}; "
                f"'database is locked': {r['database_is_locked']}; 5xx: {r['server_5xx']}; "
                f"bad signatures: {r['bad_signatures']}; all within 60 s: {r['within_60s']}; "
                f"load average after: {r['loadavg_after'][0]:.1f}"
            )
        if name.startswith("fanout-"):
            r = load(name)
            print(f"\n### Fan-out to {r['members']:,} members: {r['database']}\n")
            print(
                common.table(
                    [
                        [
                            "services.call_publish",
                            r["call_publish_median_s"],
                            ", ".join(map(str, r["call_publish_s"])),
                            r["publish_queries"][0],
                        ],
                        [
                            "raw bulk insert of the same rows",
                            r["raw_insert_median_s"],
                            ", ".join(map(str, r["raw_insert_s"])),
                            1,
                        ],
                    ],
                    ["what", "median s", "runs s", "queries"],
                )
            )
            print(f"\nratio x{r['ratio']} (load average {r['loadavg'][0]:.1f})")
    if options.before:
        compare(options.before)


if __name__ == "__main__":
    main()

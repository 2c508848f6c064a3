"""`make test`: the suite on SQLite (with the Chromium journeys), then on PostgreSQL.

A part that cannot run (no PostgreSQL server, no Chromium) is reported as SKIPPED on a
developer's machine and fails the run when CI=true or OPENDPS_REQUIRE_ALL is set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import psycopg

NO_TESTS_COLLECTED = 5


def postgres_reachable(url: str) -> str | None:
    """None if a connection succeeds, else the reason."""
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def run_pytest(label: str, extra_env: dict[str, str], args: list[str]) -> int:
    print(f"\n===== {label} =====", flush=True)
    env = os.environ | extra_env
    # Two workers: the machines have two cores; each worker gets its own test database.
    workers = os.environ.get("OPENDPS_TEST_WORKERS", "2")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers]
    code = subprocess.call([*command, *args], env=env)  # noqa: S603
    if code == NO_TESTS_COLLECTED:
        print(f"{label}: no tests ran — treated as a failure", flush=True)
        return 1
    return code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("pytest_args", nargs="*")
    options = parser.parse_args()
    strict = os.environ.get("CI", "").lower() == "true" or bool(
        os.environ.get("OPENDPS_REQUIRE_ALL")
    )
    results: list[tuple[str, str]] = []

    code = run_pytest("SQLite suite (with Chromium browser tests)", {}, options.pytest_args)
    results.append(("SQLite + Chromium", "passed" if code == 0 else "FAILED"))

    reason = postgres_reachable(options.postgres_url)
    if reason is None:
        pg_code = run_pytest(
            "PostgreSQL suite",
            {"DATABASE_URL": options.postgres_url},
            ["-m", "not browser", *options.pytest_args],
        )
        results.append(("PostgreSQL", "passed" if pg_code == 0 else "FAILED"))
        code = code or pg_code
    else:
        verdict = "FAILED (required in CI)" if strict else "SKIPPED"
        results.append(("PostgreSQL", f"{verdict}: server not reachable ({reason})"))
        if strict:
            code = code or 1

    print("\n===== summary =====")
    for name, outcome in results:
        print(f"  {name}: {outcome}")
    if reason is not None and not strict:
        print("  The PostgreSQL suite was SKIPPED. Start PostgreSQL or set DATABASE_URL to run it.")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark ``opendps export ocds FILE``: releases per second and peak memory, by size.

Generates rows straight into a fresh database with bulk inserts (markets with their notice,
calls published, cancelled or awarded with three tenders, awards and contracts), grows the
set step by step, and after each step runs the export in a child process, printing the
releases written, releases per second, the child's peak RSS and the file size. Flat memory
shows as a peak RSS that does not grow with the number of releases.

    .venv/bin/python bench/ocds_export.py                      # SQLite in a temporary folder
    .venv/bin/python bench/ocds_export.py --sizes 5000 50000   # releases after each step
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/ocds_export.py

With PostgreSQL a scratch database ``opendps_bench_<pid>`` is created beside the one named
and dropped at the end; nothing is written to the named database itself.

``--existing URL`` only exports a database that is already there (for example the
national-scale one that bench/generate.py makes), reading it and writing nothing:

    .venv/bin/python bench/ocds_export.py --existing postgres://postgres@127.0.0.1:5432/opendps_bench_s1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

# Releases per awarded call: tender, award, contract; per cancelled call: tender, cancel.
CANCELLED_EVERY = 10
CALLS_PER_MARKET = 200
TENDERS_PER_CALL = 3


def _scratch_postgres(url: str) -> tuple[str, str]:
    """A new empty database beside the one in ``url``: (its URL, its name)."""
    import psycopg

    name = f"opendps_bench_{os.getpid()}"
    conninfo = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _sep, _db = url.rpartition("/")
    return f"{base}/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Generator:
    """Adds rows until the database holds a given number of releases."""

    def __init__(self) -> None:
        from opendps.accounts.models import Organisation, OrganisationKind, User

        self.authority = Organisation.objects.create(
            kind=OrganisationKind.AUTHORITY, name="Bench Borough Council", postcode="BB1 1AA"
        )
        self.suppliers = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=OrganisationKind.SUPPLIER,
                    name=f"Bench Supplier {n}",
                    registration_number=f"{10000000 + n}",
                    is_sme=n % 3 != 0,
                )
                for n in range(50)
            ]
        )
        self.user = User.objects.create_user("bench@bench.test", None, full_name="Bench")
        self.releases = 0
        self.moment = datetime(2026, 1, 5, 9, tzinfo=UTC)

    def _tick(self) -> datetime:
        self.moment += timedelta(minutes=7)
        return self.moment

    def grow_to(self, target: int) -> None:
        while self.releases < target:
            self._market(min(CALLS_PER_MARKET, max(1, (target - self.releases) // 3)))

    def _market(self, calls: int) -> None:
        from opendps.competitions.models import Award, Call, TenderSubmission
        from opendps.contracts.models import Contract
        from opendps.markets.models import Category, Market, MarketNotice, NoticeKind

        published = self._tick()
        market = Market.objects.create(
            authority=self.authority,
            regime="pcr2015_dps",
            title=f"Bench DPS {published:%Y%m%d%H%M}",
            description="Employment support purchased through a dynamic purchasing system.",
            cpv_codes=["79600000-0", "80500000-9"],
            estimated_value=Decimal("2500000"),
            estimated_purchases=1000,
            nation="england_wales",
            validity_starts_at=published,
            validity_ends_at=published + timedelta(days=700),
            created_by=self.user,
            created_at=published,
            published_at=published,
        )
        categories = Category.objects.bulk_create(
            [
                Category(market=market, title=title, position=n)
                for n, title in enumerate(["CV and job search support", "Basic skills"])
            ]
        )
        MarketNotice.objects.create(
            market=market,
            kind=NoticeKind.CONTRACT_NOTICE,
            published_at=published,
            summary=market.title,
            data={"validity_ends_at": market.validity_ends_at.isoformat()},
        )
        self.releases += 1
        criteria = [
            {"key": "quality", "name": "Quality", "kind": "quality", "weight": "60"},
            {"key": "social_value", "name": "Social value", "kind": "social_value", "weight": "10"},
            {"key": "price", "name": "Price", "kind": "price", "weight": "30"},
        ]
        rows = []
        for n in range(calls):
            at = self._tick()
            rows.append(
                Call(
                    market=market,
                    category=categories[n % 2],
                    buyer=self.authority,
                    created_by=self.user,
                    created_at=at,
                    title=f"Call {n} for CV support",
                    requirement="Two 1-2-1 sessions for each of 20 claimants.",
                    estimated_value=Decimal("5000"),
                    criteria=criteria,
                    deadline=at + timedelta(days=11),
                    clarification_deadline=at + timedelta(days=8),
                    published_at=at,
                    cancelled_at=at + timedelta(days=2) if n % CANCELLED_EVERY == 0 else None,
                )
            )
        calls_made = Call.objects.bulk_create(rows, batch_size=500)
        awarded = [call for call in calls_made if call.cancelled_at is None]
        tenders = TenderSubmission.objects.bulk_create(
            [
                TenderSubmission(
                    call=call,
                    supplier=self.suppliers[(call.pk + k) % len(self.suppliers)],
                    submitted_by=self.user,
                    received_at=call.published_at + timedelta(days=1, minutes=k),
                    sealed_payload=b"sealed",
                    sealed_sha256="0" * 64,
                    receipt={},
                    receipt_signature="",
                )
                for call in awarded
                for k in range(TENDERS_PER_CALL)
            ],
            batch_size=1000,
        )
        winners = tenders[::TENDERS_PER_CALL]
        awards = Award.objects.bulk_create(
            [
                Award(
                    call=call,
                    winner=winner,
                    decided_by=self.user,
                    decided_at=call.deadline + timedelta(days=3),
                    ranking=[],
                    contract_value=Decimal("4750.50"),
                )
                for call, winner in zip(awarded, winners, strict=True)
            ],
            batch_size=500,
        )
        Contract.objects.bulk_create(
            [
                Contract(
                    call_id=award.call_id,
                    award=award,
                    buyer=self.authority,
                    supplier_id=winner.supplier_id,
                    value=award.contract_value,
                    entered_at=award.decided_at,
                )
                for award, winner in zip(awards, winners, strict=True)
            ],
            batch_size=500,
        )
        self.releases += len(calls_made) * 2 + len(awarded)


# The child reports its own peak RSS (VmHWM): the parent's rusage would count the pages a
# forked child shares with this process (grown by the generator) before it execs.
_CHILD = (
    "import sys; from opendps.cli import main; main(sys.argv[1:]); "
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')),"
    " file=sys.stderr)"
)


def export_in_child(path: Path, env: dict[str, str], chunk_size: int) -> tuple[float, int]:
    """Run the real command in a child process: (seconds, its peak RSS in KiB)."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            "export",
            "ocds",
            str(path),
            "--no-progress",
            "--chunk-size",
            str(chunk_size),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    return seconds, int(done.stderr.strip().splitlines()[-1])


def export_existing(url: str, chunk_size: int) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="opendps-bench-"))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="opendps.settings",
        PYTHONPATH=str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    )
    path = workdir / "ocds.json"
    seconds, peak_kib = export_in_child(path, env, chunk_size)
    written = path.read_text().count('"initiationType"')
    print(f"{written} releases in {seconds:.2f} s: {written / seconds:.0f} releases/s, ", end="")
    print(f"peak RSS {peak_kib / 1024:.1f} MiB, file {path.stat().st_size / 2**20:.1f} MiB")
    path.unlink()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 10_000, 40_000])
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--existing", metavar="DATABASE_URL", help="Export this database only.")
    options = parser.parse_args()
    if options.existing:
        return export_existing(options.existing, options.chunk_size)

    workdir = Path(tempfile.mkdtemp(prefix="opendps-bench-"))
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="opendps.settings",
        OPENDPS_VAR_DIR=str(workdir),
        PYTHONPATH=str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    )
    scratch = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        original = env["DATABASE_URL"]
        env["DATABASE_URL"], scratch = _scratch_postgres(original)
    os.environ.update(env)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        generator = Generator()
        print(f"database: {connection.vendor}; chunk size {options.chunk_size}")
        print(f"{'releases':>10} {'seconds':>8} {'releases/s':>11} {'peak RSS MiB':>13} {'MiB':>7}")
        for size in sorted(options.sizes):
            generator.grow_to(size)
            path = workdir / f"ocds-{size}.json"
            seconds, peak_kib = export_in_child(path, env, options.chunk_size)
            written = path.read_text().count('"initiationType"')
            print(
                f"{written:>10} {seconds:>8.2f} {written / seconds:>11.0f} "
                f"{peak_kib / 1024:>13.1f} {path.stat().st_size / 2**20:>7.1f}",
                flush=True,
            )
            path.unlink()
        connection.close()
    finally:
        if scratch is not None:
            _drop_postgres(original, scratch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

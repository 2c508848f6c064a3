"""Shared helpers for the benchmark scripts: environment, databases, servers, timing.

Every benchmark talks only to 127.0.0.1 and stops by itself (a time limit and a request
count). Nothing here is imported by the application.
"""

from __future__ import annotations

import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# Keys (master key, signing key, secret key) shared by the generator and the servers the
# benchmarks start, so tenders sealed by the generator can be opened by the server.
VAR_DIR = Path(os.environ.get("OPENDPS_BENCH_VAR_DIR", ROOT / "var" / "bench"))
RESULTS = VAR_DIR / "results"
PG_BASE = os.environ.get("OPENDPS_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
OPENDPS = str(ROOT / ".venv" / "bin" / "opendps") if (ROOT / ".venv").exists() else "opendps"


def scale_slug(scale: float) -> str:
    """0.1 -> "0p1", 1 -> "1", 10 -> "10"."""
    text = f"{scale:g}"
    return text.replace(".", "p")


def database_url_for(scale: float) -> str:
    return f"{PG_BASE}/opendps_bench_s{scale_slug(scale)}"


def loopback_only(url: str) -> None:
    """Refuse any database or server that is not on this machine (the workplace rule)."""
    host = urlparse(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1", ""} and not host.startswith("127."):
        raise SystemExit(
            f"refusing a non-loopback address: {host!r} (benchmarks stay on 127.0.0.1)"
        )


def bench_env(database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment for a server or a Django process of the benchmarks."""
    env = dict(os.environ)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env["OPENDPS_VAR_DIR"] = str(VAR_DIR)
    env.setdefault("OPENDPS_LOG_LEVEL", "ERROR")
    env["DJANGO_SETTINGS_MODULE"] = "opendps.settings"
    env.pop("OPENDPS_TESTING", None)
    # The API's rate limits stay on (their cost is part of every request) but out of reach:
    # one load generator is one address sending thousands of requests a minute.
    env.setdefault("OPENDPS_API_RATE_LIMIT", "100000000/minute")
    env.setdefault("OPENDPS_API_ADDRESS_RATE_LIMIT", "100000000/minute")
    if database_url:
        loopback_only(database_url)
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def django_setup(database_url: str | None, **extra: str) -> None:
    """Configure this process for Django on the given database (None: default SQLite)."""
    os.environ.update(bench_env(database_url, **extra))
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


def pg_admin(sql: str, dbname: str = "postgres") -> None:
    import psycopg

    url = urlparse(PG_BASE)
    loopback_only(PG_BASE)
    with psycopg.connect(urlunparse(url._replace(path=f"/{dbname}")), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def db_name(database_url: str) -> str:
    return urlparse(database_url).path.lstrip("/")


def db_exists(database_url: str) -> bool:
    import psycopg

    loopback_only(database_url)
    url = urlparse(database_url)
    with psycopg.connect(urlunparse(url._replace(path="/postgres")), autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db_name(database_url)]
        ).fetchone()
    return row is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``opendps serve`` (gunicorn, N sync workers) on 127.0.0.1 at a free port."""

    def __init__(
        self, database_url: str | None, workers: int = 4, log: Path | None = None, **env: str
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.env = bench_env(database_url, **env)
        self.log = log or (VAR_DIR / f"server-{self.port}.log")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                OPENDPS,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited early; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if b"200" in sock.recv(64):
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"server did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the gunicorn master and its workers
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
        cpu = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.+)", cpu)
        info["cpu"] = model.group(1).strip() if model else ""
    except OSError:
        pass
    return info


def pg_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


@contextmanager
def timed(label: str, into: dict[str, float]) -> Any:
    start = time.perf_counter()
    try:
        yield
    finally:
        into[label] = round(time.perf_counter() - start, 2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A GitHub-flavoured Markdown table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for row in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)

#!/usr/bin/env python3
"""Two web nodes behind HAProxy, one killed mid-rush: no acknowledged tender is lost.

    .venv/bin/python bench/cluster.py            # 2,000 tenders, 2 nodes x 2 workers
    .venv/bin/python bench/cluster.py --short    # 200 tenders: what CI runs

Everything runs on 127.0.0.1 and is stopped at the end: a throwaway PostgreSQL database
(``opendps_cluster``, dropped afterwards), Redis (the job queue and the shared cache; it
must be running, as on these machines), moto's standalone S3 server (file storage), two
``opendps serve`` nodes sharing all three and the same keys, and HAProxy (Debian's package)
balancing between them with ``/readyz`` as its health check.

Clients send tenders through HAProxy, each with its own ``Idempotency-Key``; a client that
gets no answer, a 502/503 or a 409 "still in progress" sends the same request again with
the same key. When a third of the tenders have been sent, node B's whole process group is
killed with SIGKILL. Afterwards every acknowledged receipt must be stored with its hash and
its signature must verify (0 lost); each key must have produced exactly one submission; and
re-sending a sample of keys must return the very same receipts. Exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import common
import rush

DATABASE = "opendps_cluster"
RETRY_FOR_SECONDS = 180
REDIS_URL = "redis://127.0.0.1:6379/14"
BUCKET = "opendps-cluster"
HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 2
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 500ms fall 2 rise 2
    server a 127.0.0.1:{a} check
    server b 127.0.0.1:{b} check
"""


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered on 127.0.0.1:{port}")


def start(command: list[str], log: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=os.environ | env,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


def fresh_database() -> str:
    common.pg_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    common.pg_admin(f'CREATE DATABASE "{DATABASE}"')
    base = urlparse(common.PG_BASE)
    return urlunparse(base._replace(path=f"/{DATABASE}"))


def require_redis() -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        raise SystemExit("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)") from None


class Sender:
    """Sends tender i with key rush-i until it is answered, retrying what a client would."""

    def __init__(self, port: int, fixture: dict[str, Any]) -> None:
        self.port = port
        self.fixture = fixture
        self.receipts: dict[int, dict[str, Any]] = {}
        self.retries = 0
        self.refused: dict[int, int] = {}
        self.gave_up: dict[int, int] = {}  # tender -> the last status it got
        self.lock = threading.Lock()

    def post(self, i: int) -> tuple[int, bytes]:
        token = self.fixture["tokens"][i % len(self.fixture["tokens"])]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "POST",
                f"/api/v1/competitions/{self.fixture['call_id']}/tenders",
                body=rush.body(self.fixture, i),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"rush-{i}",
                },
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def send(self, i: int) -> None:
        # Retry for longer than a dead node's claim lasts (60 s): as a patient client would.
        give_up = time.monotonic() + RETRY_FOR_SECONDS
        attempt = 0
        while time.monotonic() < give_up:
            attempt += 1
            try:
                status, body = self.post(i)
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            if status == 201:
                with self.lock:
                    self.receipts[i] = json.loads(body)
                return
            if status in {0, 409, 502, 503, 504}:
                with self.lock:
                    self.retries += 1
                time.sleep(min(0.2 * (attempt + 1), 2.0))  # back off, then the same key again
                continue
            with self.lock:
                self.refused[status] = self.refused.get(status, 0) + 1
            return
        with self.lock:
            self.gave_up[i] = status


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="200 tenders (CI)")
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    args = parser.parse_args()
    n = 200 if args.short else args.submissions
    if not shutil.which("haproxy"):
        raise SystemExit("haproxy not found: apt-get install haproxy")
    require_redis()
    work = Path(tempfile.mkdtemp(prefix="opendps-cluster-"))
    var = work / "var"
    var.mkdir()
    common.VAR_DIR = var  # shared keys: every node seals and signs with the same ones
    processes: list[subprocess.Popen[bytes]] = []
    s3_port = common.free_port()
    s3 = start(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
        work / "s3.log",
    )
    processes.append(s3)
    try:
        wait_for_port(s3_port)
        shared = {
            "OPENDPS_REDIS_URL": REDIS_URL,
            "HUEY_REDIS_URL": REDIS_URL,
            "OPENDPS_S3_BUCKET": BUCKET,
            "OPENDPS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "OPENDPS_S3_ACCESS_KEY_ID": "cluster",
            "OPENDPS_S3_SECRET_ACCESS_KEY": "cluster",
        }
        url = fresh_database()
        common.django_setup(url, **shared)
        import boto3
        from django.core.management import call_command

        boto3.client(
            "s3",
            endpoint_url=shared["OPENDPS_S3_ENDPOINT_URL"],
            region_name="eu-west-2",
            aws_access_key_id="cluster",
            aws_secret_access_key="cluster",
        ).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        call_command("migrate", verbosity=0, interactive=False)
        fixture = rush.setup(min(n, 500))
        print(f"call {fixture['call_id']}: {fixture['invited']} invited suppliers", flush=True)
        nodes = [
            common.Server(url, workers=args.workers, log=work / f"node-{name}.log", **shared)
            for name in ("a", "b")
        ]
        for node in nodes:
            node.__enter__()
        balancer_port = common.free_port()
        config = work / "haproxy.cfg"
        config.write_text(
            HAPROXY_CONFIG.format(port=balancer_port, a=nodes[0].port, b=nodes[1].port)
        )
        balancer = start(["haproxy", "-f", str(config)], work / "haproxy.log")
        processes.append(balancer)
        wait_for_port(balancer_port)
        sender = Sender(balancer_port, fixture)
        kill_at = n // 3
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            for i in range(n):
                if i == kill_at:
                    assert nodes[1].proc is not None
                    os.killpg(nodes[1].proc.pid, signal.SIGKILL)  # node B dies mid-rush
                    print(f"node B killed (SIGKILL) after {i} tenders sent", flush=True)
                pool.submit(sender.send, i)
        elapsed = time.perf_counter() - started
        receipts = list(sender.receipts.values())
        checked = rush.verify(fixture, receipts)
        submissions_per_key = len({r["receipt"]["submission_id"] for r in receipts})
        sample = random.Random(7).sample(sorted(sender.receipts), min(20, len(receipts)))
        replays_same = 0
        for i in sample:
            status, body = sender.post(i)
            replays_same += status == 201 and json.loads(body) == sender.receipts[i]
        result = {
            "sent": n,
            "acknowledged": len(receipts),
            "lost": checked["lost"],
            "bad_signatures": checked["bad_signatures"],
            "one_submission_per_key": submissions_per_key == len(receipts),
            "retries": sender.retries,
            "refused": sender.refused,
            "gave_up_last_status": dict(list(sender.gave_up.items())[:10]),
            "replays_same_receipt": f"{replays_same}/{len(sample)}",
            "seconds": round(elapsed, 1),
            "tenders_per_second": round(len(receipts) / elapsed, 1) if elapsed else None,
        }
        print(json.dumps(result, indent=2))
        common.RESULTS.mkdir(parents=True, exist_ok=True)
        name = "cluster-short" if args.short else "cluster"
        (common.RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
        ok = (
            result["lost"] == 0
            and result["bad_signatures"] == 0
            and result["acknowledged"] == n
            and result["one_submission_per_key"]
            and replays_same == len(sample)
        )
        for node in nodes:
            node.stop()
        from django.db import connections

        connections.close_all()
        if not ok:
            print(f"FAILED: see the logs in {work}", flush=True)
            sys.exit(1)
        print("cluster: 0 acknowledged tenders lost; every receipt verifies", flush=True)
    finally:
        for process in reversed(processes):
            stop(process)
        try:
            common.pg_admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except Exception as error:
            print(f"could not drop {DATABASE}: {error}")


if __name__ == "__main__":
    main()

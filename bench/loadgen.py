"""A small, bounded HTTP/1.1 load generator on asyncio (stdlib only).

Each request opens a connection to 127.0.0.1 and sends ``Connection: close`` (gunicorn's
sync workers close after every response anyway), so every client measures connect +
request + full response. A phase stops at its duration or its request cap, whichever
comes first, and waits at most ``timeout`` seconds for any one response.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from common import loopback_only, percentile

HOST = "127.0.0.1"


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def raw(self) -> bytes:
        head = [
            f"{self.method} {self.path} HTTP/1.1",
            f"Host: {HOST}",
            "Connection: close",
            "User-Agent: opendps-bench",
        ]
        head += [f"{k}: {v}" for k, v in self.headers.items()]
        if self.body or self.method in {"POST", "PUT"}:
            head.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + self.body


@dataclass
class Resp:
    status: int
    body: bytes
    latency: float


async def fetch(port: int, req: Req, timeout: float = 30.0) -> Resp:
    start = time.perf_counter()

    async def go() -> Resp:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(req.raw())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = await (reader.readexactly(length) if length is not None else reader.read(-1))
            return Resp(status, body, time.perf_counter() - start)
        finally:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()

    return await asyncio.wait_for(go(), timeout)


@dataclass
class PhaseResult:
    name: str
    latencies: list[float]
    statuses: Counter[Any]
    elapsed: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if isinstance(s, int) and 200 <= s < 300)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000  # ms

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.count,
            "ok": self.ok,
            "errors": {
                str(k): v
                for k, v in self.statuses.items()
                if not (isinstance(k, int) and 200 <= k < 300)
            },
            "seconds": round(self.elapsed, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p(50), 1),
            "p90_ms": round(self.p(90), 1),
            "p99_ms": round(self.p(99), 1),
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
            **self.extra,
        }


async def phase(
    name: str,
    port: int,
    make: Callable[[int, int], Req],
    *,
    clients: int = 32,
    duration: float = 10.0,
    max_requests: int = 50_000,
    timeout: float = 30.0,
    on_response: Callable[[int, Req, Resp], None] | None = None,
) -> PhaseResult:
    """``clients`` concurrent loops; ``make(client, n)`` builds each client's n-th request."""
    loopback_only(f"http://{HOST}:{port}")
    latencies: list[float] = []
    statuses: Counter[Any] = Counter()
    sent = 0
    start = time.perf_counter()
    stop_at = start + duration

    async def client(index: int) -> None:
        nonlocal sent
        n = 0
        while time.perf_counter() < stop_at and sent < max_requests:
            sent += 1
            req = make(index, n)
            n += 1
            try:
                resp = await fetch(port, req, timeout)
            except TimeoutError:
                statuses["timeout"] += 1
                continue
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                statuses[type(error).__name__] += 1
                continue
            latencies.append(resp.latency)
            statuses[resp.status] += 1
            if on_response is not None:
                on_response(index, req, resp)

    await asyncio.gather(*(client(i) for i in range(clients)))
    return PhaseResult(name, latencies, statuses, time.perf_counter() - start)


def run(coro: Any) -> Any:
    return asyncio.run(coro)

"""Demo data: the organisations and people of DESIGN.md §7, loaded through the services.

Each bounded context adds its part by registering a loader; ``opendps demo`` runs them in
order. Loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "demo-password-2026"


@dataclass
class DemoContext:
    """What loaders share: the staff actor, organisations and people by key, the logins."""

    staff: Any = None
    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


Loader = Callable[[DemoContext], None]
_loaders: list[tuple[int, Loader]] = []


def register(order: int) -> Callable[[Loader], Loader]:
    def decorate(loader: Loader) -> Loader:
        _loaders.append((order, loader))
        return loader

    return decorate


def demo_load() -> DemoContext:
    """Run every loader in order. Demo history emails no one and queues no job."""
    from opendps.core.jobs import jobs_suppressed

    context = DemoContext()
    with jobs_suppressed():
        for _order, loader in sorted(_loaders, key=lambda item: item[0]):
            loader(context)
    return context

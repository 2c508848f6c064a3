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


def demo_load(progress: Callable[[str], None] | None = None) -> DemoContext:
    """Run every loader in order. Demo history emails no one and queues no job.

    ``progress`` is told each step as it starts ("3/6 membership"), so the command can show
    that the minute or two it takes is going somewhere."""
    from opendps.core.jobs import jobs_suppressed

    context = DemoContext()
    steps = sorted(_loaders, key=lambda item: item[0])
    with jobs_suppressed():
        for number, (_order, loader) in enumerate(steps, start=1):
            if progress is not None:
                progress(f"{number}/{len(steps)} {_step_name(loader)}")
            loader(context)
    return context


def _step_name(loader: Loader) -> str:
    """A loader's first docstring line, or its app's name."""
    doc = (loader.__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else loader.__module__.split(".")[1]

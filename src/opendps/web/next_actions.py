"""A person's real next actions, gathered from every bounded context.

Each app registers a provider; the home page shows what they return. A provider reads
through its own app's selectors, so it only lists what the person may act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class NextAction:
    text: str
    href: str
    hint: str = ""
    due: str = ""
    urgent: bool = False


Provider = Callable[[HttpRequest], list[NextAction]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def next_actions(request: HttpRequest) -> list[NextAction]:
    actions: list[NextAction] = []
    for provider in _providers:
        actions.extend(provider(request))
    return sorted(actions, key=lambda action: not action.urgent)

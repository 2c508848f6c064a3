"""Applying through the pages, as a supplier would: choose the categories, save each
section of the task list with "Save and continue", then send from "Check your answers"."""

from __future__ import annotations

from typing import Any

from opendps.markets.views import sections_of
from opendps.membership import services
from opendps.membership.models import ApplicationDraft


def draft_of(supplier: Any, market: Any) -> ApplicationDraft:
    return ApplicationDraft.objects.get(supplier=supplier, market=market, submitted_at=None)


def section_numbers(draft: ApplicationDraft) -> dict[str, int]:
    """Question id → the number of the section page that asks it."""
    numbers: dict[str, int] = {}
    for number, (_section, questions) in enumerate(
        sections_of(services.draft_questions(draft)), start=1
    ):
        for question in questions:
            numbers[question["id"]] = number
    return numbers


def start(client: Any, market: Any, category_ids: list[int]) -> Any:
    return client.post(f"/markets/{market.pk}/apply", {"category": category_ids})


def save_sections(client: Any, draft: ApplicationDraft, data: dict[str, Any]) -> Any:
    """Save every section with the answers in ``data``; the first page that is not a
    redirect (a page with errors) is returned, else the last redirect."""
    response = None
    sections = sections_of(services.draft_questions(draft))
    for number, (_section, questions) in enumerate(sections, start=1):
        names = [q["id"] for q in questions] + [f"locker_{q['id']}" for q in questions]
        payload = {name: data[name] for name in names if name in data}
        response = client.post(
            f"/applications/drafts/{draft.pk}/sections/{number}", payload | {"continue": "1"}
        )
        if response.status_code != 302:
            return response
    return response


def send_through_pages(client: Any, market: Any, data: dict[str, Any]) -> Any:
    """Start, save every section, and send; the last response (a redirect when sent)."""
    started = start(client, market, data["category"])
    if started.status_code != 302 or "/applications/drafts/" not in started["Location"]:
        return started
    draft = ApplicationDraft.objects.get(pk=int(started["Location"].rsplit("/", 1)[1]))
    saved = save_sections(client, draft, data)
    if saved is not None and saved.status_code != 302:
        return saved
    return client.post(f"/applications/drafts/{draft.pk}/check")

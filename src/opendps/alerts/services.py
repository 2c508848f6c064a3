"""Every change to saved searches, and the sending of alerts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import User
from opendps.alerts.models import AlertSent, Frequency, SavedSearch
from opendps.competitions import public
from opendps.competitions.models import Call
from opendps.core import clock
from opendps.core.audit import audit_record
from opendps.core.errors import NotFound, NotPermitted, RuleViolation, full_clean_or_refuse
from opendps.core.events import AuditEventType
from opendps.notifications.services import email_send_on_commit

UNSUBSCRIBE_SALT = "opendps.alerts.unsubscribe"
NAME_REQUIRED = _("Give the alert a name, so you know which one an email is from.")
SIGN_IN_FIRST = _("Sign in to save an alert.")
LINK_INVALID = _("This unsubscribe link is not valid. Sign in to manage your alerts.")
NOT_FOUND = _("Alert not found.")
MAX_ALERTS = 50
TOO_MANY = _("You have %(count)s alerts, the most one person can keep: stop one first.")


def filters_of(search: SavedSearch) -> public.OpportunityFilter:
    return public.OpportunityFilter(
        text=search.text,
        region=search.region,
        cpv=search.cpv,
        buyer_id=search.buyer_id,
        category_id=search.category_id,
        regime=search.regime,
    )


def unsubscribe_token(search: SavedSearch) -> str:
    """A signed token naming the search: the email's one-click link, no password needed."""
    return signing.dumps(search.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(search: SavedSearch) -> str:
    path = reverse("alerts:unsubscribe", args=[unsubscribe_token(search)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@transaction.atomic(durable=True)
def saved_search_create(*, actor: User, name: str, frequency: str, **filters: Any) -> SavedSearch:
    """Save a search of the opportunities; matching calls are emailed from now on."""
    if not actor.is_authenticated:
        raise NotPermitted(SIGN_IN_FIRST)
    if not name.strip():
        raise RuleViolation(NAME_REQUIRED, code="name_required")
    live = SavedSearch.objects.filter(user=actor, stopped_at__isnull=True).count()
    if live >= MAX_ALERTS:
        raise RuleViolation(TOO_MANY, code="too_many_alerts", count=live)
    search = SavedSearch(
        user=actor,
        name=name.strip(),
        frequency=Frequency(frequency),
        created_at=clock.now(),
        **filters,
    )
    full_clean_or_refuse(search)
    search.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.ALERT_CREATED,
        subject=search,
        data={"frequency": search.frequency},
    )
    return search


def _stop(actor: Any, search: SavedSearch, how: str) -> SavedSearch:
    search = SavedSearch.objects.select_for_update().get(pk=search.pk)
    if search.stopped_at is None:
        search.stopped_at = clock.now()
        search.save(update_fields=["stopped_at"])
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            event_type=AuditEventType.ALERT_STOPPED,
            subject=search,
            data={"how": how, "user_id": search.user_id},
        )
    return search


@transaction.atomic(durable=True)
def saved_search_stop(*, actor: User, search: SavedSearch) -> SavedSearch:
    """Stop one of your own alerts."""
    if search.user_id != actor.pk:
        raise NotFound(NOT_FOUND)
    return _stop(actor, search, "page")


@transaction.atomic(durable=True)
def saved_search_unsubscribe(*, token: str) -> SavedSearch:
    """The email's one-click unsubscribe: the signed token is the permission."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise RuleViolation(LINK_INVALID, code="link_invalid") from None
    search = SavedSearch.objects.filter(pk=pk).first()
    if search is None:
        raise RuleViolation(LINK_INVALID, code="link_invalid")
    return _stop(None, search, "email link")


def _send(search: SavedSearch, calls: list[Call]) -> int:
    """Email ``calls`` to the search's owner once each (a unique row per call), in one
    transaction with the rows that say so: a retried job sends nothing twice."""
    if not calls:
        return 0
    now = clock.now()
    try:
        with transaction.atomic():
            AlertSent.objects.bulk_create(
                [AlertSent(search=search, call=call, sent_at=now) for call in calls]
            )
            email_send_on_commit(
                to=[search.user.email],
                template="alert",
                context={
                    "search": search,
                    "calls": calls,
                    "unsubscribe_url": unsubscribe_url(search),
                    "band": public.value_band,
                },
            )
    except IntegrityError:  # another worker sent one of them first
        return 0
    return len(calls)


def alerts_send_for_call(call_id: int) -> int:
    """Immediate alerts: every live immediate search the newly published call matches."""
    sent = 0
    searches = SavedSearch.objects.filter(
        frequency=Frequency.IMMEDIATE, stopped_at__isnull=True, user__is_active=True
    ).select_related("user")
    for search in searches.iterator(chunk_size=500):
        matching = public.opportunity_list(filters=filters_of(search)).filter(pk=call_id)
        fresh = matching.exclude(pk__in=search.sent.values("call_id"))
        sent += _send(search, list(fresh))
    return sent


def alerts_send_daily() -> int:
    """The daily digest: for each daily search, the calls published since its last digest
    that are still open and match, in one email."""
    now = clock.now()
    emails = 0
    searches = SavedSearch.objects.filter(
        frequency=Frequency.DAILY, stopped_at__isnull=True, user__is_active=True
    ).select_related("user")
    for search in searches.iterator(chunk_size=500):
        since = search.last_sent_at or search.created_at
        calls = list(
            public.opportunity_list(filters=filters_of(search))
            .filter(published_at__gt=since, published_at__lte=now)
            .exclude(pk__in=search.sent.values("call_id"))
        )
        emails += 1 if _send(search, calls) else 0
        SavedSearch.objects.filter(pk=search.pk).update(last_sent_at=now)
    return emails

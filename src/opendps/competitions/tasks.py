"""Background jobs: sending call invitations in batches."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import db_task

from opendps.competitions.models import Call, Invitation
from opendps.competitions.services.common import supplier_emails
from opendps.core import clock
from opendps.notifications.services import email_send_on_commit

BATCH = 200


@db_task(retries=3, retry_delay=30)
def call_invitations_send(call_id: int) -> int:
    """Email every invitee not yet emailed, a batch per transaction; safe to re-run."""
    call = Call.objects.select_related("market", "category", "buyer").get(pk=call_id)
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Invitation.objects.select_for_update()
                .filter(call=call, emailed_at__isnull=True)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return sent
            email_send_on_commit(
                to=supplier_emails([i.supplier_id for i in batch]),
                template="call_invitation",
                context={"call": call},
            )
            Invitation.objects.filter(pk__in=[i.pk for i in batch]).update(emailed_at=clock.now())
            sent += len(batch)

"""The evidence locker pages: a supplier's documents kept once, each with its expiry date,
to choose instead of uploading in any application."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.membership import selectors
from opendps.membership.forms import EvidenceForm
from opendps.membership.models import EvidenceDocument
from opendps.membership.services import evidence as evidence_services
from opendps.membership.views.common import _supplier
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

SOON_DAYS = 30


def evidence_tag(document: EvidenceDocument) -> dict[str, str]:
    """Valid, expiring within 30 days, or expired (London dates)."""
    if document.expires_on is None:
        return {"text": _("Does not expire"), "classes": "govuk-tag--grey"}
    days = (document.expires_on - london_date(clock.now())).days
    if days < 0:
        return {"text": _("Expired"), "classes": "govuk-tag--red"}
    if days <= SOON_DAYS:
        text = ngettext("Expires in %(num)d day", "Expires in %(num)d days", days) % {"num": days}
        return {"text": text, "classes": "govuk-tag--orange"}
    return {"text": _("Valid"), "classes": "govuk-tag--green"}


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: AuthedRequest) -> HttpResponse:
    supplier = _supplier(request)
    posted = request.method == "POST"
    form = EvidenceForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        added = call_service(
            form,
            lambda: evidence_services.evidence_add(
                actor=request.user,
                supplier=supplier,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                expires_on=data["expires_on"],
            ),
            lambda error: "expires_on" if error.code == "expires_on_past" else "file",
        )
        if added is not None:
            messages.success(
                request, _("%(title)s is in your evidence locker.") % {"title": added.title}
            )
            return redirect("membership:evidence")
    documents = selectors.evidence_for_supplier(request.user, supplier_id=supplier.pk)
    return render(
        request,
        "membership/evidence.html",
        {
            "title": _("Evidence locker"),
            "supplier": supplier,
            "form": form,
            "rows": [{"document": d, "status": evidence_tag(d)} for d in documents],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_remove(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = selectors.evidence_get(request.user, document_id=document_id)
    if request.method == "POST":
        evidence_services.evidence_remove(actor=request.user, document=document)
        messages.success(
            request, _("%(title)s is removed from your locker.") % {"title": document.title}
        )
        return redirect("membership:evidence")
    return render(
        request,
        "membership/evidence_remove.html",
        {"title": _("Remove %(title)s?") % {"title": document.title}, "document": document},
    )


@login_required
@require_GET
def evidence_file(request: AuthedRequest, document_id: int) -> Any:
    """A locker file, only for the supplier's own people."""
    document = selectors.evidence_get(request.user, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

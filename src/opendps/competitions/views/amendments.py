"""After publishing: the buyer changes the deadline for tenders or sends a notice to every
invitee. The services decide what is lawful (``services.amendments``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opendps.competitions import selectors, services
from opendps.competitions.forms import CallDocumentForm, DeadlineChangeForm, NoticeForm
from opendps.competitions.services.common import BUY_ROLES
from opendps.competitions.views.common import _authority_call, _posted, time_left
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest

DEADLINE_ERROR_FIELDS = {
    "reason_required": "reason",
    "deadline_in_past": "deadline_date",
    "deadline_unchanged": "deadline_date",
    "deadline_after_validity": "deadline_date",
    "deadline_before_questions": "deadline_date",
    "deadline_shortened": "deadline_date",
    "tender_deadline_too_early": "deadline_date",
}


@login_required
@require_http_methods(["GET", "POST"])
def call_deadline_change(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = DeadlineChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            lambda: services.call_extend_deadline(
                call,
                new_deadline=form.new_deadline(),
                reason=form.cleaned_data["reason"],
                actor=request.user,
            ),
            lambda error: DEADLINE_ERROR_FIELDS.get(error.code),
        )
        if changed is not None:
            invited = call.invitations.count()
            messages.success(
                request,
                _(
                    "The deadline is changed. %(count)s invited suppliers have been emailed "
                    "and the change is published in the open data."
                )
                % {"count": invited},
            )
            return redirect("competitions:call-detail", call.pk)
    return render(
        request,
        "competitions/deadline_change.html",
        {
            "title": _("Change the deadline for tenders"),
            "call": call,
            "form": form,
            "time_left": time_left(call.deadline),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_notice(request: AuthedRequest, call_id: int) -> HttpResponse:
    call = _authority_call(request, call_id, BUY_ROLES)
    form = NoticeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        sent = call_service(
            form,
            lambda: services.call_notice_send(
                actor=request.user, call=call, text=form.cleaned_data["text"]
            ),
            "text",
        )
        if sent is not None:
            messages.success(request, _("The notice is sent to every invited supplier."))
            return redirect("competitions:call-detail", call.pk)
    return render(
        request,
        "competitions/notice.html",
        {"title": _("Send a clarification notice"), "call": call, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_documents(request: AuthedRequest, call_id: int) -> HttpResponse:
    """Attach the specification or the pricing schedule (replacing one of the same kind)."""
    call = _authority_call(request, call_id, BUY_ROLES)
    form = CallDocumentForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attached = call_service(
            form,
            lambda: services.call_document_attach(
                actor=request.user,
                call=call,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            ),
            "file",
        )
        if attached is not None:
            messages.success(
                request,
                _("%(name)s is attached to the call.") % {"name": attached.original_name},
            )
            return redirect("competitions:call-detail", call.pk)
    return render(
        request,
        "competitions/documents.html",
        {
            "title": _("Add a call document"),
            "call": call,
            "form": form,
            "documents": selectors.call_document_list(request.user, call=call),
        },
    )


@login_required
@require_GET
def call_document(request: AuthedRequest, call_id: int, kind: str) -> FileResponse:
    """Stream a call document to its authority or an invited supplier; anyone else is
    told "not found" (``selectors.call_get``)."""
    document = selectors.call_document_get(request.user, call_id=call_id, kind=kind)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )

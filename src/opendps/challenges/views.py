"""Challenge pages: the list, raising a challenge, one challenge with its history and the
authority's steps, its documents, and the authority's time limits.

Each view parses input, calls one service or selector, and renders. A challenge is 'not
found' for anyone but the challenging supplier and the authority concerned (the
selectors); who may do what is the services' business. The views only hide forms a person
could not use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.challenges import selectors, services
from opendps.challenges.forms import (
    AcknowledgeForm,
    OutcomeForm,
    ProceedingsForm,
    RaiseForm,
    RemedyForm,
    ReviewForm,
    TimeLimitsForm,
)
from opendps.challenges.holds import holds_contract
from opendps.challenges.models import Challenge, ChallengeKind
from opendps.challenges.services.common import handle_roles, regime_of, time_limits_of
from opendps.challenges.status import ChallengeStatus, challenge_status, next_step_due
from opendps.core import clock
from opendps.core.errors import NotFound, NotPermitted
from opendps.web.due import due_in_working_days
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation

STATUS_TAGS = {
    ChallengeStatus.RAISED: "govuk-tag--yellow",
    ChallengeStatus.ACKNOWLEDGED: "govuk-tag--blue",
    ChallengeStatus.UNDER_REVIEW: "govuk-tag--blue",
    ChallengeStatus.DECIDED: "govuk-tag--grey",
}


def status_tag(challenge: Challenge) -> dict[str, str]:
    status = challenge_status(challenge)
    text = str(status.label)
    if status == ChallengeStatus.DECIDED:
        text = challenge.get_outcome_display()
    return {"text": text, "classes": STATUS_TAGS[status]}


def time_left(challenge: Challenge) -> Any:
    due = next_step_due(challenge)
    if due is None:
        return None
    regime = regime_of(challenge.market)
    return due_in_working_days(
        clock.now(), due, challenge.market.nation, uk_wide=regime.working_days_uk_wide
    )


def decision_title(challenge: Challenge) -> str:
    if challenge.award is not None:
        return _("Award of %(call)s") % {"call": challenge.award.call.title}
    category = (challenge.application or challenge.member).category  # type: ignore[union-attr]
    return f"{challenge.get_kind_display()}: {category.title}"


@login_required
@require_GET
def challenge_list(request: AuthedRequest) -> HttpResponse:
    challenges = list(selectors.challenge_list(request.user)[:200])
    organisation = current_organisation(request)
    return render(
        request,
        "challenges/list.html",
        {
            "title": _("Challenges"),
            "challenges": challenges,
            "status_tag": status_tag,
            "time_left": time_left,
            "decision_title": decision_title,
            "is_supplier": organisation is not None and organisation.is_supplier,
        },
    )


@login_required
@require_GET
def challenge_choose(request: AuthedRequest) -> HttpResponse:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier:
        raise NotPermitted(_("Only a supplier organisation can raise a challenge."))
    decisions = selectors.challengeable_decisions(request.user, supplier_id=organisation.pk)
    return render(
        request,
        "challenges/choose.html",
        {"title": _("Challenge a decision"), "decisions": decisions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_raise(request: AuthedRequest, kind: str, decision_id: int) -> HttpResponse:
    organisation = current_organisation(request)
    if organisation is None or not organisation.is_supplier or kind not in ChallengeKind.values:
        raise NotFound(_("There is no such decision affecting your organisation to challenge."))
    decisions = selectors.challengeable_decisions(request.user, supplier_id=organisation.pk)
    pool = {
        ChallengeKind.APPLICATION_REJECTED: decisions["applications"],
        ChallengeKind.MEMBER_SUSPENDED: decisions["suspensions"],
        ChallengeKind.MEMBER_REMOVED: decisions["removals"],
        ChallengeKind.AWARD: decisions["awards"],
    }[ChallengeKind(kind)]
    decision = next(
        (d for d in pool if (d.call_id if kind == ChallengeKind.AWARD else d.pk) == decision_id),
        None,
    )
    if decision is None:
        raise NotFound(_("There is no such decision affecting your organisation to challenge."))
    form = RaiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        challenge = call_service(
            form,
            lambda: services.challenge_raise(
                actor=request.user,
                supplier=organisation,
                kind=kind,
                decision_id=decision_id,
                grounds=form.cleaned_data["grounds"],
                files=request.FILES.getlist("documents"),
            ),
            field=lambda error: "documents" if error.code.startswith("file") else "grounds",
        )
        if challenge is not None:
            messages.success(
                request,
                _("Challenge %(reference)s sent to %(authority)s.")
                % {"reference": challenge.reference, "authority": challenge.authority.name},
            )
            return redirect("challenges:detail", challenge.pk)
    return render(
        request,
        "challenges/raise.html",
        {
            "title": _("Challenge a decision"),
            "form": form,
            "kind": ChallengeKind(kind),
            "decision": decision,
            "documents_error": form.errors.get("documents") if form.is_bound else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _handles(request: AuthedRequest, challenge: Challenge) -> bool:
    return permissions.has_role(request.user, challenge.authority_id, handle_roles(challenge))


def _detail(
    request: AuthedRequest, challenge: Challenge, forms: dict[str, Any] | None = None
) -> HttpResponse:
    handles = _handles(request, challenge)
    forms = forms or {}
    remedies = services.REMEDIES_BY_KIND[challenge.kind]
    context = {
        "title": _("Challenge %(reference)s") % {"reference": challenge.reference},
        "challenge": challenge,
        "status": status_tag(challenge),
        "decision_title": decision_title(challenge),
        "time_left": time_left(challenge),
        "contract_held": holds_contract(challenge, regime_of(challenge.market)),
        "history": list(selectors.challenge_history(request.user, challenge=challenge)),
        "documents": list(challenge.documents.all()),
        "handles": handles,
        "is_authority": permissions.has_role(request.user, challenge.authority_id, AUTHORITY_ROLES),
        # Each step's form has its own prefix, so that fields (several "note"s) keep
        # distinct ids and labels on the one page.
        "acknowledge_form": forms.get("acknowledge") or AcknowledgeForm(prefix="acknowledge"),
        "review_form": forms.get("review") or ReviewForm(prefix="review"),
        "proceedings_form": forms.get("proceedings") or ProceedingsForm(prefix="proceedings"),
        "outcome_form": forms.get("outcome") or OutcomeForm(prefix="outcome", remedies=remedies),
        "remedy_form": forms.get("remedy") or RemedyForm(prefix="remedy"),
        "form": next(iter(forms.values()), None),
    }
    return render(request, "challenges/detail.html", context, status=400 if forms else 200)


@login_required
@require_GET
def challenge_detail(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    return _detail(request, selectors.challenge_get(request.user, challenge_id=challenge_id))


STEPS = {
    "acknowledge": (AcknowledgeForm, _("Challenge acknowledged. The supplier has been told.")),
    "review": (ReviewForm, _("Review recorded. The supplier has been told.")),
    "proceedings": (ProceedingsForm, _("Proceedings recorded.")),
    "outcome": (OutcomeForm, _("Outcome recorded. Everyone involved has been told.")),
    "remedy": (RemedyForm, _("Remedy recorded. The supplier has been told.")),
}


@login_required
@require_POST
def challenge_step(request: AuthedRequest, challenge_id: int, step: str) -> HttpResponse:
    challenge = selectors.challenge_get(request.user, challenge_id=challenge_id)
    if step not in STEPS:
        raise Http404
    form_class, done_message = STEPS[step]
    kwargs = {"remedies": services.REMEDIES_BY_KIND[challenge.kind]} if step == "outcome" else {}
    form = form_class(request.POST, prefix=step, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        actions = {
            "acknowledge": lambda: services.challenge_acknowledge(
                actor=request.user, challenge=challenge, note=data["note"]
            ),
            "review": lambda: services.challenge_review_record(
                actor=request.user, challenge=challenge, note=data["note"]
            ),
            "proceedings": lambda: services.challenge_proceedings_record(
                actor=request.user, challenge=challenge, note=data["note"]
            ),
            "outcome": lambda: services.challenge_decide(
                actor=request.user,
                challenge=challenge,
                outcome=data["outcome"],
                reasons=data["reasons"],
                remedy=data["remedy"],
            ),
            "remedy": lambda: services.challenge_remedy_record(
                actor=request.user, challenge=challenge, note=data["note"]
            ),
        }
        if call_service(form, actions[step]) is not None:
            messages.success(request, str(done_message))
            return redirect("challenges:detail", challenge.pk)
    return _detail(request, challenge, forms={step: form})


@login_required
@require_GET
def challenge_document(request: AuthedRequest, challenge_id: int, document_id: int) -> Any:
    document = selectors.challenge_document_get(
        request.user, challenge_id=challenge_id, document_id=document_id
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def time_limits(request: AuthedRequest) -> HttpResponse:
    organisation = current_organisation(request)
    if organisation is None or not permissions.has_role(
        request.user, organisation, services.HANDLE_ROLES
    ):
        raise NotPermitted(_("Only an authority's commissioners and administrators can do that."))
    acknowledge, decide = time_limits_of(organisation)
    form = TimeLimitsForm(
        request.POST if request.method == "POST" else None,
        initial={"acknowledge_working_days": acknowledge, "decision_working_days": decide},
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.challenge_time_limits_set(
                actor=request.user,
                authority=organisation,
                acknowledge_working_days=form.cleaned_data["acknowledge_working_days"],
                decision_working_days=form.cleaned_data["decision_working_days"],
            ),
            field=lambda error: "acknowledge_working_days",
        )
        if saved is not None:
            messages.success(request, _("Time limits for challenges saved."))
            return redirect("challenges:list")
    return render(
        request,
        "challenges/time_limits.html",
        {"title": _("Time limits for challenges"), "form": form, "organisation": organisation},
    )

"""Applying as a GOV.UK task list: one page per questionnaire section, saved on the server
as the supplier goes, a "check your answers" page, then send.

The draft keeps the answers as typed and every file that passed its checks, so a page with
an error loses nothing and the supplier can leave and come back. Sending goes through the
same service as the API, which checks every answer again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from opendps.core.errors import DomainError
from opendps.markets.views import sections_of
from opendps.membership import selectors, services
from opendps.membership.forms import SectionForm
from opendps.membership.models import ApplicationDraft, EvidenceDocument
from opendps.membership.views.common import _answer_text
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest


def _sections(draft: ApplicationDraft) -> list[tuple[str, list[dict[str, Any]]]]:
    return sections_of(services.draft_questions(draft))


def _section_at(draft: ApplicationDraft, number: int) -> tuple[str, list[dict[str, Any]]]:
    sections = _sections(draft)
    if not 1 <= number <= len(sections):
        raise Http404
    return sections[number - 1]


def _kept(draft: ApplicationDraft) -> dict[str, Any]:
    return {document.question_id: document for document in draft.documents.all()}


def _locker(draft: ApplicationDraft) -> list[EvidenceDocument]:
    return list(
        EvidenceDocument.objects.filter(supplier_id=draft.supplier_id, removed_at=None).order_by(
            "kind", "title"
        )
    )


def _locker_text(document: EvidenceDocument) -> str:
    if document.expires_on is None:
        return _("%(title)s (%(kind)s)") % {
            "title": document.title,
            "kind": document.get_kind_display(),
        }
    return _("%(title)s (%(kind)s, valid until %(date)s)") % {
        "title": document.title,
        "kind": document.get_kind_display(),
        "date": formats.date_format(document.expires_on),
    }


def _status(draft: ApplicationDraft, section: str, questions: list[dict[str, Any]]) -> str:
    if section in draft.sections_done:
        return "done"
    touched = any(q["id"] in draft.answers for q in questions) or any(
        q["id"] in {d.question_id for d in draft.documents.all()} for q in questions
    )
    return "started" if touched else "new"


@login_required
@require_GET
def draft_tasks(request: AuthedRequest, draft_id: int) -> HttpResponse:
    draft = selectors.draft_get(request.user, draft_id=draft_id)
    sections = _sections(draft)
    rows = [
        {
            "number": number,
            "title": section or _("Questions"),
            "status": _status(draft, section, questions),
            "count": len(questions),
        }
        for number, (section, questions) in enumerate(sections, start=1)
    ]
    done = sum(1 for row in rows if row["status"] == "done")
    return render(
        request,
        "membership/draft_tasks.html",
        {
            "title": _("Apply to join %(market)s") % {"market": draft.market.title},
            "draft": draft,
            "rows": rows,
            "done": done,
            "complete": done == len(rows),
            "categories": draft.market.categories.filter(pk__in=draft.category_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_section(request: AuthedRequest, draft_id: int, number: int) -> HttpResponse:
    draft = selectors.draft_get(request.user, draft_id=draft_id)
    section, questions = _section_at(draft, number)
    kept = _kept(draft)
    locker = _locker(draft)
    posted = request.method == "POST"
    form = SectionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        questions=questions,
        kept=kept,
        locker=[(document.pk, _locker_text(document)) for document in locker],
        initial={q["id"]: draft.answers[q["id"]] for q in questions if q["id"] in draft.answers},
    )
    if posted:
        later = "later" in request.POST
        valid = form.is_valid()
        chosen = form.locker_choices() if hasattr(form, "cleaned_data") else {}
        by_pk = {document.pk: document for document in locker}
        saved = call_service(
            form,
            lambda: services.draft_save_section(
                actor=request.user,
                draft=draft,
                section=section,
                answers=form.typed_answers(),
                files=form.good_uploads(),
                evidence={qid: by_pk[pk] for qid, pk in chosen.items() if pk in by_pk},
                complete=valid and not later,
            ),
            lambda error: form.field_for(error.data, request.FILES.items()),
        )
        # Leaving is fine with answers half done, but not with a locker document that
        # could not be used (removed or expired meanwhile): the supplier must know.
        locker_refused = any(name.startswith(SectionForm.locker_name("")) for name in form.errors)
        if saved is not None and later and not locker_refused:
            messages.success(
                request,
                _("Your answers are saved. You can come back and finish the application later."),
            )
            return redirect("membership:draft", draft.pk)
        if saved is not None and valid:
            return redirect(_next_page(saved, number))
        kept = _kept(saved or draft)
    return render(
        request,
        "membership/draft_section.html",
        {
            "title": section or _("Questions"),
            "draft": draft,
            "number": number,
            "form": form,
            "questions": [
                question
                | {
                    "bound": form[question["id"]],
                    "kept": kept.get(question["id"]),
                    "locker": form[SectionForm.locker_name(question["id"])]
                    if SectionForm.locker_name(question["id"]) in form.fields
                    else None,
                }
                for question in questions
            ],
        },
    )


def _next_page(draft: ApplicationDraft, number: int) -> str:
    sections = _sections(draft)
    for later, (section, _questions) in enumerate(sections, start=1):
        if later > number and section not in draft.sections_done:
            return reverse("membership:draft-section", args=[draft.pk, later])
    if all(section in draft.sections_done for section, _questions in sections):
        return reverse("membership:draft-check", args=[draft.pk])
    return reverse("membership:draft", args=[draft.pk])


@login_required
@require_http_methods(["GET", "POST"])
def draft_check(request: AuthedRequest, draft_id: int) -> HttpResponse:
    draft = selectors.draft_get(request.user, draft_id=draft_id)
    sections = _sections(draft)
    kept = _kept(draft)
    problems: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            applications = services.draft_submit(actor=request.user, draft=draft)
        except DomainError as error:
            problems.append({"text": str(error), "href": _problem_href(draft, sections, error)})
        else:
            messages.success(
                request,
                ngettext(
                    "Your application is sent. You will be told the decision by email.",
                    "Your %(count)d applications are sent. You will be told each decision "
                    "by email.",
                    len(applications),
                )
                % {"count": len(applications)},
            )
            return redirect("membership:supplier-applications")
    unfinished = [
        number
        for number, (section, _questions) in enumerate(sections, start=1)
        if section not in draft.sections_done
    ]
    return render(
        request,
        "membership/draft_check.html",
        {
            "title": _("Check your answers before sending your application"),
            "draft": draft,
            "problems": problems,
            "unfinished": unfinished,
            "sections": [
                {
                    "number": number,
                    "title": section or _("Questions"),
                    "rows": [
                        {
                            "question": q["text"],
                            "answer": _check_answer(q, draft, kept),
                        }
                        for q in questions
                    ],
                }
                for number, (section, questions) in enumerate(sections, start=1)
            ],
        },
    )


def _check_answer(question: dict[str, Any], draft: ApplicationDraft, kept: dict[str, Any]) -> str:
    if question["kind"] != "file":
        return _answer_text(question, draft.answers.get(question["id"]))
    document = kept.get(question["id"])
    if document is None:
        return "—"
    if document.evidence_id is not None:
        return _("%(name)s (from your evidence locker)") % {"name": document.original_name}
    return str(document.original_name)


def _problem_href(
    draft: ApplicationDraft, sections: list[tuple[str, list[dict[str, Any]]]], error: DomainError
) -> str:
    """A link to the section holding the question a refusal names (by text or id)."""
    named = error.data.get("question")
    for number, (_section, questions) in enumerate(sections, start=1):
        for question in questions:
            if named is not None and named in (question["text"], question["id"]):
                return reverse("membership:draft-section", args=[draft.pk, number]) + (
                    "#id_" + str(question["id"])
                )
    return "#main-content"

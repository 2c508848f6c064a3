"""Pages anyone can read: accessibility, privacy, cookies, help and contact, feedback, open data."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opendps.notifications.services import feedback_send
from opendps.web.form_errors import GovukForm


def _page(request: HttpRequest, template: str, title: str, **context: object) -> HttpResponse:
    return render(
        request,
        f"web/{template}.html",
        {"title": title, "support_email": settings.OPENDPS_SUPPORT_EMAIL} | context,
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return _page(request, "accessibility", _("Accessibility statement for OpenDPS"))


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "privacy", _("Privacy notice"))


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "cookies",
        _("Cookies"),
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        language_cookie=settings.LANGUAGE_COOKIE_NAME,
        session_weeks=settings.SESSION_COOKIE_AGE // (7 * 24 * 3600),
    )


@require_GET
def help_and_contact(request: HttpRequest) -> HttpResponse:
    return _page(request, "help", _("Help and contact"))


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return _page(request, "open_data", _("Open data"))


class FeedbackForm(GovukForm):
    message = forms.CharField(
        label=gettext_lazy("What do you think of OpenDPS?"),
        help_text=gettext_lazy(
            "Do not include personal or financial information, or anything about a tender."
        ),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": gettext_lazy("Tell us what you think"),
            "max_length": gettext_lazy("Your feedback must be 5,000 characters or fewer"),
        },
    )
    email = forms.EmailField(
        label=gettext_lazy("Your email address (optional)"),
        help_text=gettext_lazy("Only if you would like a reply."),
        required=False,
        error_messages={
            "invalid": gettext_lazy(
                "Enter an email address in the correct format, like name@example.com"
            )
        },
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback_send(
            actor=request.user,
            message=form.cleaned_data["message"],
            reply_to=form.cleaned_data["email"],
        )
        messages.success(request, _("Thank you: your feedback has been sent to the team."))
        return redirect("web:feedback")
    return _page(request, "feedback", _("Give feedback on OpenDPS"), form=form)

"""Account pages: sign in and out, registration, organisation, team, invitations, tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opendps.accounts import permissions, selectors, services
from opendps.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    OrganisationForm,
    PasswordChangeForm,
    ResetRequestForm,
    SignInForm,
    SupplierRegistrationForm,
)
from opendps.core import clock
from opendps.core.errors import Conflict, DomainError, NotFound
from opendps.web.form_errors import GovukErrorsMixin
from opendps.web.forms import call_service
from opendps.web.organisation import AuthedRequest, current_organisation
from opendps.web.pagination import paginate

BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.sign_in_record(user=form.get_user())
        return response


def signin_locked_out(request: HttpRequest, credentials: Any = None, *args: Any) -> HttpResponse:
    """django-axes calls this when sign-in is throttled."""
    return render(
        request,
        "accounts/locked_out.html",
        {"title": _("Too many attempts to sign in")},
        status=429,
    )


class SignOutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Register a supplier. A new address and one that already has an account get the same
    answer (a redirect to "check your email"), and no one is signed in here: the service
    emails the owner of a taken address instead of saying it is taken."""
    form = SupplierRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call_service(
            form,
            lambda: services.supplier_register(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"],
                organisation=form.organisation_fields(),
            ),
        )
        if not form.errors:
            return redirect("accounts:register-sent")
    return render(
        request, "accounts/register.html", {"form": form, "title": _("Register your organisation")}
    )


@require_GET
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html", {"title": _("Check your email")})


def _organisation_or_404(request: AuthedRequest) -> Any:
    organisation = current_organisation(request)
    if organisation is None:
        raise NotFound(_("You do not belong to an organisation yet."))
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_page(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation_or_404(request)
    is_admin = permissions.has_role(request.user, organisation, permissions.ADMIN_ROLES)
    form = OrganisationForm(request.POST or None, instance=organisation) if is_admin else None
    if form is not None and request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            lambda: services.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            ),
        )
        if updated is not None:
            messages.success(request, _("Organisation details saved."))
            return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "form": form,
            "is_admin": is_admin,
            "roles": sorted(permissions.roles_in(request.user, organisation)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation_or_404(request)
    is_admin = permissions.has_role(request.user, organisation, permissions.ADMIN_ROLES)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        invitation = call_service(
            form,
            lambda: services.invitation_create(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            ),
        )
        if invitation is not None:
            messages.success(request, _("Invitation sent to %s.") % invitation.email)
            return redirect("accounts:team")
    return render(
        request,
        "accounts/team.html",
        {
            "title": _("Team"),
            "organisation": organisation,
            "members": selectors.membership_list(request.user, organisation=organisation),
            "invitations": selectors.invitation_list_pending(
                request.user, organisation=organisation
            ),
            "form": form if is_admin else None,
            "is_admin": is_admin,
        },
    )


@login_required
@require_GET
def staff_activity(request: AuthedRequest) -> HttpResponse:
    organisation = _organisation_or_404(request)
    events = selectors.staff_activity_list(request.user, organisation=organisation)
    return render(
        request,
        "accounts/staff_activity.html",
        {
            "title": _("Platform staff activity"),
            "organisation": organisation,
            "listing": paginate(request, events),
        },
    )


@login_required
@require_POST
def team_member_remove(request: AuthedRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(request.user, membership_id=membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("%s no longer has that role.") % membership.user.email)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("accounts:team")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = services.invitation_for_secret(secret)
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        target = form or AcceptInvitationForm()
        data = form.cleaned_data if form is not None else {}
        user = call_service(
            target,
            lambda: services.invitation_accept(
                secret=secret,
                actor=request.user if request.user.is_authenticated else None,
                full_name=data.get("full_name", ""),
                password=data.get("password", ""),
            ),
        )
        if user is not None:
            if not signed_in:
                login(request, user, backend=BACKEND)
            messages.success(request, _("You have joined %s.") % invitation.organisation.name)
            return redirect("web:home")
        form = target
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "title": _("Join %s") % invitation.organisation.name,
            "invitation": invitation,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form,
            lambda: services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            ),
        )
        if created is not None:
            new_secret = created[1]
            form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "title": _("API tokens"),
            "tokens": selectors.api_token_list(request.user),
            "now": clock.now(),
            "form": form,
            "new_secret": new_secret,
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    # Someone else's token id is "not found" (a 404 page), like every other id; only an
    # own token already revoked comes back to the tokens page with the reason.
    try:
        token = services.api_token_revoke(actor=request.user, token_id=token_id)
        messages.success(request, _("Token '%s' revoked.") % token.name)
    except Conflict as error:
        messages.error(request, str(error))
    return redirect("accounts:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's password: API tokens and every other session end; this one stays."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = call_service(
            form,
            lambda: services.password_change(
                actor=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password1"],
            ),
            field=lambda error: (
                "current_password" if error.code == "current_password_wrong" else "new_password1"
            ),
        )
        if user is not None:
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _("Your password has been changed. Your API tokens were revoked: make new ones."),
            )
            return redirect("accounts:tokens")
    return render(
        request, "accounts/password_change.html", {"form": form, "title": _("Change your password")}
    )


class AuditedSetPasswordForm(GovukErrorsMixin, SetPasswordForm):
    error_messages = {
        "password_mismatch": gettext_lazy("Enter the same new password in both boxes")
    }

    def save(self, commit: bool = True) -> Any:
        return services.password_reset_complete(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    form_class=ResetRequestForm,
    email_template_name="email/password_reset.txt",
    subject_template_name="email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
    extra_context={"title": _("Reset your password")},
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_sent.html",
    extra_context={"title": _("Check your email")},
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=AuditedSetPasswordForm,
    success_url=reverse_lazy("accounts:password-reset-complete"),
    extra_context={"title": _("Choose a new password")},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html",
    extra_context={"title": _("Your password has been changed")},
)

"""Page forms: parse and validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import Organisation, OrganisationKind, Role
from opendps.core.calendar import Nation
from opendps.web.form_errors import GovukErrorsMixin, GovukForm, GovukModelForm


class SignInForm(GovukErrorsMixin, AuthenticationForm):
    username = forms.EmailField(label=_("Email address"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("Enter a correct email address and password."),
        "inactive": _("This account is switched off: ask your organisation's administrator."),
    }


class ResetRequestForm(GovukErrorsMixin, PasswordResetForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class OrganisationForm(GovukModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "registration_number",
            "address",
            "postcode",
            "nation",
            "is_sme",
            "is_vcse",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "nation": forms.RadioSelect}


class SupplierRegistrationForm(GovukForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    password = forms.CharField(
        label=_("Create a password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("At least 10 characters; not a common password."),
    )
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    registration_number = forms.CharField(
        label=_("Companies House or charity number"), max_length=32, required=False
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    nation = forms.ChoiceField(
        label=_("Where is your organisation based?"),
        choices=Nation.choices,
        widget=forms.RadioSelect,
        initial=Nation.ENGLAND_AND_WALES,
    )
    is_sme = forms.BooleanField(
        label=_("We are a small or medium-sized enterprise (SME)"), required=False
    )
    is_vcse = forms.BooleanField(
        label=_("We are a voluntary, community or social enterprise (VCSE)"), required=False
    )

    def organisation_fields(self) -> dict[str, Any]:
        names = [
            "name",
            "registration_number",
            "address",
            "postcode",
            "nation",
            "is_sme",
            "is_vcse",
        ]
        return {name: self.cleaned_data[name] for name in names}


class InvitationForm(GovukForm):
    email = forms.EmailField(label=_("Colleague's email address"))
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = OrganisationKind(organisation.kind)
        allowed = permissions.ROLES_BY_KIND[kind]
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role_field.choices = [(r.value, r.label) for r in Role if r in allowed]


class AcceptInvitationForm(GovukForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password = forms.CharField(
        label=_("Create a password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("At least 10 characters; not a common password."),
    )


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what will use it, for example 'bid management system'."),
    )
    days = forms.TypedChoiceField(
        label=_("How long should it last?"),
        choices=[
            (30, _("30 days")),
            (90, _("90 days")),
            (365, _("1 year")),
        ],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        help_text=_("After this it stops working and you will need to make a new one."),
    )


class PasswordChangeForm(GovukForm):
    """The current password, then the new one twice; the service checks the current one
    and the new one's strength."""

    current_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("At least 10 characters; not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("Confirm new password"), strip=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Enter the same new password in both boxes"))
        return data

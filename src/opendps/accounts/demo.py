"""Demo organisations and people."""

from __future__ import annotations

from typing import Any

from opendps.accounts import services
from opendps.accounts.models import Organisation, OrganisationKind, Role, User
from opendps.web.demo import DEMO_PASSWORD, DemoContext, register

AUTHORITIES: dict[str, dict[str, Any]] = {
    "dwp": {
        "name": "Department for Work and Pensions – Employment Support Commercial",
        "registration_number": "",
        "address": "Caxton House, Tothill Street, London",
        "postcode": "SW1H 9NA",
        "nation": "england_wales",
        "is_central_government": True,
    },
    "county": {
        "name": "Northshire County Council – Adult Social Care Commissioning",
        "address": "County Hall, Market Street, Northtown",
        "postcode": "NT1 1AA",
        "nation": "england_wales",
    },
}

AUTHORITY_PEOPLE = [
    ("dwp", "commissioner@dwp.demo", "Priya Shah", Role.COMMISSIONER),
    ("dwp", "admin@dwp.demo", "Tom Evans", Role.AUTHORITY_ADMIN),
    ("dwp", "evaluator@dwp.demo", "Grace Okafor", Role.EVALUATOR),
    ("dwp", "workcoach.leeds@dwp.demo", "Sam Patel", Role.BUYER),
    ("dwp", "workcoach.cardiff@dwp.demo", "Rhys Jones", Role.BUYER),
    ("county", "commissioner@northshire.demo", "Helen Clarke", Role.COMMISSIONER),
    ("county", "evaluator@northshire.demo", "Mark Lewis", Role.EVALUATOR),
    ("county", "broker@northshire.demo", "Aisha Begum", Role.BUYER),
]

SUPPLIERS = [
    ("brightpath", "bid@brightpath.demo", "Jo Brown", "BrightPath Employment CIC", True, True),
    ("nextstep", "bid@nextstep.demo", "Alex Green", "Next Step Careers Ltd", True, False),
    ("carewell", "bid@carewell.demo", "Fatima Ali", "CareWell Home Support", True, False),
    ("hearth", "bid@hearth.demo", "Owen Price", "Hearth Community Care (charity)", True, True),
    ("nationwide", "bid@nationwide.demo", "Chris Hall", "Nationwide Workforce plc", False, False),
]


@register(order=10)
def load_accounts(context: DemoContext) -> None:
    staff = User.objects.filter(email="staff@opendps.demo").first()
    if staff is None:
        staff = User.objects.create_superuser(
            "staff@opendps.demo", DEMO_PASSWORD, full_name="Platform Staff"
        )
    context.staff = staff
    context.logins.append(("Platform staff", "staff@opendps.demo"))
    for key, fields in AUTHORITIES.items():
        org = Organisation.objects.filter(name=fields["name"]).first() or (
            services.organisation_create(actor=staff, kind=OrganisationKind.AUTHORITY, **fields)
        )
        context.organisations[key] = org
    for key, email, name, role in AUTHORITY_PEOPLE:
        org = context.organisations[key]
        membership = services.member_add(
            actor=staff,
            organisation=org,
            email=email,
            full_name=name,
            password=DEMO_PASSWORD,
            role=role,
        )
        context.users[email] = membership.user
        context.logins.append((f"{Role(role).label}, {org.name}", email))
    for key, email, name, org_name, sme, vcse in SUPPLIERS:
        user = User.objects.filter(email=email).first() or services.supplier_register(
            email=email,
            full_name=name,
            password=DEMO_PASSWORD,
            organisation={
                "name": org_name,
                "is_sme": sme,
                "is_vcse": vcse,
                "nation": "england_wales",
                "postcode": "LS1 4AP",
            },
        )
        assert user is not None  # only a new address reaches supplier_register
        context.users[email] = user
        context.organisations[key] = user.memberships.get().organisation
        context.logins.append((f"Supplier admin, {org_name}", email))

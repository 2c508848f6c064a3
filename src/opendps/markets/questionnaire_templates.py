"""The selection questionnaires a commissioner starts from, one per regime.

They follow the structure of the UK standard forms, written in our own words:

* PCR 2015 dynamic purchasing systems: the Standard Selection Questionnaire — part 1
  supplier information, part 2 exclusion grounds (mandatory and discretionary), part 3
  selection criteria (economic and financial standing, insurance, technical and
  professional ability, modern slavery, and safeguarding where the services reach
  vulnerable people).
* Procurement Act 2023 dynamic markets: the Procurement Specific Questionnaire — the
  supplier's core information is held on the Central Digital Platform, so we record the
  share code and platform identifier and ask only the procurement-specific questions
  (exclusion and debarment, including associated persons and intended subcontractors, and
  the conditions of membership).

A template is *data*: the dict each function returns is validated by
``questionnaire_parse`` and stored on the market as JSON, where the commissioner may edit
it. That is why the question text here is plain strings and not ``gettext_lazy``: a stored
questionnaire is content, not interface text, and must not change when the reader's
language does. A Welsh version of a template would be a separate template (its own data),
not a translation catalogue entry.

Every call returns a fresh dict, so callers may change what they get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from opendps.core.errors import RuleViolation
from opendps.regimes.base import RegimeCode

TEMPLATE_UNKNOWN_REGIME = _("There is no questionnaire template for the regime '%(regime)s'.")

# The insurance levels the templates ask for (pounds, per claim). A commissioner can change
# them in the stored questionnaire; the figures are the usual starting points.
EMPLOYERS_LIABILITY_MINIMUM = 5_000_000
PUBLIC_LIABILITY_MINIMUM = 1_000_000
PROFESSIONAL_INDEMNITY_MINIMUM = 1_000_000

SME_CHOICES = ["micro", "small", "medium", "large"]
MODERN_SLAVERY_CHOICES = ["not applicable", "yes, compliant", "no"]

MANDATORY = "mandatory_exclusion"
DISCRETIONARY = "discretionary_exclusion"
CONDITION = "condition"

AMOUNT_HINT = "Enter the amount in pounds as digits only, for example 5000000."


def _question(
    qid: str,
    section: str,
    text: str,
    kind: str,
    *,
    hint: str = "",
    choices: list[str] | None = None,
    required: bool = True,
    rule: dict[str, Any] | None = None,
    failure: str = CONDITION,
) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": qid,
        "section": section,
        "text": text,
        "hint": hint,
        "kind": kind,
        "required": required,
        "failure": failure,
    }
    if choices is not None:
        question["choices"] = list(choices)
    if rule is not None:
        question["rule"] = rule
    return question


def _answer_in(*values: str) -> dict[str, Any]:
    return {"kind": "in", "values": list(values)}


def _at_least(number: int) -> dict[str, Any]:
    return {"kind": "min", "number": str(number)}


def _file_present() -> dict[str, Any]:
    return {"kind": "file_present"}


def _insurance_questions(prefix: str, section: str) -> list[dict[str, Any]]:
    return [
        _question(
            f"{prefix}.employers_liability",
            section,
            "What is the level of your employer's liability insurance cover, per claim?",
            "number",
            hint=f"At least £{EMPLOYERS_LIABILITY_MINIMUM:,} is required. {AMOUNT_HINT}",
            rule=_at_least(EMPLOYERS_LIABILITY_MINIMUM),
        ),
        _question(
            f"{prefix}.public_liability",
            section,
            "What is the level of your public liability insurance cover, per claim?",
            "number",
            hint=f"At least £{PUBLIC_LIABILITY_MINIMUM:,} is required. {AMOUNT_HINT}",
            rule=_at_least(PUBLIC_LIABILITY_MINIMUM),
        ),
        _question(
            f"{prefix}.professional_indemnity",
            section,
            "What is the level of your professional indemnity insurance cover, per claim?",
            "number",
            hint=f"At least £{PROFESSIONAL_INDEMNITY_MINIMUM:,} is required. {AMOUNT_HINT}",
            rule=_at_least(PROFESSIONAL_INDEMNITY_MINIMUM),
        ),
        _question(
            f"{prefix}.insurance_certificate",
            section,
            "Upload your current insurance certificates, or a letter from your broker "
            "confirming the cover above.",
            "file",
            hint="One PDF is best. The certificates must be in date when you apply.",
            rule=_file_present(),
        ),
    ]


def _safeguarding_questions(prefix: str, section: str) -> list[dict[str, Any]]:
    return [
        _question(
            f"{prefix}.safeguarding_policy",
            section,
            "Upload your safeguarding policy for children and adults at risk.",
            "file",
            hint="It should say how concerns are reported and who is told, and when it was "
            "last reviewed.",
            rule=_file_present(),
        ),
        _question(
            f"{prefix}.enhanced_dbs",
            section,
            "Will everyone who works with service users, including volunteers and "
            "subcontractors' staff, have an enhanced DBS check (with a barred list check "
            "where the work is regulated activity) before they start?",
            "yes_no",
            rule=_answer_in("yes"),
        ),
        _question(
            f"{prefix}.safeguarding_lead",
            section,
            "Who is your organisation's designated safeguarding lead?",
            "text",
            hint="Give their name, role and how to contact them.",
        ),
    ]


# --- PCR 2015: Standard Selection Questionnaire -------------------------------------------

PART_1 = "Part 1: Supplier information"
PART_2_MANDATORY = "Part 2: Mandatory exclusion grounds"
PART_2_DISCRETIONARY = "Part 2: Discretionary exclusion grounds"
PART_3_FINANCE = "Part 3: Economic and financial standing"
PART_3_INSURANCE = "Part 3: Insurance"
PART_3_ABILITY = "Part 3: Technical and professional ability"
PART_3_MODERN_SLAVERY = "Part 3: Modern slavery"
PART_3_SAFEGUARDING = "Part 3: Safeguarding"

_CONVICTED = (
    "Has the organisation, or any person with powers of representation, decision or "
    "control over it (such as a director or partner), been convicted of {offence} in the "
    "last five years?"
)

# (id, offence, hint)
_PCR_MANDATORY_OFFENCES: list[tuple[str, str, str]] = [
    (
        "p2.criminal_organisation",
        "participation in a criminal organisation",
        "",
    ),
    (
        "p2.corruption",
        "corruption or bribery",
        "For example an offence under the Bribery Act 2010.",
    ),
    (
        "p2.fraud",
        "fraud",
        "Including fraud affecting public funds, cheating the public revenue and conspiracy "
        "to defraud.",
    ),
    (
        "p2.terrorism",
        "a terrorist offence or an offence linked to terrorist activities",
        "",
    ),
    (
        "p2.money_laundering",
        "money laundering or terrorist financing",
        "",
    ),
    (
        "p2.modern_slavery",
        "an offence of child labour, human trafficking or another modern slavery offence",
        "For example an offence under the Modern Slavery Act 2015.",
    ),
]


def pcr2015_standard_sq(*, vulnerable_people: bool) -> dict[str, Any]:
    """The Standard Selection Questionnaire for a PCR 2015 dynamic purchasing system."""
    questions: list[dict[str, Any]] = [
        _question(
            "p1.legal_name",
            PART_1,
            "What is the full legal name of your organisation?",
            "text",
            hint="As registered, for example with Companies House or the Charity Commission.",
        ),
        _question(
            "p1.registration_number",
            PART_1,
            "What is your Companies House or charity registration number?",
            "text",
            hint="Leave this blank if your organisation is not registered with either.",
            required=False,
        ),
        _question(
            "p1.vat_number",
            PART_1,
            "What is your VAT registration number?",
            "text",
            hint="Leave this blank if you are not registered for VAT.",
            required=False,
        ),
        _question(
            "p1.sme_status",
            PART_1,
            "What size is your organisation?",
            "choice",
            hint="Micro: fewer than 10 staff and turnover or balance sheet of €2m or less. "
            "Small: fewer than 50 staff and €10m or less. Medium: fewer than 250 staff, and "
            "turnover of €50m or less or balance sheet of €43m or less. Otherwise large.",
            choices=SME_CHOICES,
        ),
        _question(
            "p1.vcse",
            PART_1,
            "Is your organisation a voluntary, community or social enterprise (VCSE)?",
            "yes_no",
            hint="A non-governmental organisation that reinvests its surpluses to further "
            "social, environmental or cultural aims: for example a charity, community "
            "interest company or social enterprise.",
        ),
        _question(
            "p1.group",
            PART_1,
            "Is your organisation part of a group of companies?",
            "yes_no",
            hint="If yes, we may ask for the name and registration number of the parent.",
        ),
        _question(
            "p1.subcontractors",
            PART_1,
            "Will you use subcontractors to deliver the services?",
            "yes_no",
        ),
        _question(
            "p1.subcontractor_names",
            PART_1,
            "If you will use subcontractors, give their names and what each will do.",
            "text",
            required=False,
        ),
    ]

    for qid, offence, hint in _PCR_MANDATORY_OFFENCES:
        questions.append(
            _question(
                qid,
                PART_2_MANDATORY,
                _CONVICTED.format(offence=offence),
                "yes_no",
                hint=hint,
                rule=_answer_in("no"),
                failure=MANDATORY,
            )
        )
    questions.append(
        _question(
            "p2.tax",
            PART_2_MANDATORY,
            "Has a court or an administrative decision that can no longer be appealed found "
            "that the organisation has not paid tax or social security contributions it owes, "
            "without the amount having since been paid or a binding arrangement to pay it "
            "having been made?",
            "yes_no",
            rule=_answer_in("no"),
            failure=MANDATORY,
        )
    )

    discretionary: list[tuple[str, str, str]] = [
        (
            "p2.insolvency",
            "Is the organisation bankrupt or insolvent, in administration or liquidation, "
            "subject to an arrangement with its creditors, or has it suspended its business, "
            "or is it in any similar situation?",
            "",
        ),
        (
            "p2.misconduct",
            "Has the organisation been guilty of grave professional misconduct in the last "
            "three years that calls its integrity into question?",
            "",
        ),
        (
            "p2.competition",
            "In the last three years, has the organisation made agreements with other "
            "organisations aimed at distorting competition?",
            "For example bid rigging, price fixing or sharing out customers.",
        ),
        (
            "p2.conflict_of_interest",
            "Would the organisation taking part in this market create a conflict of interest "
            "that cannot be remedied by other means?",
            "For example a close relationship with someone who runs or assesses this market.",
        ),
        (
            "p2.prior_contract",
            "In the last three years, has the organisation shown significant or persistent "
            "deficiencies in performing a substantive requirement of a public contract, "
            "leading to its early termination, damages or a similar sanction?",
            "",
        ),
        (
            "p2.misrepresentation",
            "Has the organisation seriously misrepresented or withheld information needed to "
            "check the exclusion grounds or selection criteria, or tried to improperly "
            "influence a contracting authority's decisions?",
            "",
        ),
    ]
    for qid, text, hint in discretionary:
        questions.append(
            _question(
                qid,
                PART_2_DISCRETIONARY,
                text,
                "yes_no",
                hint=hint,
                rule=_answer_in("no"),
                failure=DISCRETIONARY,
            )
        )
    questions.append(
        _question(
            "p2.self_cleaning",
            PART_2_DISCRETIONARY,
            "If you answered yes to any question in part 2, explain what happened and the "
            "steps you have taken to show that your organisation is reliable despite it.",
            "text",
            hint="For example compensation paid, cooperation with investigators, and changes "
            "to staff, systems or controls.",
            required=False,
        )
    )

    questions += [
        _question(
            "p3.turnover",
            PART_3_FINANCE,
            "What was your organisation's turnover in its last full financial year?",
            "number",
            hint=AMOUNT_HINT,
        ),
        _question(
            "p3.accounts",
            PART_3_FINANCE,
            "Can you provide your accounts for the last two financial years, or equivalent "
            "evidence of your financial standing?",
            "yes_no",
            hint="If you have traded for less than two years, equivalent evidence could be "
            "management accounts, a bank reference or a statement of turnover.",
            rule=_answer_in("yes"),
        ),
        *_insurance_questions("p3", PART_3_INSURANCE),
        _question(
            "p3.contract_example_1",
            PART_3_ABILITY,
            "Describe a recent contract in which you delivered services like those in this market.",
            "text",
            hint="Give the customer, dates, value, what you delivered and the results, and "
            "a contact who can give a reference.",
        ),
        _question(
            "p3.contract_example_2",
            PART_3_ABILITY,
            "Describe a second recent contract in which you delivered services like those in "
            "this market.",
            "text",
            hint="Give the same details as for the first example.",
        ),
        _question(
            "p3.modern_slavery",
            PART_3_MODERN_SLAVERY,
            "Are you a relevant commercial organisation under section 54 of the Modern "
            "Slavery Act 2015 and, if so, do you comply with its reporting requirements?",
            "choice",
            hint="A relevant commercial organisation carries on business in the UK and has a "
            "total turnover of £36 million or more. It must publish a slavery and human "
            "trafficking statement each financial year.",
            choices=MODERN_SLAVERY_CHOICES,
            rule=_answer_in(*MODERN_SLAVERY_CHOICES[:2]),
        ),
    ]
    if vulnerable_people:
        questions += _safeguarding_questions("p3", PART_3_SAFEGUARDING)
    return {"questions": questions}


# --- PA 2023: Procurement Specific Questionnaire ------------------------------------------

CDP = "Central Digital Platform"
EXCLUSION = "Exclusion and debarment"
MEMBERSHIP = "Conditions of membership"
SAFEGUARDING = "Safeguarding"


def pa2023_psq(*, vulnerable_people: bool) -> dict[str, Any]:
    """The Procurement Specific Questionnaire for a Procurement Act 2023 dynamic market."""
    questions: list[dict[str, Any]] = [
        _question(
            "cdp.share_code",
            CDP,
            "What is the share code for your supplier information on the Central Digital Platform?",
            "text",
            hint="The platform gives you a share code when you share your core supplier "
            "information. Check that the information is up to date before you share it.",
        ),
        _question(
            "cdp.supplier_id",
            CDP,
            "What is your organisation's identifier on the Central Digital Platform?",
            "text",
        ),
        _question(
            "ex.associated_persons",
            EXCLUSION,
            "Will you rely on any associated persons (other organisations whose resources "
            "you use to meet the conditions of membership)?",
            "yes_no",
        ),
        _question(
            "ex.associated_person_names",
            EXCLUSION,
            "If you will rely on associated persons, give their names and Central Digital "
            "Platform identifiers.",
            "text",
            required=False,
        ),
        _question(
            "ex.subcontractors",
            EXCLUSION,
            "Do you intend to subcontract any part of the services?",
            "yes_no",
        ),
        _question(
            "ex.subcontractor_names",
            EXCLUSION,
            "If you intend to subcontract, give each subcontractor's name, Central Digital "
            "Platform identifier and what it will do.",
            "text",
            required=False,
        ),
        _question(
            "ex.debarment",
            EXCLUSION,
            "Is the supplier, or any associated person or intended subcontractor, on the "
            "debarment list?",
            "yes_no",
            hint="The debarment list is published by the Cabinet Office.",
            rule=_answer_in("no"),
            failure=MANDATORY,
        ),
        _question(
            "ex.mandatory_grounds",
            EXCLUSION,
            "Do any of the mandatory exclusion grounds in Schedule 6 to the Procurement Act "
            "2023 apply to the supplier, an associated person or an intended subcontractor?",
            "yes_no",
            hint="For example convictions for corruption, fraud, terrorism, money laundering "
            "or modern slavery offences, or failure to pay tax.",
            rule=_answer_in("no"),
            failure=MANDATORY,
        ),
        _question(
            "ex.discretionary_grounds",
            EXCLUSION,
            "Do any of the discretionary exclusion grounds in Schedule 7 to the Procurement "
            "Act 2023 apply to the supplier, an associated person or an intended "
            "subcontractor?",
            "yes_no",
            hint="For example insolvency, professional misconduct, breach of contract and "
            "poor performance, or acting to distort competition.",
            rule=_answer_in("no"),
            failure=DISCRETIONARY,
        ),
        _question(
            "ex.improvement",
            EXCLUSION,
            "If any exclusion ground applies, explain what happened and the steps taken so "
            "that it is not likely to happen again.",
            "text",
            hint="For example compensation paid, cooperation with investigators, and changes "
            "to staff, systems or controls.",
            required=False,
        ),
        _question(
            "com.financial_standing",
            MEMBERSHIP,
            "Can you provide your accounts for the last two financial years, or equivalent "
            "evidence that you have the financial standing to deliver contracts in this "
            "market?",
            "yes_no",
            rule=_answer_in("yes"),
        ),
        *_insurance_questions("com", MEMBERSHIP),
        _question(
            "com.terms",
            MEMBERSHIP,
            "Do you agree to comply with the terms of this dynamic market, and to tell us "
            "promptly if anything in your application changes?",
            "yes_no",
            rule=_answer_in("yes"),
        ),
    ]
    if vulnerable_people:
        questions += _safeguarding_questions("com", SAFEGUARDING)
    return {"questions": questions}


TEMPLATES: dict[str, Callable[..., dict[str, Any]]] = {
    RegimeCode.PCR2015_DPS.value: pcr2015_standard_sq,
    RegimeCode.PA2023_DYNAMIC_MARKET.value: pa2023_psq,
}


def template_for(regime_code: str, *, vulnerable_people: bool) -> dict[str, Any]:
    """The starting questionnaire for a market under the given regime."""
    try:
        build = TEMPLATES[str(regime_code)]
    except KeyError:
        raise RuleViolation(
            TEMPLATE_UNKNOWN_REGIME, code="template_unknown_regime", regime=str(regime_code)
        ) from None
    return build(vulnerable_people=vulnerable_people)

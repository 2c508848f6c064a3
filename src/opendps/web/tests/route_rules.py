"""Who may use each route: the one table ``test_route_roles`` holds every route to.

Each URL name (pages by ``namespace:name``, API operations by ``api:<operation>``) has a
``Rule``: its rightful ``owner`` (a person of the world in ``route_world``, or ``anonymous``
for public routes), the outside roles it also lets in, the method to send, and which of the
world's objects fill its URL. Everyone else must be refused. Add a rule with every route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OUTSIDERS = (
    "anonymous",
    "other_supplier",  # a supplier that is party to nothing here
    "other_admin",  # the roles of another authority
    "other_commissioner",
    "other_buyer",
    "other_evaluator",
    "staff",  # platform staff, a member of no organisation
)
# The rightful people: the authority that runs the market and calls, and supplier A, which
# tendered and holds the contract.
OWNERS = (
    "authority_admin",
    "commissioner",
    "buyer",
    "evaluator",
    "supplier_a_admin",
    "staff",
)

PUBLIC = frozenset(OUTSIDERS)
SIGNED_IN = PUBLIC - {"anonymous"}
IN_AN_ORGANISATION = SIGNED_IN - {"staff"}  # pages about one's own organisation
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    owner: str
    allowed: frozenset[str] = NOBODY
    method: str = "GET"  # pages; an API operation's method comes from its OpenAPI entry
    ids: dict[str, Any] = field(default_factory=dict)  # URL keyword -> world id key or value
    # No such object can exist in the world (a secret link, whose secret is only emailed;
    # the API's root): everyone, the owner too, may get 404; outsiders are still held to
    # "refused", "no leak" and "no 500". Say why in the reason.
    absent: str = ""
    body: dict[str, Any] | None = None  # an API body, instead of the schema's smallest

    def value(self, keyword: str, ids: dict[str, Any]) -> Any:
        chosen = self.ids.get(keyword, keyword)
        return ids[chosen] if isinstance(chosen, str) and chosen in ids else chosen


def public(**kw: Any) -> Rule:
    return Rule(owner="anonymous", allowed=PUBLIC, **kw)


def only(owner: str, *also: str | frozenset[str], **kw: Any) -> Rule:
    """``owner``'s route; ``also`` names outside roles (or sets of them) it lets in too."""
    allowed: set[str] = set()
    for item in also:
        allowed |= {item} if isinstance(item, str) else set(item)
    return Rule(owner=owner, allowed=frozenset(allowed), **kw)


def post(owner: str, *also: str | frozenset[str], **kw: Any) -> Rule:
    return only(owner, *also, method="POST", **kw)


OTHER_AUTHORITY = frozenset({"other_admin", "other_commissioner", "other_buyer", "other_evaluator"})
OTHER_MANAGERS = frozenset({"other_admin", "other_commissioner"})
OTHER_BUYERS = OTHER_MANAGERS | {"other_buyer"}
OPEN_CALL = {"call_id": "open_call_id"}
EVIDENCE = {"document_id": "evidence_id"}  # a document of supplier A's evidence locker

RULES: dict[str, Rule] = {
    # web: the public front door and health
    "web:home": public(),
    "web:healthz": public(),
    "web:readyz": public(),
    "web:accessibility": public(),
    "web:privacy": public(),
    "web:cookies": public(),
    "web:help": public(),
    "web:feedback": public(),
    "web:open-data": public(),
    "web:language": public(ids={"code": "cy"}),
    "availability:status": public(),
    "availability:policy": only("authority_admin", "commissioner", OTHER_MANAGERS),
    # accounts
    "accounts:sign-in": public(),
    "accounts:sign-out": public(method="POST"),
    "accounts:register": public(),
    "accounts:register-sent": public(),
    "accounts:organisation": only("authority_admin", IN_AN_ORGANISATION),
    "accounts:team": only("authority_admin", IN_AN_ORGANISATION),
    "accounts:team-member-remove": post("authority_admin"),
    "accounts:staff-activity": only("authority_admin", "other_admin", "other_supplier"),
    "accounts:invitation-accept": public(
        ids={"secret": "guessed"},
        absent="an invitation's secret is only ever emailed (the database keeps its hash), "
        "so the link is walked with a guessed one",
    ),
    "accounts:tokens": only("supplier_a_admin", SIGNED_IN),
    "accounts:token-revoke": post("supplier_a_admin"),
    "accounts:password-change": only("buyer", SIGNED_IN),
    "accounts:password-reset": public(),
    "accounts:password-reset-sent": public(),
    "accounts:password-reset-confirm": public(ids={"uidb64": "MQ", "token": "guessed"}),
    "accounts:password-reset-complete": public(),
    # markets
    "markets:list": public(),
    "markets:create": only("commissioner", OTHER_MANAGERS),
    "markets:detail": public(),
    "markets:edit": only("commissioner"),
    "markets:category-add": only("commissioner"),
    "markets:questionnaire": public(),
    "markets:questionnaire-builder": only("commissioner"),
    "markets:questionnaire-preview": only("commissioner"),
    "markets:question-add": only("commissioner"),
    "markets:question-edit": only("commissioner", ids={"question_id": "form_question_id"}),
    "markets:question-remove": only("commissioner", ids={"question_id": "form_question_id"}),
    "markets:question-move": post("commissioner", ids={"question_id": "form_question_id"}),
    "markets:publish": only("commissioner"),
    "markets:validity": only("commissioner"),
    "markets:cease": only("commissioner"),
    "markets:members": only("buyer"),
    "markets:authority-markets": only("buyer", OTHER_AUTHORITY),
    # membership
    "membership:apply": only("supplier_a_admin", "other_supplier"),
    "membership:supplier-applications": only("supplier_a_admin", "other_supplier"),
    "membership:supplier-application": only("supplier_a_admin"),
    "membership:application-withdraw": post("supplier_a_admin"),
    "membership:supplier-memberships": only("supplier_a_admin", "other_supplier"),
    "membership:draft": only("supplier_a_admin"),
    "membership:draft-section": only("supplier_a_admin", ids={"number": 1}),
    "membership:draft-check": only("supplier_a_admin"),
    "membership:evidence": only("supplier_a_admin", "other_supplier"),
    "membership:evidence-remove": post("supplier_a_admin", ids=EVIDENCE),
    "membership:evidence-file": only("supplier_a_admin", ids=EVIDENCE),
    "membership:declaration-answer": only("supplier_a_admin"),
    "membership:evaluator-queue": only(
        "evaluator", "other_admin", "other_commissioner", "other_evaluator"
    ),
    "membership:assess-application": only("evaluator"),
    "membership:assess-supplier": only("evaluator"),
    "membership:extend-assessment": only("evaluator"),
    "membership:application-document": only("evaluator"),
    "membership:member-detail": only("commissioner"),
    "membership:member-action": post("commissioner", ids={"action": "suspend"}),
    "membership:debarment": only("staff"),
    # competitions: public notices
    "competitions:opportunities": public(),
    "competitions:opportunity": public(),
    "competitions:awards": public(),
    "competitions:receipt-verify": public(),
    # competitions: the buying authority
    "competitions:buyer-calls": only("buyer", OTHER_BUYERS),
    "competitions:call-create": only("buyer", OTHER_BUYERS),
    "competitions:planned-call-announce": post("buyer", OTHER_BUYERS),
    "competitions:planned-call-withdraw": only("buyer"),
    "competitions:call-detail": only("buyer"),
    "competitions:call-publish": only("buyer", ids={"call_id": "draft_call_id"}),
    "competitions:call-edit": only("buyer", ids={"call_id": "draft_call_id"}),
    "competitions:call-deadline": only("buyer", ids=OPEN_CALL),
    "competitions:call-notice": only("buyer", ids=OPEN_CALL),
    "competitions:award-confirm": only("buyer"),
    "competitions:call-documents": only("buyer", ids=OPEN_CALL),
    "competitions:call-document": only("buyer", ids=OPEN_CALL | {"kind": "specification"}),
    "competitions:call-cancel": only("buyer", ids=OPEN_CALL),
    "competitions:call-close": only("buyer"),
    "competitions:question-answer": post("buyer", ids=OPEN_CALL),
    "competitions:call-open": post("buyer"),
    "competitions:tenders": only("buyer"),
    "competitions:tender-exclude": post("commissioner"),
    "competitions:tender-document": only("buyer"),
    "competitions:evaluation": only("evaluator"),
    "competitions:moderation": only("commissioner"),
    "competitions:award": only("buyer"),
    "competitions:contract": post("buyer"),
    "competitions:evaluator-calls": only(
        "evaluator", "other_commissioner", "other_buyer", "other_evaluator"
    ),
    # competitions: the tendering supplier
    "competitions:question-ask": post("supplier_a_admin", ids=OPEN_CALL),
    "competitions:tender-submit": only("supplier_a_admin", ids=OPEN_CALL),
    "competitions:tender-withdraw": only("supplier_a_admin", ids=OPEN_CALL),
    "competitions:receipts": only("supplier_a_admin"),
    "competitions:receipt": only("supplier_a_admin"),
    "competitions:receipt-download": only("supplier_a_admin"),
    "competitions:feedback": only("supplier_a_admin"),
    "competitions:invitations": only("supplier_a_admin", "other_supplier"),
    "competitions:standing-offers": only("supplier_a_admin", "other_supplier"),
    "competitions:standing-offer-edit": only("supplier_a_admin"),
    # brokerage
    "brokerage:capacity": only("supplier_a_admin", "other_supplier"),
    "brokerage:from-offer": only("supplier_a_admin", ids={"call_id": "rapid_call_id"}),
    "brokerage:placement": only("supplier_a_admin"),
    "brokerage:placement-accept": post("supplier_a_admin"),
    "brokerage:placement-decline": post("supplier_a_admin"),
    # contracts
    "contracts:list": only("buyer", SIGNED_IN),
    "contracts:detail": only("buyer"),
    "contracts:record": only("supplier_a_admin"),
    "contracts:confirm": post("buyer"),
    "contracts:dispute": only("buyer"),
    "contracts:rate": only("buyer"),
    "contracts:reply": only("supplier_a_admin"),
    "contracts:change": only("buyer"),
    # challenges
    "challenges:list": only("supplier_a_admin", SIGNED_IN),
    "challenges:choose": only("supplier_a_admin", "other_supplier"),
    "challenges:time-limits": only("commissioner", OTHER_MANAGERS),
    "challenges:raise": only("supplier_a_admin", ids={"kind": "application_rejected"}),
    "challenges:detail": only("supplier_a_admin"),
    "challenges:document": only("supplier_a_admin", ids={"document_id": "challenge_document_id"}),
    "challenges:step": post("commissioner", ids={"step": "acknowledge"}),
    # insights
    "insights:index": only("buyer", IN_AN_ORGANISATION),
    "insights:supplier": only("supplier_a_admin", "other_supplier"),
    "insights:supplier-export": only(
        "supplier_a_admin", "other_supplier", ids={"table": "all", "fmt": "xlsx"}
    ),
    "insights:market": only("commissioner"),
    "insights:market-export": only("commissioner", ids={"table": "all", "fmt": "xlsx"}),
    "insights:past-performance": only("buyer"),
    "insights:past-performance-export": only("buyer", ids={"table": "all", "fmt": "xlsx"}),
    # publication
    "publication:releases": public(),
    "publication:record": public(),
    "publication:policy": public(),
    "publication:export": public(),  # the world writes the nightly job's file
    "publication:notices-due": only("buyer", OTHER_BUYERS),
    "publication:notice-record": post("buyer", OTHER_BUYERS),
    # alerts
    "alerts:list": only("supplier_a_admin", SIGNED_IN),
    "alerts:stop": post("supplier_a_admin"),
    "alerts:unsubscribe": public(ids={"token": "guessed"}),
    # API: documentation and the caller
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:api-root": public(absent="the API has no root document: /api/v1/ answers 404"),
    "api:me": only("buyer", SIGNED_IN),
    # API: markets and membership
    "api:market_list": public(),
    "api:market_detail": public(),
    "api:category_list": public(),
    "api:member_list": public(),
    "api:market_create": only("commissioner"),
    "api:market_publish": only("commissioner"),
    "api:category_add": only("commissioner"),
    "api:application_submit": only("supplier_a_admin", "other_supplier"),
    "api:application_list": only("evaluator", SIGNED_IN),
    "api:application_detail": only("evaluator"),
    "api:application_decide": only("evaluator"),
    "api:application_extend": only("evaluator"),
    "api:notice_due_list": only("buyer", SIGNED_IN),
    "api:notice_record": only("buyer"),
    # API: calls, tenders, evaluation, award
    "api:call_list": only("buyer", SIGNED_IN),
    "api:call_create": only("buyer"),
    "api:call_detail": only("buyer"),
    "api:call_publish": only("buyer", ids={"call_id": "draft_call_id"}),
    "api:call_cancel": only("buyer", ids=OPEN_CALL),
    "api:call_change": only("buyer", ids={"call_id": "draft_call_id"}),
    "api:amendment_list": only("buyer", ids=OPEN_CALL),
    "api:notice_send": only("buyer", ids=OPEN_CALL),
    "api:deadline_change": only("buyer", ids=OPEN_CALL),
    "api:clarification_list": only("supplier_a_admin", ids=OPEN_CALL),
    "api:clarification_ask": only("supplier_a_admin", ids=OPEN_CALL),
    "api:clarification_answer": only("buyer", ids=OPEN_CALL),
    "api:tender_submit": only("supplier_a_admin", ids=OPEN_CALL),
    "api:tender_list": only("buyer"),
    "api:tender_withdraw": only("supplier_a_admin", ids=OPEN_CALL),
    "api:call_open": only("buyer"),
    "api:conflict_declare": only("evaluator"),
    "api:scoresheet_save": only("evaluator"),
    "api:scoresheet_list": only("evaluator"),
    "api:moderation_record": only("commissioner"),
    "api:tender_exclude": only("commissioner"),
    "api:award_decide": only("buyer"),
    "api:contract_conclude": only("buyer"),
    "api:call_close": only("buyer"),
    "api:feedback_detail": only("supplier_a_admin"),
    "api:receipt_verify": public(),
    "api:receipt_public_key": public(),
    "api:standing_offer_list": only("buyer"),
    "api:standing_offer_save": only("supplier_a_admin"),
    # API: contracts
    "api:contract_list": only("buyer", SIGNED_IN),
    "api:contract_detail": only("buyer"),
    "api:performance_list": only("buyer"),
    "api:performance_record": only("supplier_a_admin"),
    "api:performance_confirm": only("buyer"),
    "api:performance_dispute": only("buyer"),
    # API: challenges
    # A supplier that is no party is refused: the rejection challenged is supplier A's.
    "api:challenge_raise": only(
        "supplier_a_admin",
        body={"kind": "application_rejected", "decision_id": 0, "grounds": "Cover is enough."},
    ),
    "api:challenge_list": only("supplier_a_admin", SIGNED_IN),
    "api:challenge_time_limits": only("commissioner"),
    "api:challenge_detail": only("supplier_a_admin"),
    "api:challenge_acknowledge": only("commissioner"),
    # Each step on a challenge in the state it needs (route_records), so the owner's is done.
    "api:challenge_review": only("commissioner", ids={"challenge_id": "acknowledged_challenge_id"}),
    "api:challenge_proceedings": only("commissioner", ids={"challenge_id": "award_challenge_id"}),
    "api:challenge_decide": only(
        "commissioner",
        ids={"challenge_id": "acknowledged_challenge_id"},
        body={"outcome": "dismissed", "reasons": "The rules were applied.", "remedy": "none"},
    ),
    "api:challenge_remedy": only("commissioner", ids={"challenge_id": "upheld_challenge_id"}),
    # API: care brokerage (the placement and the rapid call are route_records')
    "api:placement_list": only("supplier_a_admin", SIGNED_IN),
    "api:placement_detail": only("supplier_a_admin"),
    "api:placement_accept": only("supplier_a_admin"),
    "api:placement_decline": only("supplier_a_admin"),
    "api:capacity_list": only("supplier_a_admin", "other_supplier"),
    "api:capacity_record": only("supplier_a_admin"),
    "api:call_capacity": only("buyer", ids={"call_id": "rapid_call_id"}),
    "api:tender_from_offer": only("supplier_a_admin", ids={"call_id": "rapid_call_id"}),
    # API: insight
    "api:supplier_insight": only("supplier_a_admin", "other_supplier"),
    "api:market_health": only("commissioner"),
    "api:past_performance": only("buyer"),
    # the admin (read-only; its model pages are accounts/tests/test_admin.py's)
    "admin:index": only("staff"),
}


# --- API request bodies -------------------------------------------------------------------
# A state-changing operation is asked with a body its schema accepts, so that an outsider is
# stopped by the permission check, not by validation. The body is made from the operation's
# OpenAPI request schema: every required field with the simplest value of its type.

SIMPLE = {"string": "x", "integer": 1, "number": "1", "boolean": False, "array": [], "object": {}}
FORMATS = {"date-time": "2027-03-10T12:00:00Z", "date": "2027-03-10", "email": "x@x.test"}


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    kind = schema.get("type", "object")
    if kind == "object":
        return {
            name: example(schema["properties"][name], components)
            for name in schema.get("required", [])
        }
    if kind == "array" and schema.get("minItems"):
        return [example(schema["items"], components)] * schema["minItems"]
    if kind == "string" and schema.get("minLength", 0) > 1:
        return "x" * schema["minLength"]
    return SIMPLE[kind]


def request_body(openapi: dict[str, Any], route: str, method: str) -> dict[str, Any]:
    """The smallest body the operation's schema accepts ({} when it takes none)."""
    operation = openapi["paths"].get(route, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    return example(content["schema"], openapi["components"]["schemas"])

#!/usr/bin/env python3
"""Generate a national-scale OpenDPS dataset into a dedicated PostgreSQL database.

    .venv/bin/python bench/generate.py --scale 1            # -> opendps_bench_s1
    .venv/bin/python bench/generate.py --scale 10 --reset   # drop and rebuild
    .venv/bin/python bench/generate.py --scale 0.1 --database-url postgres://postgres@127.0.0.1:5432/x

Scale 1 is DWP's first year of its DPS: 1,166 suppliers and 23,000 purchases. Per scale
unit there is an Employment Support DPS (PCR 2015, 10 categories: 5 service types x 2
regions) and a Home Support dynamic market (PA 2023, 10 zones), each with its authority.

Small, rule-heavy parts (authorities, markets, categories and their questionnaires,
publication notices) are made through the real services at past moments (``clock.at``).
Everything bulky is written with COPY in the shapes the services write: applications in
every state, category members, calls in every state with HPKE keys wrapped under the
master key, invitations of every active member, tenders really HPKE-sealed to their call
with Ed25519-signed receipts, conflict declarations, scoresheets, moderation, awards ranked
by the real scoring code, feedback to every bidder, contracts and performance records.

The COPY column lists below name what the generator fills itself; every other column of
those tables is filled from its Django model field's default (``""`` for text, NULL where
allowed, the field's ``default=``), so a new column with a default needs nothing here. A
new NOT NULL column without one stops the run before anything is loaded, naming it.

Bulky tables have their secondary indexes and unique/foreign-key constraints dropped for
the load and re-created exactly afterwards (re-adding the constraints validates every
row), then the database is ANALYZEd. The audit chain holds only the events of the service
calls (markets); the bulk history has no audit events (documented in BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import common

SUPPLIERS_PER_UNIT = 1166
CALLS_PER_UNIT = 23000
SERVICE_TYPES = [
    ("CV and job search support", "Employability support"),
    ("Confidence and motivation", "Employability support"),
    ("Basic skills: English, maths and digital", "Skills training"),
    ("Health and wellbeing", "Health-related employment support"),
    ("Specialist 1-2-1 coaching for vulnerable groups", "Specialist employment support"),
]
REGIONS = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Merseyside",
    "Greater Manchester",
    "Lancashire",
    "Cumbria",
    "Tyne and Wear",
    "West Yorkshire",
    "South Yorkshire",
    "Birmingham",
    "Black Country",
]
COUNTIES = [
    "Northshire",
    "Southmere",
    "Eastwold",
    "Westdale",
    "Midvale",
    "Highcombe",
    "Lowfield",
    "Riverton",
    "Marshby",
    "Hillbury",
    "Oakhampton",
    "Ashford Vale",
    "Stonebridge",
    "Fenland",
    "Coastley",
    "Moorland",
    "Brookshire",
    "Kingsmere",
    "Queensfield",
    "Elmstead",
]
ZONES = [
    "North zone",
    "South zone",
    "East zone",
    "West zone",
    "Town centre",
    "Rural north",
    "Rural south",
    "Coastal strip",
    "Market towns",
    "City fringe",
]
NAME_A = [
    "Bright",
    "Next",
    "Open",
    "Harbour",
    "Kind",
    "Steady",
    "Bridge",
    "Oak",
    "River",
    "Pathway",
    "Compass",
    "Beacon",
    "Heart",
    "Willow",
    "Summit",
    "Anchor",
    "Horizon",
    "Circle",
    "Meadow",
    "Lantern",
    "Haven",
    "Thrive",
    "Kestrel",
    "Unity",
]
NAME_B = [
    "Futures",
    "Steps",
    "Support",
    "Care",
    "Skills",
    "Works",
    "Coaching",
    "Community",
    "Connect",
    "Living",
    "Learning",
    "Partners",
    "Homecare",
    "Pathways",
]
NAME_VCSE = ["CIC", "Trust", "(charity)", "Cooperative", "Foundation"]
NAME_PRIVATE = ["Ltd", "Ltd", "Group Ltd", "Services Ltd", "plc"]
POSTCODES = [
    "LS1 4AP",
    "M1 1AE",
    "CF10 1EP",
    "G1 1XQ",
    "NT1 2BB",
    "B1 1BB",
    "NE1 7RU",
    "S1 2HE",
    "BS1 5TR",
    "L1 8JQ",
    "NG1 5FS",
    "EH1 1YZ",
]
JOBS = [
    (
        "CV and interview coaching for {n} claimants",
        "Two 1-2-1 sessions each, CV and mock interview.",
    ),
    ("Confidence course for {n} claimants", "A four-week group course with 1-2-1 follow-up."),
    ("Digital skills for {n} claimants", "Basic digital skills to apply for jobs online."),
    ("Wellbeing support for {n} claimants", "Six weekly sessions for people with mild anxiety."),
    ("Work trial brokerage for {n} claimants", "Find and support two-week work trials."),
]
NEEDS = [
    "Man in his 70s in {d}, lives alone, needs help with washing and dressing each morning.",
    "Woman in her 80s in {d}, early dementia, needs two visits a day and help with meals.",
    "Adult in {d} after a hospital stay, needs short-term reablement for six weeks.",
    "Person in their 60s in {d}, uses a wheelchair, needs an evening visit and medication prompts.",
]
ANSWERS = [
    "Experienced local staff, weekly reviews and a named coordinator.",
    "We use a proven model with strong results in this area.",
    "Local volunteers, apprenticeships for care leavers and zero-emission travel.",
    "Trauma-informed coaching by qualified advisers, with outcomes tracked monthly.",
]
REASONS = [
    "Clear, evidenced approach.",
    "Good local knowledge; some gaps in evidence.",
    "Strong track record with this group.",
    "Adequate but generic method statement.",
]
METRICS = {
    "emp": [
        ("delivery", "Sessions delivered"),
        ("outcome", "Job starts"),
        ("kpi", "Attendance rate (%)"),
        ("milestone", "Action plans agreed"),
    ],
    "home": [
        ("delivery", "Hours delivered"),
        ("kpi", "Visits on time (%)"),
        ("outcome", "Reablement goals met"),
        ("social_value", "Local staff employed"),
    ],
}

# --- COPY text formatting (used in the worker processes) ----------------------------------

_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _v(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value.translate(_ESC)  # type: ignore[no-any-return]
    if value is None:
        return "\\N"
    if kind is int or kind is Decimal:
        return str(value)
    if value is True:
        return "t"
    if value is False:
        return "f"
    if kind is datetime:
        return value.isoformat()  # type: ignore[no-any-return]
    if kind is bytes:
        return "\\\\x" + value.hex()  # type: ignore[no-any-return]
    if kind is dict or kind is list:
        return json.dumps(value, separators=(",", ":")).translate(_ESC)
    return str(value)


def _line(values: tuple[Any, ...] | list[Any]) -> str:
    return "\t".join(_v(v) for v in values) + "\n"


COLUMNS: dict[str, list[str]] = {
    "competitions_call": [
        "id",
        "market_id",
        "category_id",
        "buyer_id",
        "created_by_id",
        "created_at",
        "title",
        "requirement",
        "rapid",
        "service_user_needs",
        "region",
        "estimated_value",
        "criteria",
        "agreed_period_hours",
        "deadline",
        "clarification_deadline",
        "published_at",
        "public_key",
        "wrapped_private_key",
        "opening_requested_at",
        "opening_requested_by_id",
        "opened_at",
        "opened_by_id",
        "cancelled_at",
        "closed_reason",
        "no_compliant_at",
    ],
    "competitions_tendersubmission": [
        "id",
        "call_id",
        "supplier_id",
        "submitted_by_id",
        "received_at",
        "sealed_payload",
        "sealed_sha256",
        "receipt",
        "receipt_signature",
        "withdrawn_at",
        "superseded_at",
        "excluded_at",
        "exclusion_reason",
    ],
    "competitions_conflictdeclaration": [
        "id",
        "call_id",
        "evaluator_id",
        "declared_at",
        "has_conflict",
        "details",
    ],
    "competitions_scoresheet": ["id", "call_id", "evaluator_id", "scores", "submitted_at"],
    "competitions_moderation": ["id", "call_id", "moderator_id", "moderated_at", "scores"],
    "competitions_award": [
        "id",
        "call_id",
        "winner_id",
        "decided_by_id",
        "decided_at",
        "ranking",
        "standstill_ends_at",
        "award_notice_due_at",
        "award_notice_published_at",
        "award_notice_reference",
        "contract_value",
    ],
    "competitions_feedback": ["id", "call_id", "supplier_id", "created_at", "content"],
    "contracts_contract": [
        "id",
        "call_id",
        "award_id",
        "buyer_id",
        "supplier_id",
        "value",
        "entered_at",
        "starts_on",
        "ends_on",
        "service_users",
        "terminated_at",
        "fee_percent",
        "fee_amount",
        "commitments",
        "details_notice_due_at",
        "details_notice_published_at",
        "details_notice_reference",
    ],
    "contracts_performancerecord": [
        "id",
        "contract_id",
        "kind",
        "metric",
        "quantity",
        "target",
        "period_start",
        "period_end",
        "note",
        "recorded_by_org_id",
        "recorded_by_id",
        "recorded_at",
        "confirmed_at",
        "confirmed_by_id",
        "disputed_at",
        "dispute_reason",
    ],
    "contracts_rating": [
        "id",
        "contract_id",
        "score",
        "comment",
        "rated_by_id",
        "rated_at",
        "supplier_reply",
        "replied_at",
    ],
    "competitions_clarification": [
        "id",
        "call_id",
        "asked_by_id",
        "asked_at",
        "question",
        "answer",
        "answered_at",
        "answered_by_id",
    ],
}
CHUNK_TABLES = list(COLUMNS)  # the order rows are written in within one chunk
# Filled by one INSERT ... SELECT (``Generator.invitations``), not by the workers.
INVITATION_COLUMNS = ["call_id", "member_id", "supplier_id", "invited_at", "emailed_at"]
BULK_TABLES = [*CHUNK_TABLES, "competitions_invitation"]


def model_defaults(table: str, filled: list[str]) -> list[tuple[Any, Any]]:
    """(model field, value) for each column of ``table`` that the generator does not fill, from
    its model field: the ``default=``, else ``""`` for text and NULL where allowed. Columns
    the database fills (a serial id, ``db_default``, ``GeneratedField``) are left to it.

    Raises SystemExit, before anything is loaded, for a column named in ``filled`` that
    the model no longer has, and for a NOT NULL column without a default: only someone
    who knows what it means can fill it (add it to ``COLUMNS`` and to the rows).
    """
    from django.apps import apps
    from django.db.models import NOT_PROVIDED, GeneratedField
    from django.db.models.fields import AutoFieldMixin

    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        raise SystemExit(f"bench/generate.py: no model has the table {table}")
    fields = {f.column: f for f in model._meta.concrete_fields}
    unknown = [column for column in filled if column not in fields]
    if unknown:
        raise SystemExit(f"bench/generate.py fills {table}.{unknown}, which the model lacks")
    rest: list[tuple[Any, Any]] = []
    for column, field in fields.items():
        # The database fills these itself: a serial id, a db_default, a generated column.
        if (
            column in filled
            or isinstance(field, AutoFieldMixin | GeneratedField)
            or field.db_default is not NOT_PROVIDED
        ):
            continue
        value = field.get_default()
        if value is None and not field.null:
            raise SystemExit(
                f"{table}.{column} is NOT NULL and has no default: bench/generate.py must "
                "fill it (add it to COLUMNS and to the rows written for that table)"
            )
        rest.append((field, value.value if isinstance(value, Enum) else value))
    return rest


def copy_plan() -> dict[str, tuple[str, str]]:
    """Per worker-written table: the COPY column list, and the text of the defaulted
    columns that ends every line (the workers write only ``COLUMNS``)."""
    model_defaults("competitions_invitation", INVITATION_COLUMNS)  # checked now, used later
    plan = {}
    for table_name, filled in COLUMNS.items():
        rest = model_defaults(table_name, filled)
        columns = ", ".join([*filled, *(field.column for field, _ in rest)])
        plan[table_name] = (columns, "".join("\t" + _v(value) for _, value in rest))
    return plan


# --- the worker: everything about a batch of calls ----------------------------------------

_W: dict[str, Any] = {}


def _worker_init(database_url: str) -> None:
    common.django_setup(database_url)
    from opendps.competitions import criteria as crit
    from opendps.core import clock, sealing
    from opendps.regimes import get_regime

    _W.update(crit=crit, sealing=sealing, get_regime=get_regime, utc_text=clock.utc_text)


def _ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def build_chunk(specs: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, int], float]:
    """Rows (COPY text) for a batch of calls; each spec fixes the call's ids and bidders."""
    crit, sealing, get_regime = _W["crit"], _W["sealing"], _W["get_regime"]
    out: dict[str, list[str]] = {t: [] for t in CHUNK_TABLES}
    crypto = 0.0
    t0 = time.perf_counter()
    for spec in specs:
        crypto += _build_call(spec, out, crit, sealing, get_regime)
    counts = {t: len(rows) for t, rows in out.items()}
    if os.environ.get("BENCH_DEBUG"):
        print(
            f"[worker {os.getpid()}] {len(specs)} calls in {time.perf_counter() - t0:.2f}s",
            file=sys.stderr,
        )
    return {t: "".join(rows) for t, rows in out.items()}, counts, crypto


def _build_call(
    spec: dict[str, Any], out: dict[str, list[str]], crit: Any, sealing: Any, get_regime: Any
) -> float:
    rng = random.Random(spec["seed"])
    call_id = spec["id"]
    now: datetime = spec["now"]
    fate: str = spec["fate"]
    published: datetime | None = spec["published_at"]
    deadline: datetime = spec["deadline"]
    label = f"opendps:call:{call_id}"
    crypto_start = time.perf_counter()
    keys = sealing.call_keys_new(label) if published else None
    crypto = time.perf_counter() - crypto_start
    opened_at = opened_by = cancelled_at = no_compliant_at = None
    closed_reason = ""
    if fate in {"evaluation", "awarded", "no_compliant"}:
        opened_at = deadline + timedelta(minutes=rng.randrange(5, 120))
        opened_by = spec["buyer_user"]
        if opened_at >= now - timedelta(minutes=1) or (
            fate == "no_compliant" and opened_at + timedelta(hours=48) >= now
        ):
            fate, opened_at, opened_by = "closed", None, None
    if fate == "cancelled":
        cancelled_at = min(
            now - timedelta(minutes=5), _between(rng, published or spec["created_at"], deadline)
        )
        closed_reason = rng.choice(
            [
                "The claimant found work first.",
                "The service user's needs changed.",
                "Budget withdrawn for this quarter.",
            ]
        )
    if fate == "no_compliant":
        no_compliant_at = opened_at + timedelta(hours=rng.randrange(2, 48))  # type: ignore[operator]
        closed_reason = "No compliant tender was received."
    out["competitions_call"].append(
        _line(
            [
                call_id,
                spec["market_id"],
                spec["category_id"],
                spec["buyer_id"],
                spec["buyer_user"],
                spec["created_at"],
                spec["title"],
                spec["requirement"],
                spec["rapid"],
                spec["needs"],
                spec["region"],
                spec["estimated_value"],
                spec["criteria"],
                None,
                deadline,
                spec["clarification_deadline"],
                published,
                keys.public_key if keys else None,
                keys.wrapped_private_key if keys else None,
                None,
                None,
                opened_at,
                opened_by,
                cancelled_at,
                closed_reason,
                no_compliant_at,
            ]
        )
    )
    if not published:
        return crypto
    # -- tenders: each bidder's submissions; the last unwithdrawn one is its tender
    live: list[tuple[int, int, int, datetime, Decimal, dict[str, str]]] = []
    next_id = spec["tender_start_id"]
    last_moment = min(deadline, cancelled_at or deadline, now) - timedelta(seconds=1)
    if last_moment <= published:
        return crypto
    estimated = Decimal(spec["estimated_value"])
    text_keys = [c["key"] for c in spec["criteria"] if c["kind"] != "price"]
    for supplier_id, user_id, mode in spec["bidders"]:
        moments = sorted(
            _between(rng, published, last_moment) for _ in range(2 if mode == "resubmitted" else 1)
        )
        base = estimated * Decimal(str(round(rng.uniform(0.7, 1.1), 4)))
        for index, moment in enumerate(moments):
            received = _ms(moment)
            price = (base * (Decimal("0.95") if index else 1)).quantize(Decimal("1.00"))
            answers = {k: rng.choice(ANSWERS) for k in text_keys}
            payload = {"price": str(price), "answers": answers, "notes": "", "documents": []}
            start = time.perf_counter()
            sealed = sealing.seal(
                json.dumps(payload).encode(),
                keys.public_key,  # type: ignore[union-attr]
                f"{label}:supplier:{supplier_id}",
            )
            digest = sealing.sha256_hex(sealed)
            receipt = {
                "call_id": call_id,
                "supplier_id": supplier_id,
                "submission_id": next_id,
                "received_at": _W["utc_text"](received),  # as the service signs it
                "sealed_sha256": digest,
                "documents": 0,
            }
            signature = sealing.receipt_sign(receipt)
            crypto += time.perf_counter() - start
            superseded = _ms(moments[1]) if (mode == "resubmitted" and index == 0) else None
            withdrawn = None
            if mode == "withdrawn":
                withdrawn = _ms(_between(rng, moment, last_moment + timedelta(seconds=1)))
            out["competitions_tendersubmission"].append(
                _line(
                    [
                        next_id,
                        call_id,
                        supplier_id,
                        user_id,
                        received,
                        sealed,
                        digest,
                        receipt,
                        signature,
                        withdrawn,
                        superseded,
                        None,
                        "",
                    ]
                )
            )
            if superseded is None and withdrawn is None:
                live.append((next_id, supplier_id, user_id, received, price, answers))
            next_id += 1
    if opened_at is None:
        return crypto
    buyer_org, buyer_user = spec["buyer_id"], spec["buyer_user"]
    evaluators: list[int] = spec["evaluators"]
    # -- excluded tenders (all of them when none is compliant, a few otherwise)
    excluded: set[int] = set()
    if fate == "no_compliant":
        excluded = {t[0] for t in live}
    elif len(live) > 1:
        excluded = {t[0] for t in live[1:] if rng.random() < 0.04}
    if excluded:
        rows = out["competitions_tendersubmission"]
        reason = "No safeguarding evidence was provided."
        for position in range(len(rows) - (next_id - spec["tender_start_id"]), len(rows)):
            fields = rows[position].rstrip("\n").split("\t")
            if int(fields[0]) in excluded:
                fields[11] = _v(opened_at + timedelta(hours=3))
                fields[12] = reason
                rows[position] = "\t".join(fields) + "\n"
    if fate == "no_compliant":
        return crypto
    compliant = [t for t in live if t[0] not in excluded]
    criteria = spec["criteria"]
    scored_keys = [c["key"] for c in criteria if c["kind"] != "price"]
    scores = {
        str(t[0]): {
            k: {"score": rng.choice([1, 2, 3, 3, 4]), "reason": rng.choice(REASONS)}
            for k in scored_keys
        }
        for t in compliant
    }
    decided: datetime = spec.get("decided_at") or min(now, opened_at + timedelta(days=2))
    if fate == "awarded" and decided <= opened_at:
        fate = "evaluation"
    declared = opened_at + (decided - opened_at) * 0.2
    for j, evaluator in enumerate(evaluators):
        out["competitions_conflictdeclaration"].append(
            _line(
                [
                    call_id * 2 + j,
                    call_id,
                    evaluator,
                    declared,
                    False,
                    "",
                ]
            )
        )
    if fate == "evaluation":
        if compliant and rng.random() < 0.6:  # a sheet in progress
            partial = dict(list(scores.items())[: max(1, len(scores) // 2)])
            out["competitions_scoresheet"].append(
                _line(
                    [
                        call_id * 2,
                        call_id,
                        evaluators[0],
                        partial,
                        None,
                    ]
                )
            )
        return crypto
    for j, evaluator in enumerate(evaluators):
        sheet = {
            sid: {
                k: {
                    "score": max(0, min(4, v["score"] + rng.choice([-1, 0, 0, 1]))),
                    "reason": v["reason"],
                }
                for k, v in by.items()
            }
            for sid, by in scores.items()
        }
        out["competitions_scoresheet"].append(
            _line(
                [
                    call_id * 2 + j,
                    call_id,
                    evaluator,
                    sheet,
                    declared + (decided - declared) * (0.4 + 0.1 * j),
                ]
            )
        )
    moderated = decided - (decided - declared) * 0.2
    out["competitions_moderation"].append(
        _line(
            [
                call_id,
                call_id,
                spec["moderator"],
                moderated,
                scores,
            ]
        )
    )
    parsed = spec["parsed_criteria"]
    bids = [
        crit.Bid(
            submission_id=t[0],
            supplier_id=t[1],
            price=t[4],
            received_at=t[3].isoformat(),
            scores={k: v["score"] for k, v in scores[str(t[0])].items()},
        )
        for t in compliant
    ]
    ranked = crit.rank(parsed, bids)
    ranking = [
        {
            "submission_id": r.bid.submission_id,
            "supplier_id": r.bid.supplier_id,
            "rank": r.rank,
            "total": str(r.total),
            "points": {k: str(v) for k, v in r.points.items()},
            "scores": r.bid.scores,
            "price": str(r.bid.price),
        }
        for r in ranked
    ]
    winner = ranking[0]
    regime = get_regime(spec["regime"], spec["validity_starts_at"])
    standstill = regime.standstill_end(
        decided, spec["nation"], voluntary=spec["voluntary"], light_touch=spec["rapid"]
    )
    notice_due = regime.award_notice_due(decided)
    notice_published = (
        decided
        if not notice_due
        else (decided + timedelta(days=rng.randrange(1, 25)) if rng.random() < 0.9 else None)
    )
    if notice_published is not None and notice_published > now:
        notice_published = None
    # Recorded by the authority (a Find a Tender reference), unless published with the
    # decision (PA 2023 s 50: the platform's own contract award notice, no reference).
    notice_reference = (
        f"{notice_published.year}/S 000-{call_id:06d}" if notice_due and notice_published else ""
    )
    contract_value = Decimal(winner["price"])
    out["competitions_award"].append(
        _line(
            [
                call_id,
                call_id,
                winner["submission_id"],
                buyer_user,
                decided,
                ranking,
                standstill,
                notice_due,
                notice_published,
                notice_reference,
                contract_value,
            ]
        )
    )
    by_submission = {e["submission_id"]: e for e in ranking}
    names = {c["key"]: c["name"] for c in criteria}
    for t in live:
        mine = by_submission.get(t[0])
        reasons = scores.get(str(t[0]), {})
        content = {
            "call_title": spec["title"],
            "bidders": len(live),
            "rank": mine["rank"] if mine else None,
            "won": t[0] == winner["submission_id"],
            "excluded_reason": "No safeguarding evidence was provided."
            if t[0] in excluded
            else None,
            "criteria": [
                {
                    "key": c["key"],
                    "name": c["name"],
                    "kind": c["kind"],
                    "weight": str(c["weight"]),
                    "your_points": mine["points"][c["key"]] if mine else None,
                    "your_score": mine["scores"].get(c["key"])
                    if mine and c["kind"] != "price"
                    else None,
                    "your_score_label": crit.SCORE_LABELS.get(mine["scores"].get(c["key"]))
                    if mine and c["kind"] != "price"
                    else None,
                    "reason": reasons.get(c["key"], {}).get("reason", ""),
                    "winner_points": winner["points"][c["key"]],
                }
                for c in criteria
            ],
            "your_total": mine["total"] if mine else None,
            "winner_total": winner["total"],
            "your_price": str(t[4]),
            "winning_price": winner["price"],
            "relative_advantages": [
                f"{c['name']}: {winner['points'][c['key']]} against {mine['points'][c['key']]} points"
                for c in criteria
                if mine
                and mine is not winner
                and Decimal(winner["points"][c["key"]]) > Decimal(mine["points"][c["key"]])
            ],
            "price_formula": crit.PRICE_FORMULA,
            "tie_break": crit.TIE_BREAK_RULE,
            "standstill_ends_at": standstill.isoformat() if standstill else None,
            "criterion_names": names,
        }
        out["competitions_feedback"].append(_line([t[0], call_id, t[1], decided, content]))
    # -- the contract, once any standstill is over
    entered = decided if standstill is None else standstill + timedelta(hours=1)
    if regime.contract_award_notice_before_contract and (
        notice_published is None or notice_published > entered
    ):
        entered = notice_published + timedelta(minutes=30) if notice_published else None  # type: ignore[assignment]
    if entered is None or entered > now:
        return crypto
    winner_tender = next(t for t in live if t[0] == winner["submission_id"])
    social = {
        k: v
        for k, v in winner_tender[5].items()
        if any(c["key"] == k and c["kind"] == "social_value" for c in criteria)
    }
    fee_percent = spec["fee_percent"] or Decimal(0)
    starts_on = entered.date()
    ends_on = starts_on + timedelta(days=rng.choice([42, 84, 182, 365]))
    details_due = regime.contract_details_notice_due(entered, light_touch=spec["rapid"])
    # The random draws in the order they always had, so a seed gives the same dataset.
    service_users = rng.choice([1, 1, 1, 5, 10, 15, 20]) if not spec["rapid"] else 1
    details_published = (
        entered + timedelta(days=rng.randrange(1, 20))
        if details_due and rng.random() < 0.8 and entered + timedelta(days=20) < now
        else None
    )
    out["contracts_contract"].append(
        _line(
            [
                call_id,
                call_id,
                call_id,
                buyer_org,
                winner["supplier_id"],
                contract_value,
                entered,
                starts_on,
                ends_on,
                service_users,
                None,
                fee_percent,
                regime.supplier_fee(contract_value, spec["fee_percent"]),
                {"social_value": social},
                details_due,
                details_published,
                f"{details_published.year}/S 000-{call_id:06d}" if details_published else "",
            ]
        )
    )
    # -- performance: a record a month while the contract runs, mostly confirmed
    metrics = METRICS["home" if spec["rapid"] else "emp"]
    period_start = starts_on
    for j in range(4):
        period_end = period_start + timedelta(days=29)
        recorded = datetime.combine(period_end, datetime.min.time(), tzinfo=UTC) + timedelta(
            days=2, hours=10
        )
        if period_end > ends_on or recorded > now:
            break
        kind, metric = metrics[rng.randrange(len(metrics))]
        target = Decimal(rng.choice([10, 20, 40, 80]))
        quantity = (target * Decimal(str(round(rng.uniform(0.6, 1.2), 2)))).quantize(
            Decimal("0.01")
        )
        confirmed = recorded + timedelta(days=rng.randrange(1, 6))
        disputed = rng.random() < 0.04
        out["contracts_performancerecord"].append(
            _line(
                [
                    call_id * 4 + j,
                    call_id,
                    kind,
                    metric,
                    quantity,
                    target,
                    period_start,
                    period_end,
                    "",
                    winner["supplier_id"],
                    winner_tender[2],
                    recorded,
                    None if disputed or confirmed > now else confirmed,
                    None if disputed or confirmed > now else buyer_user,
                    confirmed if disputed and confirmed <= now else None,
                    "The figures do not match our records."
                    if disputed and confirmed <= now
                    else "",
                ]
            )
        )
        period_start = period_end + timedelta(days=1)
    if rng.random() < 0.3 and entered + timedelta(days=60) < now:
        rated = entered + timedelta(days=rng.randrange(40, 60))
        out["contracts_rating"].append(
            _line(
                [
                    call_id,
                    call_id,
                    rng.choice([3, 4, 4, 5, 5, 2]),
                    "Delivered as agreed; good communication.",
                    buyer_user,
                    rated,
                    "",
                    None,
                ]
            )
        )
    return crypto


# --- the main process ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--database-url", help="default: opendps_bench_s<scale> on 127.0.0.1")
    parser.add_argument("--reset", action="store_true", help="drop and re-create the database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--chunk", type=int, default=1000, help="calls per worker batch")
    args = parser.parse_args()
    url = args.database_url or common.database_url_for(args.scale)
    common.loopback_only(url)
    name = common.db_name(url)
    if name in {"test", "postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to generate into {name!r}: use a dedicated database")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    common.django_setup(url)  # no connection yet: the models are read, the database is not
    plan = copy_plan()  # refuses a column it cannot fill before anything is dropped
    if common.db_exists(url):
        if not args.reset:
            raise SystemExit(f"{name} exists: pass --reset to drop and rebuild it")
        common.pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    common.pg_admin(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    with common.timed("migrate", timings):
        call_command("migrate", verbosity=0, interactive=False)
    gen = Generator(args.scale, args.seed, url, timings, plan)
    gen.run(args.workers, args.chunk)
    timings["total"] = round(time.perf_counter() - started, 1)
    summary = gen.summary()
    summary["timings_s"] = timings
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    path = common.RESULTS / f"generate-s{common.scale_slug(args.scale)}.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    print()
    print(common.table([[k, f"{v:,}"] for k, v in summary["rows"].items()], ["table", "rows"]))
    print()
    print(common.table([[k, v] for k, v in timings.items()], ["step", "seconds"]))
    print(
        f"\nscale {args.scale:g} loaded into {name} in {timings['total']} s "
        f"(tender crypto {summary['crypto_cpu_s']} s CPU in workers); summary: {path}"
    )


class Generator:
    def __init__(
        self,
        scale: float,
        seed: int,
        url: str,
        timings: dict[str, float],
        plan: dict[str, tuple[str, str]],
    ) -> None:
        from opendps.core import clock

        self.plan = plan
        self.scale = scale
        self.units = max(1, round(scale))
        self.rng = random.Random(seed)
        self.seed = seed
        self.url = url
        self.timings = timings
        self.now = clock.now()
        self.start = self.now - timedelta(days=400)  # markets opened 13 months ago
        self.crypto = 0.0

    # -- small parts, through the services ----------------------------------------------

    def people(self) -> None:
        from opendps.accounts.models import Membership, Organisation, Role, User

        self.staff = User.objects.create_superuser(
            "staff@opendps.bench", None, full_name="Platform Staff"
        )
        self.authorities: list[dict[str, Any]] = []
        users: list[User] = []
        roles: list[tuple[int, str, str]] = []  # (authority index, email, role)
        for u in range(self.units):
            for kind in ("emp", "home"):
                if kind == "emp":
                    org = Organisation(
                        kind="authority",
                        name=f"Department for Work and Pensions – Employment Support, {REGIONS[(2 * u) % len(REGIONS)]} and {REGIONS[(2 * u + 1) % len(REGIONS)]}"
                        + (f" ({u // 10 + 1})" if u >= 10 else ""),
                        address="Caxton House, Tothill Street, London",
                        postcode="SW1H 9NA",
                        nation="england_wales",
                        is_central_government=True,
                    )
                    people = [("commissioner", Role.COMMISSIONER), ("admin", Role.AUTHORITY_ADMIN)]
                    people += [(f"evaluator{i}", Role.EVALUATOR) for i in range(2)]
                    people += [(f"workcoach{i}", Role.BUYER) for i in range(8)]
                    domain = f"dwp{u}.bench"
                else:
                    county = COUNTIES[u % len(COUNTIES)] + (
                        f" {u // len(COUNTIES) + 1}" if u >= len(COUNTIES) else ""
                    )
                    org = Organisation(
                        kind="authority",
                        name=f"{county} County Council – Adult Social Care Commissioning",
                        address="County Hall, Market Street",
                        postcode="NT1 1AA",
                        nation="england_wales",
                    )
                    people = [
                        ("commissioner", Role.COMMISSIONER),
                        ("evaluator0", Role.EVALUATOR),
                        ("evaluator1", Role.EVALUATOR),
                    ]
                    people += [(f"broker{i}", Role.BUYER) for i in range(3)]
                    domain = f"county{u}.bench"
                org.save()
                index = len(self.authorities)
                self.authorities.append({"org": org, "kind": kind, "unit": u, "users": {}})
                for key, role in people:
                    email = f"{key}@{domain}"
                    users.append(User(email=email, full_name=key.title(), password="!bench"))
                    roles.append((index, email, role))
        User.objects.bulk_create(users)
        by_email = dict(User.objects.filter(email__endswith=".bench").values_list("email", "pk"))
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=by_email[email], organisation=self.authorities[i]["org"], role=role
                )
                for i, email, role in roles
            ]
        )
        for i, email, role in roles:
            self.authorities[i]["users"].setdefault(role, []).append(
                User.objects.get(pk=by_email[email])
                if role == Role.COMMISSIONER
                else by_email[email]
            )

    def markets(self) -> None:
        from opendps.core import clock
        from opendps.core.calendar import LONDON
        from opendps.markets import services as market_services
        from opendps.markets.models import QuestionnaireVersion

        self.categories: list[dict[str, Any]] = []
        self.markets_by_kind: dict[str, list[dict[str, Any]]] = {"emp": [], "home": []}
        with clock.at(self.start):
            for authority in self.authorities:
                commissioner = authority["users"]["commissioner"][0]
                u = authority["unit"]
                if authority["kind"] == "emp":
                    regions = [REGIONS[(2 * u) % len(REGIONS)], REGIONS[(2 * u + 1) % len(REGIONS)]]
                    market = market_services.market_create(
                        actor=commissioner,
                        authority=authority["org"],
                        regime="pcr2015_dps",
                        title=f"Employment Support DPS – {regions[0]} and {regions[1]}"
                        + (f" ({u // 10 + 1})" if u >= 10 else ""),
                        description="Employability support for people claiming Universal Credit and other benefits, bought by Jobcentre Plus Work Coaches one claimant or one small group at a time.",
                        cpv_codes=["79600000-0", "80530000-8", "85312320-8"],
                        estimated_value=Decimal("60000000"),
                        estimated_purchases=23000,
                        validity_starts_at=self.start,
                        validity_ends_at=datetime(2029, 2, 22, 17, tzinfo=LONDON),
                        light_touch=True,
                        vulnerable_people=True,
                    )
                    specs = [
                        (f"{title} – {region}", service, [region])
                        for region in regions
                        for title, service in SERVICE_TYPES
                    ]
                    limit = Decimal("25000")
                else:
                    market = market_services.market_create(
                        actor=commissioner,
                        authority=authority["org"],
                        regime="pa2023_dynamic_market",
                        title=f"Home Support Dynamic Market – {authority['org'].name.split(' County')[0]}",
                        description="Home care packages for adults assessed as eligible for care and support, placed by the council's brokerage team one service user at a time. Offers within 24 hours; ranked 60% quality, 40% price.",
                        cpv_codes=["85312000-9", "85320000-8"],
                        estimated_value=Decimal("24000000"),
                        estimated_purchases=1800,
                        validity_starts_at=self.start,
                        validity_ends_at=self.start + timedelta(days=5 * 365),
                        light_touch=True,
                        vulnerable_people=True,
                        assessment_working_days=10,
                        supplier_fee_percent=Decimal("0.5"),
                    )
                    specs = [(zone, "Home care (domiciliary support)", [zone]) for zone in ZONES]
                    limit = Decimal("60000")
                for position, (title, service, areas) in enumerate(specs):
                    category = market_services.category_add(
                        actor=commissioner,
                        market=market,
                        title=title,
                        service_type=service,
                        areas=areas,
                        max_contract_value=limit,
                        position=position,
                    )
                    self.categories.append(
                        {"obj": category, "market": market, "authority": authority, "members": []}
                    )
                market = market_services.market_publish(actor=commissioner, market=market)
                entry = {
                    "obj": market,
                    "authority": authority,
                    "categories": [c for c in self.categories if c["market"].pk == market.pk],
                }
                for c in entry["categories"]:
                    c["market"] = market
                self.markets_by_kind[authority["kind"]].append(entry)
        self.versions = {v.category_id: v for v in QuestionnaireVersion.objects.all()}

    def _answer_sets(self) -> None:
        """Per category: (answers, auto assessment) for a pass, a mandatory and a
        discretionary failure, computed by the platform's own questionnaire code."""
        from opendps.markets.questionnaire import (
            QuestionKind,
            RuleKind,
            answers_clean,
            assess,
            questionnaire_parse,
        )

        self.answer_sets: dict[int, dict[str, tuple[dict[str, Any], dict[str, Any]]]] = {}
        for category in self.categories:
            version = self.versions[category["obj"].pk]
            questionnaire = questionnaire_parse(version.questions)
            files = {q.id for q in questionnaire.questions if q.kind == QuestionKind.FILE}
            sets = {}
            for fail in (None, "mandatory", "discretionary"):
                answers: dict[str, Any] = {}
                for question in questionnaire.questions:
                    rule = question.rule
                    if question.kind == QuestionKind.FILE:
                        continue
                    if rule is not None and rule.kind == RuleKind.IN_SET:
                        answers[question.id] = rule.values[0]
                    elif rule is not None and rule.kind == RuleKind.MIN:
                        answers[question.id] = str(rule.number * 2)
                    elif question.kind in {QuestionKind.YES_NO, QuestionKind.CHOICE}:
                        answers[question.id] = question.options()[0]
                    elif question.kind == QuestionKind.NUMBER:
                        answers[question.id] = "750000"
                    else:
                        answers[question.id] = "See our evidence and case studies."
                for qid in {
                    "mandatory": ("p2.fraud", "ex.mandatory_grounds"),
                    "discretionary": ("p2.insolvency", "ex.discretionary_grounds"),
                }.get(fail or "", ()):
                    if qid in answers:
                        answers[qid] = "yes"
                clean = answers_clean(questionnaire, answers, files)
                sets[fail or "pass"] = (clean, assess(questionnaire, clean, files))
            self.answer_sets[category["obj"].pk] = sets

    def suppliers(self) -> None:
        from opendps.accounts.models import Membership, Organisation, Role, User

        n = max(1, round(SUPPLIERS_PER_UNIT * self.scale))
        rng = self.rng
        orgs, users, extra = [], [], []
        for i in range(n):
            vcse = rng.random() < 0.40
            suffix = rng.choice(NAME_VCSE if vcse else NAME_PRIVATE)
            orgs.append(
                Organisation(
                    kind="supplier",
                    name=f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {suffix} {i + 1:05d}",
                    registration_number=str(rng.randrange(10_000_000, 99_999_999)),
                    postcode=rng.choice(POSTCODES),
                    address="1 High Street",
                    nation=rng.choice(["england_wales"] * 8 + ["scotland", "northern_ireland"]),
                    is_sme=rng.random() < 0.85,
                    is_vcse=vcse,
                )
            )
            users.append(
                User(
                    email=f"bid{i + 1:05d}@supplier.bench",
                    full_name=f"Bid Manager {i + 1:05d}",
                    password="!bench",
                )
            )
            if rng.random() < 0.3:
                extra.append(
                    (
                        i,
                        User(
                            email=f"writer{i + 1:05d}@supplier.bench",
                            full_name=f"Bid Writer {i + 1:05d}",
                            password="!bench",
                        ),
                    )
                )
        Organisation.objects.bulk_create(orgs, batch_size=2000)
        User.objects.bulk_create(users + [u for _, u in extra], batch_size=2000)
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=o, role=Role.SUPPLIER_ADMIN)
                for o, u in zip(orgs, users, strict=True)
            ]
            + [Membership(user=u, organisation=orgs[i], role=Role.BID_WRITER) for i, u in extra],
            batch_size=2000,
        )
        self.supplier_rows = [(o.pk, u.pk) for o, u in zip(orgs, users, strict=True)]

    def applications(self) -> None:
        """Every supplier a member of 1-3 categories of one market; a quarter also have an
        application in another state (rejected, awaiting, overdue, withdrawn)."""
        from opendps.membership.models import Application, CategoryMember
        from opendps.membership.services.common import assessment_due as _assessment_due

        self._answer_sets()
        rng = self.rng
        apps: list[Application] = []
        member_plan: list[
            tuple[int, dict[str, Any], datetime, int]
        ] = []  # (app index, category, admitted, supplier)
        deciders = {}
        for market_list in self.markets_by_kind.values():
            for m in market_list:
                deciders[m["obj"].pk] = m["authority"]["users"]["evaluator"][0]
        for index, (supplier_id, user_id) in enumerate(self.supplier_rows):
            unit = index % self.units
            kind = "emp" if rng.random() < 0.62 else "home"
            market = self.markets_by_kind[kind][unit]
            cats = market["categories"]
            chosen = rng.sample(cats, k=rng.choices([1, 2, 3], weights=[40, 35, 25])[0])
            early = rng.random() < 0.6
            submitted = self.start + timedelta(
                days=rng.uniform(1, 28) if early else rng.uniform(30, 330),
                hours=rng.randrange(8, 17),
            )
            discretionary = rng.random() < 0.06
            decided = submitted + timedelta(days=rng.uniform(1, 9), hours=2)
            for category in chosen:
                answers, assessment = self.answer_sets[category["obj"].pk][
                    "discretionary" if discretionary else "pass"
                ]
                app = Application(
                    supplier_id=supplier_id,
                    market=market["obj"],
                    category=category["obj"],
                    questionnaire=self.versions[category["obj"].pk],
                    answers=answers,
                    auto_assessment=assessment,
                    failed_checks=sum(1 for r in assessment.values() if r["outcome"] == "fail"),
                    submitted_by_id=user_id,
                    submitted_at=submitted,
                    decided_at=decided,
                    decided_by_id=deciders[market["obj"].pk],
                    outcome="admitted",
                    reasons={
                        qid: "Self-cleaning evidence accepted: new management and audited accounts."
                        for qid, r in assessment.items()
                        if r["outcome"] == "fail"
                    },
                )
                app.assessment_due_at = _assessment_due(app, market["obj"])
                member_plan.append((len(apps), category, decided, supplier_id))
                apps.append(app)
            # another application in another state, in a category not already joined
            others = [c for c in cats if c not in chosen]
            if others and rng.random() < 0.26:
                category = rng.choice(others)
                state = rng.choices(
                    ["rejected", "awaiting", "overdue", "withdrawn"], weights=[8, 9, 4, 4]
                )[0]
                fail = "mandatory" if state == "rejected" else "pass"
                answers, assessment = self.answer_sets[category["obj"].pk][fail]
                if state in {"awaiting", "overdue"}:
                    when = self.now - timedelta(
                        days=rng.uniform(0.2, 9) if state == "awaiting" else rng.uniform(16, 40)
                    )
                else:
                    when = self.start + timedelta(days=rng.uniform(40, 360))
                app = Application(
                    supplier_id=supplier_id,
                    market=market["obj"],
                    category=category["obj"],
                    questionnaire=self.versions[category["obj"].pk],
                    answers=answers,
                    auto_assessment=assessment,
                    failed_checks=sum(1 for r in assessment.values() if r["outcome"] == "fail"),
                    submitted_by_id=user_id,
                    submitted_at=when,
                )
                app.assessment_due_at = _assessment_due(app, market["obj"])
                if state == "rejected":
                    app.decided_at = when + timedelta(days=rng.uniform(1, 8))
                    app.decided_by_id = deciders[market["obj"].pk]
                    app.outcome = "rejected"
                    app.reasons = {
                        qid: "The answer shows a mandatory exclusion ground."
                        for qid, r in assessment.items()
                        if r["outcome"] == "fail"
                    }
                elif state == "withdrawn":
                    app.withdrawn_at = when + timedelta(days=rng.uniform(0.5, 5))
                apps.append(app)
        Application.objects.bulk_create(apps, batch_size=2000)
        members = []
        for app_index, category, admitted, supplier_id in member_plan:
            members.append(
                CategoryMember(
                    category=category["obj"],
                    market=category["market"],
                    supplier_id=supplier_id,
                    application_id=apps[app_index].pk,
                    admitted_at=admitted,
                )
            )
        # a few suspended and removed members (the real services would set these)
        for member in members:
            roll = rng.random()
            if roll < 0.01:
                member.removed_at = self.now - timedelta(days=rng.uniform(1, 200))
                member.removal_reason = "Repeated failure to deliver purchased sessions."
            elif roll < 0.02:
                member.suspended_at = self.now - timedelta(days=rng.uniform(1, 60))
                member.suspension_reason = "Safeguarding concern under review."
        CategoryMember.objects.bulk_create(members, batch_size=2000)
        users = dict(self.supplier_rows)
        by_category = {c["obj"].pk: c for c in self.categories}
        for member in members:
            by_category[member.category_id]["members"].append(
                (
                    member.pk,
                    member.supplier_id,
                    users[member.supplier_id],
                    member.admitted_at,
                    member.removed_at,
                    member.suspended_at,
                )
            )
        self.members = members
        self.applications_count = len(apps)

    def offers(self) -> None:
        from opendps.competitions.models import PlannedCall, StandingOffer

        rng = self.rng
        offers = []
        for member in self.members:
            if member.removed_at is None and rng.random() < 0.3:
                offers.append(
                    StandingOffer(
                        member=member,
                        supplier_id=member.supplier_id,
                        category_id=member.category_id,
                        description="Our standard offer for this category.",
                        delivery_areas=[],
                        capacity=f"{rng.randrange(2, 40)} service users a month",
                        price_per_service_user=Decimal(rng.randrange(300, 2000)),
                        price_per_hour=Decimal(rng.randrange(18, 32)),
                        updated_at=member.admitted_at + timedelta(days=rng.uniform(1, 30)),
                    )
                )
        StandingOffer.objects.bulk_create(offers, batch_size=2000)
        planned = []
        for category in self.categories:
            authority = category["authority"]
            buyer = authority["users"]["buyer"][0]
            for k in range(3):
                month = (self.now + timedelta(days=30 * (k + 1))).date().replace(day=1)
                planned.append(
                    PlannedCall(
                        category=category["obj"],
                        buyer=authority["org"],
                        title=f"Expected call {k + 1}: {category['obj'].title}",
                        expected_month=month,
                        estimated_value=Decimal(rng.randrange(5000, 50000, 500)),
                        created_by_id=buyer,
                        created_at=self.now - timedelta(days=rng.uniform(1, 60)),
                    )
                )
        PlannedCall.objects.bulk_create(planned)

    # -- calls: specs in the main process, rows in the workers --------------------------

    def call_specs(self) -> list[dict[str, Any]]:
        from opendps.competitions.criteria import RAPID_DEFAULT, STANDARD_DEFAULT, criteria_parse

        rng = self.rng
        n = max(1, round(CALLS_PER_UNIT * self.scale))
        standard = criteria_parse(STANDARD_DEFAULT)
        rapid_parsed = criteria_parse(RAPID_DEFAULT)
        standard_json = [c.model_dump(mode="json") for c in standard]
        rapid_json = [c.model_dump(mode="json") for c in rapid_parsed]
        draft: list[dict[str, Any]] = []
        specs: list[dict[str, Any]] = []
        year = timedelta(days=365)
        for _ in range(n):
            kind = "emp" if rng.random() < 0.75 else "home"
            market = self.markets_by_kind[kind][rng.randrange(self.units)]
            category = rng.choice(market["categories"])
            authority = market["authority"]
            is_draft = rng.random() < 0.01
            if is_draft:
                published = None
                created = self.now - timedelta(days=rng.uniform(0, 30))
            else:
                published = self.now - year * rng.random()
                created = published - timedelta(hours=rng.uniform(0.5, 48))
            base = published or created + timedelta(days=2)
            if kind == "emp":
                n_people = rng.choice([5, 10, 15, 20])
                title, requirement = rng.choice(JOBS)
                title = title.format(n=n_people)
                deadline = base + timedelta(days=rng.randrange(10, 21), hours=rng.randrange(0, 6))
                estimated = Decimal(n_people * rng.choice([250, 300, 400]))
                needs, region = "", rng.choice(category["obj"].areas)
            else:
                district = f"{category['obj'].title} district {rng.randrange(1, 9)}"
                title = f"Home care package, {category['obj'].title} ({district})"
                requirement = "Care and support as set out in the service user's needs."
                deadline = base + timedelta(hours=24)
                estimated = Decimal(rng.randrange(8_000, 40_000, 500))
                needs, region = rng.choice(NEEDS).format(d=district), district
            spec = {
                "market_id": market["obj"].pk,
                "category_id": category["obj"].pk,
                "category": category,
                "buyer_id": authority["org"].pk,
                "buyer_user": rng.choice(authority["users"]["buyer"]),
                "created_at": created,
                "title": title,
                "requirement": requirement,
                "rapid": kind == "home",
                "needs": needs,
                "region": region,
                "estimated_value": str(estimated),
                "criteria": rapid_json if kind == "home" else standard_json,
                "parsed_criteria": rapid_parsed if kind == "home" else standard,
                "deadline": deadline,
                "clarification_deadline": deadline - (deadline - base) / 4,
                "published_at": published,
                "regime": market["obj"].regime,
                "validity_starts_at": market["obj"].validity_starts_at,
                "nation": market["obj"].nation,
                "fee_percent": market["obj"].supplier_fee_percent,
                "evaluators": authority["users"]["evaluator"][: rng.choice([1, 2])],
                "moderator": authority["users"]["commissioner"][0].pk,
                "now": self.now,
                "voluntary": False,
            }
            spec["fate"] = "draft" if is_draft else self._fate(spec, rng)
            (draft if is_draft else specs).append(spec)
        specs += draft
        specs.sort(key=lambda s: s["created_at"])
        tender_id = 1
        for call_id, spec in enumerate(specs, start=1):
            spec["id"] = call_id
            spec["seed"] = self.seed * 1_000_003 + call_id
            spec["bidders"] = self._bidders(spec, rng) if spec["published_at"] else []
            if spec["fate"] in {"awarded", "evaluation"} and not any(
                m != "withdrawn" for *_, m in spec["bidders"]
            ):
                spec["fate"] = "no_compliant" if spec["bidders"] else "cancelled"
            spec["tender_start_id"] = tender_id
            tender_id += sum(2 if m == "resubmitted" else 1 for *_, m in spec["bidders"])
            del spec["category"]
        return specs

    def _fate(self, spec: dict[str, Any], rng: random.Random) -> str:
        deadline, now = spec["deadline"], self.now
        if deadline > now:
            return "cancelled" if rng.random() < 0.03 else "open"
        age = now - deadline
        if age < timedelta(days=3):
            fate = rng.choices(
                ["closed", "evaluation", "awarded", "cancelled"], weights=[45, 30, 20, 5]
            )[0]
        elif age < timedelta(days=30):
            fate = rng.choices(
                ["evaluation", "awarded", "cancelled", "no_compliant"], weights=[15, 75, 6, 4]
            )[0]
        else:
            fate = rng.choices(
                ["awarded", "cancelled", "no_compliant", "evaluation"], weights=[88, 6, 4, 2]
            )[0]
        if fate == "awarded":
            opened = deadline + timedelta(hours=2)
            decided = opened + timedelta(days=rng.uniform(0.2, 3 if spec["rapid"] else 10))
            if decided >= now - timedelta(minutes=10):
                return "evaluation"
            spec["decided_at"] = decided
            spec["voluntary"] = (not spec["rapid"]) and rng.random() < 0.2
        return fate

    def _bidders(self, spec: dict[str, Any], rng: random.Random) -> list[tuple[int, int, str]]:
        """About ten invited (active at publication) members, found by sampling the category."""
        pool = spec["category"]["members"]
        at = spec["published_at"]
        want = rng.choice([2, 4, 6, 8, 9, 10, 10, 11, 12, 14, 16, 18])
        chosen: dict[int, tuple[int, int, str]] = {}
        for _ in range(want * 4):
            if len(chosen) >= want or not pool:
                break
            _mid, supplier, user, admitted, removed, suspended = pool[rng.randrange(len(pool))]
            if (
                admitted > at
                or (removed is not None and removed <= at)
                or (suspended is not None and suspended <= at)
            ):
                continue
            if supplier not in chosen:
                roll = rng.random()
                mode = "resubmitted" if roll < 0.15 else ("withdrawn" if roll < 0.17 else "live")
                chosen[supplier] = (supplier, user, mode)
        return list(chosen.values())

    def load_calls(self, workers: int, chunk: int) -> None:
        import psycopg
        from tqdm import tqdm

        with common.timed("call plan (bidders, fates)", self.timings):
            specs = self.call_specs()
        self.call_count = len(specs)
        batches = [specs[i : i + chunk] for i in range(0, len(specs), chunk)]
        self.written = {t: 0 for t in CHUNK_TABLES}
        from django.db import connections

        connections.close_all()  # the forked workers must not share the main connection
        ctx = mp.get_context("fork")
        with (
            common.timed("calls, tenders, awards, feedback, contracts (COPY)", self.timings),
            psycopg.connect(self.url) as conn,
            ctx.Pool(workers, initializer=_worker_init, initargs=(self.url,)) as pool,
        ):
            conn.execute("SET synchronous_commit = off")
            bar = tqdm(total=len(specs), unit="call", desc="calls+tenders", smoothing=0.05)
            for data, counts, crypto in pool.imap(build_chunk, batches):
                self.crypto += crypto
                with conn.transaction(), conn.cursor() as cur:
                    for table_name in CHUNK_TABLES:
                        if not counts[table_name]:
                            continue
                        columns, defaulted = self.plan[table_name]
                        text = data[table_name]
                        if defaulted:  # a newline in a value is escaped: only line ends match
                            text = text.replace("\n", defaulted + "\n")
                        with cur.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                            copy.write(text)
                        self.written[table_name] += counts[table_name]
                bar.update(min(chunk, len(specs) - bar.n))
                bar.set_postfix(tenders=self.written["competitions_tendersubmission"])
            bar.close()

    def invitations(self) -> None:
        import psycopg
        from django.db import connection
        from psycopg.types.json import Jsonb

        rest = model_defaults("competitions_invitation", INVITATION_COLUMNS)
        columns = ", ".join([*INVITATION_COLUMNS, *(field.column for field, _ in rest)])
        defaults = "".join(f", %s::{field.db_type(connection)}" for field, _ in rest)
        with (
            common.timed("invitations (INSERT ... SELECT)", self.timings),
            psycopg.connect(self.url) as conn,
        ):
            conn.execute("SET synchronous_commit = off")
            conn.execute("SET work_mem = '256MB'")
            print("invitations: every member active at each call's publication ...", flush=True)
            cur = conn.execute(
                f"""
                INSERT INTO competitions_invitation ({columns})
                SELECT c.id, m.id, m.supplier_id, c.published_at,
                       c.published_at + interval '90 seconds'{defaults}
                FROM competitions_call c
                JOIN membership_categorymember m ON m.category_id = c.category_id
                WHERE c.published_at IS NOT NULL
                  AND m.admitted_at <= c.published_at
                  AND (m.removed_at IS NULL OR m.removed_at > c.published_at)
                  AND (m.suspended_at IS NULL OR m.suspended_at > c.published_at)
            """,  # type: ignore[arg-type]
                [Jsonb(v) if isinstance(v, dict | list) else v for _, v in rest],
            )
            self.invitation_count = cur.rowcount
            conn.commit()

    # -- indexes and constraints ----------------------------------------------------------

    def drop_secondary(self) -> None:
        """Remember, then drop, the secondary indexes and unique/FK constraints of the bulk
        tables (the primary keys stay). ``restore_secondary`` re-creates them exactly."""
        import psycopg

        self.saved: list[tuple[str, str, str]] = []  # (kind, table, statement)
        with psycopg.connect(self.url, autocommit=True) as conn:
            for table_name in BULK_TABLES:
                for name, definition, contype in conn.execute(
                    """
                    SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
                    WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC
                """,
                    [table_name],
                ).fetchall():
                    self.saved.append(
                        (
                            "u" if contype == "u" else "f",
                            table_name,
                            f'ALTER TABLE {table_name} ADD CONSTRAINT "{name}" {definition}',
                        )
                    )
                    conn.execute(f'ALTER TABLE {table_name} DROP CONSTRAINT "{name}"')
                for name, definition in conn.execute(
                    """
                    SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
                    JOIN pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """,
                    [table_name],
                ).fetchall():
                    self.saved.append(("i", table_name, definition))
                    conn.execute(f'DROP INDEX "{name}"')

    def restore_secondary(self) -> None:
        import psycopg
        from tqdm import tqdm

        order = {"i": 0, "u": 1, "f": 2}
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 2")
            for _kind, _table, statement in tqdm(
                sorted(self.saved, key=lambda s: order[s[0]]),
                desc="indexes+constraints",
                unit="stmt",
            ):
                conn.execute(statement)  # type: ignore[arg-type]

    def finish(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            for table_name in BULK_TABLES:
                conn.execute(f"""SELECT setval(pg_get_serial_sequence('{table_name}', 'id'),
                                 COALESCE((SELECT max(id) FROM {table_name}), 0) + 1, false)""")
            conn.execute("VACUUM (ANALYZE)")

    def run(self, workers: int, chunk: int) -> None:
        from opendps.core.jobs import jobs_suppressed

        with jobs_suppressed():
            with common.timed("people and authorities", self.timings):
                self.people()
            with common.timed("markets and categories (services)", self.timings):
                self.markets()
            with common.timed("suppliers", self.timings):
                self.suppliers()
            with common.timed("applications and members", self.timings):
                self.applications()
            with common.timed("standing offers and planned calls", self.timings):
                self.offers()
        with common.timed("drop secondary indexes/constraints", self.timings):
            self.drop_secondary()
        self.load_calls(workers, chunk)
        self.invitations()
        with common.timed("re-create indexes and constraints (validates)", self.timings):
            self.restore_secondary()
        with common.timed("setval + VACUUM ANALYZE", self.timings):
            self.finish()

    def summary(self) -> dict[str, Any]:
        import psycopg

        tables = [
            "accounts_organisation",
            "accounts_user",
            "markets_market",
            "markets_category",
            "membership_application",
            "membership_categorymember",
            "competitions_standingoffer",
            *BULK_TABLES,
            "core_auditevent",
        ]
        with psycopg.connect(self.url) as conn:
            rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]
            size = conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
            ).fetchone()[0]  # type: ignore[index]
            states = dict(
                conn.execute("""
                SELECT CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled'
                            WHEN no_compliant_at IS NOT NULL THEN 'no_compliant'
                            WHEN published_at IS NULL THEN 'draft'
                            WHEN deadline > now() THEN 'open'
                            WHEN opened_at IS NULL THEN 'closed'
                            WHEN NOT EXISTS (SELECT 1 FROM competitions_award a WHERE a.call_id = c.id) THEN 'evaluation'
                            ELSE 'awarded' END, count(*)
                FROM competitions_call c GROUP BY 1 ORDER BY 1""").fetchall()
            )
        return {
            "scale": self.scale,
            "units": self.units,
            "database": common.db_name(self.url),
            "generated_at": self.now.isoformat(),
            "rows": rows,
            "call_states": states,
            "database_size": size,
            "crypto_cpu_s": round(self.crypto, 1),
            "machine": common.machine(),
        }


if __name__ == "__main__":
    main()

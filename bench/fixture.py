"""Benchmark fixtures made on the target database: a market category with N members.

The authority, market and category go through the real services; the N suppliers, their
bid managers, admitted applications, memberships and API tokens are bulk-inserted (the
shape the membership services write), so 10,000 members take seconds, not an hour.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any


def members(n: int, *, tokens: bool = False) -> dict[str, Any]:
    from django.db import transaction

    from opendps.accounts.models import ApiToken, Membership, Organisation, Role, User
    from opendps.accounts.tokens import new_api_token
    from opendps.core import clock
    from opendps.core.jobs import jobs_suppressed
    from opendps.markets import services as market_services
    from opendps.membership.models import Application, CategoryMember

    stamp = time.strftime("%Y%m%d%H%M%S") + f"{time.perf_counter_ns() % 1000:03d}"
    now = clock.now()
    past = now - timedelta(days=30)
    with jobs_suppressed():
        authority = Organisation.objects.create(
            kind="authority", name=f"Bench Borough Council {stamp}", nation="england_wales"
        )
        people = {}
        for key, role in [("commissioner", Role.COMMISSIONER), ("buyer", Role.BUYER)]:
            user = User.objects.create_user(
                f"{key}.{stamp}@fixture.bench", None, full_name=key.title()
            )
            Membership.objects.create(user=user, organisation=authority, role=role)
            people[key] = user
        with clock.at(past):
            market = market_services.market_create(
                actor=people["commissioner"],
                authority=authority,
                regime="pa2023_dynamic_market",
                title=f"Bench Dynamic Market {stamp}",
                description="Benchmark fixture.",
                cpv_codes=["85312000-9"],
                estimated_value=Decimal("1000000"),
                estimated_purchases=100,
                validity_starts_at=past,
                validity_ends_at=past + timedelta(days=3 * 365),
                light_touch=True,
                assessment_working_days=10,
            )
            category = market_services.category_add(
                actor=people["commissioner"],
                market=market,
                title="Everything",
                service_type="Bench",
                areas=["Everywhere"],
            )
            market = market_services.market_publish(actor=people["commissioner"], market=market)
    version = category.questionnaire_versions.get()
    orgs = [
        Organisation(kind="supplier", name=f"Bench Supplier {stamp} {i:05d}", is_sme=True)
        for i in range(n)
    ]
    users = [
        User(email=f"bid{i:05d}.{stamp}@fixture.bench", full_name=f"Bid {i}", password="!bench")
        for i in range(n)
    ]
    secrets_: list[str] = []
    with transaction.atomic():
        Organisation.objects.bulk_create(orgs, batch_size=1000)
        User.objects.bulk_create(users, batch_size=1000)
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=o, role=Role.SUPPLIER_ADMIN)
                for o, u in zip(orgs, users, strict=True)
            ],
            batch_size=1000,
        )
        apps = [
            Application(
                supplier=o,
                market=market,
                category=category,
                questionnaire=version,
                submitted_by=u,
                submitted_at=past + timedelta(days=1),
                assessment_due_at=past + timedelta(days=10),
                decided_at=past + timedelta(days=2),
                decided_by=people["commissioner"],
                outcome="admitted",
            )
            for o, u in zip(orgs, users, strict=True)
        ]
        Application.objects.bulk_create(apps, batch_size=1000)
        CategoryMember.objects.bulk_create(
            [
                CategoryMember(
                    category=category,
                    market=market,
                    supplier=a.supplier,
                    application=a,
                    admitted_at=past + timedelta(days=2),
                )
                for a in apps
            ],
            batch_size=1000,
        )
        if tokens:
            rows = []
            for u in users:
                secret, prefix, key_hash = new_api_token()
                secrets_.append(secret)
                rows.append(
                    ApiToken(
                        user=u,
                        name="bench",
                        prefix=prefix,
                        key_hash=key_hash,
                        created_at=now,
                        expires_at=now + timedelta(days=365),
                    )
                )
            ApiToken.objects.bulk_create(rows, batch_size=1000)
    return {
        "authority": authority,
        "market": market,
        "category": category,
        "buyer": people["buyer"],
        "tokens": secrets_,
        "supplier_ids": [o.pk for o in orgs],
    }


def draft_call(made: dict[str, Any], title: str = "Bench call") -> Any:
    from opendps.competitions import services
    from opendps.core import clock

    return services.call_create(
        actor=made["buyer"],
        category=made["category"],
        title=f"{title} {time.strftime('%H%M%S')}",
        requirement="Everything, for everyone.",
        estimated_value=Decimal("50000"),
        deadline=clock.now() + timedelta(days=30),
    )

"""Indexes for reading releases in (date, id) order from each source table.

Open data reads each event column of the competitions and contracts tables in order, with
a ``since`` or cursor bound (``publication.selectors``). These partial indexes (only rows
where the event happened) make each of those reads an index range scan. They belong with
the owning models' ``Meta.indexes``; they are created here because this app owns the reads.
Market notices already have their index (``MarketNotice.published_at``).
"""

from django.db import migrations, models

INDEXES = [
    # (app, model, event column, index name)
    ("competitions", "call", "published_at", "pub_call_published_idx"),
    ("competitions", "call", "cancelled_at", "pub_call_cancelled_idx"),
    ("competitions", "call", "no_compliant_at", "pub_call_no_compliant_idx"),
    ("competitions", "award", "decided_at", "pub_award_decided_idx"),
    ("competitions", "plannedcall", "created_at", "pub_planned_created_idx"),
    ("competitions", "plannedcall", "withdrawn_at", "pub_planned_withdrawn_idx"),
    ("contracts", "contract", "entered_at", "pub_contract_entered_idx"),
]


def _index(field: str, name: str) -> models.Index:
    return models.Index(
        fields=[field, "id"], name=name, condition=models.Q(**{f"{field}__isnull": False})
    )


def add_indexes(apps, schema_editor):
    for app, model, field, name in INDEXES:
        schema_editor.add_index(apps.get_model(app, model), _index(field, name))


def remove_indexes(apps, schema_editor):
    for app, model, field, name in INDEXES:
        schema_editor.remove_index(apps.get_model(app, model), _index(field, name))


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0002_planned_calls"),
        ("contracts", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]

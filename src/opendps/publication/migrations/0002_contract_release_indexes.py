"""Indexes for the contract releases added after 0001: variations and terminations (by
``changed_at``) and confirmed performance records (by ``confirmed_at``)."""

from django.db import migrations, models

INDEXES = [
    # (app, model, event column, index name, only rows where it happened)
    ("contracts", "contractchange", "changed_at", "pub_change_changed_idx", False),
    ("contracts", "performancerecord", "confirmed_at", "pub_performance_confirmed_idx", True),
]


def _index(field: str, name: str, partial: bool) -> models.Index:
    condition = models.Q(**{f"{field}__isnull": False}) if partial else None
    return models.Index(fields=[field, "id"], name=name, condition=condition)


def add_indexes(apps, schema_editor):
    for app, model, field, name, partial in INDEXES:
        schema_editor.add_index(apps.get_model(app, model), _index(field, name, partial))


def remove_indexes(apps, schema_editor):
    for app, model, field, name, partial in INDEXES:
        schema_editor.remove_index(apps.get_model(app, model), _index(field, name, partial))


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0001_release_indexes"),
        ("contracts", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]

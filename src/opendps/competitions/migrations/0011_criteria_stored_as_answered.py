"""Every call's criteria stored as the API answers them: the five keys of ``CriterionOut``,
the weight a decimal string, guidance always present (what ``call_create`` and
``call_update`` write). PostgreSQL then sends the stored array as it is instead of
rebuilding it per row (issue 17); this rewrites any row an older path wrote otherwise."""

from decimal import Decimal

from django.db import migrations

def _criterion(item):
    # A copy of ``api_rows._criterion`` frozen here: a migration must not follow app code.
    return {
        "key": item["key"],
        "name": item["name"],
        "kind": item["kind"],
        "weight": str(Decimal(str(item["weight"]))),
        "guidance": item.get("guidance", ""),
    }


def stored_as_answered(apps, schema_editor):
    Call = apps.get_model("competitions", "Call")
    changed = []
    for call in Call.objects.only("pk", "criteria").iterator(chunk_size=2000):
        shaped = [_criterion(item) for item in call.criteria or []]
        if shaped != call.criteria:
            call.criteria = shaped
            changed.append(call)
        if len(changed) >= 1000:
            Call.objects.bulk_update(changed, ["criteria"])
            changed = []
    Call.objects.bulk_update(changed, ["criteria"])


class Migration(migrations.Migration):
    dependencies = [("competitions", "0010_call_welsh_text")]

    operations = [migrations.RunPython(stored_as_answered, migrations.RunPython.noop)]

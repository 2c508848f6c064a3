"""API tokens get an expiry (issue 18).

Tokens made before this migration never expired; they now expire 90 days (the default
lifetime) after the migration runs, so integrations keep working while their owners are
told to make new ones, and no token lives on unbounded.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

EXISTING_TOKEN_GRACE = timedelta(days=90)


def expire_existing_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at=None).update(
        expires_at=timezone.now() + EXISTING_TOKEN_GRACE
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]

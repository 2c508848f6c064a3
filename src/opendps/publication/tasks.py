"""The nightly bulk export of the open data, served as a file at /ocds/export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opendps.publication.management.commands.export import export_ocds

EXPORT_NAME = "open-data/ocds-releases.json"


def bulk_export_write() -> int:
    """Write the whole export to storage (every node serves the same file); how many
    releases. The old file is replaced only once the new one is complete."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ocds-releases.json"
        written = export_ocds(path, progress=False)
        with path.open("rb") as handle:
            if default_storage.exists(EXPORT_NAME):
                default_storage.delete(EXPORT_NAME)
            default_storage.save(EXPORT_NAME, File(handle))
    return written


@db_periodic_task(crontab(hour="3", minute="30"))
def bulk_export_nightly() -> int:
    return bulk_export_write()

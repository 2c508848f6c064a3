"""``opendps export ocds FILE``: every release in one release package, streamed.

The sources are read in chunks and merged in order, each release is written as soon as it
is built, and nothing collects them, so memory stays flat however many there are. The file
appears only when complete (written beside it, then renamed). Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from opendps.core import clock
from opendps.publication import ocds, selectors
from opendps.publication.ocds import Context


def export_ocds(path: Path, *, progress: bool = True, chunk_size: int = 500) -> int:
    """Write every release as one release package to ``path``; return how many."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8") as out:
        written = write_package(out, progress=progress, chunk_size=chunk_size)
    os.replace(tmp, path)
    return written


def write_package(out: TextIO, *, progress: bool = False, chunk_size: int = 500) -> int:
    """Stream every release as one release package into ``out``; return how many."""
    ctx = Context.from_settings()
    # One transaction: on PostgreSQL the chunked reads then stream from server-side
    # cursors instead of being materialised when each is declared.
    with transaction.atomic():
        total = selectors.release_count()
        latest = selectors.release_latest_date() or clock.now()
        metadata = ocds.package_metadata(ctx, uri=ctx.url("/ocds/releases"), published_date=latest)
        head = json.dumps(metadata, ensure_ascii=False)
        out.write(head[:-1] + ', "releases": [\n')
        written = 0
        with tqdm(total=total, unit=" releases", file=sys.stderr, disable=not progress) as bar:
            for release in selectors.release_iter(chunk_size=chunk_size):
                if written:
                    out.write(",\n")
                out.write(json.dumps(release, ensure_ascii=False))
                written += 1
                bar.update(1)
        out.write("\n]}\n")
    return written


class Command(BaseCommand):
    help = "Export open data. 'ocds FILE' writes every OCDS release to FILE as one release package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=["ocds"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--chunk-size", type=int, default=500, help="Rows read at a time from each table."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.parent.is_dir():
            raise CommandError(f"No such directory: {path.parent}")
        written = export_ocds(
            path, progress=not options["no_progress"], chunk_size=max(1, options["chunk_size"])
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} releases to {path}"))

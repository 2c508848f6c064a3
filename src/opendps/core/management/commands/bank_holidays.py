from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opendps.core.bank_holidays import DATA_PATH, SOURCE_URL, bank_holidays_refresh


class Command(BaseCommand):
    help = (
        "Bank-holiday data. 'refresh' merges GOV.UK's current list into the copy the working-day"
        " calendar reads (core/data/bank-holidays.json); review and commit the change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument(
            "--source",
            default=SOURCE_URL,
            help="an https URL or a file already downloaded from it (default: %(default)s)",
        )
        # For tests: the calendar always reads DATA_PATH.
        parser.add_argument("--output", type=Path, default=DATA_PATH, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lists = bank_holidays_refresh(source=options["source"], path=options["output"])
        except (OSError, ValueError) as error:
            # ValueError covers both invalid JSON and a document not in GOV.UK's shape.
            raise CommandError(
                _("Bank holidays not refreshed: %(error)s") % {"error": error}
            ) from error
        first = min(official.first_year for official in lists.values())
        last = min(official.last_year for official in lists.values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Bank holidays written to %(path)s, %(first)s to %(last)s."
                    " Restart OpenDPS to use them."
                )
                % {"path": options["output"], "first": first, "last": last}
            )
        )

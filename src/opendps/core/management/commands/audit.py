from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendps.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' walks the hash chain and names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(f"Audit chain BROKEN at {broken} ({checked} events before it ok)")
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {checked} events verified"))

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendps.competitions.receipts import receipt_check


class Command(BaseCommand):
    help = "Tender receipts: 'verify FILE' checks a receipt JSON ({receipt, signature})."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = json.loads(options["file"].read_text())
            receipt, signature = document["receipt"], document["signature"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"Not a receipt file: {error}") from error
        check = receipt_check(receipt, signature)
        if not check.signature_valid:
            raise CommandError("Receipt INVALID: the platform did not sign this receipt")
        if not check.matches_stored_tender:
            raise CommandError("Receipt INVALID: no stored tender matches it")
        self.stdout.write(
            self.style.SUCCESS(
                f"Receipt valid: tender {receipt['submission_id']} to call {receipt['call_id']} "
                f"received {receipt['received_at']}, sealed SHA-256 {receipt['sealed_sha256']}"
            )
        )

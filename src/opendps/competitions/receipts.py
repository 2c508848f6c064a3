"""Checking a tender receipt: the platform's signature, and the stored sealed tender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opendps.competitions.models import TenderSubmission
from opendps.core.sealing import receipt_signature_valid


@dataclass(frozen=True)
class ReceiptCheck:
    signature_valid: bool
    matches_stored_tender: bool

    @property
    def valid(self) -> bool:
        return self.signature_valid and self.matches_stored_tender


def receipt_check(receipt: dict[str, Any], signature: str) -> ReceiptCheck:
    """True only if we signed exactly this receipt and still hold that sealed tender."""
    signed = receipt_signature_valid(receipt, signature)
    ids = [receipt.get(key) for key in ("submission_id", "call_id", "supplier_id")]
    if not all(isinstance(i, int) and 0 < i < 2**63 for i in ids):
        return ReceiptCheck(signature_valid=signed, matches_stored_tender=False)
    submission_id, call_id, supplier_id = (int(i) for i in ids)  # type: ignore[arg-type]
    stored = TenderSubmission.objects.filter(
        pk=submission_id,
        call_id=call_id,
        supplier_id=supplier_id,
        sealed_sha256=str(receipt.get("sealed_sha256")),
    ).first()
    matches = stored is not None and stored.receipt == receipt
    return ReceiptCheck(signature_valid=signed, matches_stored_tender=matches)

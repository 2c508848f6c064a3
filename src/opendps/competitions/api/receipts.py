"""/api/v1/receipts: checking a tender receipt, and the key to check it offline."""

from django.http import HttpRequest

from opendps.competitions.api.common import (
    router,
)
from opendps.competitions.receipts import receipt_check
from opendps.competitions.schemas import (
    PublicKeyOut,
    VerifyIn,
    VerifyOut,
)
from opendps.core.sealing import signing_public_key_b64
from opendps.markets.api import PUBLIC


@router.post(
    "/receipts/verify",
    response=VerifyOut,
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="Check a tender receipt: our signature, and that we still hold that tender",
    tags=["receipts"],
)
def receipt_verify(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    check = receipt_check(payload.receipt.model_dump(), payload.signature)
    return VerifyOut(
        signature_valid=check.signature_valid,
        matches_stored_tender=check.matches_stored_tender,
        valid=check.valid,
    )


@router.get(
    "/receipts/public-key",
    response=PublicKeyOut,
    auth=PUBLIC,
    openapi_extra={"security": [{}]},  # a token is optional here
    summary="The platform's Ed25519 public key, to check receipts offline",
    tags=["receipts"],
)
def receipt_public_key(request: HttpRequest) -> PublicKeyOut:
    return PublicKeyOut(public_key=signing_public_key_b64())

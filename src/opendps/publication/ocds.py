"""The OCDS vocabulary of open data: identifiers, parties, shared pieces, packages, records.

One contracting process (one OCID, ``{prefix}-{process}-{id}``) per market, per call for
competition and per planned call. A call points to its market with ``relatedProcesses``
(relationship ``framework``: the market is the first stage that set up the DPS or dynamic
market) and names its category as the one lot of its tender, with the id of that category's
lot in the market (``category-{id}``), its item pointing to it with ``relatedLot``.
(``relatedProcesses[].relatedLots`` would say it more directly, but only the lots extension's
unreleased master defines it, not v1.1.5, which we declare.) The standard has no
relationship for the reverse link, and a market's releases are fixed when its notices are
published, so they do not list calls.

The releases themselves are built in ``publication.releases``. Text written here is open
data in English (``language: "en"``), not interface text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from opendps.core.calendar import LONDON, Nation
from opendps.regimes import get_regime

if TYPE_CHECKING:
    from opendps.accounts.models import Organisation
    from opendps.markets.models import Market

OCDS_VERSION = "1.1"
LANGUAGE = "en"
CURRENCY = "GBP"
PUBLISHER_NAME = "OpenDPS"
# Public sector information, released under the Open Government Licence.
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# The extensions whose fields the releases use: tender.techniques (the DPS technique);
# tender.lots, items[].relatedLot (a market's categories, or "parts"); parties[].details.scale
# (a supplier that is an SME). Each is declared at a fixed version, so that its URL always
# gives the schema the data was written for, and the OCDS Data Review Tool can build the
# extended schema: the lots extension at its release v1.1.5 (its master has moved on to a
# schema that references a definition OCDS 1.1.5 lacks); the techniques and scale
# extensions have no release (the extension registry lists only their master), so at the
# commit of master we follow. publication/tests/ocds_reference/ keeps a copy of each, and
# test_data_review.py fails on a declared URL it has no copy of.
_RAW = "https://raw.githubusercontent.com/open-contracting-extensions/"
TECHNIQUES_EXTENSION = (
    f"{_RAW}ocds_techniques_extension/5568b00a8dd694a3d34441bdd9ef2bd3f9d44b11/extension.json"
)
LOTS_EXTENSION = f"{_RAW}ocds_lots_extension/v1.1.5/extension.json"
SCALE_EXTENSION = (
    f"{_RAW}ocds_partyDetails_scale_extension/152cd9fb74e021e537b17d84420615acf7dec032/"
    "extension.json"
)
EXTENSIONS = (TECHNIQUES_EXTENSION, LOTS_EXTENSION, SCALE_EXTENSION)
# The official OCDS 1.1.5 schemas, shipped with the app (source and licence in its README):
# ocdsmerge reads the merge rules from the release schema; the tests validate against them.
SCHEMA_DIR = Path(__file__).with_name("schema")
RELEASE_SCHEMA = SCHEMA_DIR / "release-schema.json"


class Process:
    """The kinds of contracting process, each with its own OCIDs."""

    MARKET = "market"
    CALL = "call"
    PLANNED = "planned"


class Kind:
    """The release kinds: the middle part of a release id."""

    PLANNING = "planning"
    WITHDRAWAL = "withdrawal"
    NOTICE = "notice"
    TENDER = "tender"
    CANCELLATION = "cancellation"
    UNSUCCESSFUL = "unsuccessful"
    AWARD = "award"
    CONTRACT = "contract"
    AMENDMENT = "amendment"
    TERMINATION = "termination"
    IMPLEMENTATION = "implementation"


# An OCID made of these characters appears in its record's URL as it is.
_OCID_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
_OCID_MARK = "ocid-placeholder"


@dataclass(frozen=True)
class Context:
    """What every release needs besides its row: the OCID prefix and the public site."""

    prefix: str
    site_url: str

    @classmethod
    def from_settings(cls) -> Context:
        return cls(prefix=settings.OPENDPS_OCID_PREFIX, site_url=settings.SITE_URL.rstrip("/"))

    def ocid(self, process: str, pk: int) -> str:
        return f"{self.prefix}-{process}-{pk}"

    def parse_ocid(self, ocid: str) -> tuple[str, int] | None:
        """``(process, id)`` for one of our OCIDs, else ``None``."""
        match = re.fullmatch(
            rf"{re.escape(self.prefix)}-(market|call|planned)-([1-9][0-9]{{0,17}})", ocid
        )
        return (match[1], int(match[2])) if match else None

    def url(self, path: str) -> str:
        return f"{self.site_url}{path}"

    @cached_property
    def _record_url_parts(self) -> tuple[str, str]:
        # Reversed once per context (a page), not once per release (BENCHMARKS.md H11).
        before, after = reverse("publication:record", args=[_OCID_MARK]).split(_OCID_MARK)
        return self.url(before), after

    def record_url(self, ocid: str) -> str:
        if not _OCID_PLAIN.fullmatch(ocid):  # would need quoting: let reverse() do it
            return self.url(reverse("publication:record", args=[ocid]))
        before, after = self._record_url_parts
        return f"{before}{ocid}{after}"

    @property
    def publication_policy(self) -> str:
        return self.url(reverse("publication:policy"))

    @property
    def publisher(self) -> dict[str, Any]:
        return {"name": PUBLISHER_NAME, "uri": self.site_url}


# --- formatting -------------------------------------------------------------------------


def moment(value: datetime) -> str:
    """RFC 3339 in UTC with a fixed number of digits, so that text order is time order
    (ocdsmerge sorts releases by their ``date`` as text)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def month_start(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=LONDON)


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def money(amount: Decimal) -> dict[str, Any]:
    return {"amount": number(amount), "currency": CURRENCY}


def london_day_text(value: datetime) -> str:
    return day_text(value.astimezone(LONDON).date())


@lru_cache(maxsize=8)
def regime_text(code: str) -> tuple[str, str]:
    """The regime's name and admission test in English, from the regime itself."""
    regime = get_regime(code)
    with translation.override("en-gb"):
        return str(regime.label), str(regime.admission_test)


@lru_cache(maxsize=8)
def _nation_text(code: str) -> str:
    """The nation's name in English whatever the reader's language (open data is "en")."""
    with translation.override("en-gb"):
        return str(Nation(code).label)


# --- parties ----------------------------------------------------------------------------

# Companies House numbers: eight digits, or two letters and six digits (SC, NI, OC...).
_COMPANY_NUMBER = re.compile(r"[0-9]{8}|[A-Z]{2}[0-9]{6}")
# Charity Commission for England and Wales: six or seven digits.
_CHARITY_NUMBER = re.compile(r"[0-9]{6,7}")
# Charity Commission for Northern Ireland: NIC and six digits.
_NI_CHARITY_NUMBER = re.compile(r"NIC[0-9]{6}")


def organisation_identifier(registration_number: str) -> dict[str, str] | None:
    """The org-id.guide identifier for a registration number, if its register is known."""
    number = re.sub(r"\s+", "", registration_number or "").upper()
    if _COMPANY_NUMBER.fullmatch(number):
        return {"scheme": "GB-COH", "id": number}
    if _NI_CHARITY_NUMBER.fullmatch(number):
        return {"scheme": "GB-NIC", "id": number[3:]}
    if _CHARITY_NUMBER.fullmatch(number):
        return {"scheme": "GB-CHC", "id": number}
    return None


def _party_id(ctx: Context, organisation_id: int) -> str:
    # Internal and stable: a registration number added later must not rename the party.
    return f"{ctx.prefix}-org-{organisation_id}"


def organisation_ref(ctx: Context, organisation: Organisation) -> dict[str, str]:
    return {"id": _party_id(ctx, organisation.pk), "name": organisation.name}


def party(ctx: Context, organisation: Organisation, roles: list[str]) -> dict[str, Any]:
    """An organisation: never a person's name, email or phone (no contact point at all).

    Authorities publish their address; suppliers only their country and nation.
    """
    entry: dict[str, Any] = {**organisation_ref(ctx, organisation), "roles": roles}
    identifier = organisation_identifier(organisation.registration_number)
    if identifier is not None:
        entry["identifier"] = {**identifier, "legalName": organisation.name}
    address: dict[str, str] = {
        "region": _nation_text(organisation.nation),
        "countryName": "United Kingdom",
    }
    if organisation.is_authority:
        if organisation.address.strip():
            address["streetAddress"] = ", ".join(
                line.strip() for line in organisation.address.splitlines() if line.strip()
            )
        if organisation.postcode.strip():
            address["postalCode"] = organisation.postcode.strip()
    entry["address"] = address
    if organisation.is_supplier and organisation.is_sme:
        entry["details"] = {"scale": "sme"}
    return entry


def buyer_parties(ctx: Context, buyer: Organisation, market: Market) -> list[dict[str, Any]]:
    """The buyer; and the authority running the market, if another body buys under it.

    An organisation that is both buyer and procuring entity has only the role 'buyer'
    (partyRole codelist).
    """
    parties = [party(ctx, buyer, ["buyer"])]
    if market.authority_id != buyer.pk:
        parties.append(party(ctx, market.authority, ["procuringEntity"]))
    return parties


# --- shared pieces --------------------------------------------------------------------------


def _classifications(market: Market) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    """The market's CPV codes (the check digit dropped, as CPV classifications do)."""
    codes = [{"scheme": "CPV", "id": code.split("-")[0]} for code in market.cpv_codes or []]
    return (codes[0] if codes else None), codes[1:]


def item(market: Market, item_id: str, description: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": item_id, "description": description}
    main, more = _classifications(market)
    if main is not None:
        item["classification"] = main
    if more:
        item["additionalClassifications"] = more
    return item


def lot_id(category_id: int) -> str:
    return f"category-{category_id}"


def framework_link(ctx: Context, market: Market) -> dict[str, Any]:
    """This process is a competition under the DPS or dynamic market set up by ``market``."""
    market_ocid = ctx.ocid(Process.MARKET, market.pk)
    return {
        "id": market_ocid,
        "relationship": ["framework"],
        "title": market.title,
        "scheme": "ocid",
        "identifier": market_ocid,
        "uri": ctx.record_url(market_ocid),
    }


def category_lot(category_id: int, title: str) -> dict[str, Any]:
    """The one lot of a call or planned call: its category, by the id of the market's lot."""
    return {"id": lot_id(category_id), "title": title}


def release_base(
    ctx: Context, process: str, process_id: int, kind: str, row_id: int, when: datetime
) -> dict[str, Any]:
    ocid = ctx.ocid(process, process_id)
    return {
        "ocid": ocid,
        "id": f"{ocid}-{kind}-{row_id}",
        "date": moment(when),
        "tag": [],
        "initiationType": "tender",
        "language": LANGUAGE,
    }


def status_release(
    ctx: Context, process: str, pk: int, kind: str, when: datetime, *, tag: str, status: str
) -> dict[str, Any]:
    """A release whose only news is the tender's new status (cancelled, unsuccessful,
    withdrawn): the process and the row are one, so the tender id is ``{process}-{pk}``."""
    release = release_base(ctx, process, pk, kind, pk, when)
    release["tag"] = [tag]
    release["tender"] = {"id": f"{process}-{pk}", "status": status}
    return release


def call_method_details(market: Market, *, rapid: bool) -> str:
    label, _admission = regime_text(market.regime)
    text = f"Call for competition under a {label}"
    if rapid:
        text += ": a rapid call for one service user's care or support (light-touch services)"
    return text


# --- packages and records -------------------------------------------------------------------


def package_metadata(ctx: Context, *, uri: str, published_date: datetime) -> dict[str, Any]:
    """Everything of a release or record package except its releases or records."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": moment(published_date),
        "publisher": ctx.publisher,
        "license": LICENSE,
        "publicationPolicy": ctx.publication_policy,
        "extensions": list(EXTENSIONS),
    }


@lru_cache(maxsize=1)
def _merger() -> Any:
    from ocdsmerge import Merger

    return Merger(schema=str(RELEASE_SCHEMA))


def compiled_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge one process's releases (ordered by date) with the OCDS merge routine."""
    return _merger().create_compiled_release(releases)


def record_package(
    ctx: Context, ocid: str, releases: list[dict[str, Any]], *, uri: str
) -> dict[str, Any]:
    """A record package with one record: every release of ``ocid`` and its compiled state."""
    latest = max(parse_moment(r["date"]) for r in releases)
    return package_metadata(ctx, uri=uri, published_date=latest) | {
        "records": [
            {
                "ocid": ocid,
                "releases": releases,
                "compiledRelease": compiled_release(releases),
            }
        ]
    }

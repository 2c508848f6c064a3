"""Checks that a service user's needs are anonymised before they reach every supplier.

Refuses text with contact details or identifiers; a partial postcode (the district, such
as "LS6") is allowed because suppliers need to know roughly where the care is.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from opendps.core.errors import RuleViolation

NOT_ANONYMISED = _(
    "Remove personal details from the service user's needs: the text contains %(found)s. "
    "Describe needs only (a district such as 'LS6' is fine)."
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("a phone number", re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d\s?){9,10}(?!\d)")),
    (
        "a National Insurance number",
        re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I),
    ),
    ("an NHS number", re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")),
    ("a full postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)),
    ("a date of birth", re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b")),
    ("a name with a title", re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+")),
    (
        "a house number and street",
        re.compile(
            r"\b\d+[a-z]?\s+[A-Z][a-z]+\s+(?:Street|St|Road|Rd|Avenue|Lane|Close|Drive|Way)\b"
        ),
    ),
]


def check_anonymised(text: str) -> None:
    found = [label for label, pattern in PATTERNS if pattern.search(text)]
    if found:
        raise RuleViolation(NOT_ANONYMISED, code="not_anonymised", found=", ".join(found))

"""The Jinja2 environment: GOV.UK Frontend macros, translations, URLs and static files."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import formats, translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date_filter(value: Any, fmt: str = "j F Y") -> str:
    """A date, or the London date of an aware datetime (not its UTC date)."""
    from datetime import datetime

    from django.utils import timezone

    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, fmt)


def datetime_text(value: Any) -> str:
    """A London date and time in GOV.UK style: "30 April 2027, 11:59pm".

    Django writes English times as "11:59 p.m."; GOV.UK style has no full stops, which also
    keeps a sentence that ends with a time from ending ".."."""
    from django.utils import timezone

    if not value:
        return ""
    local = timezone.localtime(value)
    meridiem = formats.date_format(local, "a").replace(".", "")
    return f"{formats.date_format(local, 'j F Y, g:i')}{meridiem}"


def number_text(value: Any) -> str:
    """A quantity as people write it: 12, 37.5, 1,250 (an en dash when there is none).

    Never in exponent form: ``Decimal("60").normalize()`` alone would print "6E+1"."""
    from decimal import Decimal

    if value is None:
        return "–"
    value = Decimal(str(value))
    if value == value.to_integral():
        return formats.number_format(value, 0, force_grouping=True)
    return formats.number_format(value.normalize(), None, force_grouping=True)


def money_text(value: Any) -> str:
    """Pounds as GOV.UK writes them: £1,250 or £24.50 (a dash when there is none)."""
    from decimal import Decimal

    if value is None:
        return "—"
    pounds = Decimal(str(value))
    places = 0 if pounds == pounds.to_integral() else 2
    return f"£{formats.number_format(pounds, places, force_grouping=True)}"


def price_terms(call: Any) -> Any:
    from opendps.competitions.pricing import terms_of

    return terms_of(call)


def price_text(terms: Any, price: Any) -> str:
    """A tendered price as its call means it: "£15,000", or "£24.50 per hour"."""
    from opendps.competitions.pricing import PER_UNIT

    if price is None or not terms.is_unit_rate:
        return money_text(price)
    return translation.gettext("%(rate)s %(per_unit)s") % {
        "rate": money_text(price),
        "per_unit": PER_UNIT[terms.unit],
    }


def per_unit(terms: Any) -> str:
    """ "per hour" for a unit-rate call ("" for a total price)."""
    from opendps.competitions.pricing import PER_UNIT

    return str(PER_UNIT[terms.unit]) if terms.is_unit_rate else ""


def quantity_text(terms: Any) -> str:
    """The expected quantity of a unit-rate call: "520 hours" ("" for a total price)."""
    from opendps.competitions.pricing import QUANTITY_OF

    if not terms.is_unit_rate:
        return ""
    # The plural form is chosen by a whole count: 1.5 hours is plural.
    count = 1 if terms.quantity == 1 else 2
    return QUANTITY_OF[terms.unit] % {"count": count, "quantity": number_text(terms.quantity)}


def welsh_active() -> bool:
    return (translation.get_language() or "").split("-")[0] == "cy"


def _content(obj: Any, field: str) -> str:
    """A model's attribute, or a key of questionnaire data (a dict)."""
    value = obj.get(field, "") if isinstance(obj, dict) else getattr(obj, field, "")
    return str(value or "")


def localised_text(obj: Any, field: str) -> str:
    """Plain text of a content field in the active language: ``<field>_cy`` on a Welsh page
    when given, else the English (for page titles and attributes, where no markup goes)."""
    english = _content(obj, field)
    if welsh_active():
        return _content(obj, f"{field}_cy") or english
    return english


def localised(obj: Any, field: str) -> Any:
    """A content field for the page body: the Welsh on a Welsh page, or the English marked
    ``lang="en"`` when no Welsh was given (so a screen reader reads it as English)."""
    from markupsafe import Markup

    english = _content(obj, field)
    if welsh_active() and not _content(obj, f"{field}_cy"):
        return Markup('<span lang="en">{}</span>').format(english) if english else ""
    return localised_text(obj, field)


def localised_paragraphs(obj: Any, field: str) -> Any:
    """A long content field as GOV.UK paragraphs (blank lines between), localised as above."""
    from markupsafe import Markup

    text = localised_text(obj, field)
    paragraphs = Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(part.strip())
        for part in text.split("\n\n")
        if part.strip()
    )
    if welsh_active() and text and not _content(obj, f"{field}_cy"):
        return Markup('<div lang="en">{}</div>').format(paragraphs)
    return paragraphs


def datetime_filter(value: Any) -> str:
    return datetime_text(value)


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options["autoescape"] = True
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    assert env.loader is not None  # Django's backend always passes its loader
    env.loader = ChoiceLoader(
        [
            env.loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        {
            "url": url,
            "static": staticfiles_storage.url,
            "get_language": translation.get_language,
            "number": number_text,
            "money_text": money_text,
            "price_text": price_text,
            "quantity_text": quantity_text,
            "per_unit": per_unit,
            "price_terms": price_terms,
            "localised": localised,
            "localised_text": localised_text,
            "localised_paragraphs": localised_paragraphs,
        }
    )
    env.filters.update({"date": date_filter, "datetime": datetime_filter})
    return env

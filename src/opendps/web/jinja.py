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


def datetime_filter(value: Any) -> str:
    from django.utils import timezone

    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), "j F Y, g:ia")


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
        }
    )
    env.filters.update({"date": date_filter, "datetime": datetime_filter})
    return env

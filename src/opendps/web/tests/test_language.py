"""A bilingual service: the Welsh catalogue, the language toggle, the profile preference,
emails in the recipient's language, content in both languages, and Welsh formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation

from opendps.accounts.language import language_choose
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.notifications.services import email_send_on_commit
from opendps.testing.factories import make_market
from opendps.testing.fixtures import client_for
from opendps.web.jinja import date_filter, datetime_text, money_text, number_text

LOCALE = Path(settings.LOCALE_PATHS[0])
PO = LOCALE / "cy" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "cy" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\([a-z_0-9]+\))?[sdif]|%%")
# The only words written the same in Welsh (and messages that are only placeholders).
SAME_IN_WELSH = {"API", "Beta", "Contract", "HHI"}


def catalogue():
    with PO.open("rb") as file:
        return read_po(file)


def forms_of(message) -> list[str]:
    return list(message.string) if isinstance(message.id, list | tuple) else [message.string]


def ids_of(message) -> list[str]:
    return list(message.id) if isinstance(message.id, list | tuple) else [message.id]


def key_of(message) -> str | tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, list | tuple) else message.id


def extracted_ids(tmp_path: Path) -> set:
    """What `make messages` would extract from the code now (same mapping and keywords)."""
    from babel.messages.frontend import CommandLineInterface

    root = Path(settings.BASE_DIR).parent.parent
    pot = tmp_path / "django.pot"
    keywords = ["gettext_lazy", "ngettext_lazy:1,2", "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3"]
    command = ["pybabel", "-q", "extract", "-F", str(root / "babel.cfg"), "-o", str(pot)]
    for keyword in keywords:
        command += ["-k", keyword]
    CommandLineInterface().run([*command, str(root / "src" / "opendps")])
    with pot.open("rb") as file:
        ids = {key_of(message) for message in read_po(file) if message.id}
    assert len(ids) > 1000  # the extraction found the code
    return ids


def test_every_message_in_the_code_has_welsh_in_the_catalogue(tmp_path):
    """Every marked string is in the .po (`make messages` was run), translated, not fuzzy."""
    po = catalogue()
    done = {
        key_of(message)
        for message in po
        if message.id and "fuzzy" not in message.flags and all(forms_of(message))
    }
    missing = sorted(map(str, extracted_ids(tmp_path) - done))
    assert missing == [], f"{len(missing)} messages need Welsh, e.g. {missing[:5]}"


def test_welsh_messages_keep_their_placeholders_and_are_not_copies_of_the_english():
    for message in catalogue():
        if not message.id or not all(forms_of(message)) or "fuzzy" in message.flags:
            continue  # the test above lists those
        english = ids_of(message)
        wanted = set(PLACEHOLDER.findall(english[-1]))
        for index, welsh in enumerate(forms_of(message)):
            found = set(PLACEHOLDER.findall(welsh))
            if len(english) == 1 or index != 1:  # every form but "one" names them all
                assert found == wanted, (message.id, welsh)
            else:
                assert found <= wanted, (message.id, welsh)
        words = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", ids_of(message)[0]))
        if isinstance(message.id, str) and words and message.id not in SAME_IN_WELSH:
            assert message.string != message.id, f"copied, not translated: {message.id!r}"


def test_the_committed_mo_is_compiled_from_the_committed_po():
    """`make messages` compiles it; a .po edited without compiling fails here."""
    with MO.open("rb") as file:
        compiled = {
            key_of(message): tuple(forms_of(message)) for message in read_mo(file) if message.id
        }
    source = {
        key_of(message): tuple(forms_of(message))
        for message in catalogue()
        if message.id and "fuzzy" not in message.flags and all(forms_of(message))
    }
    assert compiled == source


def page_text(response) -> str:
    return response.content.decode()


def test_a_welsh_browser_gets_welsh_pages_with_lang_cy_and_the_toggle(db):
    body = page_text(Client(HTTP_ACCEPT_LANGUAGE="cy").get("/markets"))
    assert '<html lang="cy"' in body
    assert ">Dod o hyd i farchnadoedd</h1>" in body
    toggle = body[body.index("opendps-language-toggle") :]
    # the current language is marked, not linked; the other links with its own lang
    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in toggle
    assert 'href="/language/en-gb?next=%2Fmarkets" lang="en" hreflang="en"' in toggle
    assert ">Change the language to English<" in toggle

    english = page_text(Client().get("/markets"))
    assert '<html lang="en"' in english and ">Find markets</h1>" in english
    assert '<span aria-current="true" lang="en">English</span>' in english
    assert 'href="/language/cy?next=%2Fmarkets" lang="cy" hreflang="cy"' in english
    assert "Newid yr iaith i’r Gymraeg" in english


def test_the_toggle_keeps_the_choice_in_a_cookie_and_returns_to_the_page(db):
    client = Client()
    response = client.get("/language/cy", {"next": "/help?x=1"})
    assert response.status_code == 302 and response["Location"] == "/help?x=1"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy" and cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    welsh = client.get("/help")
    assert '<html lang="cy"' in page_text(welsh)
    assert "Cookie" in welsh["Vary"]  # a shared cache keeps each language's page apart
    client.get("/language/en-gb", {"next": "/help"})
    assert '<html lang="en"' in page_text(client.get("/help"))


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "", "javascript:x"]
)
def test_the_toggle_only_returns_to_pages_of_this_site(db, next_url):
    response = Client().get("/language/cy", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_language_is_not_found_and_sets_nothing(db):
    response = Client().get("/language/fr", {"next": "/help"})
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_persons_choice_is_kept_on_their_profile_and_audited(people):
    user = people.supplier_a_admin
    client = client_for(user)
    client.get("/language/cy", {"next": "/"})
    user.refresh_from_db()
    assert user.language == "cy"
    event = AuditEvent.objects.get(event_type=AuditEventType.LANGUAGE_CHOSEN)
    assert event.actor_id == user.pk and event.data == {"language": "cy", "previous": ""}
    # choosing it again records nothing more
    client.get("/language/cy", {"next": "/"})
    assert AuditEvent.objects.filter(event_type=AuditEventType.LANGUAGE_CHOSEN).count() == 1

    # the preference follows the person to a new browser that asks for English
    fresh = client_for(user)
    fresh.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-GB"
    assert '<html lang="cy"' in page_text(fresh.get("/help"))


def test_the_service_refuses_a_language_it_does_not_offer(people):
    from opendps.core.errors import RuleViolation

    with pytest.raises(RuleViolation):
        language_choose(user=people.buyer, language="fr")
    people.buyer.refresh_from_db()
    assert people.buyer.language == ""


def test_emails_go_out_in_each_recipients_language(
    people, mailbox, django_capture_on_commit_callbacks
):
    """One send to three people: a Welsh-speaking account, an English one, and an address
    with no account, which gets the language of the page that caused the email."""
    language_choose(user=people.supplier_a_admin, language="cy")
    language_choose(user=people.supplier_b_admin, language="en-gb")
    context = {"user": people.supplier_a_admin, "organisation": people.supplier_a}
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        email_send_on_commit(
            to=["admin@alpha.test", "admin@beta.test", "nobody@nowhere.test"],
            template="welcome",
            context=context,
        )
    with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
        email_send_on_commit(to=["other@nowhere.test"], template="welcome", context=context)
    (welsh,) = mailbox.to("admin@alpha.test")
    (english,) = mailbox.to("admin@beta.test")
    (guest,) = mailbox.to("nobody@nowhere.test")
    (later,) = mailbox.to("other@nowhere.test")
    assert welsh["Subject"] == "Croeso i OpenDPS"
    assert "wedi’i gofrestru ar OpenDPS" in mailbox.body(welsh)
    assert english["Subject"] == "Welcome to OpenDPS"
    assert guest["Subject"] == "Croeso i OpenDPS"
    assert later["Subject"] == "Welcome to OpenDPS"


def test_welsh_pages_show_welsh_content_or_the_english_marked_lang_en(people):
    market = make_market(people)
    market.title_cy = "Cymorth CV a chwilio am waith"
    market.save(update_fields=["title_cy"])
    category = market.categories.get()
    client = Client(HTTP_ACCEPT_LANGUAGE="cy")
    body = page_text(client.get(f"/markets/{market.pk}"))
    assert f'<h1 class="govuk-heading-l">{market.title_cy}</h1>' in body
    assert f"<title>{market.title_cy} – OpenDPS</title>" in body
    # no Welsh description or category title: the English, marked as English
    assert f'<span lang="en">{category.title}</span>' in body
    assert '<div lang="en"><p class="govuk-body">' in body
    english = page_text(Client().get(f"/markets/{market.pk}"))
    assert f'<h1 class="govuk-heading-l">{market.title}</h1>' in english
    assert 'lang="en"><p' not in english and market.title_cy not in english


def test_dates_numbers_and_money_follow_the_language():
    moment = datetime.fromisoformat("2026-12-03T23:59:00+00:00")
    with translation.override("cy"):
        assert date_filter(date(2026, 12, 3)) == "3 Rhagfyr 2026"
        assert date_filter(date(2027, 2, 1)) == "1 Chwefror 2027"
        assert datetime_text(moment) == "3 Rhagfyr 2026, 11:59yh"
        assert number_text(1250) == "1,250"
        assert money_text(24.5) == "£24.50"
    with translation.override("en-gb"):
        assert date_filter(date(2026, 12, 3)) == "3 December 2026"
        assert datetime_text(moment) == "3 December 2026, 11:59pm"


def test_welsh_questions_are_asked_in_welsh_and_others_marked_english():
    """A question given in Welsh is asked in Welsh; one without is shown in English, marked
    lang="en"; what an authority wrote is escaped either way."""
    from opendps.web.jinja import localised

    question = {"text": "Do you <b>hold</b> insurance?", "text_cy": "", "hint": "A <i>copy</i>"}
    with translation.override("cy"):
        assert str(localised(question, "text")) == (
            '<span lang="en">Do you &lt;b&gt;hold&lt;/b&gt; insurance?</span>'
        )
        question["text_cy"] = "Oes gennych yswiriant?"
        assert localised(question, "text") == "Oes gennych yswiriant?"
    with translation.override("en-gb"):
        assert localised(question, "text") == "Do you <b>hold</b> insurance?"

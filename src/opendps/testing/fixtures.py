"""pytest fixtures: the SMTP server, named people in every role, API clients, Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from opendps.testing.smtp import Mailbox, start_smtp_server

CHROMIUM = os.environ.get("OPENDPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-9"


def require_all() -> bool:
    return os.environ.get("CI", "").lower() == "true" or bool(os.environ.get("OPENDPS_REQUIRE_ALL"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.postgres_only`` tests are skipped on SQLite; the PostgreSQL pass of
    ``make test`` runs them."""
    if item.get_closest_marker("postgres_only") is not None:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass of make test")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    controller, mailbox = start_smtp_server()
    os.environ["OPENDPS_TEST_SMTP_PORT"] = str(controller.port)
    yield mailbox
    controller.stop()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, smtp_server: Mailbox, tmp_path: Any) -> None:
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = int(os.environ["OPENDPS_TEST_SMTP_PORT"])
    settings.OPENDPS_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_BACKEND = "opendps.notifications.backends.QueuedEmailBackend"
    # Argon2 is the production hasher (tested in accounts); a fast one keeps tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    smtp_server.clear()
    # Each test starts a new database whose ids and audit sequence repeat earlier tests':
    # a cache entry from one (a forecast, a market's health) must not answer another.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    return smtp_server


@pytest.fixture
def job_queue(tmp_path: Any) -> Iterator[Any]:
    """The job queue as a worker started later would find it.

    Tests run huey in immediate mode, where a job runs as soon as it is queued and leaves
    no trace. Here jobs wait instead, in the storage production uses (SQLite), in a file of
    this test's own so that parallel runs never see each other's jobs.
    """
    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    immediate, storage = HUEY.immediate, HUEY.storage
    HUEY.immediate = False
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "huey.sqlite3"))
    try:
        yield HUEY
    finally:
        HUEY.immediate = immediate
        HUEY.storage = storage


@dataclass
class People:
    """Fixed people for table-driven permission tests."""

    authority: Any
    other_authority: Any
    supplier_a: Any
    supplier_b: Any
    authority_admin: Any
    commissioner: Any
    buyer: Any
    evaluator: Any
    other_buyer: Any
    supplier_a_admin: Any
    supplier_a_writer: Any
    supplier_b_admin: Any
    staff: Any

    def by_name(self, name: str) -> Any:
        return getattr(self, name)


def make_person(email: str, organisation: Any = None, role: str | None = None, **extra: Any) -> Any:
    from opendps.accounts.models import Membership, User

    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, PASSWORD, full_name=email.split("@")[0].replace(".", " ").title(), **extra
    )
    if organisation is not None and role is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def people(db: Any) -> People:
    return make_people()


def make_people() -> People:
    """The fixed people of ``people``, for fixtures of a wider scope (the database must be
    open to them)."""
    from opendps.accounts.models import Organisation, OrganisationKind, Role

    authority = Organisation.objects.create(
        kind=OrganisationKind.AUTHORITY, name="Test Borough Council", postcode="TB1 1AA"
    )
    other = Organisation.objects.create(
        kind=OrganisationKind.AUTHORITY, name="Other County Council", postcode="OC1 1AA"
    )
    supplier_a = Organisation.objects.create(
        kind=OrganisationKind.SUPPLIER, name="Alpha Support CIC", is_sme=True, is_vcse=True
    )
    supplier_b = Organisation.objects.create(
        kind=OrganisationKind.SUPPLIER, name="Beta Care Ltd", is_sme=True
    )
    return People(
        authority=authority,
        other_authority=other,
        supplier_a=supplier_a,
        supplier_b=supplier_b,
        authority_admin=make_person("admin@authority.test", authority, Role.AUTHORITY_ADMIN),
        commissioner=make_person("commissioner@authority.test", authority, Role.COMMISSIONER),
        buyer=make_person("buyer@authority.test", authority, Role.BUYER),
        evaluator=make_person("evaluator@authority.test", authority, Role.EVALUATOR),
        other_buyer=make_person("buyer@other.test", other, Role.BUYER),
        supplier_a_admin=make_person("admin@alpha.test", supplier_a, Role.SUPPLIER_ADMIN),
        supplier_a_writer=make_person("writer@alpha.test", supplier_a, Role.BID_WRITER),
        supplier_b_admin=make_person("admin@beta.test", supplier_b, Role.SUPPLIER_ADMIN),
        staff=make_person("staff@platform.test", is_staff=True),
    )


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@dataclass
class ApiClient:
    """A Django test client that sends a bearer token on every request."""

    client: Client
    token: str | None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            path, data or {}, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_client_for() -> Any:
    from opendps.accounts import services

    def make(user: Any) -> ApiClient:
        token = None
        if user is not None:
            row, token = services.api_token_create(actor=user, name=f"test-{user.pk}")
            # These tests travel in time (a market's validity, a standstill) with one token;
            # let it outlive any trip. Expiry itself is tested in accounts/tests/test_tokens.
            type(row).objects.filter(pk=row.pk).update(
                expires_at=row.expires_at.replace(year=2999, month=1, day=1)
            )
        return ApiClient(Client(), token)

    return make


# --- Redis ---------------------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own: tests never touch 0


@pytest.fixture
def redis_url() -> str:
    """The test Redis (started before the suite, and by ``.ci/run``); CI fails without it."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        message = "Redis is not running on 127.0.0.1:6379"
        if require_all():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return REDIS_URL


def use_redis_cache(settings: Any, url: str) -> None:
    """Django's cache on Redis for one test, under a prefix of its own (never ``clear()``
    it: that empties the database other tests running beside it use too)."""
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "opendps.core.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


# --- Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if require_all():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page: Any) -> None:
    """Run axe-core on the current page: 0 violations (WCAG 2.2 AA and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()

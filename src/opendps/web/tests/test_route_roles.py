"""Every route, every role, other parties' ids: one table-driven test over the whole URL map.

The URL map is walked with Django's resolver (every page and every django-ninja operation,
the public ones included); each route must have a rule in ``route_rules.RULES``, so a new
route fails here until whoever added it says who may use it. Each route is then requested
once by each outside role (anonymous, a supplier that is no party, the admin, commissioner,
buyer and evaluator of another authority, platform staff) with the ids of the rightful
owner's objects, and once by the owner:

- an outsider the rule does not let in is refused: 403 or 404 (a page sends an anonymous
  visitor to sign in; the API answers 401);
- the owner, and outsiders the rule lets in, are not refused;
- no outsider's answer holds any of the world's confidential strings (tender content, a
  delivery note), whatever its status;
- nobody gets a 500 (the test client re-raises it).

One request per route and role on one world built once for the module (``route_world``);
each route's requests are rolled back after it, the owner's last.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opendps.web.tests.route_rules import OUTSIDERS, OWNERS, RULES, Rule, request_body
from opendps.web.tests.route_world import CANARIES, NOW, RouteWorld, route_world_built

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in"
ADMIN_SIGN_IN = "/admin/login/"  # the admin sends anyone but staff to its own sign-in
REFUSED = {403, 404}


def url_map() -> list[tuple[str, str, URLPattern]]:
    """(name, route, pattern) for every named route; the admin's are its own test's
    (accounts/tests/test_admin.py), so only its index is walked here."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                name_space = f"{namespace}:{inner}".strip(":") if inner else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), name_space)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern), pattern

    routes = list(walk(get_resolver().url_patterns, "/", ""))
    return [r for r in routes if not r[0].startswith("admin:") or r[0] == "admin:index"]


ROUTES = url_map()


def api_methods() -> dict[str, str]:
    """Each API operation's HTTP method, from the django-ninja path view behind its route."""
    found: dict[str, str] = {}
    for name, _route, pattern in ROUTES:
        cells = getattr(pattern.callback, "__closure__", None) or ()
        for cell in cells:
            for operation in getattr(cell.cell_contents, "operations", []):
                if operation.view_func.__name__ == name.removeprefix("api:"):
                    found[name] = operation.methods[0]
    return found


def test_every_route_has_a_rule_and_every_rule_a_route():
    """A new route must be classified in route_rules.RULES; a rule for a route that is gone
    is dead weight."""
    names = {name for name, _route, _pattern in ROUTES}
    assert sorted(names - RULES.keys()) == [], "routes with no rule in route_rules.RULES"
    assert sorted(RULES.keys() - names) == [], "rules for routes that no longer exist"


@pytest.fixture(scope="module")
def route_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[RouteWorld]:
    """The world, each person's API token and signed-in session, made once; one client
    (one request handler) sends every request with the role's cookie or token."""
    from opendps.accounts import services

    media = tmp_path_factory.mktemp("route-media")
    with override_settings(MEDIA_ROOT=str(media)), route_world_built(django_db_blocker) as world:
        world.media_root = str(media)
        with time_machine.travel(NOW, tick=False):
            for role in {*OUTSIDERS, *OWNERS} - {"anonymous"}:
                person = world.persons.setdefault(role, getattr(world.people, role, None))
                _row, world.tokens[role] = services.api_token_create(
                    actor=person, name=f"route-test-{role}"
                )
                signing_in = Client()
                signing_in.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
                world.sessions[role] = signing_in.cookies[settings.SESSION_COOKIE_NAME].value
            world.openapi = json.loads(Client().get("/api/v1/openapi.json").content)
            yield world


@pytest.fixture
def world(route_world: RouteWorld, settings: Any, _test_settings: None) -> RouteWorld:
    """The module's world, its files where each test's settings look for them."""
    settings.MEDIA_ROOT = route_world.media_root
    return route_world


CLIENT = Client()


def request(
    world: RouteWorld, role: str, method: str, path: str, api: bool, body: Any = None
) -> Any:
    """One request as ``role``: its API token, or its session (a fresh cookie jar each
    time, so that a sign-out or a message in one answer does not follow to the next)."""
    CLIENT.cookies.clear()
    headers: dict[str, str] = {}
    if role != "anonymous":
        if api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            CLIENT.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if method == "GET":
        return CLIENT.get(path, headers=headers)
    if api:
        data = json.dumps(body or {})
        return CLIENT.generic(method, path, data, content_type="application/json", headers=headers)
    return CLIENT.generic(
        method, path, "", content_type="application/x-www-form-urlencoded", headers=headers
    )


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def refused(response: Any, role: str, api: bool) -> bool:
    if role == "anonymous" and api:
        return response.status_code == 401
    if response.status_code == 302 and not api:
        return response["Location"].startswith((SIGN_IN, ADMIN_SIGN_IN))
    return response.status_code in REFUSED


API_METHODS = api_methods()


@pytest.mark.parametrize(("name", "route", "pattern"), ROUTES, ids=[r[0] for r in ROUTES])
def test_route_answers_each_role_as_its_rule_says(world, name, route, pattern):
    rule: Rule | None = RULES.get(name)
    if rule is None:
        pytest.fail(f"{name} ({route}) has no rule in route_rules.RULES")
    api = name.startswith("api:")
    method = API_METHODS.get(name, rule.method)
    kwargs = {key: rule.value(key, world.ids) for key in pattern.pattern.converters}
    path = reverse(name, kwargs=kwargs)
    body = None
    if api and method != "GET":
        template = route.replace("<", "{").replace(">", "}")
        body = rule.body if rule.body is not None else request_body(world.openapi, template, method)
        body = {key: world.ids.get(key, value) for key, value in body.items()}  # owner's ids
    wrong: list[str] = []
    roles = [role for role in OUTSIDERS if role != rule.owner] + ["owner"]
    for role in roles:
        person_role = rule.owner if role == "owner" else role
        response = request(world, person_role, method, path, api, body)
        status = response.status_code
        text = body_of(response)
        if role != "owner":
            leaked = [canary for canary in CANARIES if canary in text]
            if leaked:
                wrong.append(f"{role}: {status} shows {leaked}")
        let_in = role == "owner" or role in rule.allowed
        if rule.absent and let_in and status == 404:
            continue
        # A public route may send one to sign in (signing out does): only an error refuses.
        turned_away = (
            status in REFUSED if rule.owner == "anonymous" else refused(response, role, api)
        )
        if let_in and (turned_away or status in {401, 405}):
            wrong.append(f"{role} ({person_role}): {status}, expected to be let in")
        if not let_in and not refused(response, role, api):
            wrong.append(f"{role}: {status}, expected to be refused")
    assert wrong == [], f"{method} {path}: " + "; ".join(wrong)

"""Whole numbers in a URL beyond what the database holds: every route of the app with an integer
path or query parameter, asked with 2^63 and its kin, answers 404 (an id in the path: no such
page) or 400 (a query parameter, with the reason beside it), never a 500, anonymously and as
an admin. The route list is the app's own, so a new route is covered the day it is added."""

from __future__ import annotations

import re
from typing import Any

from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from tests.access_roles import ADMIN, ANON
from tests.support import csrf, initial_passwords_changed, login, make_user
from tests.test_access_matrix import POLICY
from xuehui.bounds import DB_INT_MAX, DB_INT_MIN, int_query_keys
from xuehui.web import LANG_COOKIE

HUGE = (2**63, -(2**63) - 1, 10**30, DB_INT_MAX + 1, DB_INT_MIN - 1)
INT_PARAM = re.compile(r"\{(\w+):int\}")


def int_routes(app: Any) -> list[tuple[str, str, frozenset[str]]]:
    """(method, path template, integer query keys) of every route with an integer parameter."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _kwargs) in sorted(route.route_handler_map.items()):
            if method in ("HEAD", "OPTIONS"):
                continue
            keys = int_query_keys(handler)
            if INT_PARAM.search(route.path) or keys:
                found.append((method, route.path, keys))
    return found


async def _ask(client: AsyncTestClient[Any], method: str, url: str, token: str | None) -> Any:
    headers = {"x-csrf-token": token} if token and method != "GET" else {}
    return await client.request(method, url, headers=headers, follow_redirects=False)


def _passes_guards(role: str, method: str, path: str) -> bool:
    return role in POLICY[(method, path)]


async def test_the_route_walk_finds_the_path_and_query_numbers(app) -> None:
    routes = int_routes(app)
    by_path = {(m, p): keys for m, p, keys in routes}
    assert len(routes) > 150
    assert by_path[("GET", "/api/audit")] == frozenset({"limit", "offset"})
    assert by_path[("GET", "/admin/adjustment/{cycle_id:int}")] == frozenset({"run"})
    assert by_path[("GET", "/api/exams/plans/kpis")] == frozenset({"society_id"})
    assert by_path[("GET", "/public/notices/{notice_id:int}")] == frozenset()


async def test_no_number_in_a_url_makes_a_server_error(app) -> None:
    await make_user("root", "admin")
    await initial_passwords_changed()
    failures: list[tuple[str, str, str, int]] = []
    checked = {ANON: 0, ADMIN: 0}
    async with AsyncTestClient(app=app) as anonymous, AsyncTestClient(app=app) as admin:
        await login(admin, "root")
        clients = {ANON: (anonymous, None), ADMIN: (admin, await csrf(admin, "/"))}
        for method, path, keys in int_routes(app):
            for role, (client, token) in clients.items():
                values = HUGE if role == ADMIN else HUGE[:1]
                for value in values:
                    asks = []
                    if INT_PARAM.search(path):
                        asks.append((INT_PARAM.sub(str(value), path), 404))
                    for key in sorted(keys):
                        # the path's own ids small and real-looking, only the query number huge
                        asks.append((f"{INT_PARAM.sub('1', path)}?{key}={value}", 400))
                    for url, wanted in asks:
                        response = await _ask(client, method, url, token)
                        if _passes_guards(role, method, path):
                            checked[role] += 1
                            if response.status_code != wanted:
                                failures.append((role, method, url, response.status_code))
                        elif response.status_code >= 500:
                            failures.append((role, method, url, response.status_code))
    assert failures == []
    assert checked[ADMIN] > 400 and checked[ANON] >= 5


async def test_a_huge_query_number_is_refused_with_its_reason_in_both_languages(client) -> None:
    await make_user("root", "admin")
    await initial_passwords_changed()
    await login(client, "root")
    response = await client.get(f"/api/audit?limit=5&offset={2**63}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "offset"
    assert response.json()["errors"][0]["message"] == f"字段 offset 无效：应不大于 {DB_INT_MAX}"
    client.cookies.set(LANG_COOKIE, "en")
    english = await client.get(f"/api/audit?offset={-(2**63) - 1}")
    assert english.json()["errors"][0]["message"] == (
        f"field offset is invalid: Input should be greater than or equal to {DB_INT_MIN}"
    )
    page = await client.get(f"/public/notices/{2**63}")
    assert page.status_code == 404
    assert "page not found" in page.text
    # numbers the database holds still reach the route as before
    assert (await client.get(f"/api/audit?limit=5&offset={DB_INT_MAX}")).status_code == 200

"""Every route × every role, built from the app's own route list: a new route without a policy
here fails the suite, so nothing can be added without deciding who may use it."""

import importlib
import importlib.util
import re
from contextlib import AsyncExitStack
from typing import Any

from litestar.testing import AsyncTestClient

from accounts.tables import AuditEntry
from societies import services as pilots
from societies.schemas import PilotIn
from tests.access_roles import (
    ADMIN,
    ADMINS,
    ANON,
    CANDIDATE,
    EVERYONE,
    EXAM,
    EXPERT,
    OTHER,
    SIGNED,
    SOCIETY,
    SOCIETY_ROLES,
    STAFF,
)
from tests.support import csrf, login, make_society, make_user

# (method, path) -> roles allowed past the guards. Object-level scoping is checked separately.
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/"): EVERYONE,
    ("POST", "/lang"): EVERYONE,
    ("GET", "/health"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("POST", "/logout"): SIGNED,
    ("GET", "/account"): SIGNED,
    ("POST", "/account/password"): SIGNED,
    ("POST", "/account/tokens"): SIGNED,
    ("POST", "/account/tokens/{token_id:int}/revoke"): SIGNED,
    ("GET", "/admin/users"): ADMINS,
    ("POST", "/admin/users"): ADMINS,
    ("POST", "/admin/users/{user_id:int}/disable"): ADMINS,
    ("POST", "/admin/users/{user_id:int}/enable"): ADMINS,
    ("GET", "/admin/users.xlsx"): ADMINS,
    ("GET", "/admin/audit"): ADMINS,
    ("GET", "/admin/audit.xlsx"): ADMINS,
    ("GET", "/api/tokens"): SIGNED,
    ("POST", "/api/tokens"): SIGNED,
    ("GET", "/api/me"): SIGNED,
    ("DELETE", "/api/tokens/{token_id:int}"): SIGNED,
    ("GET", "/api/users"): ADMINS,
    ("POST", "/api/users"): ADMINS,
    ("POST", "/api/users/{user_id:int}/disable"): ADMINS,
    ("POST", "/api/users/{user_id:int}/enable"): ADMINS,
    ("GET", "/api/audit"): ADMINS,
    ("GET", "/admin/societies"): ADMINS,
    ("POST", "/admin/societies"): ADMINS,
    ("GET", "/admin/societies.xlsx"): ADMINS,
    ("GET", "/admin/societies/{society_id:int}"): ADMINS,
    ("POST", "/admin/societies/{society_id:int}"): ADMINS,
    ("POST", "/admin/societies/{society_id:int}/status"): ADMINS,
    ("POST", "/admin/societies/{society_id:int}/staff"): ADMINS,
    ("GET", "/my-society"): SOCIETY_ROLES,
    ("GET", "/pilots"): STAFF,
    ("POST", "/pilots"): STAFF,
    ("GET", "/pilots.xlsx"): STAFF,
    ("GET", "/pilots/new"): STAFF,
    ("GET", "/pilots/{project_id:int}/edit"): STAFF,
    ("POST", "/pilots/{project_id:int}/edit"): STAFF,
    ("GET", "/pilots/{project_id:int}"): STAFF,
    ("POST", "/pilots/{project_id:int}/actions"): STAFF,
    ("POST", "/pilots/{project_id:int}/reports"): STAFF,
    ("POST", "/pilots/reports/{report_id:int}/publish"): STAFF,
    ("POST", "/pilots/{project_id:int}/meetings"): STAFF,
    ("POST", "/pilots/{project_id:int}/evaluations"): ADMINS,
    ("POST", "/pilots/{project_id:int}/kpi-readings"): STAFF,
    ("GET", "/pilots/{project_id:int}/amend"): STAFF,
    ("POST", "/pilots/{project_id:int}/amend"): STAFF,
    ("POST", "/pilots/amendments/{amendment_id:int}/decision"): ADMINS,
    ("GET", "/public/pilots"): EVERYONE,
    ("GET", "/public/pilots.xlsx"): EVERYONE,
    ("GET", "/public/pilots/{project_id:int}"): EVERYONE,
    ("GET", "/api/societies"): SIGNED,
    ("POST", "/api/societies"): ADMINS,
    ("GET", "/api/societies/{society_id:int}"): SIGNED,
    ("PUT", "/api/societies/{society_id:int}"): ADMINS,
    ("GET", "/api/pilots"): STAFF,
    ("POST", "/api/pilots"): STAFF,
    ("GET", "/api/pilots/{project_id:int}"): STAFF,
    ("PUT", "/api/pilots/{project_id:int}"): STAFF,
    ("POST", "/api/pilots/{project_id:int}/actions"): STAFF,
    ("POST", "/api/pilots/{project_id:int}/amendments"): STAFF,
    ("POST", "/api/pilots/{project_id:int}/reports"): STAFF,
    ("POST", "/api/pilots/{project_id:int}/meetings"): STAFF,
    ("POST", "/api/pilots/{project_id:int}/evaluations"): ADMINS,
    ("POST", "/api/pilots/{project_id:int}/kpi-readings"): STAFF,
    ("POST", "/api/pilots/amendments/{amendment_id:int}/decision"): ADMINS,
    ("GET", "/api/public/pilots"): EVERYONE,
    ("GET", "/api/public/pilots/{project_id:int}"): EVERYONE,
}
# Each domain package keeps the policy of its own routes in tests/<package>/access_policy.py.
for _package in ("expert_pool", "nominations", "exams"):
    if importlib.util.find_spec(f"tests.{_package}.access_policy") is not None:
        POLICY.update(importlib.import_module(f"tests.{_package}.access_policy").POLICY)

# Documentation and static files are public by design.
PUBLIC_PREFIXES = ("/static", "/schema")
# Reads of one society's object: another society gets 404, exactly as for a missing id.
OBJECT_SCOPED = {
    ("GET", "/pilots/{project_id:int}"),
    ("GET", "/pilots/{project_id:int}/edit"),
    ("GET", "/pilots/{project_id:int}/amend"),
    ("GET", "/api/pilots/{project_id:int}"),
    ("GET", "/api/societies/{society_id:int}"),
}


def app_routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path))
    return found


def test_every_route_has_a_policy(app) -> None:
    unknown = [r for r in app_routes(app) if r not in POLICY and not r[1].startswith(PUBLIC_PREFIXES)]
    stale = [r for r in POLICY if r not in app_routes(app)]
    assert (unknown, stale) == ([], [])


def concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(ids.get(m.group(1), 999_999)), path)


async def _clients(app: Any, stack: AsyncExitStack) -> tuple[dict[str, AsyncTestClient[Any]], dict[str, int]]:
    society_a = await make_society("CMES", "机械学会")
    society_b = await make_society("CCF", "计算机学会")
    admin = await make_user("root", "admin")
    await make_user("nominator", "society", society_a)
    await make_user("intruder", "society", society_b)
    await make_user("expert1", "expert")
    await make_user("exam1", "exam_admin", society_a)
    candidate = await make_user("cand1", "candidate")
    project_id = await pilots.create_pilot(
        admin, PilotIn(society_id=society_a, title="试点", function_type="award_nomination")
    )
    ids = {"society_id": society_a, "project_id": project_id, "user_id": candidate.user_id}
    usernames = {
        ADMIN: "root",
        SOCIETY: "nominator",
        OTHER: "intruder",
        EXPERT: "expert1",
        EXAM: "exam1",
        CANDIDATE: "cand1",
    }
    clients: dict[str, AsyncTestClient[Any]] = {}
    for role in sorted(EVERYONE):
        client = await stack.enter_async_context(AsyncTestClient(app=app))
        if role in usernames:
            await login(client, usernames[role])
        clients[role] = client
    return clients, ids


def _denied(response: Any, role: str) -> bool:
    if role == ANON:
        return response.status_code == 401 or (
            response.status_code in (302, 303) and "/login" in response.headers["location"]
        )
    return response.status_code == 403


async def test_guards_let_through_exactly_the_roles_in_the_policy(app) -> None:
    # The clients are closed in reverse order of opening (their event-loop portals nest).
    async with AsyncExitStack() as stack:
        clients, ids = await _clients(app, stack)
        failures = []
        for (method, path), allowed in POLICY.items():
            url = concrete(path, ids)
            for role, client in clients.items():
                if method == "GET":
                    response = await client.get(url, follow_redirects=False)
                elif role in allowed:
                    continue  # allowed writes are exercised by the feature tests
                else:
                    before = await AuditEntry.count()
                    token = await csrf(client, "/")
                    response = await client.request(
                        method, url, headers={"x-csrf-token": token}, follow_redirects=False
                    )
                    if await AuditEntry.count() != before:
                        failures.append((method, path, role, "wrote"))
                denied = _denied(response, role)
                if role in allowed and (denied or response.status_code >= 500):
                    failures.append((method, path, role, response.status_code))
                if role not in allowed and not denied:
                    failures.append((method, path, role, response.status_code))
                if (
                    method == "GET"
                    and role == OTHER
                    and (method, path) in OBJECT_SCOPED
                    and response.status_code != 404
                ):
                    failures.append((method, path, role, response.status_code, "not hidden"))
        assert failures == []

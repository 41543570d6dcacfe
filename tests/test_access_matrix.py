"""Every route × every role, built from the app's own route list: a new route without a policy
here fails the suite, so nothing can be added without deciding who may use it."""

import importlib
import importlib.util
import re
from contextlib import AsyncExitStack
from typing import Any

from litestar.testing import AsyncTestClient

from accounts.tables import AuditEntry
from expert_pool import services as pool
from expert_pool.schemas import PanelIn
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
    OTHER_EXPERT,
    SIGNED,
    SOCIETY,
    SOCIETY_ROLES,
    STAFF,
)
from tests.expert_pool.support import batch, item, make_expert
from tests.support import csrf, initial_passwords_changed, login, make_society, make_user

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
    ("GET", "/account/confirm"): EVERYONE,
    ("POST", "/account/confirm"): EVERYONE,
    ("GET", "/password/forgot"): EVERYONE,
    ("POST", "/password/forgot"): EVERYONE,
    ("GET", "/password/reset"): EVERYONE,
    ("POST", "/password/reset"): EVERYONE,
    ("GET", "/inbox"): SIGNED,
    ("POST", "/inbox/read"): SIGNED,
    ("POST", "/inbox/{message_id:int}/read"): SIGNED,
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
    ("POST", "/admin/societies/{society_id:int}/integrity-violations"): ADMINS,
    ("GET", "/my-society"): SOCIETY_ROLES,
    ("GET", "/pilots"): STAFF,
    ("POST", "/pilots"): STAFF,
    ("GET", "/pilots.xlsx"): STAFF,
    ("GET", "/pilots/new"): STAFF,
    ("GET", "/pilots/{project_id:int}/edit"): STAFF,
    ("POST", "/pilots/{project_id:int}/edit"): STAFF,
    ("GET", "/pilots/{project_id:int}"): STAFF,
    ("GET", "/pilots/{project_id:int}/kpis.svg"): STAFF,
    ("GET", "/pilots/{project_id:int}/kpis.xlsx"): STAFF,
    ("GET", "/pilots/{project_id:int}/agreement.pdf"): STAFF,
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
    ("GET", "/api/societies/{society_id:int}/integrity-violations"): ADMINS,
    ("POST", "/api/societies/{society_id:int}/integrity-violations"): ADMINS,
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

# Object-level scoping, per peer role: routes that this role passes the guards of, filled with the
# ids of the *first* user's objects (society A's project, expert 1's assignment and panel). The peer
# must get exactly what a nonexistent id gets (same status, same body apart from the path) and
# must change nothing. The value is the body sent (None: none; a dict: form fields or JSON).
Body = tuple[str, dict[str, Any]] | None
OBJECT_SCOPED: dict[str, dict[tuple[str, str], Body]] = {
    OTHER: {
        ("GET", "/pilots/{project_id:int}"): None,
        ("GET", "/pilots/{project_id:int}/edit"): None,
        ("GET", "/pilots/{project_id:int}/kpis.svg"): None,
        ("GET", "/pilots/{project_id:int}/kpis.xlsx"): None,
        ("GET", "/pilots/{project_id:int}/agreement.pdf"): None,
        ("GET", "/pilots/{project_id:int}/amend"): None,
        ("GET", "/api/pilots/{project_id:int}"): None,
        ("GET", "/api/societies/{society_id:int}"): None,
        ("POST", "/pilots/{project_id:int}/edit"): ("form", {"title": "改名", "function_type": "award_nomination"}),
        ("POST", "/pilots/{project_id:int}/actions"): ("form", {"action": "submit"}),
        ("POST", "/pilots/{project_id:int}/reports"): ("form", {"kind": "progress", "title": "报告", "body": "x"}),
        ("POST", "/pilots/{project_id:int}/meetings"): ("form", {"held_on": "2020-01-01", "minutes": "x"}),
        ("POST", "/pilots/{project_id:int}/kpi-readings"): ("form", {"kpi_key": "k", "actual": "1"}),
        ("POST", "/pilots/{project_id:int}/amend"): ("form", {"reason": "x"}),
        ("PUT", "/api/pilots/{project_id:int}"): (
            "json",
            {"society_id": "{society_id}", "title": "改名", "function_type": "award_nomination"},
        ),
        ("POST", "/api/pilots/{project_id:int}/actions"): ("json", {"action": "submit"}),
        ("POST", "/api/pilots/{project_id:int}/reports"): (
            "json",
            {"kind": "progress", "period": "2026Q1", "title": "报告", "body": "x"},
        ),
        ("POST", "/api/pilots/{project_id:int}/meetings"): ("json", {"held_on": "2020-01-01", "minutes": "x"}),
        ("POST", "/api/pilots/{project_id:int}/kpi-readings"): (
            "json",
            {"kpi_key": "k", "actual": "1", "recorded_on": "2020-01-01"},
        ),
        ("POST", "/api/pilots/{project_id:int}/amendments"): ("json", {"reason": "x", "agreement": {}}),
    },
    OTHER_EXPERT: {
        ("GET", "/expert/assignments/{assignment_id:int}"): None,
        ("POST", "/expert/assignments/{assignment_id:int}/respond"): ("form", {"action": "accept"}),
        ("POST", "/expert/assignments/{assignment_id:int}/review"): ("form", {"score_overall": "50"}),
        ("POST", "/api/expert/assignments/{assignment_id:int}/respond"): ("json", {"action": "accept"}),
        ("PUT", "/api/expert/assignments/{assignment_id:int}/review"): ("json", {"scores": {"overall": 50}}),
        ("POST", "/expert/panels/{meeting_id:int}/ballots"): ("form", {"item_id": "{item_id}", "vote": "yes"}),
    },
}
MISSING = 999_999


def app_routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path))
    return found


def test_every_route_has_a_policy(app) -> None:
    unknown = [r for r in app_routes(app) if r not in POLICY and not r[1].startswith(PUBLIC_PREFIXES)]
    stale = [r for r in POLICY if r not in app_routes(app)]
    scoped_stale = [(role, r) for role, routes in OBJECT_SCOPED.items() for r in routes if r not in POLICY]
    assert (unknown, stale, scoped_stale) == ([], [], [])


def concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(ids.get(m.group(1), MISSING)), path)


USERNAMES = {
    ADMIN: "root",
    SOCIETY: "nominator",
    OTHER: "intruder",
    EXPERT: "expert1",
    OTHER_EXPERT: "expert2",
    EXAM: "exam1",
    CANDIDATE: "cand1",
}


async def _world() -> dict[str, int]:
    """Society A with a project; expert 1 assigned to the one item of a batch and present at its
    panel; expert 2 in the pool with nothing of their own."""
    society_a = await make_society("CMES", "机械学会")
    society_b = await make_society("CCF", "计算机学会")
    admin = await make_user("root", "admin")
    await make_user("nominator", "society", society_a)
    await make_user("intruder", "society", society_b)
    await make_user("exam1", "exam_admin", society_a)
    candidate = await make_user("cand1", "candidate")
    project_id = await pilots.create_pilot(
        admin, PilotIn(society_id=society_a, title="试点", function_type="award_nomination")
    )
    expert_1 = await make_expert(admin, 1, name="专家1", username="expert1", discipline="520.20")
    # USERNAMES names the second expert's account, created with its registry record (other discipline)
    await pool.register_expert(
        admin,
        (await _expert_in(2, "expert2")),
    )
    batch_id = await pool.create_batch(admin, batch([item("A")], required=1, max_load=1))
    await pool.run_assignment(admin, batch_id)
    assignment = (await pool.my_assignments(await _expert_actor("expert1")))[0]
    meeting_id = await pool.create_panel(admin, batch_id, PanelIn(name="会评", expert_ids=[expert_1]))
    await pool.set_roll(admin, meeting_id, [expert_1])
    item_id = (await pool.batch_items(admin, batch_id))[0]["id"]
    await initial_passwords_changed()
    return {
        "society_id": society_a,
        "project_id": project_id,
        "user_id": candidate.user_id,
        "expert_id": expert_1,
        "batch_id": batch_id,
        "assignment_id": assignment["id"],
        "meeting_id": meeting_id,
        "item_id": item_id,
    }


async def _expert_in(seq: int, username: str) -> Any:
    from expert_pool.schemas import ExpertIn
    from tests.expert_pool.support import id_number
    from tests.support import PASSWORD

    return ExpertIn(
        name=f"专家{seq}",
        id_number=id_number(seq),
        unit=f"单位{seq}",
        primary_discipline="210",
        username=username,
        password=PASSWORD,
    )


async def _expert_actor(username: str) -> Any:
    from accounts.rules import Actor
    from accounts.tables import User

    row = await User.select(User.id).where(User.username == username).first()
    return Actor(user_id=row["id"], username=username, display_name="", role="expert")


async def _clients(app: Any, stack: AsyncExitStack) -> tuple[dict[str, AsyncTestClient[Any]], dict[str, int]]:
    ids = await _world()
    clients: dict[str, AsyncTestClient[Any]] = {}
    for role in sorted(EVERYONE):
        client = await stack.enter_async_context(AsyncTestClient(app=app))
        if role in USERNAMES:
            await login(client, USERNAMES[role])
        clients[role] = client
    return clients, ids


def _denied(response: Any, role: str) -> bool:
    if role == ANON:
        return response.status_code == 401 or (
            response.status_code in (302, 303) and "/login" in response.headers["location"]
        )
    return response.status_code == 403


async def _send(client: AsyncTestClient[Any], method: str, url: str, body: Body, ids: dict[str, int]) -> Any:
    if method == "GET":
        return await client.get(url, follow_redirects=False)
    token = await csrf(client, "/")
    # "{name}" stands for the id itself (an int in JSON), "x{name}" style text for its formatting
    payload = {
        k: ids[v[1:-1]] if isinstance(v, str) and v[1:-1] in ids else v.format(**ids) if isinstance(v, str) else v
        for k, v in (body[1] if body else {}).items()
    }
    if body and body[0] == "form":
        return await client.request(
            method, url, data={**payload, "_csrf_token": token}, headers={"x-csrf-token": token}, follow_redirects=False
        )
    return await client.request(
        method, url, json=payload if body else None, headers={"x-csrf-token": token}, follow_redirects=False
    )


async def test_guards_let_through_exactly_the_roles_in_the_policy(app) -> None:
    # The clients are closed in reverse order of opening (their event-loop portals nest).
    async with AsyncExitStack() as stack:
        clients, ids = await _clients(app, stack)
        failures = []
        tokens: dict[str, str] = {}  # a session's CSRF token does not change while it lasts
        for (method, path), allowed in POLICY.items():
            url = concrete(path, ids)
            for role, client in clients.items():
                if method == "GET":
                    response = await client.get(url, follow_redirects=False)
                elif role in allowed:
                    continue  # allowed writes are exercised by the feature tests (and below when scoped)
                else:
                    before = await AuditEntry.count()
                    token = tokens.get(role) or tokens.setdefault(role, await csrf(client, "/"))
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
        assert failures == []


async def test_a_peer_gets_exactly_what_a_missing_id_gets_and_changes_nothing(app) -> None:
    """Society B on society A's project, expert 2 on expert 1's assignment and panel: 404 with the
    body of a nonexistent id, no audit entry, for reads and writes alike."""
    async with AsyncExitStack() as stack:
        clients, ids = await _clients(app, stack)
        failures = []
        for role, routes in OBJECT_SCOPED.items():
            client = clients[role]
            for (method, path), body in routes.items():
                assert role in POLICY[(method, path)], (role, path)
                url = concrete(path, ids)
                missing_url = concrete(path, {})
                before = await AuditEntry.count()
                real = await _send(client, method, url, body, ids)
                wrote = await AuditEntry.count() != before
                missing = await _send(client, method, missing_url, body, ids)
                seen = (real.status_code, real.text.replace(url, "URL"), wrote)
                expected = (404, missing.text.replace(missing_url, "URL"), False)
                if missing.status_code != 404 or seen != expected:
                    failures.append((role, method, path, real.status_code, missing.status_code, wrote))
        # the owners themselves reach the same objects (the fixture is not empty by accident)
        own = [
            (await clients[SOCIETY].get(concrete("/api/pilots/{project_id:int}", ids))).status_code,
            (await clients[EXPERT].get(concrete("/expert/assignments/{assignment_id:int}", ids))).status_code,
        ]
        assert (failures, own) == ([], [200, 200])


async def _contents() -> dict[str, list[str]]:
    """Every row of every table, as text, except the session rows whose `last_seen_at` every
    signed-in request refreshes (that is the idle timeout working, not a state change)."""
    from piccolo.conf.apps import Finder

    from accounts.tables import Session

    contents = {}
    for table in Finder().get_table_classes():
        if table is Session:
            continue
        rows = await table.select()
        contents[table._meta.tablename] = sorted(repr(sorted(row.items())) for row in rows)
    return contents


async def test_no_get_changes_anything_for_any_role(app) -> None:
    """Every GET route of the policy, as every role, against real objects: the database is the same
    row for row afterwards (state changes only through POST, PUT, PATCH and DELETE with CSRF)."""
    async with AsyncExitStack() as stack:
        clients, ids = await _clients(app, stack)
        before = await _contents()
        answered = []
        for method, path in POLICY:
            if method != "GET":
                continue
            for client in clients.values():
                answered.append((await client.get(concrete(path, ids), follow_redirects=False)).status_code)
        after = await _contents()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert (changed, sum(1 for status in answered if status >= 500)) == ([], 0)
    assert len(answered) == sum(1 for method, _ in POLICY if method == "GET") * len(clients)

"""A society reads and writes only its own records (R-AC2 for the nominating side).

Society A owns a running pilot project with a progress report and a meeting, a draft and a
submitted nomination, a talent recommendation, an objection against its nomination (with A's
answer), and, through its exam administrator, an exam plan with a room and a registration.
Society B's nominator and B's exam administrator then use every route of the app they pass the
guards of (from the access policy, so a new route joins by itself) with A's ids: each answer must
be exactly the answer for a nonexistent id, and the whole database must be unchanged afterwards.
Writes are also sent with valid bodies, which A's own users then send successfully (so the 404
is the ownership check, not a malformed request). B's lists and exports never contain A's records.

tests/test_access_matrix.py already covers B on A's pilot project (reads and writes) and on A's
society record; this file covers every other society-owned object.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from litestar.testing import AsyncTestClient
from piccolo.conf.apps import Finder

from exams import services as exams
from nominations import services as nominations
from nominations.demo import open_programme
from nominations.rules.programme.model import ProgrammeKind
from societies import services as pilots
from societies.schemas import MeetingIn, PilotIn, ReportIn
from societies.tables import PilotProject
from tests.access_roles import ANON, EXAM, OTHER
from tests.exams.exam_support import plan_in, registered
from tests.expert_pool.test_visibility import xlsx_cells
from tests.nominations.support import demo_nomination, demo_person, nominating_society
from tests.support import csrf, login, make_society, make_user
from tests.test_access_matrix import MISSING, POLICY
from xuehui.clock import today
from xuehui.excel_export import XLSX_MEDIA_TYPE
from xuehui.idcard import make as make_id

# Rows that legitimately change when anyone makes a request (sessions and login bookkeeping).
VOLATILE_TABLES = {"xh_session", "xh_login_failure"}
A_MARKERS = ("甲会精密机床", "甲会焊接机器人", "甲会张青年", "甲会进展报告", "HG26")
LISTS = {
    OTHER: (
        "/nominations",
        "/api/nominations",
        "/nominations.xlsx",
        "/talent",
        "/pilots",
        "/api/pilots",
        "/pilots.xlsx",
    ),
    EXAM: ("/exams", "/api/exams/plans", "/exams.xlsx", "/api/exams/plans/kpis", "/pilots", "/api/pilots"),
}


async def _world() -> dict[str, Any]:
    cycle_id, admin, nominator, society_a = await nominating_society("CMES", "nominator")
    society_b = await make_society("CCF", "计算机学会")
    await make_user("intruder", "society", society_b)
    await make_user("exam_ccf", "exam_admin", society_b)
    exam_a = await make_user("exam_cmes", "exam_admin", society_a)
    project = (await pilots.list_pilots(admin, society_id=society_a))[0]["id"]
    report = await pilots.add_report(
        nominator, project, ReportIn(period="2026Q1", title="甲会进展报告", body="进展顺利", published=False)
    )
    await pilots.add_meeting(nominator, project, MeetingIn(held_on=today(), minutes="甲会例会纪要"))
    draft = await nominations.create_nomination(nominator, cycle_id, demo_nomination("甲会精密机床", 3))
    submitted = await nominations.create_nomination(nominator, cycle_id, demo_nomination("甲会焊接机器人", 3, start=10))
    await nominations.submit(nominator, submitted)
    await nominations.formal_review(admin, submitted, "pass", "")
    notice = await nominations.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    objector = make_id("370102", dt.date(1980, 5, 5), 3, "male")
    objection = await nominations.file_objection(
        notice, submitted, "王五", objector, "13800138000", "某大学", "成果不实", []
    )
    programme = await open_programme(admin, ProgrammeKind.YOUTH_AWARD, today().year, today())
    await nominations.set_talent_quota(admin, programme, society_a, 2)
    recommendation = await nominations.create_recommendation(
        nominator, programme, demo_person("甲会张青年", dt.date(today().year - 35, 3, 3), 7)
    )
    exam_pilot = await pilots.create_pilot(
        admin, PilotIn(society_id=society_a, title="考务试点", function_type="exam_administration")
    )
    await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == exam_pilot)
    plan = await exams.create_plan(exam_a, plan_in("HG26"))
    _, registration = await registered(plan, exam_a, 1, pay=False)
    room = (await exams.get_plan(exam_a, plan))["rooms"][0]["id"]
    return {
        "society_id": society_a,
        "project_id": project,
        "report_id": report,
        "nomination_id": draft,
        "submitted_id": submitted,
        "recommendation_id": recommendation,
        "objection_id": objection,
        "plan_id": plan,
        "registration_id": registration,
        "room_id": room,
        "cycle_id": cycle_id,
        "programme_id": programme,
        "nomination_json": demo_nomination("甲会精密机床改", 3).model_dump(mode="json"),
    }


async def _database() -> dict[str, list[dict[str, Any]]]:
    dump = {}
    for table in sorted(Finder().get_table_classes(), key=lambda t: t._meta.tablename):
        if table._meta.tablename not in VOLATILE_TABLES:
            rows = await table.select().order_by(table._meta.primary_key)
            dump[table._meta.tablename] = json.loads(json.dumps(rows, default=str))
    return dump


def _fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: str(ids.get(m.group(1), MISSING)), path)


async def _send(client: AsyncTestClient[Any], method: str, url: str, token: str, body: Any = None) -> Any:
    headers = {"x-csrf-token": token}
    if method == "GET":
        return await client.get(url, follow_redirects=False)
    if isinstance(body, tuple):  # a form
        return await client.request(
            method, url, data={**body[0], "_csrf_token": token}, headers=headers, follow_redirects=False
        )
    return await client.request(method, url, json=body, headers=headers, follow_redirects=False)


def _valid_writes(ids: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(role, method, path, body): requests A's own users make successfully (checked below)."""
    key = {"idempotency_key": "k-1"}
    return [
        (OTHER, "PUT", "/api/nominations/{nomination_id:int}", ids["nomination_json"]),
        (OTHER, "POST", "/nominations/{nomination_id:int}/submit", (key,)),
        (OTHER, "POST", "/talent/{recommendation_id:int}", ({"name": "甲会张青年", "sex": "male"},)),
        (OTHER, "POST", "/nominations/objections/{objection_id:int}/respond", ({"response": "成果属实"},)),
        (OTHER, "POST", "/pilots/reports/{report_id:int}/publish", ({"published": "1", "project_id": "1"},)),
        (
            OTHER,
            "POST",
            "/api/pilots/{project_id:int}/reports",
            {"kind": "progress", "period": "2026Q2", "title": "乙会冒充", "body": "x"},
        ),
        (OTHER, "POST", "/api/pilots/{project_id:int}/meetings", {"held_on": str(today()), "minutes": "x"}),
        (EXAM, "POST", "/api/exams/registrations/{registration_id:int}/paid", None),
        (
            EXAM,
            "POST",
            "/api/exams/plans/{plan_id:int}/rooms",
            {"site_code": "02", "site_name": "第二考点", "room_no": 1, "rows": 2, "columns": 2},
        ),
    ]


async def test_another_society_meets_only_404s_on_a_societys_records_and_changes_nothing(app) -> None:
    ids = await _world()
    route_ids = {k: v for k, v in ids.items() if isinstance(v, int)}
    async with (
        AsyncTestClient(app=app) as intruder,
        AsyncTestClient(app=app) as exam_b,
        AsyncTestClient(app=app) as nominator,
        AsyncTestClient(app=app) as exam_a,
    ):
        for client, username in ((intruder, "intruder"), (exam_b, "exam_ccf"), (nominator, "nominator")):
            await login(client, username)
        await login(exam_a, "exam_cmes")
        peers = {OTHER: (intruder, await csrf(intruder)), EXAM: (exam_b, await csrf(exam_b))}
        before = await _database()
        failures = []
        checked = 0
        # every route with an object id that the peer passes the guards of: empty bodies
        for (method, path), roles in POLICY.items():
            if "{" not in path or ANON in roles:  # public records are everyone's
                continue
            for role, (client, token) in peers.items():
                if role not in roles:
                    continue
                url, missing_url = _fill(path, route_ids), _fill(path, {})
                if url == missing_url:
                    continue
                hit = await _send(client, method, url, token, {} if method != "GET" else None)
                miss = await _send(client, method, missing_url, token, {} if method != "GET" else None)
                checked += 1
                if (hit.status_code, hit.text.replace(url, "U")) != (
                    miss.status_code,
                    miss.text.replace(missing_url, "U"),
                ):
                    failures.append((role, method, path, hit.status_code, miss.status_code))
                elif method == "GET" and hit.status_code != 404:
                    failures.append((role, method, path, hit.status_code, "visible"))
        # the same with valid bodies
        for role, method, path, body in _valid_writes(ids):
            client, token = peers[role]
            url, missing_url = _fill(path, route_ids), _fill(path, {})
            hit = await _send(client, method, url, token, body)
            miss = await _send(client, method, missing_url, token, body)
            if (hit.status_code, hit.text.replace(url, "U")) != (404, miss.text.replace(missing_url, "U")):
                failures.append((role, method, path, hit.status_code, "valid body"))
        after = await _database()
        changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
        # B's lists and exports name none of A's records; A's own lists do
        seen_by_b = {url: await _text(peers[role][0], url) for role, urls in LISTS.items() for url in urls}
        leaked = sorted((url, m) for url, text in seen_by_b.items() for m in A_MARKERS if m in text)
        own_lists = await _text(nominator, "/nominations.xlsx") + await _text(exam_a, "/exams.xlsx")
        assert (checked > 40, failures, changed, leaked) == (True, [], [], [])
        assert [m for m in ("甲会精密机床", "甲会焊接机器人", "HG26") if m not in own_lists] == []

        # A's own users make the same requests successfully: the refusals above were about ownership
        owners = {OTHER: (nominator, await csrf(nominator)), EXAM: (exam_a, await csrf(exam_a))}
        results = []
        for role, method, path, body in _valid_writes(ids):
            client, token = owners[role]
            response = await _send(client, method, _fill(path, route_ids), token, body)
            results.append((path, response.status_code))
        assert [(path, status) for path, status in results if status >= 400] == []


async def _text(client: AsyncTestClient[Any], url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.headers.get("content-type", "").startswith(XLSX_MEDIA_TYPE):
        return json.dumps(xlsx_cells(response.content), ensure_ascii=False, default=str)
    return response.text

"""Reviewer identities never reach nominators (R-AC5; OpenReview's pseudonymous reviewers).

Three experts whose name, e-mail, user name and unit are unique canary strings (and whose user
and registry ids are unmistakable numbers) review a society's nominations remotely, decline and
declare conflicts with reasons, and vote in a panel. Then every GET route of the app (from its own
route list, ids filled with the society's real objects and with the experts' objects) is read as
the nominating society and as another society, with every link found on those pages, every
.xlsx export opened cell by cell, the OpenAPI document and the error pages: no canary string and
no expert id may appear in a body, a header or a file name.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from litestar.testing import AsyncTestClient

from accounts.rules import Actor
from accounts.tables import User
from expert_pool import services as pool
from expert_pool.schemas import ExpertIn, PanelIn, ReviewIn
from expert_pool.tables import Expert
from nominations import services as nominations
from societies import services as pilots
from tests.expert_pool.support import id_number
from tests.expert_pool.test_visibility import xlsx_cells
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import PASSWORD, initial_passwords_changed, login, make_society, make_user
from tests.test_access_matrix import MISSING, POLICY
from xuehui.clock import today
from xuehui.excel_export import XLSX_MEDIA_TYPE
from xuehui.idcard import make as make_id

HREF = re.compile(r'(?:href|action)="(/[^"#]*)"')
SKIP = ("/static/", "/logout")
# Canary ids: far from anything the run itself allocates, and never a substring of a date.
USER_IDS = (7_316_401, 7_316_402, 7_316_403)
EXPERT_IDS = (8_427_501, 8_427_502, 8_427_503)


async def _canary_experts(admin: Actor) -> list[dict[str, Any]]:
    canaries = []
    for n in range(3):
        tag = uuid.uuid4().hex[:12]
        expert_id = await pool.register_expert(
            admin,
            ExpertIn(
                name=f"CANARY-REV-{tag}",
                id_number=id_number(60 + n),
                unit=f"CANARY-REV-{tag}-UNIT",
                email=f"canary-rev-{tag}@example.org",
                phone=f"1390000{n:04d}",
                primary_discipline="460",
                username=f"canary-rev-{tag}",
                password=PASSWORD,
            ),
        )
        user_id = (await Expert.select(Expert.user).where(Expert.id == expert_id).first())["user"]
        # renumber before anything refers to them, so a leaked id is findable in any text
        await Expert.update({Expert.user: None}).where(Expert.id == expert_id)
        await User.update({User.id: USER_IDS[n]}).where(User.id == user_id)
        await Expert.update({Expert.id: EXPERT_IDS[n], Expert.user: USER_IDS[n]}).where(Expert.id == expert_id)
        canaries.append({"tag": tag, "username": f"canary-rev-{tag}", "user_id": USER_IDS[n], "id": EXPERT_IDS[n]})
    await initial_passwords_changed()
    return canaries


def _actor(canary: dict[str, Any]) -> Actor:
    return Actor(canary["user_id"], canary["username"], f"CANARY-REV-{canary['tag']}", "expert")


async def _world() -> dict[str, Any]:
    cycle_id, admin, nominator, society_a = await nominating_society()
    society_b = await make_society("CCF", "计算机学会")
    await make_user("intruder", "society", society_b)
    first = await nominations.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    second = await nominations.create_nomination(nominator, cycle_id, demo_nomination("焊接机器人", 3, start=10))
    for nomination_id in (first, second):
        await nominations.submit(nominator, nomination_id)
        await nominations.formal_review(admin, nomination_id, "pass", "")
    canaries = await _canary_experts(admin)
    batch_id = await nominations.send_to_remote_review(admin, cycle_id, "网络评审", required=2, max_load=2)
    await pool.run_assignment(admin, batch_id)
    assignments: list[int] = []
    # the first expert declares a conflict on one item with a reason naming themselves; the
    # replacement and every other expert accept and submit scored, commented reviews
    loads = [(c, await pool.my_assignments(_actor(c))) for c in canaries]
    busy, own = max(loads, key=lambda load: len(load[1]))
    await pool.respond(_actor(busy), own[0]["id"], "conflict", f"CANARY-REV-{busy['tag']} 与完成人同单位")
    for canary in canaries:
        expert = _actor(canary)
        for assignment in await pool.my_assignments(expert):
            assignments.append(assignment["id"])
            await pool.respond(expert, assignment["id"], "accept")
            await pool.save_review(
                expert,
                assignment["id"],
                ReviewIn(
                    scores={"innovation": 80, "technical_level": 85, "benefits": 75},
                    recommendation="recommend",
                    comment="创新性突出",
                    submit=True,
                ),
            )
    meeting = await pool.create_panel(admin, batch_id, PanelIn(name="会评", expert_ids=[c["id"] for c in canaries]))
    await pool.set_roll(admin, meeting, [c["id"] for c in canaries])
    items = await pool.batch_items(admin, batch_id)
    for canary in canaries:
        for review_item in items:
            if review_item["id"] in [i["id"] for p in await pool.my_panels(_actor(canary)) for i in p["items"]]:
                await pool.cast_ballot(_actor(canary), meeting, review_item["id"], "yes")
    await pool.close_panel(admin, meeting)
    await pool.send_reminder(admin, batch_id, canaries[1]["id"], f"请 CANARY-REV-{canaries[1]['tag']} 尽快完成")
    for nomination_id in (first, second):
        await nominations.record_stage(admin, nomination_id, "remote_review", "passed", "", "网络评审通过")
    notice_id = await nominations.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    await nominations.file_objection(
        notice_id,
        first,
        "王五",
        make_id("370102", today().replace(year=1980, day=5), 3, "male"),
        "13800138000",
        "某大学",
        "成果不实",
        [],
    )
    objection = (await nominations.objections(nominator))[0]["id"]
    await nominations.respond_to_objection(nominator, objection, "成果属实")
    project = (await pilots.list_pilots(admin, society_id=society_a))[0]["id"]
    return {
        "canaries": canaries,
        "ids": {
            "society_id": society_a,
            "project_id": project,
            "nomination_id": first,
            "notice_id": notice_id,
            "objection_id": objection,
            "cycle_id": cycle_id,
            "year": today().year,
            "batch_id": batch_id,
            "meeting_id": meeting,
            "assignment_id": assignments[0],
            "expert_id": canaries[0]["id"],
            "user_id": canaries[0]["user_id"],
        },
        "other_ids": {"nomination_id": second},
    }


def _fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+):(\w+)\}", lambda m: str(ids.get(m.group(1), MISSING if m.group(2) == "int" else "x")), path)


def _texts(response: Any) -> list[str]:
    """What a user can read in a response: the body (each cell of a workbook) and every header."""
    headers = [f"{k}: {v}" for k, v in response.headers.multi_items()]
    if response.headers.get("content-type", "").startswith(XLSX_MEDIA_TYPE):
        return [*headers, repr(xlsx_cells(response.content))]
    return [*headers, response.text]


async def _crawl(client: AsyncTestClient[Any], ids: dict[str, Any]) -> dict[str, list[str]]:
    """Every GET route of the app with these ids (allowed or not: error pages count too), a
    nonexistent id for each, the OpenAPI document, then every same-origin link on the pages."""
    todo = ["/schema/openapi.json", "/no/such/page"]
    for method, path in POLICY:
        if method == "GET":
            todo += [_fill(path, ids), _fill(path, {})]
    seen: dict[str, list[str]] = {}
    while todo and len(seen) < 400:
        url = todo.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        response = await client.get(url, follow_redirects=False)
        # the URL asked for is echoed in error pages and language links: only what else is there counts
        seen[url] = [text.replace(url, "URL") for text in _texts(response)]
        for link in HREF.findall(response.text):
            link = link.replace("&amp;", "&")
            if not urlsplit(link).path.startswith(SKIP) and link not in seen:
                todo.append(link)
    return seen


def _leaks(pages: dict[str, list[str]], canaries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    needles = ["canary", *(c["tag"] for c in canaries)]
    needles += [str(n) for c in canaries for n in (c["user_id"], c["id"])]
    return sorted(
        (url, needle) for url, texts in pages.items() for text in texts for needle in needles if needle in text.lower()
    )


async def test_no_page_export_header_or_error_names_a_reviewer_to_a_nominator(app) -> None:
    world = await _world()
    canaries, ids = world["canaries"], world["ids"]
    async with AsyncTestClient(app=app) as nominator, AsyncTestClient(app=app) as other:
        await login(nominator, "nominator")
        await login(other, "intruder")
        own = await _crawl(nominator, ids)
        foreign = await _crawl(other, {**ids, "society_id": ids["society_id"] + 1})
        # the crawl reached the society's real records and exports, and society B met 404s
        statuses = {
            "nomination": own[f"/nominations/{ids['nomination_id']}"][-1].count("精密机床") > 0,
            "export": "精密机床" in own["/nominations.xlsx"][-1],
            "notice": "精密机床" in own[f"/public/notices/{ids['notice_id']}"][-1],
            "other_sees": "精密机床" in foreign[f"/nominations/{ids['nomination_id']}"][-1],
        }
        assert statuses == {"nomination": True, "export": True, "notice": True, "other_sees": False}
        assert (len(own) > 120, _leaks(own, canaries), _leaks(foreign, canaries)) == (True, [], [])

"""Differential visibility of the expert portal (R-AC2, R-AC3, R-AC4; HotCRP's side-channel lesson).

The same world is built twice, once without and once with objects that expert A must never see:
an item A was assigned and then conflicted off by an administrator (with A's own draft review on
it), an item naming A as a contributor, an item naming a person A declared a relation to, and items
assigned only to expert B (with B's reviews, ballots and reminders). Hidden objects are created
after the visible ones, so every visible id is the same in both worlds. Every page and API route an
expert can reach (from the access policy, so a new expert route joins by itself), with id
parameters swept over a range that covers the hidden ids, with search/sort/filter/pagination
parameters and every same-origin link found on those pages, must answer byte for byte the same
in both worlds once CSRF tokens and timestamps are blanked.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any
from urllib.parse import urlsplit

import openpyxl
from litestar.testing import AsyncTestClient

from accounts.rules import Actor
from accounts.tables import AuditEntry, User
from expert_pool import services as pool
from expert_pool.schemas import PanelIn, RelationIn, ReviewIn
from tests.access_roles import EXPERT
from tests.expert_pool.support import batch, id_number, item, make_expert
from tests.support import api, csrf, login, make_user, post_form
from tests.test_access_matrix import MISSING, POLICY
from xuehui.excel_export import XLSX_MEDIA_TYPE

HIDDEN = ("项目HC", "项目HP", "项目HR", "项目HO")
SCOPED_IDS = range(1, 11)  # every id of the expert's own kinds of object, hidden or not, lies here
EXPERT_PARAMS = {"assignment_id", "meeting_id"}
QUERIES = ("", "?q=项目H&sort=title&order=desc", "?page=2&per_page=1&status=conflict&review=draft", "?done=accept")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
HEX = re.compile(r"\b[0-9a-f]{32,}\b")
HREF = re.compile(r'href="(/[^"#]*)"')


async def _actor(username: str) -> Actor:
    row = await User.select(User.id, User.display_name).where(User.username == username).first()
    assert row is not None
    return Actor(user_id=row["id"], username=username, display_name=row["display_name"], role="expert")


async def _world(hidden: bool) -> dict[str, Any]:
    """Expert A (discipline 520.20) and expert B (210.10). Batch 1 holds V1 and V2 (A's only
    match) and, when hidden, HC (A, later conflicted), HP (names A), HR (names A's relative):
    the last two fall to B through their second discipline. Batch 2 (hidden) holds HO, B's only."""
    admin = await make_user("root", "admin")
    a = await make_expert(admin, 1, name="专家甲", username="e-a", discipline="520.20")
    b = await make_expert(admin, 2, name="专家乙", username="e-b", discipline="210.10")
    expert_a, expert_b = await _actor("e-a"), await _actor("e-b")
    await pool.add_relation(expert_a, RelationIn(relation="relative", person_name="李雷"))
    items = [item("V1"), item("V2")]
    if hidden:
        both = ["520.20", "210.10"]
        items += [
            item("HC"),
            item("HP", disciplines=both, people=[{"name": "专家甲", "id_number": id_number(1)}]),
            item("HR", disciplines=both, people=[{"name": "李雷"}]),
        ]
    first = await pool.create_batch(
        admin, batch(items, name="网评一", required=1, max_load=5, deadline=dt.date(2031, 3, 31))
    )
    await pool.run_assignment(admin, first)
    mine = {a_["title"]: a_["id"] for a_ in await pool.my_assignments(expert_a)}
    assert sorted(mine) == (["项目HC", "项目V1", "项目V2"] if hidden else ["项目V1", "项目V2"])
    for title in ("项目V1", "项目V2"):
        await pool.respond(expert_a, mine[title], "accept")
    await pool.save_review(expert_a, mine["项目V1"], ReviewIn(scores={"overall": 60}, comment="草稿"))
    await pool.save_review(
        expert_a,
        mine["项目V2"],
        ReviewIn(scores={"overall": 80}, recommendation="recommend", comment="好", submit=True),
    )
    items_1 = {i["title"]: i["id"] for i in await pool.batch_items(admin, first)}
    meeting = await pool.create_panel(admin, first, PanelIn(name="会评一", expert_ids=[a, b]))
    await pool.set_roll(admin, meeting, [a, b])
    await pool.cast_ballot(expert_a, meeting, items_1["项目V1"], "yes")
    await pool.send_reminder(admin, first, a, "请按时完成")
    world = {"admin": admin, "a": a, "b": b, "first": first, "meeting": meeting, "items": items_1, "mine": mine}
    if not hidden:
        return world
    # A works on HC, then an administrator pins a conflict: the item and A's draft vanish for A
    await pool.respond(expert_a, mine["项目HC"], "accept")
    await pool.save_review(expert_a, mine["项目HC"], ReviewIn(scores={"overall": 99}, comment="HC草稿"))
    await pool.pin_conflict(admin, items_1["项目HC"], a, "管理员查明的合作关系")
    second = await pool.create_batch(admin, batch([item("HO", discipline="210.10")], name="网评二", required=1))
    await pool.run_assignment(admin, second)
    theirs = {x["title"]: x["id"] for x in await pool.my_assignments(expert_b)}
    assert sorted(theirs) == ["项目HO", "项目HP", "项目HR"]
    for title in ("项目HO", "项目HP"):
        await pool.respond(expert_b, theirs[title], "accept")
        await pool.save_review(
            expert_b, theirs[title], ReviewIn(scores={"overall": 70}, recommendation="neutral", submit=True)
        )
    await pool.cast_ballot(expert_b, meeting, items_1["项目HP"], "no")
    await pool.send_reminder(admin, second, b, "乙专家请尽快评审")
    blocked = {(c["item_title"], c["expert_name"]) for c in await pool.list_conflicts(admin, "")}
    assert {("项目HC", "专家甲"), ("项目HP", "专家甲"), ("项目HR", "专家甲")} <= blocked
    return {**world, "second": second, "theirs": theirs}


def xlsx_cells(content: bytes) -> list[list[Any]]:
    """Every cell of every sheet, sheet by sheet and row by row (a workbook's zip carries dates)."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = [[sheet.title] + [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    book.close()
    return cells


def _normalise(response: Any) -> tuple[int, str, str]:
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False, sort_keys=True)
    elif kind.startswith(XLSX_MEDIA_TYPE):
        text = json.dumps(xlsx_cells(response.content), ensure_ascii=False, default=str)
    else:
        text = response.text
    text = HEX.sub("HEX", TIMESTAMP.sub("TIME", text))
    return response.status_code, kind, text + response.headers.get("content-disposition", "")


def _urls(path: str) -> list[str]:
    names = re.findall(r"\{(\w+):(\w+)\}", path)
    urls = [path]
    for name, kind in names:
        values = SCOPED_IDS if name in EXPERT_PARAMS else ([1, MISSING] if kind == "int" else ["x"])
        urls = [u.replace(f"{{{name}:{kind}}}", str(v), 1) for u in urls for v in values]
    if not names:
        urls = [path + q for q in QUERIES]
    return urls


async def _crawl(client: AsyncTestClient[Any]) -> dict[str, tuple[int, str, str]]:
    """Every GET route the expert passes the guards of, then every expert-portal link on the pages."""
    todo = [u for (method, path), roles in POLICY.items() if method == "GET" and EXPERT in roles for u in _urls(path)]
    seen: dict[str, tuple[int, str, str]] = {}
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        response = await client.get(url, follow_redirects=False)
        seen[url] = _normalise(response)
        for link in HREF.findall(response.text):
            if urlsplit(link).path.startswith(("/expert/", "/api/expert/")) and link not in seen:
                todo.append(link.replace("&amp;", "&"))
    return seen


async def _capture(app: Any, hidden: bool) -> tuple[dict[str, Any], dict[str, tuple[int, str, str]]]:
    from tests.conftest import reset_database

    reset_database()
    world = await _world(hidden)
    async with AsyncTestClient(app=app) as client:
        await login(client, "e-a")
        return world, await _crawl(client)


async def test_every_expert_output_is_the_same_with_and_without_the_objects_hidden_from_them(app) -> None:
    plain, without = await _capture(app, hidden=False)
    world, with_hidden = await _capture(app, hidden=True)
    # the visible objects kept their ids, so any difference is the hidden objects showing through
    assert (world["mine"]["项目V1"], world["mine"]["项目V2"], world["meeting"]) == (
        plain["mine"]["项目V1"],
        plain["mine"]["项目V2"],
        plain["meeting"],
    )
    differing = sorted(u for u in without.keys() | with_hidden.keys() if without.get(u) != with_hidden.get(u))
    assert [(u, without.get(u), with_hidden.get(u)) for u in differing] == []
    # and the crawl saw what it should: A's own work, never a hidden title
    pages = "".join(text for _, _, text in with_hidden.values())
    assert [t for t in ("项目V1", "项目V2", "会评一", "请按时完成", "草稿") if t not in pages] == []
    assert [t for t in (*HIDDEN, "HC草稿", "网评二", "乙专家请尽快评审", "专家乙") if t in pages] == []
    hidden_detail = f"/expert/assignments/{world['mine']['项目HC']}"
    assert with_hidden[hidden_detail][0] == 404


async def test_writes_to_hidden_objects_answer_like_missing_ones_and_change_nothing(app) -> None:
    from tests.conftest import reset_database

    reset_database()
    world = await _world(hidden=True)
    async with AsyncTestClient(app=app) as client:
        await login(client, "e-a")
        token = await csrf(client, "/expert/assignments")
        targets = [world["mine"]["项目HC"], *world["theirs"].values()]
        failures = []
        for method, path, body in (
            ("POST", "/expert/assignments/{}/respond", {"data": {"action": "accept"}}),
            ("POST", "/expert/assignments/{}/review", {"data": {"score_overall": "1", "action": "submit"}}),
            ("POST", "/api/expert/assignments/{}/respond", {"json": {"action": "decline", "reason": "x"}}),
            ("PUT", "/api/expert/assignments/{}/review", {"json": {"scores": {"overall": 1}}}),
        ):
            for target in targets:
                before = await AuditEntry.count()
                data = {**body.get("data", {}), "_csrf_token": token} if "data" in body else None
                hit = await client.request(
                    method,
                    path.format(target),
                    data=data,
                    json=body.get("json"),
                    headers={"x-csrf-token": token},
                    follow_redirects=False,
                )
                miss = await client.request(
                    method,
                    path.format(MISSING),
                    data=data,
                    json=body.get("json"),
                    headers={"x-csrf-token": token},
                    follow_redirects=False,
                )
                same = hit.text.replace(path.format(target), "P") == miss.text.replace(path.format(MISSING), "P")
                if (hit.status_code, same, await AuditEntry.count() - before) != (404, True, 0):
                    failures.append((method, path, target, hit.status_code))
        # a ballot on a conflicted item of A's own panel answers like an item that is not there
        for title in ("项目HC", "项目HP", "项目HR"):
            hit = await post_form(
                client,
                f"/expert/panels/{world['meeting']}/ballots",
                {"item_id": world["items"][title], "vote": "yes"},
                "/expert/panels",
            )
            miss = await post_form(
                client,
                f"/expert/panels/{world['meeting']}/ballots",
                {"item_id": MISSING, "vote": "yes"},
                "/expert/panels",
            )
            if (hit.status_code, _normalise(hit)) != (404, _normalise(miss)):
                failures.append(("ballot", title, hit.status_code))
        assert failures == []


async def test_a_new_conflict_cuts_access_on_the_very_next_request(app, client, other_client) -> None:
    """Pinned by an administrator through the page, or declared by the expert as a relation: the
    next request for the item answers 404 like a missing id, on every expert route at once."""
    from tests.conftest import reset_database

    reset_database()
    admin = await make_user("root", "admin")
    a = await make_expert(admin, 1, name="专家甲", username="e-a")
    first = await pool.create_batch(
        admin,
        batch([item("V1"), item("V2", people=[{"name": "韩梅梅"}])], name="网评一", required=1, max_load=2),
    )
    await pool.run_assignment(admin, first)
    items = {i["title"]: i["id"] for i in await pool.batch_items(admin, first)}
    meeting = await pool.create_panel(admin, first, PanelIn(name="会评一", expert_ids=[a]))
    await pool.set_roll(admin, meeting, [a])
    await login(client, "e-a")
    mine = {x["title"]: x["id"] for x in (await client.get("/api/expert/assignments")).json()}
    await login(other_client, "root")

    async def views(title: str) -> list[Any]:
        detail = await client.get(f"/expert/assignments/{mine[title]}")
        listed = [x["title"] for x in (await client.get("/api/expert/assignments")).json()]
        page = (await client.get("/expert/assignments")).text
        panel = (await client.get("/expert/panels")).text
        return [
            detail.status_code,
            detail.headers.get("cache-control"),
            title in listed,
            title in page,
            title in panel,
        ]

    assert await views("项目V1") == [200, "no-store", True, True, True]
    pinned = await post_form(
        other_client,
        "/admin/conflicts",
        {"item_id": items["项目V1"], "expert_id": a, "evidence": "同一课题组"},
        "/admin/conflicts",
    )
    assert pinned.status_code == 303
    assert await views("项目V1") == [404, "no-store", False, False, False]
    gone = await client.get(f"/expert/assignments/{mine['项目V1']}")
    missing = await client.get(f"/expert/assignments/{MISSING}")
    assert gone.text.replace(f"/expert/assignments/{mine['项目V1']}", "P") == missing.text.replace(
        f"/expert/assignments/{MISSING}", "P"
    )

    assert await views("项目V2") == [200, "no-store", True, True, True]
    declared = await api(client, "POST", "/api/expert/relations", {"relation": "student", "person_name": "韩梅梅"})
    assert declared.status_code == 201
    assert await views("项目V2") == [404, "no-store", False, False, False]
    ballot = await post_form(
        client, f"/expert/panels/{meeting}/ballots", {"item_id": items["项目V2"], "vote": "yes"}, "/expert/panels"
    )
    assert ballot.status_code == 404

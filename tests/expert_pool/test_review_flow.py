"""Review batches end to end on a real database: conflicts, assignment, the expert portal,
replacement, reviews, reminders, results, and what each role can see."""

import json
import math

import pytest

from accounts.rules import Actor
from expert_pool import services
from expert_pool.schemas import ReviewIn
from expert_pool.tables import ConflictRecord, ReviewAssignment, ReviewBatch
from tests.expert_pool.support import batch, id_number, item, make_expert
from tests.support import api, login, make_society, make_user, post_form
from xuehui.errors import Conflict


async def _pairs(batch_id: int, statuses: tuple[str, ...] = ("assigned", "accepted")) -> list[tuple[str, str]]:
    rows = await ReviewAssignment.select(ReviewAssignment.item.external_id, ReviewAssignment.expert.name).where(
        (ReviewAssignment.item.batch == batch_id) & ReviewAssignment.status.is_in(list(statuses))
    )
    return sorted((r["item.external_id"], r["expert.name"]) for r in rows)


async def _pool(admin: Actor, n: int = 4) -> list[int]:
    return [await make_expert(admin, i, name=f"专家{i}", username=f"e{i}") for i in range(1, n + 1)]


async def test_conflicts_are_detected_queued_and_decided_in_bulk_and_never_assigned(client) -> None:
    admin = await make_user("root", "admin")
    society = await make_society()
    await _pool(admin, 5)
    await make_expert(admin, 6, name="同名者", discipline="110")
    batch_id = await services.create_batch(
        admin,
        batch(
            [
                item(
                    "A",
                    people=[{"name": "专家1", "id_number": id_number(1)}],
                    units=["单位2有限公司"],
                    society_id=society,
                    society_leaders=["专家3"],  # the nominating society's secretary-general
                ),
                item("B", people=[{"name": "同名者"}], excluded_expert_ids=[5]),
            ],
            required=1,
        ),
    )
    queue = await services.list_conflicts(admin, "potential")
    assert sorted((c["item_title"], c["expert_name"], c["type"]) for c in queue) == [
        ("项目A", "专家1", "self"),
        ("项目A", "专家2", "same_unit"),
        ("项目A", "专家3", "nominator_leader"),
        ("项目B", "同名者", "same_name_unverified"),
    ]
    confirmed = await services.list_conflicts(admin, "confirmed")
    assert [(c["item_title"], c["expert_name"], c["source"]) for c in confirmed] == [("项目B", "专家5", "nominee")]
    await login(client, "root")
    by_type = {c["type"]: c["id"] for c in queue}
    decided = await api(
        client,
        "POST",
        "/api/conflicts/decisions",
        {"ids": [by_type["self"], by_type["same_unit"]], "decision": "confirm"},
    )
    assert decided.json() == {"decided": 2}
    page = await post_form(
        client,
        "/admin/conflicts/decide",
        {"ids": [by_type["nominator_leader"]], "decision": "dismiss"},
        "/admin/conflicts",
    )
    assert page.headers["location"] == "/admin/conflicts?done=decided-1"
    assert sorted(r["status"] for r in await ConflictRecord.select(ConflictRecord.status)) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "dismissed",
        "potential",
    ]
    result = await services.run_assignment(admin, batch_id)
    assert result.pairs == 2
    pairs = await _pairs(batch_id)
    assert ("A", "专家1") not in pairs and ("A", "专家2") not in pairs and ("B", "专家5") not in pairs
    assert len({p[0] for p in pairs}) == 2


async def test_an_unstaffable_batch_names_every_reason_and_saves_nothing(client) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 3)
    batch_id = await services.create_batch(
        admin, batch([item("A"), item("B", discipline="210")], required=3, max_load=1)
    )
    await login(client, "root")
    check = await client.get(f"/api/review-batches/{batch_id}/check")
    codes = [(r["code"], r.get("field")) for r in check.json()]
    assert (
        codes == [("item_short_of_experts", "2"), ("total_capacity_short", None)]
        or codes[0][0] == "item_short_of_experts"
    )
    refused = await api(client, "POST", f"/api/review-batches/{batch_id}/run", {})
    assert refused.status_code == 409
    assert [e["code"] for e in refused.json()["errors"]] == [r["code"] for r in check.json()]
    assert "学科不符或无匹配度 3 名" in refused.json()["errors"][0]["zh"]
    assert (await ReviewAssignment.count(), (await ReviewBatch.select(ReviewBatch.status).first())["status"]) == (
        0,
        "draft",
    )
    location = f"/admin/review-batches/{batch_id}"
    page = await post_form(client, f"{location}/run", {"mode": "optimal", "confirmed": "1"}, location)
    assert page.status_code == 409
    assert "还需 3 名专家，但只有 0 名可用" in page.text


async def test_a_random_draw_records_its_seed_and_replays(client) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 6)
    first = await services.create_batch(admin, batch([item("A"), item("B")], mode="random"))
    second = await services.create_batch(admin, batch([item("A"), item("B")], mode="random"))
    run = await services.run_assignment(admin, first)
    assert run.seed is not None
    replay = await services.run_assignment(admin, second, seed=run.seed)
    assert (replay.seed, await _pairs(second)) == (run.seed, await _pairs(first))
    stored = await ReviewBatch.select(ReviewBatch.seed).where(ReviewBatch.id == first).first()
    assert stored == {"seed": run.seed}


async def _actor(username: str) -> Actor:
    from accounts.tables import User

    row = await User.select(User.id).where(User.username == username).first()
    return Actor(user_id=row["id"], username=username, display_name="", role="expert")


async def test_experts_review_decline_is_replaced_and_results_are_normalised(client, other_client) -> None:
    admin = await make_user("root", "admin")
    for n in (1, 2):  # keyword matches make experts 1 and 2 the best fit for both items
        await make_expert(admin, n, name=f"专家{n}", username=f"e{n}", keywords=("机器学习",))
    await make_expert(admin, 3, name="专家3", username="e3")
    await make_expert(admin, 9, name="外学科", discipline="210")
    batch_id = await services.create_batch(admin, batch([item("A"), item("B")], required=2, max_load=2))
    await services.run_assignment(admin, batch_id)
    assert await _pairs(batch_id) == [("A", "专家1"), ("A", "专家2"), ("B", "专家1"), ("B", "专家2")]

    await login(client, "e3")
    assert (await client.get("/api/expert/assignments")).json() == []
    await login(other_client, "e2")
    own = (await other_client.get("/api/expert/assignments")).json()
    assert sorted((a["title"], a["status"], a["batch_name"]) for a in own) == [
        ("项目A", "assigned", "测试批次"),
        ("项目B", "assigned", "测试批次"),
    ]
    target = next(a for a in own if a["title"] == "项目A")
    response = await api(
        other_client, "POST", f"/api/expert/assignments/{target['id']}/respond", {"action": "decline", "reason": ""}
    )
    assert (response.status_code, response.json()["errors"][0]["code"]) == (422, "assignment.reason")
    response = await api(
        other_client, "POST", f"/api/expert/assignments/{target['id']}/respond", {"action": "decline", "reason": "出差"}
    )
    assert response.json() == {"replacement_problems": []}
    assert await _pairs(batch_id) == [("A", "专家1"), ("A", "专家3"), ("B", "专家1"), ("B", "专家2")]
    assert await _pairs(batch_id, ("declined",)) == [("A", "专家2")]
    assert (await other_client.get(f"/expert/assignments/{target['id']}")).status_code == 404
    assert [a["title"] for a in (await client.get("/api/expert/assignments")).json()] == ["项目A"]

    given = {("e1", "A"): 80.0, ("e1", "B"): 60.0, ("e2", "B"): 70.0, ("e3", "A"): 95.0}
    for username in ("e1", "e2", "e3"):
        actor = await _actor(username)
        for a in await services.my_assignments(actor):
            total = given[(username, a["title"][-1])]
            with pytest.raises(Conflict) as refused:
                await services.save_review(actor, a["id"], ReviewIn(scores={"overall": total}))
            assert [r.code for r in refused.value.reasons] == ["review.not_accepted"]
            await services.respond(actor, a["id"], "accept")
            draft = ReviewIn(scores={"overall": total}, comment="好")
            assert await services.save_review(actor, a["id"], draft) == "draft"
            final = ReviewIn(scores={"overall": total}, recommendation="recommend", comment="好", submit=True)
            assert await services.save_review(actor, a["id"], final) == "submitted"
    pooled_mean = (80 + 60 + 70 + 95) / 4
    pooled_sd = math.sqrt(sum((v - pooled_mean) ** 2 for v in (80, 60, 70, 95)) / 4)
    z_a = (1 + (95 - pooled_mean) / pooled_sd) / 2  # expert 1: own scale (mean 70, sd 10); expert 3: pooled
    z_b = (-1 + (70 - pooled_mean) / pooled_sd) / 2
    results = {r.external_id: r for r in await services.batch_results(admin, batch_id)}
    assert (results["A"].raw_mean, results["B"].raw_mean, results["A"].rank, results["B"].rank) == (87.5, 65.0, 1, 2)
    assert (results["A"].normalised_mean, results["B"].normalised_mean) == (pytest.approx(z_a), pytest.approx(z_b))
    assert results["A"].normalised_on_raw_scale == pytest.approx(pooled_mean + pooled_sd * z_a)
    outcomes = await services.item_outcomes(admin, "test_item", ["A", "B", "Z"])
    assert sorted(outcomes) == ["A", "B"] and outcomes["A"] == results["A"]
    assert await services.item_outcomes(None, "test_item", ["A"]) == {"A": results["A"]}
    dumped = json.dumps([o.model_dump() for o in outcomes.values()], ensure_ascii=False)
    assert all(name not in dumped for name in ("专家1", "专家2", "专家3"))

    await login(client, "e1")
    first = (await client.get("/api/expert/assignments")).json()[0]
    locked = await api(
        client, "PUT", f"/api/expert/assignments/{first['id']}/review", {"scores": {"overall": 1}, "submit": True}
    )
    assert (locked.status_code, locked.json()["errors"][0]["code"]) == (409, "review.locked")
    page = await client.get(f"/expert/assignments/{first['id']}")
    assert "评审意见已锁定" in page.text


async def test_an_expert_sees_only_their_own_assignments_and_a_new_conflict_hides_an_item_at_once(
    client, other_client
) -> None:
    admin = await make_user("root", "admin")
    await make_expert(admin, 1, name="专家1", username="e1", keywords=("机器学习",))
    await make_expert(admin, 2, name="专家2", username="e2")
    batch_id = await services.create_batch(
        admin, batch([item("A", people=[{"name": "张三"}]), item("B")], required=1, max_load=2)
    )
    await services.run_assignment(admin, batch_id)
    assert await _pairs(batch_id) == [("A", "专家1"), ("B", "专家1")]
    await login(client, "e1")
    before = (await client.get("/api/expert/assignments")).json()
    page_before = (await client.get("/expert/assignments")).text
    target = next(a for a in before if a["title"] == "项目A")
    detail = await client.get(f"/expert/assignments/{target['id']}")
    assert (detail.status_code, "项目A的材料" in detail.text) == (200, True)

    # the other expert: an empty list, and 404 for e1's assignment exactly as for a missing id
    await login(other_client, "e2")
    assert (await other_client.get("/api/expert/assignments")).json() == []
    foreign = await other_client.get(f"/expert/assignments/{target['id']}")
    missing = await other_client.get("/expert/assignments/999999")
    assert (foreign.status_code, missing.status_code) == (404, 404)
    path = f"/expert/assignments/{target['id']}"
    assert foreign.text.replace(path, "PATH") == missing.text.replace("/expert/assignments/999999", "PATH")
    accept = await api(other_client, "POST", f"/api/expert/assignments/{target['id']}/respond", {"action": "accept"})
    absent = await api(other_client, "POST", "/api/expert/assignments/999999/respond", {"action": "accept"})
    assert (accept.status_code, accept.json()) == (404, absent.json())

    # declaring a relation to 张三 creates a potential conflict that hides the item immediately
    declared = await api(client, "POST", "/api/expert/relations", {"relation": "relative", "person_name": "张三"})
    assert declared.status_code == 201
    after = (await client.get("/api/expert/assignments")).json()
    assert after == [a for a in before if a["title"] != "项目A"]
    page_after = (await client.get("/expert/assignments")).text
    assert "项目A" in page_before and "项目A" not in page_after and "项目B" in page_after
    assert (await client.get(f"/expert/assignments/{target['id']}")).status_code == 404
    blocked = await api(client, "POST", f"/api/expert/assignments/{target['id']}/respond", {"action": "accept"})
    assert blocked.status_code == 404
    queue = await services.list_conflicts(admin, "potential")
    assert [(c["item_title"], c["expert_name"], c["type"]) for c in queue] == [("项目A", "专家1", "declared")]
    await services.decide_conflicts(admin, [queue[0]["id"]], "confirm")
    assert await _pairs(batch_id) == [("A", "专家2"), ("B", "专家1")]
    assert [a["title"] for a in (await other_client.get("/api/expert/assignments")).json()] == ["项目A"]


async def test_declaring_a_conflict_replaces_the_expert_and_admins_follow_progress_and_remind(
    client, other_client
) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 3)
    batch_id = await services.create_batch(admin, batch([item("A")], required=2, max_load=1))
    await services.run_assignment(admin, batch_id)
    holders = [name for _, name in await _pairs(batch_id)]
    spare = ({"专家1", "专家2", "专家3"} - set(holders)).pop()
    username = f"e{holders[0].removeprefix('专家')}"
    await login(client, username)
    mine = (await client.get("/api/expert/assignments")).json()
    page = await post_form(
        client,
        f"/expert/assignments/{mine[0]['id']}/respond",
        {"action": "conflict", "reason": "第一完成人是我的学生"},
        f"/expert/assignments/{mine[0]['id']}",
    )
    assert page.headers["location"] == "/expert/assignments?done=conflict"
    assert sorted(name for _, name in await _pairs(batch_id)) == sorted([holders[1], spare])
    conflict = await ConflictRecord.select(ConflictRecord.type, ConflictRecord.source, ConflictRecord.status).first()
    assert conflict == {"type": "expert_declared", "source": "expert", "status": "confirmed"}

    await login(other_client, "root")
    spare_id = (await services.list_experts(admin, q=spare))[0]["id"]
    sent = await post_form(
        other_client,
        f"/admin/review-batches/{batch_id}/reminders",
        {"expert_id": spare_id, "message": "请于周五前完成"},
        f"/admin/review-batches/{batch_id}",
    )
    assert sent.status_code == 303
    progress = await other_client.get(f"/admin/review-batches/{batch_id}")
    assert "已回避" in progress.text and "第一完成人是我的学生" in progress.text
    await login(client, f"e{spare.removeprefix('专家')}")
    assert "请于周五前完成" in (await client.get("/expert/assignments")).text


async def test_society_users_reach_no_expert_pool_page(client) -> None:
    society = await make_society()
    await make_user("nominator", "society", society)
    await login(client, "nominator")
    for path in ("/admin/experts", "/api/review-batches", "/expert/assignments", "/api/conflicts"):
        response = await client.get(path)
        assert (path, response.status_code) == (path, 403)


async def test_the_batch_pages_create_add_items_run_and_show_results(client) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 2)
    await login(client, "root")
    bad = await post_form(
        client, "/admin/review-batches", {"name": "", "required": "x", "criteria": "a|b"}, "/admin/review-batches"
    )
    assert bad.status_code == 422
    assert "请填写批次名称" in bad.text and "“x”应为正整数" in bad.text and "第1行评分指标格式" in bad.text
    created = await post_form(
        client,
        "/admin/review-batches",
        {
            "name": "2026年度网评",
            "required": "1",
            "max_load": "2",
            "min_outside_share": "0",
            "cap": "1/2",
            "mode": "optimal",
            "criteria": "q|质量|Quality|1|0|10",
        },
        "/admin/review-batches",
    )
    location = created.headers["location"].split("?")[0]
    batch_id = int(location.rsplit("/", 1)[1])
    added = await post_form(
        client,
        f"{location}/items",
        {
            "kind": "item",
            "external_id": "X1",
            "title": "项目X1",
            "disciplines": "520.20",
            "people": f"李四 {id_number(40)}",
            "units": "某大学",
        },
        location,
    )
    assert added.status_code == 303
    run = await post_form(client, f"{location}/run", {"mode": "optimal", "confirmed": "1"}, location)
    assert run.headers["location"] == f"{location}?done=run"
    page = await client.get(location)
    assert "已分配" in page.text and "项目X1" in page.text
    results = await client.get(f"{location}/results")
    assert "评审结果与排名" in results.text and "项目X1" in results.text
    export = await client.get(f"{location}/results.xlsx")
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert (await services.get_batch(admin, batch_id))["status"] == "assigned"


async def test_a_long_run_is_a_job_whose_result_is_committed_with_it_or_fails_with_every_reason(client) -> None:
    from xuehui import jobs

    admin = await make_user("root", "admin")
    await _pool(admin, 4)
    good = await services.create_batch(admin, batch([item("A"), item("B")]))
    bad = await services.create_batch(admin, batch([item("C", discipline="210")]))
    job_id = await services.start_assignment_job(admin, good)
    finished = await jobs.wait_for_job(job_id, timeout=120)
    assert (finished["state"], finished["result"]["pairs"]) == ("succeeded", 4)
    assert len(await _pairs(good)) == 4
    failed = await jobs.wait_for_job(await services.start_assignment_job(admin, bad), timeout=120)
    assert (failed["state"], [e["code"] for e in failed["errors"]]) == ("failed", ["item_short_of_experts"])
    assert (await services.get_batch(admin, bad))["status"] == "draft"
    await login(client, "root")
    page = await client.get(f"/admin/review-batches/{bad}")
    assert f'id="job-{failed["id"]}"' in page.text and "还需 2 名专家" in page.text

"""The nominee's exclusions (回避专家): at most three experts, each with name, unit and reason,
entered with the nomination, kept in its snapshot, and avoided by the expert assignment."""

from __future__ import annotations

import pytest

from accounts.rules import Actor
from accounts.tables import User
from expert_pool import services as pool
from expert_pool.rules.result import AssignmentInfeasible
from nominations import services
from nominations.schemas import ExclusionIn, NominationIn
from nominations.tables import Nomination
from tests.expert_pool.support import make_expert
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import api, login, post_form
from xuehui.errors import InvalidInput

EXCLUDED = [
    ExclusionIn(name="赵回避", unit="浙江大学", reason="曾与第一完成人有学术争议"),
    ExclusionIn(name="钱回避", unit="清华大学", reason="同一课题组"),
    ExclusionIn(name="孙回避", unit="复旦大学", reason="竞争项目负责人"),
]


def with_exclusions(data: NominationIn, exclusions: list[ExclusionIn]) -> NominationIn:
    return data.model_copy(update={"body": data.body.model_copy(update={"exclusions": exclusions})})


async def test_three_exclusions_are_kept_and_a_fourth_is_refused() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    four = with_exclusions(demo_nomination("精密机床", 3), [*EXCLUDED, ExclusionIn(name="李多余", reason="其他")])
    with pytest.raises(InvalidInput) as refused:
        await services.create_nomination(nominator, cycle_id, four)
    assert [(r.code, r.field, r.zh) for r in refused.value.reasons] == [
        ("eligibility.too_many_exclusions", "exclusions", "申请回避的专家不得超过3名，现有4名")
    ]
    assert await Nomination.count() == 0
    nomination_id = await services.create_nomination(
        nominator, cycle_id, with_exclusions(demo_nomination("精密机床", 3), EXCLUDED)
    )
    await services.submit(nominator, nomination_id)
    snapshot = await services.snapshot(nominator, nomination_id)
    assert [(e["name"], e["unit"], e["reason"]) for e in snapshot["body"]["exclusions"]] == [
        (e.name, e.unit, e.reason) for e in EXCLUDED
    ]


async def test_an_exclusion_without_a_reason_is_still_to_fill_in() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    data = with_exclusions(demo_nomination("精密机床", 3), [ExclusionIn(name="赵回避", unit="浙江大学")])
    check = await services.check(nominator, cycle_id, data)
    assert [(r.code, r.field) for r in check.incomplete] == [("nomination.incomplete", "exclusions[0].reason")]


async def test_the_form_refuses_a_fourth_exclusion_beside_the_field_and_keeps_the_input(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    fields = {"title": "精密机床", "category": "technological_invention", "grade": "second"}
    for i, name in enumerate(["赵回避", "钱回避", "孙回避", "李多余"]):
        fields |= {f"x_name_{i}": name, f"x_unit_{i}": "浙江大学", f"x_reason_{i}": "学术争议"}
    response = await post_form(client, "/nominations", fields, "/nominations/new")
    assert response.status_code == 422
    beside = response.text.split('id="exclusions"')[1].split("</fieldset>")[0]
    assert '<p class="error" data-field="exclusions">申请回避的专家不得超过3名，现有4名</p>' in beside
    assert 'name="x_name_3" aria-label="回避专家姓名 4" value="李多余"' in beside
    assert await Nomination.count() == 0


async def test_the_api_takes_exclusions_with_the_nomination(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    body = demo_nomination("精密机床", 3).model_dump(mode="json")
    body["body"]["exclusions"] = [e.model_dump() for e in EXCLUDED]
    created = await api(client, "POST", "/api/nominations", body)
    assert created.status_code == 201, created.text
    assert [e["name"] for e in created.json()["body"]["exclusions"]] == ["赵回避", "钱回避", "孙回避"]
    body["body"]["exclusions"].append({"name": "李多余", "unit": "", "reason": "其他"})
    refused = await api(client, "POST", "/api/nominations", body)
    assert refused.status_code == 422
    assert [(r["code"], r["field"]) for r in refused.json()["errors"]] == [
        ("eligibility.too_many_exclusions", "exclusions")
    ]


async def _expert_actor(username: str) -> Actor:
    row = await User.select().where(User.username == username).first()
    assert row is not None
    return Actor(row["id"], username, row["display_name"], "expert")


async def test_an_excluded_expert_is_never_assigned_to_the_nomination() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    data = with_exclusions(demo_nomination("精密机床", 3), EXCLUDED[:1])
    nomination_id = await services.create_nomination(nominator, cycle_id, data)
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    await make_expert(admin, 1, name="赵回避", discipline="460", unit="浙江大学", username="excluded")
    await make_expert(admin, 2, name="钱评审", discipline="460", unit="南京大学", username="reviewer")
    # two experts wanted, but the excluded one is a conflict: the solver says so
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=2, max_load=2)
    with pytest.raises(AssignmentInfeasible) as short:
        await pool.run_assignment(admin, batch_id)
    assert "1 removed by conflicts" in short.value.reasons[0].en
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审（一名）", required=1, max_load=1)
    run = await pool.run_assignment(admin, batch_id)
    assert run.pairs == 1
    assert await pool.my_assignments(await _expert_actor("excluded")) == []
    assert [a["title"] for a in await pool.my_assignments(await _expert_actor("reviewer"))] == ["精密机床"]


async def test_a_namesake_at_another_unit_is_not_excluded() -> None:
    """The pool finds an excluded expert by name and unit: a namesake at another unit is still
    assigned."""
    cycle_id, admin, nominator, _ = await nominating_society()
    named = [ExclusionIn(name="赵回避", unit="浙江大学", reason="学术争议")]
    nomination_id = await services.create_nomination(
        nominator, cycle_id, with_exclusions(demo_nomination("精密机床", 3), named)
    )
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    await make_expert(admin, 1, name="赵回避", discipline="460", unit="南京大学", username="namesake")
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=1, max_load=1)
    assert (await pool.run_assignment(admin, batch_id)).pairs == 1
    assert [a["title"] for a in await pool.my_assignments(await _expert_actor("namesake"))] == ["精密机床"]

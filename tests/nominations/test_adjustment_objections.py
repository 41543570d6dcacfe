"""A society reads its own row of the published adjustment with every reason, objects within the
window, and the association answers on the record."""

from __future__ import annotations

import datetime as dt

import pytest

from nominations import services
from nominations.tables import AdjustmentRun, Quota
from tests.nominations.support import nominating_society
from xuehui.clock import today
from xuehui.errors import Conflict, InvalidInput


async def _published() -> tuple[int, object, object, int, int]:
    cycle_id, admin, nominator, society_id = await nominating_society()
    run_id = await services.run_adjustment(admin, cycle_id)
    await services.publish_adjustment(admin, run_id)
    return cycle_id, admin, nominator, society_id, run_id


async def _invention_quota(society_id: int) -> int:
    row = (
        await Quota.select(Quota.quota)
        .where((Quota.society_id == society_id) & (Quota.category == "technological_invention"))
        .first()
    )
    return int(row["quota"])


async def test_the_society_sees_its_row_with_every_reason_and_the_window() -> None:
    _, _, nominator, society_id, _ = await _published()
    own = await services.own_adjustment(nominator, (await services.latest_cycle_id()) or 0)
    assert own is not None
    assert (own["row"]["society_id"], own["row"]["quota"]["technological_invention"]) == (society_id, 2)
    assert [r["code"] for r in own["row"]["reasons"]][:1] == ["adjustment.no_record"]
    assert (own["objections_close_on"], own["may_object"]) == (today() + dt.timedelta(days=7), True)


async def test_an_objection_is_answered_on_the_record_and_a_correction_takes_effect() -> None:
    cycle_id, admin, nominator, society_id, _ = await _published()
    with pytest.raises(InvalidInput):
        await services.lodge_adjustment_objection(nominator, cycle_id, "  ")
    objection_id = await services.lodge_adjustment_objection(nominator, cycle_id, "上一年度获奖数统计有误")
    with pytest.raises(Conflict):
        await services.lodge_adjustment_objection(nominator, cycle_id, "再次提出")
    with pytest.raises(InvalidInput):
        await services.answer_adjustment_objection(admin, objection_id, "corrected", "核实属实", {})
    await services.answer_adjustment_objection(
        admin, objection_id, "corrected", "经核实获奖数有误，名额更正为3", {"technological_invention": 3}
    )
    assert await _invention_quota(society_id) == 3
    own = await services.own_adjustment(nominator, cycle_id)
    assert own is not None
    assert [(o["state"], o["answer"]) for o in own["objections"]] == [("corrected", "经核实获奖数有误，名额更正为3")]
    assert own["row"]["quota"]["technological_invention"] == 3
    public = await services.published_adjustment(cycle_id)
    assert public is not None
    assert (
        next(r for r in public["rows"] if r["society_id"] == society_id)["override"] == "经核实获奖数有误，名额更正为3"
    )
    with pytest.raises(Conflict):
        await services.answer_adjustment_objection(admin, objection_id, "maintained", "维持", None)


async def test_after_the_window_no_objection_is_taken() -> None:
    cycle_id, _, nominator, _, run_id = await _published()
    await AdjustmentRun.update({AdjustmentRun.objections_close_on: today() - dt.timedelta(days=1)}).where(
        AdjustmentRun.id == run_id
    )
    own = await services.own_adjustment(nominator, cycle_id)
    assert own is not None and own["may_object"] is False
    with pytest.raises(Conflict) as refused:
        await services.lodge_adjustment_objection(nominator, cycle_id, "晚了")
    assert [r.code for r in refused.value.reasons] == ["adjustment_objection.closed"]


async def test_grounds_with_a_hidden_direction_control_are_refused() -> None:
    cycle_id, _, nominator, _, _ = await _published()
    with pytest.raises(InvalidInput) as refused:
        await services.lodge_adjustment_objection(nominator, cycle_id, "获奖数\u202e有误")
    assert [(r.code, r.field) for r in refused.value.reasons] == [("text.bidi_control", "grounds")]
    own = await services.own_adjustment(nominator, cycle_id)
    assert own is not None and own["objections"] == []

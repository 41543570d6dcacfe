"""The dynamic adjustment fed as users enter its data: sanctions apart from integrity violations,
and only the societies that may nominate at all proposed and shown publicly."""

from __future__ import annotations

import datetime as dt

from accounts.rules import Actor
from nominations import services
from societies import services as societies
from tests.nominations.support import nominating_society
from tests.support import make_society
from xuehui.clock import today


def _row(table: dict, society_id: int) -> dict:
    return next(r for r in table["rows"] if r["society_id"] == society_id)


def _codes(row: dict) -> list[str]:
    return [r["code"] for r in row["reasons"]]


async def _run(admin: Actor, cycle_id: int) -> dict:
    return await services.adjustment_table(await services.run_adjustment(admin, cycle_id))


async def test_a_sanction_that_ended_costs_one_place_and_does_not_bar_for_five_years() -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    starts = today() - dt.timedelta(days=400)
    await societies.record_sanction(admin, society_id, "lobbying", "请托", starts, today() - dt.timedelta(days=35))
    row = _row(await _run(admin, cycle_id), society_id)
    assert (row["may_nominate"], row["quota"]["technological_invention"]) == (True, 1)
    assert [c for c in _codes(row) if c.startswith("adjustment.") and c != "adjustment.base_quota"] == [
        "adjustment.no_record",
        "adjustment.recent_sanction",
    ]


async def test_a_sanction_in_force_bars_for_its_period_only() -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    await societies.record_sanction(
        admin, society_id, "false_material", "材料不实", today(), today() + dt.timedelta(30)
    )
    row = _row(await _run(admin, cycle_id), society_id)
    assert (row["may_nominate"], _codes(row)) == (False, ["adjustment.sanction_active"])


async def test_an_integrity_violation_bars_within_five_years_of_its_finding() -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    found = today() - dt.timedelta(days=2 * 365)
    await societies.record_integrity_violation(admin, society_id, "false_material", found, "申报材料造假", "案件2024-3")
    row = _row(await _run(admin, cycle_id), society_id)
    assert (row["may_nominate"], _codes(row)) == (False, ["adjustment.integrity_violations"])
    assert row["quota"]["technological_invention"] == 0


async def test_an_integrity_violation_older_than_the_look_back_no_longer_counts() -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    found = today() - dt.timedelta(days=6 * 365)
    await societies.record_integrity_violation(admin, society_id, "academic_misconduct", found, "论文抄袭")
    row = _row(await _run(admin, cycle_id), society_id)
    assert (row["may_nominate"], row["quota"]["technological_invention"]) == (True, 2)


async def test_only_active_societies_with_a_running_award_pilot_are_proposed(client) -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    suspended_id = (await nominating_society("CSAE", "nominator2"))[3]
    await societies.set_society_status(admin, suspended_id, "suspended", "停业整顿")
    without_pilot = await make_society("CCF", "计算机学会")
    await services.set_quota(admin, cycle_id, without_pilot, "technological_invention", 2)
    run_id = await services.run_adjustment(admin, cycle_id)
    table = await services.adjustment_table(run_id)
    assert [r["society_id"] for r in table["rows"]] == [society_id]
    await services.publish_adjustment(admin, run_id)
    quotas = await services.society_quotas(admin, cycle_id, without_pilot)
    assert [q["quota"] for q in quotas if q["category"] == "technological_invention"] == [0]
    page = (await client.get(f"/public/quotas?year={today().year}")).text
    assert ("CMES学会" in page, "CSAE学会" in page, "计算机学会" in page) == (True, False, False)

"""Project nominations and talent recommendations go through one submission workflow: where the
two copies had drifted apart, both now behave as the correct one did (each test here failed on
one side before)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.rules import Actor
from accounts.tables import AuditEntry
from nominations import services
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.services.sanctions import add_years_months
from tests.nominations.support import complete, demo_nomination, demo_person, nominating_society, recommending_society
from xuehui.clock import today
from xuehui.errors import Conflict, InvalidInput
from xuehui.idcard import make
from xuehui.vocabulary import action_label

YEAR = today().year


def _weekdays_after(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


async def _with_holidays(admin: Actor, holidays: list[dt.date]) -> int:
    cycle_id = await services.find_cycle(YEAR)
    config = (await services.cycle_config(cycle_id)).to_dict()
    config["calendar"] = {"holidays": [d.isoformat() for d in holidays], "adjusted_working_days": []}
    await services.save_cycle(admin, cycle_id, config, None, "国庆假期")
    return cycle_id


async def _submitted_person(nominator: Actor, programme_id: int, name: str, sequence: int) -> int:
    person = demo_person(name, dt.date(YEAR - 30, 3, 1), sequence)
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    await complete(nominator, programme_id, recommendation_id)
    assert await services.submit_recommendation(nominator, recommendation_id) == "submitted"
    return recommendation_id


async def test_a_returned_recommendation_gets_its_deadline_on_the_cycles_holiday_calendar() -> None:
    programme_id, admin, nominator, _ = await recommending_society()
    holidays = _weekdays_after(today(), 3)
    await _with_holidays(admin, holidays)
    recommendation_id = await _submitted_person(nominator, programme_id, "张青", 1)
    await services.review_recommendation(admin, recommendation_id, "return", "缺少盖章页")
    expected = add_working_days(WorkingCalendar(frozenset(holidays)), today(), 5)
    assert expected != add_working_days(WorkingCalendar(), today(), 5)
    assert (await services.get_recommendation(nominator, recommendation_id))["correction_deadline"] == expected


async def test_a_nomination_returned_after_an_upheld_objection_has_it_in_its_history() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    objector = make("370102", dt.date(1980, 5, 5), 3, "male")
    objection_id = await services.file_objection(
        notice_id, nomination_id, "王五", objector, "13800138000", "某大学", "成果不实", []
    )
    await services.decide_objection(admin, objection_id, "upheld", "经核实部分成果不实", "send_back")
    steps = [(s["stage"], s["outcome"], s["note"]) for s in await services.review_steps(admin, nomination_id)]
    assert steps == [("formal_review", "passed", ""), ("objection", "returned", "经核实部分成果不实")]
    written = [row["action"] for row in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    nominations_written = written[written.index("cycle.created") :]
    assert [action_label(a) for a in nominations_written] == [
        "创建评审年度",
        "修改评审年度设置",
        "设置推荐名额",
        "创建推荐项目草稿",
        "提交推荐项目",
        "形式审查通过",
        "发布公示",
        "收到异议",
        "异议成立",
    ]


async def test_a_recommendation_disqualified_after_an_objection_has_it_in_its_history() -> None:
    from expert_pool.rules.ballots import Tally

    programme_id, admin, nominator, _ = await recommending_society()
    recommendation_id = await _submitted_person(nominator, programme_id, "乙", 2)
    await services.review_recommendation(admin, recommendation_id, "pass", "")
    await services.record_ballot(admin, programme_id, 11, 11, 1, {recommendation_id: Tally(9, 2)})
    notice_id = await services.publish_talent_notice(admin, programme_id, "拟入选人选公示", today())
    objector = make("370102", dt.date(1980, 5, 5), 3, "male")
    objection_id = await services.file_objection(
        notice_id, None, "王五", objector, "13800138000", "某大学", "署名不实", [], recommendation_id=recommendation_id
    )
    await services.decide_objection(admin, objection_id, "upheld", "经核实署名不实", "disqualify")
    steps = [(s["stage"], s["outcome"]) for s in await services.recommendation_steps(admin, recommendation_id)]
    assert steps == [("formal_review", "passed"), ("committee_vote", "proposed"), ("objection", "disqualified")]


async def test_a_notice_without_a_title_is_refused_by_the_service_for_projects_and_people() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    with pytest.raises(InvalidInput) as projects:
        await services.publish_notice(admin, cycle_id, "accepted", "  ", today())
    assert [(r.code, r.field) for r in projects.value.reasons] == [("notice.title", "title")]
    with pytest.raises(InvalidInput) as people:
        await services.publish_talent_notice(admin, -1, "", today())
    assert [(r.code, r.field) for r in people.value.reasons] == [("notice.title", "title")]


async def test_review_reasons_get_the_same_text_checks_for_people_as_for_projects() -> None:
    programme_id, admin, nominator, _ = await recommending_society()
    recommendation_id = await _submitted_person(nominator, programme_id, "丙", 3)
    with pytest.raises(InvalidInput) as refused:
        await services.review_recommendation(admin, recommendation_id, "return", "缺少\u202e盖章页")
    assert [r.field for r in refused.value.reasons] == ["reasons"]
    assert (await services.get_recommendation(admin, recommendation_id))["status"] == "submitted"


async def test_withdrawal_gives_the_quota_place_back_and_is_in_the_history() -> None:
    cycle_id, admin, nominator, _ = await nominating_society(quota=1)
    config = (await services.cycle_config(cycle_id)).to_dict()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    with pytest.raises(Conflict) as not_allowed:
        await services.withdraw(nominator, nomination_id)
    assert [r.code for r in not_allowed.value.reasons] == ["nomination.no_withdrawal"]
    await services.save_cycle(admin, cycle_id, {**config, "withdrawal_allowed": True}, None, "允许撤回")
    await services.withdraw(nominator, nomination_id)
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "withdrawn"
    steps = [(s["stage"], s["outcome"]) for s in await services.review_steps(admin, nomination_id)]
    assert steps == [("withdrawal", "withdrawn")]
    second = await services.create_nomination(nominator, cycle_id, demo_nomination("数控系统", 5, start=20))
    assert await services.submit(nominator, second) == "submitted"


async def test_formal_review_moves_only_what_its_lifecycle_allows() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    with pytest.raises(Conflict) as draft:
        await services.formal_review(admin, nomination_id, "pass", "")
    assert [r.code for r in draft.value.reasons] == ["review.state"]
    await services.submit(nominator, nomination_id)
    with pytest.raises(InvalidInput) as unknown:
        await services.formal_review(admin, nomination_id, "approve", "")
    assert [r.code for r in unknown.value.reasons] == ["review.decision"]


@pytest.mark.pure
@pytest.mark.parametrize(
    ("start", "months", "ends"),
    [
        (dt.date(2026, 6, 30), 12, dt.date(2027, 6, 30)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 8, 31), 3, dt.date(2026, 11, 30)),
        (dt.date(2026, 12, 15), 24, dt.date(2028, 12, 15)),
        (dt.date(2026, 3, 29), 0, dt.date(2026, 3, 29)),
    ],
)
def test_a_sanction_ends_on_the_same_day_months_later_or_that_months_last_day(
    start: dt.date, months: int, ends: dt.date
) -> None:
    assert add_years_months(start, months) == ends

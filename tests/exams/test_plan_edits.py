"""A plan's dates are checked against each other (`plan_dates`), and a plan is edited after its
creation until something depends on a setting; a refused edit keeps the input, each message
beside its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.tables import AuditEntry
from exams import services
from exams.rules.plans import PlanDates, PlanFacts, edit_locks, locked_changes, plan_dates
from exams.schemas import RoomIn
from exams.tables import ExamPlan, Score
from tests.exams.exam_support import TODAY, exam_society, plan_in, registered, subject
from tests.support import csrf, login
from xuehui.clock import aware
from xuehui.errors import Conflict, InvalidInput

D = dt.date


def codes(dates: PlanDates) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in plan_dates(dates)]


def test_plan_dates_open_before_close_close_before_the_exam_publish_after_it() -> None:
    exam = (D(2026, 6, 1), D(2026, 6, 2))
    assert codes(PlanDates(D(2026, 3, 1), D(2026, 4, 1), D(2026, 7, 1), exam)) == []
    assert codes(PlanDates(D(2026, 3, 1), D(2026, 3, 1), D(2026, 6, 3), exam)) == []
    assert codes(PlanDates(D(2026, 4, 2), D(2026, 4, 1), D(2026, 7, 1), exam)) == [
        ("plan.window", "registration_closes")
    ]
    assert codes(PlanDates(D(2026, 3, 1), D(2026, 6, 1), D(2026, 7, 1), exam)) == [
        ("plan.closes_before_exam", "registration_closes")
    ]
    late = plan_dates(PlanDates(D(2026, 3, 1), D(2026, 4, 1), D(2026, 6, 2), exam))
    assert [(r.code, r.field, r.zh) for r in late] == [
        ("plan.publication_after_exam", "publication_date", "成绩公布日期须晚于考试结束（2026-06-02）")
    ]
    assert codes(PlanDates(D(2026, 3, 1), D(2026, 4, 1), D(2026, 4, 1))) == [
        ("plan.publication_after_registration", "publication_date")
    ]


def test_each_setting_locks_once_something_depends_on_it() -> None:
    assert sorted(edit_locks(PlanFacts())) == ["code", "exam_code", "year"]
    locks = edit_locks(PlanFacts(registrations=True))
    assert {"fee", "eligibility", "cutoff_date", "exemptions"} <= set(locks)
    assert "ticket_template" not in locks and "subjects" not in locks
    assert locks["fee"].zh == "已有考生报名，不能再修改"
    everything = edit_locks(PlanFacts(True, True, True, True, True))
    assert {"ticket_template", "subjects", "rolling", "publication_date", "certificate_valid_years"} <= set(everything)
    assert "name" not in everything and "registration_closes" not in everything
    refused = locked_changes({"fee": 100, "name": "a"}, {"fee": 120, "name": "b"}, locks)
    assert [(r.code, r.field) for r in refused] == [("plan.locked", "fee")]


async def test_a_plan_with_dates_out_of_order_is_refused_at_creation_and_a_subject_after_it() -> None:
    _a, examadmin = await exam_society()
    with pytest.raises(InvalidInput) as refused:
        await services.create_plan(examadmin, plan_in(publication_date=TODAY + dt.timedelta(days=20)))
    assert [(r.code, r.field) for r in refused.value.reasons] == [("plan.publication_after_exam", "publication_date")]
    assert await ExamPlan.count() == 0
    plan_id = await services.create_plan(examadmin, plan_in())
    too_early = subject("03").model_copy(
        update={"starts_at": dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(9), dt.UTC)}
    )
    with pytest.raises(InvalidInput) as refused:
        await services.add_subject(examadmin, plan_id, too_early)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("plan.closes_before_exam", "starts_at")]


async def test_an_edit_changes_what_nothing_depends_on_and_refuses_locked_settings() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(
        examadmin, plan_in(rooms=[RoomIn(site_code="01", site_name="一中", room_no=1, rows=2, columns=2)])
    )
    # Before anyone registered, the fee can change.
    changed = await services.update_plan(examadmin, plan_id, plan_in(fee=150, name="化工工程师考试（修订）"))
    assert changed == ["fee", "name"]
    await registered(plan_id, examadmin, 1)
    with pytest.raises(InvalidInput) as refused:
        await services.update_plan(
            examadmin, plan_id, plan_in(fee=200, registration_closes=TODAY + dt.timedelta(days=25))
        )
    assert sorted((r.code, r.field) for r in refused.value.reasons) == [
        ("plan.closes_before_exam", "registration_closes"),
        ("plan.locked", "fee"),
    ]
    plan = await services.get_plan(examadmin, plan_id)
    assert (plan["fee"], plan["registration_closes"]) == (150, TODAY + dt.timedelta(days=10))
    # The registration window and the publication date still move, the fee kept as it is.
    new_close = TODAY + dt.timedelta(days=12)
    assert await services.update_plan(
        examadmin, plan_id, plan_in(fee=150, name="化工工程师考试（修订）", registration_closes=new_close)
    ) == ["registration_closes"]
    with pytest.raises(InvalidInput) as refused:
        await services.update_plan(examadmin, plan_id, plan_in(code="HG99", fee=150, name="化工工程师考试（修订）"))
    assert [(r.code, r.field) for r in refused.value.reasons] == [("plan.locked", "code")]
    actions = [
        r["action"] for r in await AuditEntry.select(AuditEntry.action).where(AuditEntry.action == "exam.plan_updated")
    ]
    assert len(actions) == 2


async def test_subjects_change_until_scores_exist() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    first = (await services.get_plan(examadmin, plan_id))["subjects"][0]
    later = subject("01", 10).model_copy(update={"name": "专业知识", "pass_mark": Decimal(72)})
    await services.update_subject(examadmin, plan_id, first["id"], later)
    saved = (await services.get_plan(examadmin, plan_id))["subjects"][0]
    assert (saved["name"], services.plain(saved["pass_mark"]), aware(saved["starts_at"])) == (
        "专业知识",
        72,
        later.starts_at,
    )
    await Score.insert(
        Score(registration=reg_id, subject_code="01", status="present", score=80, version=1, current=True)
    )
    with pytest.raises(Conflict) as refused:
        await services.update_subject(
            examadmin, plan_id, first["id"], later.model_copy(update={"pass_mark": Decimal(60)})
        )
    assert refused.value.reasons[0].zh == "已导入成绩，科目不能再修改"


async def test_the_edit_page_greys_out_locked_settings_and_keeps_a_refused_input_beside_its_field(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    await registered(plan_id, examadmin, 1)
    await login(client, examadmin.username)
    page = await client.get(f"/exams/{plan_id}/edit")
    assert 'name="fee" type="text" value="120" required disabled>' in page.text
    assert '<small class="help">已有考生报名，不能再修改</small>' in page.text
    form = {
        "_csrf_token": await csrf(client, f"/exams/{plan_id}/edit"),
        "name": "化工工程师考试（秋季）",
        "registration_opens": (TODAY - dt.timedelta(days=1)).isoformat(),
        "registration_closes": (TODAY + dt.timedelta(days=10)).isoformat(),
        "publication_date": (TODAY + dt.timedelta(days=15)).isoformat(),
        "ticket_template": "{year}{plan}{site:02}{room:03}{seat:02}",
        "commitment_bar_years": "5",
        "certificate_valid_years": "",
        "rolling_full": "2",
        "rolling_exempt": "1",
        "separate_employers": "1",
        "one_group_per_room": "1",
    }
    refused = await client.post(f"/exams/{plan_id}/edit", data=form, follow_redirects=False)
    assert refused.status_code == 422
    day = (TODAY + dt.timedelta(days=20)).isoformat()
    assert f'<small class="error">成绩公布日期须晚于考试结束（{day}）</small>' in refused.text
    assert 'value="化工工程师考试（秋季）"' in refused.text
    form["publication_date"] = (TODAY + dt.timedelta(days=40)).isoformat()
    saved = await client.post(f"/exams/{plan_id}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/exams/{plan_id}/edit?done=saved"
    plan = await services.get_plan(examadmin, plan_id)
    assert (plan["name"], plan["publication_date"], plan["fee"], len(plan["eligibility"])) == (
        "化工工程师考试（秋季）",
        TODAY + dt.timedelta(days=40),
        120,
        3,
    )

"""The rules the reference lists as cycle data with bilingual reasons: purely administrative
staff, prior use of the innovations in an awarded project, material shares in joint projects,
the achievement-registration number, the single-channel commitment and the completers' notice
in their units (issue 14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from nominations import services
from nominations.demo import open_cycle
from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, Grade
from nominations.rules.eligibility import (
    EligibilityContext,
    MaterialFingerprint,
    NominationFacts,
    Paper,
    Patent,
    Period,
    build_context,
    check_nomination,
)
from nominations.schemas import NominationIn, PatentIn
from tests.nominations.support import demo_nomination, nominating_society
from tests.nominations.test_eligibility import people, progress
from tests.nominations.test_official_results import workbook
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput

CYCLE = default_cycle(2026)


def reasons_of(facts: NominationFacts, ctx: EligibilityContext | None = None) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in check_nomination(facts, CYCLE, ctx or EligibilityContext())]


def test_a_complete_nomination_passes_every_declaration_rule() -> None:
    assert reasons_of(progress()) == []


def test_purely_administrative_staff_need_their_technical_role() -> None:
    team = list(people(10))
    team[3] = replace(team[3], administrative=True)
    facts = replace(progress(), contributors=tuple(team))
    [reason] = check_nomination(facts, CYCLE, EligibilityContext())
    assert (reason.code, reason.field) == ("eligibility.administrative_staff", "contributors[3].technical_role")
    assert reason.zh.startswith("第4位完成人作者3为纯行政或后勤管理人员，不得作为完成人")
    assert "administrative or support staff" in reason.en
    team[3] = replace(team[3], technical_role="项目技术负责人")
    assert reasons_of(replace(facts, contributors=tuple(team))) == []
    off = CYCLE.eligibility.model_copy(update={"administrative_staff_excluded": False})
    team[3] = replace(team[3], technical_role="")
    facts = replace(facts, contributors=tuple(team))
    assert check_nomination(facts, CYCLE.model_copy(update={"eligibility": off}), EligibilityContext()) == []


def test_innovations_used_in_an_awarded_project_are_refused_by_name() -> None:
    facts = replace(progress(), patents=(Patent("ZL202010000001.X"),), papers=(Paper("电网调度算法"),))
    awarded = MaterialFingerprint("旧项目", frozenset({"patent:zl202010000001x", "paper:其他论文"}))
    ctx = build_context(awarded=[("old", 2024, "旧项目", awarded)])
    [reason] = check_nomination(facts, CYCLE, ctx)
    assert (reason.code, reason.field, reason.zh) == (
        "eligibility.innovation_used",
        "patents[0].number",
        "专利“ZL202010000001.X”已用于2024年获奖项目“旧项目”",
    )
    assert reasons_of(replace(facts, prior_use_declared=False)) == [("nomination.incomplete", "prior_use_declared")]
    # person awards declare no project material
    youth = replace(facts, category=Category.YOUTH_SCIENCE, grade=Grade.UNGRADED, prior_use_declared=False)
    assert "eligibility.innovation_used" not in [c for c, _ in reasons_of(youth, ctx)]


def test_joint_projects_need_the_first_unit_and_contributor_shares() -> None:
    joint = progress(unit_count=3)
    assert reasons_of(replace(joint, first_unit_share=39, first_contributor_share=29)) == [
        ("eligibility.joint_share", "first_unit_share"),
        ("eligibility.joint_share", "first_contributor_share"),
    ]
    assert reasons_of(replace(joint, first_unit_share=40, first_contributor_share=30)) == []
    assert reasons_of(replace(joint, first_unit_share=None)) == [("nomination.incomplete", "first_unit_share")]
    # one unit is no joint project
    single = replace(progress(unit_count=1), first_unit_share=None, first_contributor_share=None)
    assert reasons_of(single) == []
    [reason] = check_nomination(replace(joint, first_unit_share=20), CYCLE, EligibilityContext())
    assert reason.zh == "合作项目第一完成单位拥有的主要支撑材料应不少于40%，现为20%"


def test_the_registration_number_and_the_single_channel_commitment() -> None:
    assert reasons_of(replace(progress(), registration_number="")) == [("nomination.incomplete", "registration_number")]
    assert reasons_of(replace(progress(), registration_number="登记号")) == [
        ("eligibility.registration_number", "registration_number")
    ]
    assert (
        reasons_of(replace(progress(), registration_number="９３７２０２６ｙ０００１")) == []
    )  # full width, lower case
    assert reasons_of(replace(progress(), single_channel=False)) == [("nomination.incomplete", "single_channel")]


def test_the_unit_notice_lasts_five_working_days_and_is_over_before_submission() -> None:
    # Monday 2 March to Friday 6 March 2026: five working days
    five = replace(progress(), unit_notice=Period(dt.date(2026, 3, 2), dt.date(2026, 3, 6)))
    assert reasons_of(five) == []
    assert reasons_of(replace(five, unit_notice=Period(dt.date(2026, 3, 2), dt.date(2026, 3, 8)))) == []  # Mon-Sun
    short = replace(five, unit_notice=Period(dt.date(2026, 3, 3), dt.date(2026, 3, 8)))  # Tue-Sun: four
    [reason] = check_nomination(short, CYCLE, EligibilityContext())
    assert (reason.code, reason.field, reason.zh) == (
        "eligibility.notice_too_short",
        "unit_notice_ends",
        "完成人所在单位公示应不少于5个工作日，2026-03-03至2026-03-08只有4个工作日",
    )

    def on(day: dt.date) -> list[tuple[str, str | None]]:
        reasons = check_nomination(five, CYCLE, build_context(today=day))
        return [(r.code, r.field) for r in reasons if (r.field or "").startswith("unit_notice")]

    assert on(dt.date(2026, 3, 6)) == [("eligibility.notice_not_over", "unit_notice_ends")]
    assert on(dt.date(2026, 3, 7)) == []
    assert reasons_of(replace(five, unit_notice=Period())) == [
        ("nomination.incomplete", "unit_notice_starts"),
        ("nomination.incomplete", "unit_notice_ends"),
    ]


def test_every_declaration_rule_is_cycle_data() -> None:
    params = CYCLE.eligibility.model_copy(
        update={
            "registration_categories": (),
            "single_channel_required": False,
            "unit_notice_working_days": 0,
            "joint_first_unit_min_share": None,
        }
    )
    cycle = CYCLE.model_copy(update={"eligibility": params})
    bare = replace(
        progress(), registration_number="", single_channel=False, unit_notice=Period(), first_unit_share=None
    )
    assert check_nomination(bare, cycle, EligibilityContext()) == []


# --- through the services and the page --------------------------------------------------------


async def test_a_patent_of_an_awarded_project_cannot_be_nominated_again() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    patents = [PatentIn(number="ZL202010000001.X", title="一种数控机床")]

    def with_patents(data: NominationIn) -> NominationIn:
        return data.model_copy(update={"body": data.body.model_copy(update={"patents": patents})})

    winner = await services.create_nomination(nominator, cycle_id, with_patents(demo_nomination("精密机床", 3)))
    await services.submit(nominator, winner)
    await services.formal_review(admin, winner, "pass", "")
    await services.record_stage(admin, winner, "award_committee", "awarded", "second", "")
    again = await services.create_nomination(
        nominator, cycle_id, with_patents(demo_nomination("数控机床新方法", 3, start=20))
    )
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, again)
    assert [(r.code, r.field, r.zh) for r in refused.value.reasons] == [
        (
            "eligibility.innovation_used",
            "patents[0].number",
            f"专利“ZL202010000001.X”已用于{today().year}年获奖项目“精密机床”",
        )
    ]


async def test_a_unit_notice_still_running_is_refused_on_submit() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    data = demo_nomination("精密机床", 3)
    body = data.body.model_copy(
        update={"unit_notice_starts": today() - dt.timedelta(days=10), "unit_notice_ends": today()}
    )
    nomination_id = await services.create_nomination(nominator, cycle_id, data.model_copy(update={"body": body}))
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, nomination_id)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("eligibility.notice_not_over", "unit_notice_ends")]


async def test_the_form_records_the_declarations_and_shows_what_is_missing(client) -> None:
    _, _, nominator, _ = await nominating_society()
    await login(client, "nominator")
    fields = {
        "title": "精密机床",
        "category": "technological_invention",
        "grade": "second",
        "c_name_0": "张伟",
        "c_admin_0": "1",
        "u_name_0": "山东大学",
        "u_name_1": "青岛大学",
        "first_unit_share": "35",
        "registration_number": "9372026Y0001",
        "single_channel": "1",
        "unit_notice_starts": "2026-03-03",
        "unit_notice_ends": "2026-03-08",
    }
    response = await post_form(client, "/nominations", fields, "/nominations/new")
    assert response.status_code == 303
    nomination_id = int(response.headers["location"].split("/")[2].split("?")[0])
    saved = (await services.get_nomination(nominator, nomination_id))["body"]
    assert (saved.contributors[0].administrative, saved.first_unit_share, saved.single_channel) == (True, 35, True)
    page = (await client.get(response.headers["location"])).text
    assert 'data-code="eligibility.administrative_staff"' in page
    assert "合作项目第一完成单位拥有的主要支撑材料应不少于40%，现为35%" in page
    assert "完成人所在单位公示应不少于5个工作日，2026-03-03至2026-03-08只有4个工作日" in page
    assert "请填写仅通过本渠道提名的承诺" not in page and "请填写主要创新成果未用于已获奖项目的声明" in page
    assert 'name="single_channel" value="1" id="f-single_channel" checked' in page


async def test_a_paper_of_a_project_the_official_results_list_as_awarded_is_refused() -> None:
    """Last year's project is still 'passed' in our own records; the imported official results
    say it won, and its representative paper may not be used again."""
    cycle_id, admin, nominator, society_id = await nominating_society()
    last = await open_cycle(admin, today().year - 1, today())
    await services.set_quota(admin, last, society_id, "technological_invention", 1)
    earlier = await services.create_nomination(nominator, last, demo_nomination("精密机床", 3))
    await services.submit(nominator, earlier)
    await services.formal_review(admin, earlier, "pass", "")
    preview = await services.preview_official_results(
        admin, last, workbook([["精密机床", "技术发明奖", "二等奖", "获奖"]])
    )
    await services.import_official_results(admin, last, preview["sha"])
    reused = demo_nomination("精密机床新进展", 3, start=20)
    paper = demo_nomination("精密机床", 3).body.papers[0]
    reused = reused.model_copy(update={"body": reused.body.model_copy(update={"papers": [paper]})})
    check = await services.check(nominator, cycle_id, reused)
    assert [(r.code, r.field, r.zh) for r in check.problems] == [
        (
            "eligibility.innovation_used",
            "papers[0].title",
            f"代表性论文“精密机床的关键技术”已用于{today().year - 1}年获奖项目“精密机床”",
        )
    ]

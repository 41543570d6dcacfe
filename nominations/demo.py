"""Demo data for award nominations: this year's cycle with its nomination window open,
published quotas from a real adjustment run, and a few nominations at different steps; this
year's talent programmes (one open edition of each kind) with the nominating society's quotas,
a youth-award candidate that passed formal review and outstanding workers awaiting review,
returned and in draft; nominations returned, passed (under a running public notice with an
objection) and rejected at formal review."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from accounts.rules import Actor
from nominations import services
from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import CycleConfig, CycleDates
from nominations.rules.programme.defaults import default_programme
from nominations.rules.programme.model import Programme, ProgrammeKind
from nominations.schemas import ContributorIn, NominationBody, NominationIn, PaperIn, RecommendationIn, UnitIn
from xuehui.clock import today
from xuehui.idcard import make


def open_cycle_config(year: int, on: dt.date, attachments: bool = False) -> CycleConfig:
    """The default rules of `year` with the nomination window open on `on`; the demo's nominations
    carry no files, so the required attachments are asked for only with `attachments`."""
    base = default_cycle(year)
    if not attachments:
        categories = {c: r.model_copy(update={"required_attachments": ()}) for c, r in base.categories.items()}
        base = base.model_copy(update={"categories": categories})
    closes = on + dt.timedelta(days=45)
    dates = CycleDates(
        nomination_opens=on - dt.timedelta(days=30),
        nomination_closes=closes,
        formal_review_starts=closes + dt.timedelta(days=1),
        formal_review_ends=closes + dt.timedelta(days=40),
        # the cycle's three notice windows, each as far after the close as in the default year
        notices=tuple(
            w.model_copy(update={"starts": closes + (w.starts - base.dates.nomination_closes)})
            for w in base.dates.notices
        ),
    )
    return base.model_copy(
        update={"dates": dates, "eligibility": base.eligibility.model_copy(update={"reference_date": closes})}
    )


async def open_cycle(admin: Actor, year: int, on: dt.date, attachments: bool = False) -> int:
    cycle_id = await services.ensure_cycle(admin, year)
    config = open_cycle_config(year, on, attachments)
    policy = (await services.cycle_policy(cycle_id)).model_dump(mode="json")
    await services.save_cycle(admin, cycle_id, config.to_dict(), policy, "nomination window open for the demo")
    return cycle_id


def demo_nomination(title: str, people: int, start: int = 0, category: str = "technological_invention") -> NominationIn:
    contributors = [
        ContributorIn(
            name=name,
            id_number=make(
                "370102",
                dt.date(1975 + (start + i) % 20, 1 + i % 12, 1 + i),
                start + i,
                "male" if i % 2 == 0 else "female",
            ),
            unit="山东大学",
            title="教授",
            contribution="总体设计与关键技术攻关",
        )
        for i, name in enumerate(["张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"][:people])
    ]
    return NominationIn(
        title=title,
        category=category,
        grade="second",
        discipline_code="460",
        body=NominationBody(
            summary="面向高端装备制造的关键技术研究与应用。",
            innovations="提出了新的设计方法并实现产业化。",
            application_benefits="在省内十余家企业推广应用。",
            application_started_on=today() - dt.timedelta(days=3 * 365),
            contributors=contributors,
            units=[UnitIn(name="山东大学", province_code="370000")],
            papers=[
                PaperIn(
                    title=f"{title}的关键技术",
                    published_on=today() - dt.timedelta(days=4 * 365),
                    authors=[c.name for c in contributors],
                )
            ],
            registration_number=f"9372024Y{start:04d}",
            **declarations(),
        ),
    )


def declarations() -> dict[str, Any]:
    """What a nomination declares and records besides its project: the commitments, every
    completer's notice in their unit, then the society's own expert review and notice."""
    return {
        "single_channel": True,
        "prior_use_declared": True,
        "unit_notice_starts": today() - dt.timedelta(days=40),
        "unit_notice_ends": today() - dt.timedelta(days=30),
        "society_review_on": today() - dt.timedelta(days=25),
        "society_review_experts": 7,
        "society_review_result": "7票同意，同意推荐",
        "society_notice_starts": today() - dt.timedelta(days=20),
        "society_notice_ends": today() - dt.timedelta(days=10),
    }


async def load(admin: Actor, nominator: Actor) -> None:
    on = today()
    cycle_id = await open_cycle(admin, on.year, on)
    run_id = await services.run_adjustment(admin, cycle_id, on)
    await services.publish_adjustment(admin, run_id)
    submitted = await services.create_nomination(
        nominator, cycle_id, demo_nomination("高端数控机床精度保持关键技术", 5)
    )
    await services.submit(nominator, submitted, "demo-submission-1")
    await services.create_nomination(nominator, cycle_id, demo_nomination("智能焊接机器人路径规划方法", 4, start=10))
    await load_reviewed(admin, nominator, cycle_id, on)
    await load_talent(admin, nominator, on)


# title, first contributor's offset, category, formal review decision and its reasons
REVIEWED = [
    ("高速重载齿轮接触疲劳失效机理", 20, "natural_science", "return", "请补充代表性论文的他引证明和第三方检索报告"),
    ("工程机械电液控制系统节能技术", 25, "progress", "pass", ""),
    ("农机装备智能导航作业系统", 30, "natural_science", "reject", "推荐项目不属于自然科学奖授奖范围"),
]


async def load_reviewed(admin: Actor, nominator: Actor, cycle_id: int, on: dt.date) -> None:
    """Nominations through formal review: one returned with its correction deadline, one passed
    and under the accepted-nominations notice (started three days ago) with an objection from the
    public waiting for the association, one rejected. They leave a place in the invention and in
    the progress quota for a society trying a new nomination."""
    passed = 0
    for title, start, category, decision, reasons in REVIEWED:
        nomination_id = await services.create_nomination(
            nominator, cycle_id, demo_nomination(title, 4, start, category)
        )
        await services.submit(nominator, nomination_id, f"demo-submission-{start}")
        await services.formal_review(admin, nomination_id, decision, reasons)
        passed = nomination_id if decision == "pass" else passed
    notice_id = await services.publish_notice(
        admin, cycle_id, "accepted", f"{on.year}年度省科学技术奖受理项目公示", on - dt.timedelta(days=3)
    )
    await services.file_objection(
        notice_id,
        passed,
        "王五",
        make("370102", dt.date(1980, 5, 5), 3, "male"),
        "13800138000",
        "省机械科学研究院",
        "推荐书所列节能效果数据与公开发表论文中的试验数据不一致，请核实。",
        [],
    )


def open_programme_config(kind: ProgrammeKind, year: int, on: dt.date) -> Programme:
    """The default rules of `kind` for the edition of `year`, with the window open on `on`."""
    return dataclasses.replace(
        default_programme(kind, year),
        window_opens=on - dt.timedelta(days=30),
        window_closes=on + dt.timedelta(days=45),
    )


async def open_programme(admin: Actor, kind: ProgrammeKind, year: int, on: dt.date) -> int:
    return await services.ensure_programme(admin, kind.value, year, open_programme_config(kind, year, on))


def demo_person(
    name: str, birth: dt.date, sequence: int, sex: str = "male", unit: str = "山东大学"
) -> RecommendationIn:
    return RecommendationIn(
        name=name,
        sex=sex,
        birth_date=birth,
        id_number=make("370102", birth, sequence, "male" if sex == "male" else "female"),
        unit=unit,
        title="教授",
        discipline="机械工程",
        career="长期从事高端装备设计与制造研究。",
        achievements="主持国家重点研发计划项目，成果在省内企业推广应用。",
        works="高端装备关键技术（专著）",
        honours="省科学技术进步奖一等奖",
        integrity_statement=True,
    )


async def upload_materials(nominator: Actor, recommendation_id: int, materials: tuple[str, ...]) -> None:
    for material in materials:
        await services.add_material(nominator, recommendation_id, material, f"{material}.pdf", b"%PDF-1.4 demo")


async def load_talent(admin: Actor, nominator: Actor, on: dt.date) -> None:
    """One open edition of each talent programme; the nominating society may recommend three
    youth-award candidates and two of each other kind; one youth candidate passed formal review."""
    assert nominator.society_id is not None
    ids = {kind: await open_programme(admin, kind, on.year, on) for kind in ProgrammeKind}
    for kind, programme_id in ids.items():
        quota = 3 if kind is ProgrammeKind.YOUTH_AWARD else 2
        await services.set_talent_quota(admin, programme_id, nominator.society_id, quota)
    youth = ids[ProgrammeKind.YOUTH_AWARD]
    person = demo_person("王磊", dt.date(on.year - 36, 5, 20), 11)
    recommendation_id = await services.create_recommendation(nominator, youth, person)
    await upload_materials(nominator, recommendation_id, (await services.programme_config(youth)).materials)
    await services.submit_recommendation(nominator, recommendation_id, "demo-talent-1")
    await services.review_recommendation(admin, recommendation_id, "pass", "")
    # Outstanding workers: one awaiting formal review, one returned for correction, one a draft.
    workers = ids[ProgrammeKind.OUTSTANDING_WORKER]
    materials = (await services.programme_config(workers)).materials
    people = [
        ("刘建军", dt.date(on.year - 48, 3, 12), 12, "submit"),
        ("赵红梅", dt.date(on.year - 45, 9, 2), 13, "return"),
        ("孙志刚", dt.date(on.year - 50, 6, 18), 14, ""),
    ]
    for name, birth, sequence, step in people:
        sex = "female" if name == "赵红梅" else "male"
        recommendation_id = await services.create_recommendation(
            nominator,
            workers,
            # none of the excluded categories (party and state organ staff ...) applies
            demo_person(name, birth, sequence, sex, unit=f"{name}所在单位").model_copy(update={"categories": []}),
        )
        if not step:
            continue
        await upload_materials(nominator, recommendation_id, materials)
        await services.submit_recommendation(nominator, recommendation_id, f"demo-worker-{sequence}")
        if step == "return":
            await services.review_recommendation(admin, recommendation_id, "return", "请补充所在单位的推荐意见")

"""Demo data for award nominations: this year's cycle with its nomination window open,
published quotas from a real adjustment run, and a few nominations at different steps."""

from __future__ import annotations

import datetime as dt

from accounts.rules import Actor
from nominations import services
from nominations.rules.cycle import CycleConfig, CycleDates, NoticeWindowConfig, default_cycle
from nominations.schemas import ContributorIn, NominationBody, NominationIn, PaperIn, UnitIn
from xuehui.clock import today
from xuehui.idcard import make


def open_cycle_config(year: int, on: dt.date) -> CycleConfig:
    """The default rules of `year` with the nomination window open on `on`."""
    base = default_cycle(year)
    closes = on + dt.timedelta(days=45)
    dates = CycleDates(
        nomination_opens=on - dt.timedelta(days=30),
        nomination_closes=closes,
        formal_review_starts=closes + dt.timedelta(days=1),
        formal_review_ends=closes + dt.timedelta(days=40),
        notices=(
            NoticeWindowConfig(
                key="accepted",
                zh="受理项目公示",
                en="accepted nominations",
                starts=closes + dt.timedelta(days=45),
                length=5,
            ),
        ),
    )
    return base.model_copy(
        update={"dates": dates, "eligibility": base.eligibility.model_copy(update={"reference_date": closes})}
    )


async def open_cycle(admin: Actor, year: int, on: dt.date) -> int:
    cycle_id = await services.ensure_cycle(admin, year)
    config = open_cycle_config(year, on)
    policy = (await services.cycle_policy(cycle_id)).model_dump(mode="json")
    await services.save_cycle(admin, cycle_id, config.to_dict(), policy, "nomination window open for the demo")
    return cycle_id


def demo_nomination(title: str, people: int, start: int = 0) -> NominationIn:
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
        category="technological_invention",
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
                    title="高端装备关键技术",
                    published_on=today() - dt.timedelta(days=4 * 365),
                    authors=[c.name for c in contributors],
                )
            ],
        ),
    )


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

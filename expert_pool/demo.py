"""Demo data for the expert pool: eight mechanical-engineering experts with their units and
disciplines (the demo expert's account linked to one of them), a remote review batch whose
assignments are in every state (awaiting reply, accepted, reviewed, declined and replaced), a
potential conflict waiting in the admins' queue, and an open panel meeting on the same items.
Everything goes through the services, so the audit log tells the story too."""

from __future__ import annotations

import datetime as dt

from accounts.rules import Actor
from expert_pool import services
from expert_pool.schemas import BatchIn, CriterionIn, ExpertIn, PanelIn, ReviewFormIn, ReviewIn, ReviewItemIn
from xuehui import idcard
from xuehui.clock import today

DISCIPLINE = "460"  # 机械工程
# name, sex, birth year, title, unit, secondary discipline, keywords
EXPERTS = [
    ("林志远", "male", 1968, "教授", "山东大学", "470.50", ("数控机床", "精密制造")),
    ("陈雪梅", "female", 1972, "研究员", "省机械科学研究院", "", ("数控机床", "可靠性")),
    ("何建华", "male", 1965, "教授", "青岛理工大学", "", ("焊接", "机器人")),
    ("吴立新", "male", 1970, "正高级工程师", "省重型机械集团", "", ("液压", "工程机械")),
    ("郑晓燕", "female", 1975, "教授", "济南大学", "470.50", ("智能制造",)),
    ("孙海涛", "male", 1969, "研究员", "中国科学院沈阳自动化研究所", "", ("工业机器人",)),
    ("周明", "male", 1973, "教授", "烟台大学", "", ("增材制造",)),
    ("赵丽", "female", 1978, "正高级工程师", "省特种设备检验研究院", "", ("检测", "可靠性")),
]
# external id, title, keywords, contributing unit
ITEMS = [
    ("JX-01", "高端数控机床热误差补偿关键技术", ("数控机床",), "省机床集团有限公司"),
    ("JX-02", "大型盾构机主轴承国产化研制", ("精密制造",), "省重工装备有限公司"),
    ("JX-03", "智能焊接机器人视觉引导系统", ("焊接", "机器人"), "青岛焊接装备有限公司"),
    ("JX-04", "工程机械电液控制系统节能技术", ("液压",), "省工程机械研究院"),
    ("JX-05", "航空发动机叶片增材修复工艺", ("增材制造",), "烟台大学"),
]
REVIEW_FORM = [
    ("innovation", "创新程度", "Innovation", 0.4),
    ("technical_level", "技术水平", "Technical level", 0.3),
    ("benefits", "应用效益", "Application and benefits", 0.3),
]


def expert_in(seq: int, username: str = "") -> ExpertIn:
    name, sex, year, title, unit, secondary, keywords = EXPERTS[seq]
    return ExpertIn(
        name=name,
        sex=sex,
        birth_year=year,
        id_number=idcard.make("370102", dt.date(year, 1 + seq, 10 + seq), seq, "male" if sex == "male" else "female"),
        title=title,
        unit=unit,
        primary_discipline=DISCIPLINE,
        secondary_disciplines=[secondary] if secondary else [],
        keywords=list(keywords),
        email=f"expert{seq + 1}@example.org",
        username=username,
    )


def batch_in(name: str) -> BatchIn:
    return BatchIn(
        name=name,
        required=2,
        max_load=5,
        deadline=today() + dt.timedelta(days=14),
        form=ReviewFormIn(
            criteria=[
                CriterionIn(code=code, name_zh=zh, name_en=en, weight=weight, min_score=0, max_score=100)
                for code, zh, en, weight in REVIEW_FORM
            ]
        ),
        items=[
            ReviewItemIn(
                kind="nomination",
                external_id=external_id,
                title=title,
                disciplines=[DISCIPLINE],
                keywords=list(keywords),
                units=[unit],
                category="technological_invention",
                grade="second",
                material=f"{title}\n\n项目简介：面向省内装备制造企业的需求，攻克了关键共性技术并实现产业化应用。",
            )
            for external_id, title, keywords, unit in ITEMS
        ],
    )


async def load(admin: Actor, expert: Actor) -> None:
    """The pool and one review batch; `expert` is the demo expert's account (林志远)."""
    ids = [await services.register_expert(admin, expert_in(0, expert.username))]
    ids += [await services.register_expert(admin, expert_in(seq)) for seq in range(1, len(EXPERTS))]
    batch_id = await services.create_batch(admin, batch_in(f"{today().year}年度省科学技术奖网络评审（机械组）"))
    items = [row["id"] for row in await services.batch_items(admin, batch_id)]
    # 周明 works at 烟台大学, a unit of item JX-05: detected as a potential conflict for the queue.
    # The demo expert is pinned on the first four items, so each of their states shows on their page.
    await services.run_assignment(admin, batch_id, pins=[(item, ids[0]) for item in items[:4]])
    mine = {a["title"]: a["id"] for a in await services.my_assignments(expert)}
    first, second, third, fourth = (mine[title] for _code, title, _kw, _unit in ITEMS[:4])
    await services.respond(expert, second, "accept")
    draft = {"innovation": 82, "technical_level": 85, "benefits": 78}
    await services.save_review(expert, second, ReviewIn(scores=draft, comment="技术路线清晰"))
    await services.respond(expert, third, "accept")
    scores = {"innovation": 90, "technical_level": 88, "benefits": 86}
    comment = "创新性突出，应用效益显著"
    await services.save_review(
        expert, third, ReviewIn(scores=scores, recommendation="recommend", comment=comment, submit=True)
    )
    await services.respond(expert, fourth, "decline", "评审期间出国参加学术会议")
    del first  # left awaiting the expert's reply
    panel_id = await services.create_panel(
        admin,
        batch_id,
        PanelIn(name=f"{today().year}年度机械组会议评审", held_on=today(), expert_ids=ids[:5]),
    )
    await services.set_roll(admin, panel_id, ids[:4])

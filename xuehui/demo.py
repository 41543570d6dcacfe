"""Realistic demo data: a dozen provincial societies, pilot projects at every stage, one
account per role, and each package's own demo world (nominations, the expert pool, exams), so
every demo login finds real work. Everything goes through the services, so the audit log tells
the story too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.rules import Actor
from accounts.services import create_user
from accounts.tables import User
from societies import services as pilots
from societies.schemas import (
    ActionIn,
    AgreementDoc,
    EvaluationIn,
    FundingDoc,
    KpiDoc,
    KpiReadingIn,
    LeaderDoc,
    MeetingIn,
    MilestoneDoc,
    PilotIn,
    ReportIn,
    SocietyIn,
    StageDoc,
)
from xuehui.clock import today

DEMO_PASSWORD = "Xuehui-demo-2026"  # noqa: S105 - printed for the demo on purpose

SOCIETIES = [
    ("CMES", "省机械工程学会", "Provincial Mechanical Engineering Society", "机械工程", "王建国"),
    ("CCF", "省计算机学会", "Provincial Computer Federation", "计算机科学与技术", "李晓明"),
    ("CMA", "省医学会", "Provincial Medical Association", "临床医学", "张丽华"),
    ("CSAE", "省农学会", "Provincial Agricultural Society", "农学", "陈志强"),
    ("CCS", "省化工学会", "Provincial Chemical Industry Society", "化学工程", "刘洋"),
    ("CES", "省电机工程学会", "Provincial Electrical Engineering Society", "电气工程", "赵敏"),
    ("CSCE", "省土木建筑学会", "Provincial Civil Engineering and Architecture Society", "土木工程", "孙伟"),
    ("CSF", "省林学会", "Provincial Forestry Society", "林学", "周静"),
    ("CSES", "省环境科学学会", "Provincial Society of Environmental Sciences", "环境科学", "吴刚"),
    ("CSM", "省金属学会", "Provincial Society for Metals", "冶金工程", "郑海"),
    ("CAA", "省自动化学会", "Provincial Automation Association", "控制科学与工程", "冯雪"),
    ("CSG", "省地质学会", "Provincial Geological Society", "地质学", "何平"),
]

# username, display name, role, society code
DEMO_USERS = [
    ("admin", "省科协 管理员", "admin", ""),
    ("society", "机械学会 填报人", "society", "CMES"),
    ("society2", "计算机学会 填报人", "society", "CCF"),
    ("expert", "评审专家 林志远", "expert", ""),
    ("examadmin", "化工学会 考务", "exam_admin", "CCS"),
    ("candidate", "考生 张三", "candidate", ""),
]


def _agreement(start: dt.date, function: str) -> AgreementDoc:
    stage_len = dt.timedelta(days=120)
    mobil_end = start + dt.timedelta(days=60)
    impl_end = mobil_end + stage_len * 3
    summary_end = impl_end + dt.timedelta(days=90)
    return AgreementDoc(
        goals=f"按照省科协试点方案，有序承接{function}职能，形成可复制、可推广的经验。",
        key_tasks="1. 建立工作制度和流程\n2. 组建专家队伍\n3. 开展承接工作并接受社会监督\n4. 总结评估",
        quality_requirements="工作流程公开透明，按期完成各阶段任务，接受第三方评估。",
        stages=[
            StageDoc(stage="mobilisation", start=start, end=mobil_end),
            StageDoc(stage="implementation", start=mobil_end + dt.timedelta(days=1), end=impl_end),
            StageDoc(stage="summary", start=impl_end + dt.timedelta(days=1), end=summary_end),
        ],
        milestones=[
            MilestoneDoc(title="召开部署动员会", due=start + dt.timedelta(days=30)),
            MilestoneDoc(title="完成中期自查", due=mobil_end + stage_len),
        ],
        kpis=[
            KpiDoc(name="承接事项数量", unit="项", target=Decimal(20)),
            KpiDoc(name="服务对象满意度", unit="%", target=Decimal(90)),
        ],
        funding=[
            FundingDoc(source="省财政专项", amount=Decimal(300000)),
            FundingDoc(source="学会自筹", amount=Decimal(100000)),
        ],
        team=["王建国 秘书长", "李娜 项目主管", "赵磊 专员"],
        leader=LeaderDoc(
            name="王建国",
            rank="secretary_general",
            approved_by="standing_council",
            approval_date=start - dt.timedelta(days=20),
            resolution_ref="常理字〔2026〕3号",
        ),
    )


async def load_demo() -> bool:
    """Load the demo data when the database has no users yet; False when it was not empty."""
    if await User.count() > 0:
        return False
    society_ids = {}
    for code, name_zh, name_en, field, secretary in SOCIETIES:
        society_ids[code] = await pilots.create_society(
            None,
            SocietyIn(
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                discipline_field=field,
                registration_no=f"51{code}{len(code):02d}0001",
                secretary_general=secretary,
            ),
        )
    actors = {}
    for username, name, role, code in DEMO_USERS:
        society_id = society_ids.get(code)
        user_id = await create_user(
            None,
            username=username,
            display_name=name,
            role=role,
            password=DEMO_PASSWORD,
            society_id=society_id,
            email=f"{username}@example.org",
            must_change_password=False,
        )
        actors[username] = Actor(
            user_id=user_id, username=username, display_name=name, role=role, society_id=society_id
        )
    admin = actors["admin"]
    start = today() - dt.timedelta(days=200)
    plans = [
        ("CMES", "机械工程领域科技奖励推荐试点", "award_nomination", "省科学技术厅", "implementing"),
        ("CCF", "计算机领域科技奖励推荐试点", "award_nomination", "省科学技术厅", "signed"),
        ("CCS", "化工工程师职业资格考试考务试点", "exam_administration", "省人力资源和社会保障厅", "implementing"),
        ("CMA", "医学科技成果第三方评估试点", "technology_evaluation", "省卫生健康委员会", "summarising"),
        ("CSAE", "农业团体标准制定试点", "group_standard", "省市场监督管理局", "submitted"),
        ("CES", "电力工程技术评价试点", "technology_evaluation", "省能源局", "closed"),
        ("CSF", "林业科技奖励推荐试点", "award_nomination", "省科学技术厅", "draft"),
    ]
    for code, title, function, department, target in plans:
        society_id = society_ids[code]
        owner = Actor(user_id=admin.user_id, username="admin", display_name="demo", role="admin", society_id=None)
        project_id = await pilots.create_pilot(
            owner,
            PilotIn(
                society_id=society_id,
                title=title,
                function_type=function,
                department=department,
                agreement=_agreement(start, title),
            ),
        )
        await _advance(owner, project_id, target, start)
    from exams.demo import load as load_exams
    from expert_pool.demo import load as load_pool
    from nominations.demo import load as load_nominations

    await load_nominations(admin, actors["society"])
    await load_pool(admin, actors["expert"])
    await load_exams(actors["examadmin"], actors["candidate"], DEMO_PASSWORD)
    return True


ORDER = ["draft", "submitted", "signed", "implementing", "summarising", "closed"]


async def _advance(admin: Actor, project_id: int, target: str, start: dt.date) -> None:
    steps = ORDER[: ORDER.index(target) + 1]
    if "submitted" in steps:
        await pilots.act(admin, project_id, ActionIn(action="submit"))
    if "signed" in steps:
        for party in ("department", "society", "association"):
            await pilots.act(
                admin, project_id, ActionIn(action=f"sign_{party}", signed_on=start - dt.timedelta(days=5))
            )
    if "implementing" in steps:
        await pilots.act(admin, project_id, ActionIn(action="start"))
        await pilots.add_report(
            admin,
            project_id,
            ReportIn(
                period="第一季度",
                title="部署动员阶段工作进展",
                body="已召开部署动员会，建立了工作制度和专家队伍。",
                published=True,
            ),
        )
        await pilots.add_meeting(
            admin,
            project_id,
            MeetingIn(
                held_on=start + dt.timedelta(days=40),
                attendees="学会秘书处、省科协学会部",
                minutes="通报试点进展，部署下一阶段工作。",
            ),
        )
        await pilots.add_kpi_reading(
            admin,
            project_id,
            KpiReadingIn(kpi_key="k1", actual=Decimal(12), recorded_on=today() - dt.timedelta(days=10)),
        )
    if "summarising" in steps:
        await pilots.add_report(
            admin,
            project_id,
            ReportIn(
                kind="final_summary",
                period="总结",
                title="试点工作总结报告",
                body="全面完成任务书确定的各项指标。",
                published=True,
            ),
        )
        await pilots.act(admin, project_id, ActionIn(action="summarise"))
        await pilots.add_evaluation(
            admin,
            project_id,
            EvaluationIn(
                evaluator="省科技评估中心",
                evaluated_on=today() - dt.timedelta(days=3),
                score=Decimal("88.5"),
                grade="good",
                findings="组织有力，指标基本完成。",
            ),
        )
    if "closed" in steps:
        await pilots.act(admin, project_id, ActionIn(action="close"))

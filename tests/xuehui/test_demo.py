"""The demo world on a fresh database: every state each demo login should find, counted exactly,
and a second load that changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from piccolo.table import Table

from accounts.rules import Actor
from accounts.tables import AuditEntry, User
from exams import services as exams
from exams.tables import Certificate, ExamPlan, IdentityClash, Recheck, Registration, Score
from expert_pool import services as pool
from expert_pool.tables import ConflictRecord, Expert, PanelMeeting, PanelMember, Review, ReviewAssignment
from nominations.tables import Nomination, Notice, Objection, Quota, Recommendation
from societies.tables import PilotProject, ProgressReport, ThirdPartyEvaluation
from xuehui.clock import today
from xuehui.demo import load_demo


def tally(keys: list[Any]) -> dict[Any, int]:
    return dict(sorted(Counter(keys).items(), key=str))


async def counts(table: type[Table], *columns: Any) -> dict[Any, int]:
    """How many rows hold each value (a tuple for several columns)."""
    rows = await table.select(*columns)
    return tally([tuple(row.values()) if len(row) > 1 else next(iter(row.values())) for row in rows])


async def actor(username: str) -> Actor:
    row = await User.select(User.id, User.role, User.society_id).where(User.username == username).first()
    assert row is not None
    return Actor(
        user_id=row["id"], username=username, display_name=username, role=row["role"], society_id=row["society_id"]
    )


async def test_the_demo_builds_every_state_each_login_works_on() -> None:
    assert await load_demo() is True
    assert await counts(User, User.role) == {
        "admin": 1,
        "candidate": 7,  # the demo candidate, five more who sat the exam, one using another's number
        "exam_admin": 1,
        "expert": 1,
        "society": 2,
    }
    # pilot projects at each stage, with reports and evaluations
    assert await counts(PilotProject, PilotProject.status) == {
        "closed": 1,
        "draft": 1,
        "implementing": 2,
        "signed": 1,
        "submitted": 1,
        "summarising": 1,
    }
    assert (await ProgressReport.count(), await ThirdPartyEvaluation.count()) == (6, 2)
    # nominations and recommendations at each stage, a running notice with an objection
    assert await counts(Nomination, Nomination.status) == {
        "draft": 1,
        "passed": 1,
        "rejected": 1,
        "returned": 1,
        "submitted": 1,
    }
    assert await counts(Recommendation, Recommendation.status) == {
        "draft": 1,
        "passed": 1,
        "returned": 1,
        "submitted": 1,
    }
    society = await actor("society")
    places = await Quota.select(Quota.category, Quota.quota, Quota.used).where(Quota.society_id == society.society_id)
    left = {q["category"]: q["quota"] - q["used"] for q in places}
    # a place left in the invention and the progress quota, for the society trying a new nomination
    assert (left["technological_invention"], left["progress"], left["natural_science"]) == (1, 1, 0)
    notices = await Notice.select(Notice.starts_on, Notice.ends_on)
    assert [n["starts_on"] <= today() <= n["ends_on"] for n in notices] == [True]
    assert await counts(Objection, Objection.state) == {"received": 1}
    # the expert pool: experts with units and disciplines, assignments in every state, a panel
    experts = await Expert.select(Expert.unit, Expert.primary_discipline, Expert.user)
    assert (len(experts), sum(e["user"] is not None for e in experts)) == (8, 1)
    assert all(e["unit"] and e["primary_discipline"] == "460" for e in experts)
    assert await counts(ReviewAssignment, ReviewAssignment.status) == {"accepted": 2, "assigned": 8, "declined": 1}
    assert await counts(Review, Review.status) == {"draft": 1, "submitted": 1}
    assert await counts(ConflictRecord, ConflictRecord.status, ConflictRecord.type) == {("potential", "same_unit"): 1}
    assert await counts(PanelMeeting, PanelMeeting.status) == {"open": 1}
    assert await counts(PanelMember, PanelMember.present) == {False: 1, True: 4}
    expert = await actor("expert")
    mine = await pool.my_assignments(expert)
    assert sorted((a["status"], a["review_status"]) for a in mine) == [
        ("accepted", "draft"),
        ("accepted", "submitted"),
        ("assigned", ""),
    ]
    assert [len(p["items"]) for p in await pool.my_panels(expert)] == [5]
    # exams: a held sitting taken to certificates, an open one with registrations in every state
    plans = await ExamPlan.select(ExamPlan.id, ExamPlan.code, ExamPlan.published_at).order_by(ExamPlan.id)
    year = f"{today():%y}"
    assert [(p["code"], p["published_at"] is not None) for p in plans] == [(f"HG{year}A", True), (f"HG{year}B", False)]
    rows = await Registration.select(
        Registration.plan.code, Registration.status, Registration.paid, Registration.ticket_no
    )
    registrations = tally([(r["plan.code"], r["status"], r["paid"], r["ticket_no"] is not None) for r in rows])
    assert registrations == {
        (f"HG{year}A", "approved", True, True): 6,
        (f"HG{year}B", "approved", True, False): 1,
        (f"HG{year}B", "ineligible", False, False): 1,
        (f"HG{year}B", "rejected", False, False): 1,
        (f"HG{year}B", "returned", False, False): 1,
        (f"HG{year}B", "submitted", False, False): 1,
        (f"HG{year}B", "voided", False, False): 1,
    }
    assert await counts(IdentityClash, IdentityClash.state) == {"resolved": 1}
    assert await Score.count() == 12
    assert await counts(Recheck, Recheck.state, Recheck.outcome) == {("done", "corrected"): 1, ("pending", ""): 1}
    assert await Certificate.count() == 3
    mine = await exams.my_registrations(await actor("candidate"))
    assert [(r["status"], bool(r["ticket_no"]), r["results"]["qualified"]) for r in mine] == [("approved", True, False)]
    waiting = await exams.list_registrations(await actor("examadmin"), plans[1]["id"], "submitted")
    assert [r["name"] for r in waiting] == ["李娜"]
    # a second run refuses and changes nothing
    entries = await AuditEntry.count()
    assert await load_demo() is False
    assert (await User.count(), await AuditEntry.count()) == (12, entries)

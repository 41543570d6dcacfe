"""Stage results, winners and final talent lists."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle import Category, Grade
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.lifecycles import ReviewStage
from nominations.rules.results import Outcome, check_outcomes
from nominations.schemas import NominationBody
from nominations.services.cycles import cycle_config, cycle_row
from nominations.services.kinds import TALENT
from nominations.services.notices import _talent_entry
from nominations.services.programmes import programme_row
from nominations.services.queries import get_nomination, list_recommendations
from nominations.tables import AwardRecord, Nomination, Notice, Objection, Recommendation, ReviewStep
from societies import services as societies
from xuehui import submission
from xuehui.clock import now, today
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.idcard import normalise

STAGES = ("remote_review", "panel_review", "award_committee")


async def record_stage(actor: Actor, nomination_id: int, stage: str, outcome: str, grade: str, note: str) -> None:
    """Record a later stage's outcome. The award committee's grades respect the caps per
    category and grade and the fixed nominated grade (定标定额)."""
    require_admin(actor)
    current = await get_nomination(actor, nomination_id)
    if stage not in STAGES:
        raise InvalidInput(Reason("stage.unknown", "评审阶段无效", "unknown review stage", "stage"))
    if current["status"] != "passed":
        raise Conflict(
            Reason(
                "stage.state",
                "只有通过形式审查的推荐才能进入后续评审",
                "only nominations that passed formal review go on",
            )
        )
    if outcome not in ("passed", "failed", "awarded", "not_awarded"):
        raise InvalidInput(Reason("stage.outcome", "评审结果无效", "unknown outcome", "outcome"))
    status: str | None = None
    if stage == "award_committee":
        config = await cycle_config(current["cycle"])
        awarded = await Nomination.select(Nomination.id, Nomination.category, Nomination.grade).where(
            (Nomination.cycle == current["cycle"]) & (Nomination.status == "awarded")
        )
        outcomes = [
            Outcome(str(a["id"]), Category(a["category"]), Grade(a["grade"]), Grade(a["grade"])) for a in awarded
        ]
        if outcome == "awarded":
            outcomes.append(
                Outcome(
                    str(nomination_id),
                    Category(current["category"]),
                    Grade(current["grade"]),
                    Grade(grade or current["grade"]),
                )
            )
            if problems := check_outcomes(outcomes, config):
                raise Conflict(problems)
        status = "awarded" if outcome == "awarded" else "not_awarded"
    elif outcome == "failed":
        status = "not_awarded"
    async with write_transaction():
        await ReviewStep.insert(
            ReviewStep(
                nomination=nomination_id,
                stage=stage,
                outcome=outcome,
                grade=grade or "",
                note=note.strip(),
                decided_by=actor.user_id,
                decided_at=now(),
            )
        )
        if status:
            await Nomination.update({Nomination.status: status, Nomination.updated_at: now()}).where(
                Nomination.id == nomination_id
            )
        await audit(
            actor,
            f"nomination.{stage}",
            "nomination",
            nomination_id,
            {"outcome": outcome, "grade": grade},
            current["society_id"],
        )


async def record_winners(actor: Actor, cycle_id: int) -> int:
    """Enter the cycle's winners in the register that bars recent winners; returns how many people."""
    require_admin(actor)
    year = (await cycle_row(cycle_id))["year"]
    winners = await Nomination.select(Nomination.id, Nomination.body, Nomination.category, Nomination.grade).where(
        (Nomination.cycle == cycle_id) & (Nomination.status == "awarded")
    )
    count = 0
    async with write_transaction():
        await AwardRecord.delete().where((AwardRecord.year == year) & AwardRecord.nomination_ref.like("nomination:%"))
        for row in winners:
            body = NominationBody.model_validate(json_value(row["body"]))
            for person in body.contributors:
                await AwardRecord.insert(
                    AwardRecord(
                        year=year,
                        id_number=normalise(person.id_number),
                        name=person.name,
                        nomination_ref=f"nomination:{row['id']}",
                        category=row["category"],
                        grade=row["grade"],
                        recorded_at=now(),
                    )
                )
                count += 1
        await audit(actor, "results.winners_recorded", "award_cycle", cycle_id, {"people": count})
    return count


async def finalise_list(actor: Actor, programme_id: int) -> int:
    """After the notice has ended with every objection decided, the proposed become selected and
    enter the register of winners (which bars a second youth award or worker title)."""
    require_admin(actor)
    row = await programme_row(programme_id)
    notices = await Notice.select(Notice.id, Notice.ends_on).where(Notice.programme == programme_id)
    if not notices or today() <= max(n["ends_on"] for n in notices):
        raise Conflict(
            Reason(
                "final.notice_open",
                "公示期结束后才能确定最终名单",
                "the final list is fixed only after the notice period",
            )
        )
    pending = await Objection.count().where(
        (Objection.recommendation.programme == programme_id) & Objection.state.is_in(["received", "investigating"])
    )
    if pending:
        raise Conflict(
            Reason(
                "final.objections_pending",
                f"尚有{pending}件异议未处理完毕",
                f"{pending} objections are still being handled",
            )
        )
    proposed = await list_recommendations(actor, programme_id=programme_id, status="proposed")
    async with write_transaction():
        for view in proposed:
            await Recommendation.update({Recommendation.status: "selected", Recommendation.updated_at: now()}).where(
                Recommendation.id == view["id"]
            )
            await submission.record_step(TALENT, actor, view["id"], ReviewStage.FINAL_LIST, R.SELECTED, "")
            await AwardRecord.delete().where(AwardRecord.nomination_ref == f"recommendation:{view['id']}")
            await AwardRecord.insert(
                AwardRecord(
                    year=row["edition_year"],
                    id_number=view["id_number"],
                    name=view["name"],
                    nomination_ref=f"recommendation:{view['id']}",
                    category=row["kind"],
                    grade="",
                    recorded_at=now(),
                )
            )
        await audit(actor, "talent.final_list", "talent_programme", programme_id, {"selected": len(proposed)})
    return len(proposed)


async def final_list(actor: Actor, programme_id: int) -> list[dict[str, Any]]:
    require_admin(actor)
    names = await societies.society_names()
    rows = await list_recommendations(actor, programme_id=programme_id, status="selected")
    return [
        {**_talent_entry(r, names.get(r["society_id"], "")), "votes": r["votes"]}
        for r in sorted(rows, key=lambda r: (-(r["votes"] or 0), r["id"]))
    ]

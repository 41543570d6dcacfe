"""Stage results, winners and final talent lists."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.model import Category, Grade
from nominations.rules.lifecycles import LATER_STAGES, NOMINATION, RECOMMENDATION, ReviewStage, StageOutcome
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.lifecycles import ObjectionState as OS
from nominations.rules.lifecycles import RecommendationState as R
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

# The outcomes a later review stage can record.
STAGE_OUTCOMES = (StageOutcome.PASSED, StageOutcome.FAILED, StageOutcome.AWARDED, StageOutcome.NOT_AWARDED)


async def record_stage(actor: Actor, nomination_id: int, stage: str, outcome: str, grade: str, note: str) -> None:
    """Record a later stage's outcome. The award committee's grades respect the caps per
    category and grade and the fixed nominated grade (定标定额)."""
    require_admin(actor)
    current = await get_nomination(actor, nomination_id)
    if ReviewStage.parse(stage) not in LATER_STAGES:
        raise InvalidInput(Reason("stage.unknown", "评审阶段无效", "unknown review stage", "stage"))
    if current["status"] != N.PASSED:
        raise Conflict(
            Reason(
                "stage.state",
                "只有通过形式审查的推荐才能进入后续评审",
                "only nominations that passed formal review go on",
            )
        )
    if StageOutcome.parse(outcome) not in STAGE_OUTCOMES:
        raise InvalidInput(Reason("stage.outcome", "评审结果无效", "unknown outcome", "outcome"))
    status: str | None = None
    if stage == "award_committee":
        config = await cycle_config(current["cycle"])
        awarded = await Nomination.select(Nomination.id, Nomination.category, Nomination.grade).where(
            (Nomination.cycle == current["cycle"]) & (Nomination.status == N.AWARDED)
        )
        outcomes = [
            Outcome(str(a["id"]), Category(a["category"]), Grade(a["grade"]), Grade(a["grade"])) for a in awarded
        ]
        if outcome == StageOutcome.AWARDED:
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
        status = N.AWARDED if outcome == StageOutcome.AWARDED else N.NOT_AWARDED
    elif outcome == StageOutcome.FAILED:
        status = N.NOT_AWARDED
    if status is not None:
        NOMINATION.move(current["status"], status, actor.role)
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
        (Nomination.cycle == cycle_id) & (Nomination.status == N.AWARDED)
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
        (Objection.recommendation.programme == programme_id) & Objection.state.is_in([OS.RECEIVED, OS.INVESTIGATING])
    )
    if pending:
        raise Conflict(
            Reason(
                "final.objections_pending",
                f"尚有{pending}件异议未处理完毕",
                f"{pending} objections are still being handled",
            )
        )
    proposed = await list_recommendations(actor, programme_id=programme_id, status=R.PROPOSED)
    async with write_transaction():
        for view in proposed:
            await Recommendation.update(
                {
                    Recommendation.status: RECOMMENDATION.move(view["status"], R.SELECTED, actor.role),
                    Recommendation.updated_at: now(),
                }
            ).where(Recommendation.id == view["id"])
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
    rows = await list_recommendations(actor, programme_id=programme_id, status=R.SELECTED)
    return [
        {**_talent_entry(r, names.get(r["society_id"], "")), "votes": r["votes"]}
        for r in sorted(rows, key=lambda r: (-(r["votes"] or 0), r["id"]))
    ]

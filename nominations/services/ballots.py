"""The selection committee's anonymous ballot on recommendations."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.services import BallotRule, Tally, rank_within_quota, tally_ballots
from nominations.rules.lifecycles import RECOMMENDATION, ReviewStage
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.programme.model import Programme
from nominations.services.kinds import TALENT
from nominations.services.programmes import programme_config
from nominations.services.queries import list_recommendations
from nominations.tables import Ballot, Recommendation
from xuehui import submission
from xuehui.clock import now
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason


def ballot_rule(cfg: Programme) -> BallotRule:
    """The committee-vote stage of the programme as a ballot rule (share of those voting)."""
    for stage in cfg.stages:
        if stage.name == "committee_vote" and stage.approval is not None:
            return BallotRule(threshold=stage.approval, strict=stage.approval_strict, base="voting")
    return BallotRule()


async def record_ballot(
    actor: Actor, programme_id: int, roll: int, present: int, places: int, tallies: dict[int, Tally]
) -> dict[str, Any]:
    """Record one anonymous ballot of the selection committee (counts only, never who voted how)
    over the recommendations that passed formal review (or tied at an earlier ballot); those
    passing the threshold are ranked by votes within `places`. A tie at the boundary is
    reported and those tied stay open for another ballot; nothing is broken silently."""
    require_admin(actor)
    cfg = await programme_config(programme_id)
    candidates = {
        r["id"]: r
        for r in await list_recommendations(actor, programme_id=programme_id)
        if r["status"] in (R.PASSED, R.TIED)
    }
    if not tallies:
        raise InvalidInput(Reason("ballot.empty", "没有可以表决的人选", "there is no one to vote on", "tallies"))
    if unknown := sorted(set(tallies) - set(candidates)):
        raise InvalidInput(
            Reason(
                "ballot.candidate",
                "只能对通过形式审查的人选表决",
                "only recommendations that passed formal review can be voted on",
                f"yes_{unknown[0]}",
            )
        )
    if places < 1:
        raise InvalidInput(Reason("ballot.places", "拟入选名额至少为1", "at least one place must be filled", "places"))
    rule = ballot_rule(cfg)
    outcomes, refusal = tally_ballots({str(k): v for k, v in tallies.items()}, roll, present, rule)
    if refusal is not None:
        raise Conflict(Reason(refusal.code, refusal.zh, refusal.en, "present"))
    bad = [r for o in outcomes for r in o.reasons if r.code == "ballots_exceed_present"]
    if bad:
        raise InvalidInput(bad)
    ranked = rank_within_quota(outcomes, places)
    status_of: dict[str, str] = dict.fromkeys((str(k) for k in tallies), R.NOT_SELECTED)
    status_of.update(dict.fromkeys(ranked.selected, R.PROPOSED))
    status_of.update(dict.fromkeys(ranked.tied_at_boundary, R.TIED))
    result = {
        "outcomes": [
            {
                "recommendation_id": int(o.item_id),
                "name": candidates[int(o.item_id)]["name"],
                "yes": o.yes,
                "share": str(o.share),
                "passed": o.passed,
                "status": status_of[o.item_id],
            }
            for o in outcomes
        ],
        "selected": [int(i) for i in ranked.selected],
        "tied": [int(i) for i in ranked.tied_at_boundary],
        "open_places": ranked.open_places,
        "threshold": str(rule.threshold),
        "strict": rule.strict,
    }
    async with write_transaction():
        ballot = Ballot(
            programme=programme_id,
            roll=roll,
            present=present,
            places=places,
            tallies=json.dumps({str(k): dataclasses.asdict(v) for k, v in tallies.items()}),
            result=json.dumps(result, ensure_ascii=False),
            recorded_by=actor.user_id,
            recorded_at=now(),
        )
        await ballot.save()
        for item, status in status_of.items():
            await Recommendation.update(
                {
                    Recommendation.status: status,
                    Recommendation.votes: tallies[int(item)].yes,
                    Recommendation.updated_at: now(),
                }
            ).where(
                (Recommendation.id == int(item)) & Recommendation.status.is_in(sorted(RECOMMENDATION.sources(status)))
            )
            await submission.record_step(
                TALENT, actor, int(item), ReviewStage.COMMITTEE_VOTE, status, f"{tallies[int(item)].yes}/{present}"
            )
        await audit(
            actor,
            "talent.ballot",
            "talent_programme",
            programme_id,
            {"ballot": ballot.id, "selected": result["selected"], "tied": result["tied"]},
        )
    return {**result, "id": int(ballot.id)}


async def ballots(programme_id: int) -> list[dict[str, Any]]:
    rows = await Ballot.select().where(Ballot.programme == programme_id).order_by(Ballot.id, ascending=False)
    return [{**r, "result": json_value(r["result"]), "tallies": json_value(r["tallies"])} for r in rows]

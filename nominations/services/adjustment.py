"""The dynamic eligibility adjustment (遴选和动态调整): runs, overrides, publication."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.model import Category
from nominations.rules.lifecycles import ADJUSTMENT_RUN, NOMINATION_SUBMITTED
from nominations.rules.lifecycles import AdjustmentRunState as A
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.quota_adjustment import AdjustmentPolicy, PilotEvaluation, SocietyStats, propose
from nominations.rules.quota_adjustment import Sanction as SanctionFacts
from nominations.services._shared import AWARD_PILOT
from nominations.services.cycles import cycle_policy, cycle_row
from nominations.services.official_results import official_record
from nominations.services.quotas import _upsert_quota
from nominations.tables import AdjustmentOverride, AdjustmentRun, AwardCycle, Nomination, Quota
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason


async def _society_stats(cycle_id: int, as_of: dt.date) -> list[SocietyStats]:
    """The record of every society that may nominate at all: active (not suspended) and running
    a signed award-nomination pilot. Sanctions and integrity violations are read apart: a
    sanction bars for its own period, a violation counts in the look-back from its finding."""
    year = (await cycle_row(cycle_id))["year"]
    society_ids = await societies.societies_running(AWARD_PILOT)
    previous = (
        await AwardCycle.select(AwardCycle.id)
        .where(AwardCycle.year < year)
        .order_by(AwardCycle.year, ascending=False)
        .first()
    )
    counts: dict[int, Counter[str]] = {sid: Counter() for sid in society_ids}
    official = await official_record(previous["id"]) if previous is not None else None
    if previous is not None:
        for row in await Nomination.select(Nomination.society_id, Nomination.status).where(
            Nomination.cycle == previous["id"]
        ):
            tally = counts.setdefault(row["society_id"], Counter())
            if row["status"] in NOMINATION_SUBMITTED:
                tally["submitted"] += 1
            if official is None and row["status"] in (N.PASSED, N.AWARDED, N.NOT_AWARDED):
                tally["passed"] += 1
            if official is None and row["status"] == N.AWARDED:
                tally["awarded"] += 1
    # The provincial system's own results, where imported, decide what passed and what won.
    for sid, tally in (official or {}).items():
        counts.setdefault(sid, Counter()).update(tally)
    sanctions: dict[int, list[SanctionFacts]] = {}
    for sanction in await societies.sanctions_of(society_ids):
        facts = SanctionFacts(sanction["kind"], sanction["starts_on"], sanction["ends_on"])
        sanctions.setdefault(sanction["society"], []).append(facts)
    violations: dict[int, list[dt.date]] = {}
    for violation in await societies.integrity_violations_of(society_ids):
        violations.setdefault(violation["society"], []).append(violation["found_on"])
    evaluations = await societies.evaluation_history(society_ids)
    return [
        SocietyStats(
            society_id=str(sid),
            submitted=counts[sid]["submitted"],
            passed_formal_review=counts[sid]["passed"],
            awarded=counts[sid]["awarded"],
            violations=tuple(violations.get(sid, [])),
            sanctions=tuple(sanctions.get(sid, [])),
            evaluations=tuple(PilotEvaluation(d, g) for d, g in evaluations.get(sid, [])),
            official=official is not None,
        )
        for sid in society_ids
    ]


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "society_id": int(row.society_id),
        "may_nominate": row.may_nominate,
        "quota": {str(k): v for k, v in row.quota.items()},
        "reasons": [{"code": r.code, "zh": r.zh, "en": r.en, "field": r.field} for r in row.reasons],
        "pass_rate": row.pass_rate,
        "award_rate": row.award_rate,
        "average_award_rate": row.average_award_rate,
    }


async def run_adjustment(actor: Actor, cycle_id: int, as_of: dt.date | None = None) -> int:
    """Propose every society's right to nominate and quotas, keeping the inputs with the run."""
    require_admin(actor)
    as_of = as_of or today()
    policy = await cycle_policy(cycle_id)
    stats = await _society_stats(cycle_id, as_of)
    rows = propose(policy, stats, as_of)
    inputs = [
        {
            "society_id": s.society_id,
            "submitted": s.submitted,
            "passed_formal_review": s.passed_formal_review,
            "awarded": s.awarded,
            "sanctions": [
                {"kind": x.kind, "starts": x.starts.isoformat(), "ends": x.ends.isoformat() if x.ends else None}
                for x in s.sanctions
            ],
            "violations": [day.isoformat() for day in s.violations],
            "official_results": s.official,
            "evaluations": [{"on": e.evaluated_on.isoformat(), "grade": e.grade} for e in s.evaluations],
        }
        for s in stats
    ]
    async with write_transaction():
        run = AdjustmentRun(
            cycle=cycle_id,
            as_of=as_of,
            policy=policy.model_dump_json(),
            inputs=json.dumps(inputs, ensure_ascii=False),
            rows=json.dumps([_row_json(r) for r in rows], ensure_ascii=False),
            status=A.PROPOSED,
            run_by=actor.user_id,
            run_at=now(),
        )
        await run.save()
        await audit(actor, "adjustment.run", "award_cycle", cycle_id, {"run": run.id, "societies": len(rows)})
    return int(run.id)


async def adjustment_table(run_id: int) -> dict[str, Any]:
    """A run with its rows, each row with any override applied (and the override's reason)."""
    run = await AdjustmentRun.select().where(AdjustmentRun.id == run_id).first()
    if run is None:
        raise NotFound(Reason("adjustment.not_found", "调整记录不存在", "adjustment run not found"))
    overrides = {
        o["society_id"]: o
        for o in await AdjustmentOverride.select()
        .where(AdjustmentOverride.run == run_id)
        .order_by(AdjustmentOverride.id)
    }
    names = await societies.society_names()
    rows = []
    for row in json_value(run["rows"]):
        override = overrides.get(row["society_id"])
        final = {**row, "society": names.get(row["society_id"], str(row["society_id"])), "override": None}
        if override:
            final.update(
                may_nominate=override["may_nominate"], quota=json_value(override["quotas"]), override=override["reason"]
            )
        rows.append(final)
    return {**run, "rows": rows}


def clean_quotas(may_nominate: bool, quotas: dict[str, int]) -> dict[str, int]:
    """The quotas of an override by category (all 0 when the society may not nominate)."""
    clean: dict[str, int] = {}
    for category, value in quotas.items():
        if category not in set(Category) or value < 0:
            raise InvalidInput(
                Reason(
                    "adjustment.quota",
                    "名额须为非负整数",
                    "quotas must be whole numbers of zero or more",
                    f"quota.{category}",
                )
            )
        clean[category] = 0 if not may_nominate else value
    return clean


async def record_override(
    actor: Actor, run_id: int, society_id: int, may_nominate: bool, clean: dict[str, int], reason: str
) -> None:
    """Write one override of a society's row with its reason (inside the caller's transaction)."""
    await AdjustmentOverride.insert(
        AdjustmentOverride(
            run=run_id,
            society_id=society_id,
            may_nominate=may_nominate,
            quotas=json.dumps(clean),
            reason=reason.strip(),
            by=actor.user_id,
            at=now(),
        )
    )
    await audit(
        actor,
        "adjustment.override",
        "adjustment_run",
        run_id,
        {"society": society_id, "quotas": clean},
        society_id,
        reason,
    )


async def override_row(
    actor: Actor, run_id: int, society_id: int, may_nominate: bool, quotas: dict[str, int], reason: str
) -> None:
    require_admin(actor)
    run = await adjustment_table(run_id)
    if run["status"] != A.PROPOSED:
        raise Conflict(
            Reason("adjustment.published", "已发布的调整结果不能修改", "a published adjustment cannot be changed")
        )
    if not reason.strip():
        raise InvalidInput(
            Reason("adjustment.reason", "调整须写明理由", "give a written reason for the override", "reason")
        )
    clean = clean_quotas(may_nominate, quotas)
    async with write_transaction():
        await record_override(actor, run_id, society_id, may_nominate, clean, reason)


async def publish_adjustment(actor: Actor, run_id: int) -> None:
    """Fix the quotas of the cycle from the run (overrides applied) and show them publicly."""
    require_admin(actor)
    run = await adjustment_table(run_id)
    if run["status"] != A.PROPOSED:
        raise Conflict(Reason("adjustment.published", "该调整结果已发布", "this adjustment has been published"))
    proposed = {row["society_id"] for row in run["rows"]}
    async with write_transaction():
        for row in run["rows"]:
            for category in Category:
                await _upsert_quota(
                    run["cycle"], row["society_id"], category.value, int(row["quota"].get(category.value, 0))
                )
        # A society left out of the run (suspended, or no running award pilot) keeps no quota.
        await Quota.update({Quota.quota: 0}).where(
            (Quota.cycle == run["cycle"]) & Quota.society_id.not_in(sorted(proposed) or [-1])
        )
        await AdjustmentRun.update({AdjustmentRun.status: A.SUPERSEDED}).where(
            (AdjustmentRun.cycle == run["cycle"]) & (AdjustmentRun.status == A.PUBLISHED)
        )
        objection_days = AdjustmentPolicy.model_validate(json_value(run["policy"])).objection_days
        await AdjustmentRun.update(
            {
                AdjustmentRun.status: ADJUSTMENT_RUN.move(run["status"], A.PUBLISHED, actor.role),
                AdjustmentRun.published_by: actor.user_id,
                AdjustmentRun.published_at: now(),
                AdjustmentRun.objections_close_on: today() + dt.timedelta(days=objection_days),
            }
        ).where(AdjustmentRun.id == run_id)
        await audit(actor, "adjustment.published", "adjustment_run", run_id, {"cycle": run["cycle"]})


async def adjustment_runs(cycle_id: int) -> list[dict[str, Any]]:
    return (
        await AdjustmentRun.select(
            AdjustmentRun.id,
            AdjustmentRun.as_of,
            AdjustmentRun.status,
            AdjustmentRun.run_at,
            AdjustmentRun.published_at,
            AdjustmentRun.objections_close_on,
        )
        .where(AdjustmentRun.cycle == cycle_id)
        .order_by(AdjustmentRun.id, ascending=False)
    )


async def published_adjustment(cycle_id: int) -> dict[str, Any] | None:
    row = (
        await AdjustmentRun.select(AdjustmentRun.id)
        .where((AdjustmentRun.cycle == cycle_id) & (AdjustmentRun.status == A.PUBLISHED))
        .first()
    )
    return await adjustment_table(row["id"]) if row else None

"""Live KPIs of a society's award-nomination pilot."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nominations.rules.lifecycles import NOMINATION_SUBMITTED
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.results import NominationRecord, compute_kpis
from nominations.services._shared import AWARD_PILOT
from nominations.tables import Nomination, Recommendation
from societies.kpis import LiveKpi, percent


async def society_kpis(society_id: int) -> dict[str, Any]:
    """Nominations submitted, formal-review pass rate and award rate, live from the records."""
    rows = await Nomination.select(Nomination.id, Nomination.status).where(Nomination.society_id == society_id)
    records = [
        NominationRecord(
            nomination_id=str(r["id"]),
            society_id=str(society_id),
            submitted=r["status"] in NOMINATION_SUBMITTED,
            formal_review="passed"
            if r["status"] in (N.PASSED, N.AWARDED, N.NOT_AWARDED)
            else "failed"
            if r["status"] == N.REJECTED
            else "pending",
            awarded=r["status"] == N.AWARDED,
        )
        for r in rows
    ]
    kpis = compute_kpis(records)
    return {
        "submitted": kpis.submitted,
        "pass_rate": kpis.pass_rate,
        "award_rate": kpis.award_rate,
        "awarded": kpis.awarded,
    }


async def pilot_kpis(society_id: int, function_type: str) -> list[LiveKpi]:
    """The award-nomination pilot's KPIs, computed live from the nomination records."""
    if function_type != AWARD_PILOT:
        return []
    kpis = await society_kpis(society_id)

    def pct(value: float | None) -> str:
        return percent(None if value is None else round(value * 100))

    def rate(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    talent = await talent_kpis(society_id)
    return [
        LiveKpi("submitted", "推荐项目数", "Nominations submitted", str(kpis["submitted"]), kpis["submitted"]),
        LiveKpi(
            "pass_rate", "形式审查通过率", "Formal-review pass rate", pct(kpis["pass_rate"]), rate(kpis["pass_rate"])
        ),
        LiveKpi("award_rate", "获奖率", "Award rate", pct(kpis["award_rate"]), rate(kpis["award_rate"])),
        LiveKpi(
            "people_recommended", "推荐人才数", "People recommended", str(talent["submitted"]), talent["submitted"]
        ),
        LiveKpi(
            "people_passed",
            "人才推荐形式审查通过数",
            "Recommendations past formal review",
            str(talent["passed"]),
            talent["passed"],
        ),
        LiveKpi("people_selected", "人才入选数", "People selected", str(talent["selected"]), talent["selected"]),
    ]


async def talent_kpis(society_id: int) -> dict[str, int]:
    """The society's recommendations and their outcomes, live from the records."""
    rows = await Recommendation.select(Recommendation.status).where(
        (Recommendation.society_id == society_id) & Recommendation.submitted_at.is_not_null()
    )
    statuses = Counter(r["status"] for r in rows)
    return {
        "submitted": len(rows),
        "passed": sum(statuses[s] for s in (R.PASSED, R.TIED, R.PROPOSED, R.NOT_SELECTED, R.SELECTED)),
        "selected": statuses[R.SELECTED],
    }

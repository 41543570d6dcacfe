"""The figures behind a plan's result charts (score distribution per subject with the pass mark,
absent and violation counts, pass rate per site), from the same results the results page lists."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from exams.rules.result_figures import SubjectResultRow, site_pass_rates, subject_figures
from exams.services._shared import subject_rules
from exams.services.results import plan_results


async def plan_result_figures(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    results = await plan_results(actor, plan_id)  # checks that the actor runs the plan
    subjects = await subject_rules(plan_id)
    rows = [
        SubjectResultRow(
            r["subject"],
            row["registration"].get("room.site_code") or "",
            r["status"],
            r["score"],
            r["void"],
            r["passed"],
        )
        for row in results["rows"]
        for r in row["results"]
    ]
    site_names = {
        row["registration"].get("room.site_code") or "": row["registration"].get("room.site_name") or ""
        for row in results["rows"]
    }
    return {
        "results": results,  # what the results page lists, so it is computed once
        "subjects": subject_figures(rows, subjects),
        "sites": site_pass_rates(rows),
        "site_names": site_names,
    }

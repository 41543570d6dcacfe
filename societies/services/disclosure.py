"""Public disclosure (信息公开) of pilot projects: the signed projects and their published
reports, readable without signing in."""

from __future__ import annotations

from typing import Any

from societies import rules
from societies.services._shared import pilot_columns, pilot_not_found, pilot_row, pilot_view
from societies.tables import PilotProject, ProgressReport

# The statuses the public sees, as stored codes (signed projects, closed ones included).
PUBLIC_STATUSES: tuple[str, ...] = tuple(s.value for s in rules.PilotStatus if s in rules.PUBLIC)


async def public_pilots() -> list[dict[str, Any]]:
    rows = await (
        PilotProject.select(*pilot_columns())
        .where(PilotProject.status.is_in(list(PUBLIC_STATUSES)))
        .order_by(PilotProject.society.code)
        .order_by(PilotProject.id)
    )
    return [pilot_view(row) for row in rows]


async def public_pilot(project_id: int) -> dict[str, Any]:
    row = await pilot_row(project_id)
    if row is None or row["status"] not in PUBLIC_STATUSES:
        raise pilot_not_found()
    view = pilot_view(row)
    view["reports"] = await (
        ProgressReport.select()
        .where((ProgressReport.project == project_id) & (ProgressReport.published == True))  # noqa: E712 - Piccolo expression
        .order_by(ProgressReport.id)
    )
    return view

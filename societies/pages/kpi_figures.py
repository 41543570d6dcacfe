"""A pilot project's KPIs over time, for whoever supervises it: each indicator's readings as a
share of its target, the target and the stage dates drawn as highlighted lines (an SVG image, no
JavaScript), and every reading in a workbook."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from societies import services
from societies.pages._shared import society_staff
from xuehui.charts import percent, share_lines, svg_response
from xuehui.clock import today
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _

HEADERS = ("指标", "目标", "单位", "截至日期", "实际值", "完成比例")


def kpi_alt(history: dict[str, Any]) -> str:
    """The chart in words: each indicator's readings by date, as shares of its target."""
    parts = []
    for s in history["series"]:
        readings = "、".join(f"{p['on'].isoformat()} {percent(p['share'])}" for p in s["points"]) or "—"
        parts.append(f"{s['name']}：{readings}")
    return f"{_('Indicators against their targets')}：" + "；".join(parts)


def _span(history: dict[str, Any]) -> tuple[Any, Any]:
    days = [*history["stage_dates"], *(p["on"] for s in history["series"] for p in s["points"])]
    return (min(days), max(days)) if days else (today(), today())


@get("/pilots/{project_id:int}/kpis.svg", include_in_schema=False, guards=society_staff)
async def kpi_chart(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Response[bytes]:
    history = await services.kpi_history(actor, project_id)
    series = [(s["name"], [(p["on"], p["share"]) for p in s["points"]]) for s in history["series"] if s["points"]]
    title = _("Indicators against their targets")
    return svg_response(share_lines(title, series, _span(history), history["stage_dates"]))


@get("/pilots/{project_id:int}/kpis.xlsx", include_in_schema=False, guards=society_staff)
async def kpi_readings(actor: NamedDependency[Actor], project_id: FromPath[int]) -> Response[bytes]:
    history = await services.kpi_history(actor, project_id)
    rows = [
        [s["name"], s["target"], s["unit"], p["on"], p["actual"], percent(p["share"])]
        for s in history["series"]
        for p in s["points"]
    ]
    return xlsx_response(f"试点指标-{history['project']['title']}.xlsx", "指标", HEADERS, rows)


ROUTES = [kpi_chart, kpi_readings]

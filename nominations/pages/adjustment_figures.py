"""The figures of an adjustment run for the admin who decides before publishing: each society's
formal-review pass rate and award rate against the policy's threshold and the average, as a chart
(an image, no JavaScript) and as the numbers behind it in a workbook."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.params import FromPath

from nominations import services
from nominations.pages._shared import admin_only
from nominations.rules.quota_adjustment import AdjustmentPolicy
from xuehui.charts import percent, rate_bars, svg_response
from xuehui.clock import CHINA, aware
from xuehui.db import json_value
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _

HEADERS = ("学会", "可以推荐", "形式审查通过率", "获奖率", "平均获奖率", "理由")


def rates(table: dict[str, Any]) -> dict[str, Any]:
    """What the chart draws: societies with a record, their two rates, and the two reference
    lines (the pass-rate threshold of the run's policy and the average award rate)."""
    policy = AdjustmentPolicy.model_validate(json_value(table["policy"]))
    rows = [r for r in table["rows"] if r["pass_rate"] is not None or r["award_rate"] is not None]
    averages = [r["average_award_rate"] for r in table["rows"] if r.get("average_award_rate") is not None]
    return {
        "labels": [r["society"] for r in rows],
        "pass": [r["pass_rate"] for r in rows],
        "award": [r["award_rate"] for r in rows],
        "threshold": policy.pass_rate_threshold,
        "average": averages[0] if averages else None,
    }


def rates_caption(figures: dict[str, Any]) -> str:
    text = _("Highlighted lines: the pass-rate threshold %(threshold)s", threshold=percent(figures["threshold"]))
    if figures["average"] is not None:
        text += _("; the average award rate %(average)s", average=percent(figures["average"]))
    return text


def rates_alt(figures: dict[str, Any]) -> str:
    """The chart in words, for whoever cannot see it: every society's two rates."""

    def shown(rate: float | None) -> str:
        return percent(rate) if rate is not None else "—"

    bars = "；".join(
        f"{name} {shown(p)} / {shown(a)}"
        for name, p, a in zip(figures["labels"], figures["pass"], figures["award"], strict=True)
    )
    return f"{_('Pass and award rates by society')}（{_('Formal-review pass rate')} / {_('Award rate')}）：{bars}"


@get("/admin/adjustment/runs/{run_id:int}/rates.svg", include_in_schema=False, guards=admin_only)
async def rates_chart(run_id: FromPath[int]) -> Response[bytes]:
    figures = rates(await services.adjustment_table(run_id))
    guides = [figures["threshold"], *([figures["average"]] if figures["average"] is not None else [])]
    series = [(_("Formal-review pass rate"), figures["pass"]), (_("Award rate"), figures["award"])]
    return svg_response(rate_bars(_("Pass and award rates by society"), figures["labels"], series, guides))


@get("/admin/adjustment/runs/{run_id:int}/table.xlsx", include_in_schema=False, guards=admin_only)
async def export_run(run_id: FromPath[int]) -> Response[bytes]:
    table = await services.adjustment_table(run_id)

    def shown(rate: float | None) -> str:
        return percent(rate) if rate is not None else ""

    rows = [
        [
            r["society"],
            "是" if r["may_nominate"] else "否",
            shown(r["pass_rate"]),
            shown(r["award_rate"]),
            shown(r.get("average_award_rate")),
            "；".join(reason["zh"] for reason in r["reasons"]),
        ]
        for r in table["rows"]
    ]
    cycle = await services.cycle_row(table["cycle"])
    run_at = aware(table["run_at"]).astimezone(CHINA)
    return xlsx_response(f"动态调整-{cycle['year']}-{run_at:%Y%m%d-%H%M}.xlsx", "动态调整", HEADERS, rows)


ROUTES = [rates_chart, export_run]

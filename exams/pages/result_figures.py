"""The result charts for exam staff: per subject the distribution of the scores with the pass mark
(bars below it and from it in two colours) and the absent and violation counts; per subject the
pass rate at each site against the plan-wide rate. Each is an image drawn on the server (no
JavaScript), with its text alternative, its table on the page and its workbook."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.rules import Actor
from exams import services
from exams.pages._shared import staff
from exams.rules.result_figures import ScoreBin, SubjectFigures
from xuehui.charts import count_bars, percent, rate_bars, svg_response
from xuehui.errors import NotFound, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _
from xuehui.templating import format_number


def bin_label(b: ScoreBin) -> str:
    return f"{format_number(b.low)}–{format_number(b.high)}"


def subject_view(s: SubjectFigures) -> dict[str, Any]:
    """What the page shows beside a subject's chart: its caption, text alternative and table."""
    counts = "；".join(f"{bin_label(b)} {b.count}" for b in s.bins)
    rate = percent(s.passed / s.present) if s.present else "—"
    return {
        "code": s.code,
        "name": s.name,
        "bins": [{"label": bin_label(b), "count": b.count, "passing": b.passing} for b in s.bins],
        "caption": _(
            "Pass mark %(mark)s: %(passed)s of %(present)s present passed (%(rate)s); absent %(absent)s, "
            "violations %(violations)s",
            mark=format_number(s.pass_mark),
            passed=s.passed,
            present=s.present,
            rate=rate,
            absent=s.absent,
            violations=s.violations,
        ),
        "alt": _("Candidates per score band, %(subject)s: %(counts)s", subject=s.name, counts=counts),
    }


def sites_view(figures: dict[str, Any]) -> dict[str, Any]:
    names = figures["site_names"]
    subject_names = {s.code: s.name for s in figures["subjects"]}
    subjects = [subject_names.get(code, code) for code in figures["sites"]]
    sites = sorted({site for by_site in figures["sites"].values() for site in by_site})
    rows = [
        {
            "site": site_label(site, names),
            "rates": [figures["sites"][code].get(site) for code in figures["sites"]],
        }
        for site in sites
    ]
    parts = "；".join(
        f"{row['site']} " + " / ".join(percent(r) if r is not None else "—" for r in row["rates"]) for row in rows
    )
    return {
        "subjects": subjects,
        "rows": rows,
        "alt": _("Pass rate by site (%(subjects)s): %(rates)s", subjects=" / ".join(subjects), rates=parts),
    }


def site_label(site: str, names: dict[str, str]) -> str:
    if not site:
        return _("No room")
    return f"{names.get(site) or site}（{site}）" if names.get(site) else site


def figures_context(figures: dict[str, Any]) -> dict[str, Any]:
    return {"subject_figures": [subject_view(s) for s in figures["subjects"]], "site_figures": sites_view(figures)}


def _subject(figures: dict[str, Any], code: str) -> SubjectFigures:
    subjects: list[SubjectFigures] = figures["subjects"]
    for s in subjects:
        if s.code == code:
            return s
    raise NotFound(Reason("exams.subject_not_found", "该科目没有成绩", "this subject has no scores"))


@get("/exams/{plan_id:int}/results/subjects/{code:str}/scores.svg", include_in_schema=False, guards=staff)
async def score_chart(actor: NamedDependency[Actor], plan_id: FromPath[int], code: FromPath[str]) -> Response[bytes]:
    s = _subject(await services.plan_result_figures(actor, plan_id), code)
    labels = [bin_label(b) for b in s.bins]
    below = [b.count if not b.passing else 0 for b in s.bins]
    passing = [b.count if b.passing else 0 for b in s.bins]
    marked = [bin_label(b) for b in s.bins if b.passing][:1]  # the band that starts at the pass mark
    title = _("Score distribution · %(subject)s", subject=s.name)
    series = [(_("Below the pass mark"), below), (_("Pass mark or above"), passing)]
    return svg_response(count_bars(title, labels, series, marked))


@get("/exams/{plan_id:int}/results/subjects/{code:str}/scores.xlsx", include_in_schema=False, guards=staff)
async def export_score_bands(
    actor: NamedDependency[Actor], plan_id: FromPath[int], code: FromPath[str]
) -> Response[bytes]:
    s = _subject(await services.plan_result_figures(actor, plan_id), code)
    return xlsx_response(
        "score-distribution.xlsx",
        _("Score distribution"),
        [_("Subject"), _("Score band"), _("Number of candidates"), _("Pass mark or above")],
        ([s.name, bin_label(b), b.count, _("Yes") if b.passing else _("No")] for b in s.bins),
    )


@get("/exams/{plan_id:int}/results/sites.svg", include_in_schema=False, guards=staff)
async def site_chart(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    figures = await services.plan_result_figures(actor, plan_id)
    view = sites_view(figures)
    series = [(name, [row["rates"][i] for row in view["rows"]]) for i, name in enumerate(view["subjects"])]
    overall = [s.passed / s.present for s in figures["subjects"] if s.present]
    return svg_response(rate_bars(_("Pass rate by site"), [row["site"] for row in view["rows"]], series, overall))


@get("/exams/{plan_id:int}/results/sites.xlsx", include_in_schema=False, guards=staff)
async def export_site_rates(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Response[bytes]:
    view = sites_view(await services.plan_result_figures(actor, plan_id))
    return xlsx_response(
        "pass-rate-by-site.xlsx",
        _("Pass rate by site"),
        [_("Site"), *view["subjects"]],
        ([row["site"], *(percent(r) if r is not None else "" for r in row["rates"])] for row in view["rows"]),
    )


ROUTES = [score_chart, export_score_bands, site_chart, export_site_rates]

"""Results pages (admin): a batch's raw and normalised means with ranks per (category, grade), the
counted reviews, and the results as an Excel sheet."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts.rules import Actor
from expert_pool import services
from expert_pool.pages._shared import admin_only, page
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _

# Decimal places of the means in the export (enough to tell ranks apart, few enough to read).
EXPORT_DECIMALS = 4


@get("/admin/review-batches/{batch_id:int}/results", include_in_schema=False, guards=admin_only)
async def results_page(actor: NamedDependency[Actor], batch_id: FromPath[int]) -> Template:
    return page(
        "results.html",
        {
            "batch": await services.get_batch(actor, batch_id),
            "results": await services.batch_results(actor, batch_id),
            "scores": await services.batch_scores(actor, batch_id),
        },
    )


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, EXPORT_DECIMALS)


@get("/admin/review-batches/{batch_id:int}/results.xlsx", include_in_schema=False, guards=admin_only)
async def export_results(actor: NamedDependency[Actor], batch_id: FromPath[int]) -> Response[bytes]:
    results = await services.batch_results(actor, batch_id)
    return xlsx_response(
        f"review-results-{batch_id}.xlsx",
        _("Results"),
        [
            _("Category"),
            _("Grade"),
            _("Rank"),
            _("Item"),
            _("Kind"),
            _("External number"),
            _("Reviews"),
            _("Raw mean"),
            _("Normalised mean (z)"),
            _("Normalised on the raw scale"),
            _("Tied with"),
        ],
        (
            [
                r.category,
                r.grade,
                r.rank,
                r.title,
                r.kind,
                r.external_id,
                r.reviews,
                _num(r.raw_mean),
                _num(r.normalised_mean),
                _num(r.normalised_on_raw_scale),
                "、".join(r.tied_with),
            ]
            for r in results
        ),
    )


ROUTES = [results_page, export_results]

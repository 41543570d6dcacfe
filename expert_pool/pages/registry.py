"""Registry pages (admin): the expert list with its filters, registration, Excel export, import
and template, the unit-alias map, and one expert's record with their relations and credibility."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accounts.rules import Actor
from expert_pool import disciplines, excel, services
from expert_pool.pages._shared import admin_only, notice, page, pydantic_reasons, template_name, with_vocabulary
from expert_pool.schemas import ExpertIn
from xuehui.downloads import content_disposition
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import XLSX_MEDIA_TYPE, xlsx_response
from xuehui.form_action import WorkbookForm, form_action, uploaded_workbook
from xuehui.i18n import current_language
from xuehui.i18n import gettext as _
from xuehui.settings import get_settings

IGNORED_SHOWN = 10  # unrecognised headers named after an import
IGNORED_SHOWN_CHARS = 40  # of each


class ExpertForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(default="", max_length=50)
    sex: str = Field(default="", max_length=10)
    id_number: str = Field(default="", max_length=30)
    title: str = Field(default="", max_length=50)
    rank: str = Field(default="", max_length=20)
    unit: str = Field(default="", max_length=200)
    in_province: str = Field(default="1", max_length=2)
    primary_discipline: str = Field(default="", max_length=12)
    secondary_disciplines: str = Field(default="", max_length=200)
    keywords: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    status: str = Field(default="active", max_length=20)
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=128)


def _expert_in(form: ExpertForm) -> ExpertIn:
    try:
        return ExpertIn(
            **{
                **form.model_dump(),
                "in_province": form.in_province == "1",
                "secondary_disciplines": disciplines.split_list(form.secondary_disciplines),
                "keywords": disciplines.split_list(form.keywords),
            }
        )
    except ValidationError as error:
        raise pydantic_reasons(error) from None


def form_of(expert: dict[str, Any]) -> dict[str, Any]:
    return {
        **expert,
        "in_province": "1" if expert["in_province"] else "0",
        "secondary_disciplines": "；".join(expert["secondary_disciplines"]),
        "keywords": "；".join(expert["keywords"]),
    }


async def _experts_context(actor: Actor, status: str = "") -> dict[str, Any]:
    return {
        "experts": await services.list_experts(actor, status),
        "aliases": await services.list_unit_aliases(actor),
        "status_filter": status,
        "form": {"in_province": "1", "status": "active"},
    }


EXPERT_NOTICES = {
    "created": ("专家已登记。", "The expert was registered."),
    "saved": ("已保存。", "Saved."),
    "alias": ("单位映射已添加。", "The unit mapping was added."),
    "unit-confirmed": ("单位变更已确认。", "The change of unit was confirmed."),
    "unit-rejected": ("单位变更已驳回。", "The change of unit was rejected."),
}


class UnitChangeForm(BaseModel):
    decision: str = Field(default="", max_length=20)  # confirm | reject


@get("/admin/experts", include_in_schema=False, guards=admin_only)
async def experts_page(
    actor: NamedDependency[Actor],
    status: FromQuery[str] = "",
    done: FromQuery[str] = "",
    ignored: FromQuery[list[str] | None] = None,
) -> Template:
    context = await _experts_context(actor, status)
    shown = notice(EXPERT_NOTICES, done)
    if done.startswith("imported-"):
        added, _sep, updated = done.removeprefix("imported-").partition("-")
        shown = _("Imported: %(added)s added, %(updated)s updated.", added=added, updated=updated)
        if ignored:
            shown += " " + _(
                "Columns not recognised, so not imported (existing values kept): %(names)s",
                names=("、" if current_language.get() == "zh" else ", ").join(ignored[:IGNORED_SHOWN]),
            )
    return page("experts.html", {**context, "notice": shown})


def _ignored_query(ignored: tuple[str, ...]) -> str:
    """The unrecognised headers, carried to the page that says what was imported."""
    return (
        "&" + urlencode([("ignored", text[:IGNORED_SHOWN_CHARS]) for text in ignored[:IGNORED_SHOWN]])
        if ignored
        else ""
    )


@post("/admin/experts", include_in_schema=False, status_code=303, guards=admin_only)
async def register_expert(actor: NamedDependency[Actor], data: URLEncodedBody[ExpertForm]) -> Response[Any]:
    async def again() -> dict[str, Any]:
        context = await _experts_context(actor)
        return with_vocabulary({**context, "form": data.model_dump(exclude={"password"}), "failed": "expert"})

    return await form_action(
        lambda: services.register_expert(actor, _expert_in(data)),
        success=lambda expert_id: f"/admin/experts/{expert_id}?done=created",
        template=template_name("experts.html"),
        context=again,
    )


@get("/admin/experts.xlsx", include_in_schema=False, guards=admin_only)
async def export_experts(actor: NamedDependency[Actor], status: FromQuery[str] = "") -> Response[bytes]:
    experts = await services.list_experts(actor, status)
    return xlsx_response("experts.xlsx", _("Experts"), excel.HEADERS, excel.export_rows(experts))


@get("/admin/experts/template.xlsx", include_in_schema=False, guards=admin_only)
async def expert_template(actor: NamedDependency[Actor]) -> Response[bytes]:
    return Response(
        excel.template_bytes(),
        media_type=XLSX_MEDIA_TYPE,
        headers={"content-disposition": content_disposition("expert-import-template.xlsx")},
    )


@post(
    "/admin/experts/import",
    include_in_schema=False,
    status_code=303,
    guards=admin_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def import_experts(actor: NamedDependency[Actor], data: MultipartBody[WorkbookForm]) -> Response[Any]:
    async def run() -> tuple[int, int, tuple[str, ...]]:
        return await excel.import_experts(actor, await uploaded_workbook(data))

    async def again() -> dict[str, Any]:
        return with_vocabulary({**await _experts_context(actor), "failed": "import"})

    return await form_action(
        run,
        success=lambda counts: f"/admin/experts?done=imported-{counts[0]}-{counts[1]}" + _ignored_query(counts[2]),
        template=template_name("experts.html"),
        context=again,
    )


class AliasForm(BaseModel):
    child: str = Field(default="", max_length=200)
    parent: str = Field(default="", max_length=200)


@post("/admin/unit-aliases", include_in_schema=False, status_code=303, guards=admin_only)
async def add_alias(actor: NamedDependency[Actor], data: URLEncodedBody[AliasForm]) -> Response[Any]:
    async def again() -> dict[str, Any]:
        context = await _experts_context(actor)
        return with_vocabulary({**context, "alias_form": data.model_dump(), "failed": "alias"})

    return await form_action(
        lambda: services.add_unit_alias(actor, data.child, data.parent),
        success="/admin/experts?done=alias",
        template=template_name("experts.html"),
        context=again,
    )


async def _expert_context(actor: Actor, expert_id: int) -> dict[str, Any]:
    expert = await services.get_expert(actor, expert_id)
    return {
        "expert": expert,
        "form": form_of(expert),
        "relations": await services.list_relations(actor, expert_id),
        "credibility": await services.credibility(actor, expert_id),
    }


@get("/admin/experts/{expert_id:int}", include_in_schema=False, guards=admin_only)
async def expert_page(actor: NamedDependency[Actor], expert_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _expert_context(actor, expert_id)
    return page("expert.html", {**context, "notice": notice(EXPERT_NOTICES, done)})


@post("/admin/experts/{expert_id:int}", include_in_schema=False, status_code=303, guards=admin_only)
async def update_expert(
    actor: NamedDependency[Actor], expert_id: FromPath[int], data: URLEncodedBody[ExpertForm]
) -> Response[Any]:
    async def again() -> dict[str, Any]:
        context = await _expert_context(actor, expert_id)
        return with_vocabulary({**context, "form": data.model_dump(exclude={"password"})})

    return await form_action(
        lambda: services.update_expert(actor, expert_id, _expert_in(data)),
        success=f"/admin/experts/{expert_id}?done=saved",
        template=template_name("expert.html"),
        context=again,
    )


@post("/admin/experts/{expert_id:int}/unit-change", include_in_schema=False, status_code=303, guards=admin_only)
async def decide_unit_change(
    actor: NamedDependency[Actor], expert_id: FromPath[int], data: URLEncodedBody[UnitChangeForm]
) -> Response[Any]:
    async def decide() -> str:
        if data.decision not in ("confirm", "reject"):
            raise InvalidInput(
                Reason("expert.unit_decision", "请选择确认或驳回", "choose confirm or reject", "decision")
            )
        await services.decide_unit_change(actor, expert_id, data.decision == "confirm")
        return "unit-confirmed" if data.decision == "confirm" else "unit-rejected"

    async def again() -> dict[str, Any]:
        return with_vocabulary({**await _expert_context(actor, expert_id), "failed": "unit"})

    return await form_action(
        decide,
        success=lambda done: f"/admin/experts/{expert_id}?done={done}",
        template=template_name("expert.html"),
        context=again,
    )


ROUTES = [
    experts_page,
    register_expert,
    export_experts,
    expert_template,
    import_experts,
    add_alias,
    expert_page,
    update_expert,
    decide_unit_change,
]

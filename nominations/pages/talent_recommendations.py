"""The society's talent-recommendation pages (人才推荐): its programmes and quotas, the person
form with its materials (new draft, save, the live rule check) and submission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from accounts.rules import Actor
from nominations import services
from nominations.forms import PERSON, recommendation_from_form
from nominations.pages._shared import SubmitForm, idempotency_key, int_field, nominators, require_valid
from nominations.pages._vocabulary import vocabulary
from nominations.rules.programme.model import MATERIAL_LABELS
from nominations.rules.talent import INCOMPLETE
from nominations.schemas import RecommendationIn
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _
from xuehui.settings import get_settings
from xuehui.templating import errors_by_field

FORM = "nominations/talent_form.html"


def split(reasons: list[Reason]) -> dict[str, list[Reason]]:
    """The rule results as the form shows them: rules broken, and what is still to fill in."""
    return {
        "problems": [r for r in reasons if r.code != INCOMPLETE],
        "incomplete": [r for r in reasons if r.code == INCOMPLETE],
    }


@get("/talent", include_in_schema=False, guards=nominators)
async def my_recommendations(actor: NamedDependency[Actor]) -> Template:
    assert actor.society_id is not None
    rows = await services.programmes()
    quotas = {r["id"]: await services.talent_quota(actor, r["id"], actor.society_id) for r in rows}
    return Template(
        "nominations/talent_mine.html",
        context={
            "programmes": rows,
            "open_ids": {p["id"] for p in await services.open_programmes()},
            "quotas": quotas,
            "recommendations": await services.list_recommendations(actor),
            "kpis": await services.talent_kpis(actor.society_id),
            **vocabulary(),
        },
    )


async def form_context(
    actor: Actor, programme_id: int, data: RecommendationIn, recommendation: dict[str, Any] | None
) -> dict[str, Any]:
    """The person form showing `data`, with the programme's rules applied to it."""
    rec_id = recommendation["id"] if recommendation else None
    reasons = await services.check_recommendation(actor, programme_id, data, rec_id)
    return {
        "data": data,
        "recommendation": recommendation,
        "programme": await services.programme_row(programme_id),
        "config": await services.programme_config(programme_id),
        "check": split(reasons),
        "materials": {m["material"]: m for m in await services.recommendation_materials(actor, rec_id)}
        if rec_id
        else {},
        "idempotency_key": idempotency_key(),
        "steps": await services.recommendation_steps(actor, rec_id) if rec_id else [],
        "limits": PERSON,
        **vocabulary(),
    }


async def _add_uploads(actor: Actor, recommendation_id: int, form: Any) -> None:
    """Keep each material file the form carries with the recommendation."""
    for key in MATERIAL_LABELS:
        upload = form.get(f"material_{key}")
        if isinstance(upload, UploadFile) and upload.filename:
            await services.add_material(actor, recommendation_id, key, upload.filename, await upload.read())


def _saving(
    action: Callable[[], Awaitable[int]],
    actor: Actor,
    programme_id: int,
    data: RecommendationIn,
    recommendation: dict[str, Any] | None,
) -> Awaitable[Redirect | Template]:
    """Save the person form with `action` (answering the recommendation's id) and show it saved;
    refused, the form again as it was typed."""
    return form_action(
        action,
        success=lambda saved_id: f"/talent/{saved_id}?done=saved",
        template=FORM,
        context=lambda: form_context(actor, programme_id, data, recommendation),
    )


async def saved_form(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    """The person form showing the recommendation as it is saved."""
    current = await services.get_recommendation(actor, recommendation_id)
    return await form_context(actor, current["programme"], current["body"], current)


@get("/talent/new", include_in_schema=False, guards=nominators)
async def new_recommendation(actor: NamedDependency[Actor], programme: FromQuery[int]) -> Template:
    return Template(FORM, context=await form_context(actor, programme, RecommendationIn(), None))


@post(
    "/talent",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def create_recommendation(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    data, problems = recommendation_from_form(form)
    programme_id = int_field(form, "programme_id")
    if problems and not programme_id:
        raise InvalidInput(problems)  # no programme to show the form again for

    async def create() -> int:
        require_valid(problems)
        await services.programme_row(programme_id)
        recommendation_id = await services.create_recommendation(actor, programme_id, data)
        await _add_uploads(actor, recommendation_id, form)
        return recommendation_id

    return await _saving(create, actor, programme_id, data, None)


@get("/talent/{recommendation_id:int}", include_in_schema=False, guards=nominators)
async def recommendation_page(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    notices = {"saved": _("The draft was saved."), "submitted": _("The recommendation was submitted.")}
    return Template(FORM, context={**await saved_form(actor, recommendation_id), "notice": notices.get(done, "")})


@post(
    "/talent/{recommendation_id:int}",
    include_in_schema=False,
    status_code=303,
    guards=nominators,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def save_recommendation(
    actor: NamedDependency[Actor], recommendation_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    current = await services.get_recommendation(actor, recommendation_id)
    form = await request.form()
    data, problems = recommendation_from_form(form)

    async def save() -> int:
        require_valid(problems)
        await services.update_recommendation(actor, recommendation_id, data)
        await _add_uploads(actor, recommendation_id, form)
        return recommendation_id

    return await _saving(save, actor, current["programme"], data, current)


@post("/talent/check", include_in_schema=False, status_code=200, guards=nominators)
async def talent_live_check(actor: NamedDependency[Actor], request: Request[Any, Any, Any]) -> Template:
    """The rule results for what the person form says now: a fragment the page's script swaps in."""
    form = await request.form()
    data, problems = recommendation_from_form(form)
    recommendation_id = int_field(form, "recommendation_id") or None
    programme_id = int_field(form, "programme_id")
    # The script sends a chosen file as a non-empty text value: count it as about to be uploaded.
    chosen = frozenset(key for key in MATERIAL_LABELS if str(form.get(f"material_{key}", "")).strip())
    reasons = await services.check_recommendation(actor, programme_id, data, recommendation_id, chosen=chosen)
    return Template("nominations/_talent_rules.html", context={"check": split(reasons), "form_problems": problems})


async def submitting(actor: Actor, recommendation_id: int) -> Confirmation:
    """What submitting the recommendation does: the review starts and a quota place is used."""
    recommendation = await services.get_recommendation(actor, recommendation_id)
    assert actor.society_id is not None
    quota = await services.talent_quota(actor, recommendation["programme"], actor.society_id)
    place = (
        _("A returned recommendation is resubmitted in the place it already holds.")
        if recommendation["status"] != "draft"
        else _(
            "One place of your society's quota in this programme is used: %(after)s of %(quota)s after this.",
            after=quota["used"] + 1,
            quota=quota["quota"],
        )
    )
    return Confirmation(
        heading=_("Submit the recommendation of %(name)s?", name=recommendation["body"].name),
        consequences=[
            place,
            _("The recommendation goes to the association's formal review and can no longer be edited."),
        ],
        cancel=f"/talent/{recommendation_id}",
        button=_("Submit the recommendation"),
    )


@post("/talent/{recommendation_id:int}/submit", include_in_schema=False, status_code=303, guards=nominators)
async def submit_recommendation(
    actor: NamedDependency[Actor],
    recommendation_id: FromPath[int],
    data: URLEncodedBody[SubmitForm],
    request: Request[Any, Any, Any],
) -> Response[Any]:
    # A refused submission shows the saved form with each reason (and its code) above it: the
    # submit button's own error slot, not the draft form's fields.
    return await form_action(
        lambda: services.submit_recommendation(actor, recommendation_id, data.idempotency_key),
        success=f"/talent/{recommendation_id}",
        template=FORM,
        context=lambda: saved_form(actor, recommendation_id),
        refusal=lambda error: {"submit_errors": errors_by_field(error.reasons), "submit_reasons": error.reasons},
        flash=_("The recommendation was submitted."),
        confirm=lambda: submitting(actor, recommendation_id),
        request=request,
    )


ROUTES = [
    my_recommendations,
    new_recommendation,
    create_recommendation,
    recommendation_page,
    save_recommendation,
    talent_live_check,
    submit_recommendation,
]

"""The expert portal: the expert's own assignments and reminders, one assignment with its
material, the reply (accept, decline, declare a conflict), the review form, and the profile with
declared relations."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field

from accounts.rules import Actor
from expert_pool import disciplines, services
from expert_pool.pages._shared import (
    expert_only,
    notice,
    page,
    parse_date,
    template_name,
    validated,
    with_vocabulary,
)
from expert_pool.pages.registry import form_of
from expert_pool.rules.vocabulary import RespondAction
from expert_pool.schemas import ProfileIn, RelationIn, ReviewIn
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import Confirmation, form_action
from xuehui.i18n import gettext as _

# Longest values kept from the review form (a score as typed, the comment, a recommendation code).
MAX_SCORE_TEXT = 30
MAX_COMMENT = 20_000
MAX_CODE = 20

MY_NOTICES = {
    "accept": ("已接受评审任务。", "You accepted the assignment."),
    "decline": ("已谢绝，系统已另行安排专家。", "Declined; another expert has been assigned."),
    "conflict": ("已申报回避，系统已另行安排专家。", "Conflict declared; another expert has been assigned."),
    "draft": ("草稿已保存。", "The draft was saved."),
    "submitted": ("评审意见已提交。", "Your review was submitted."),
    "profile": ("资料已保存。", "Your profile was saved."),
    "relation": ("关系已申报。", "The relation was declared."),
}


@get("/expert/assignments", include_in_schema=False, guards=expert_only)
async def my_assignments_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    return page(
        "my_assignments.html",
        {
            "assignments": await services.my_assignments(actor),
            "reminders": await services.my_reminders(actor),
            "notice": notice(MY_NOTICES, done),
        },
    )


async def _assignment_context(actor: Actor, assignment_id: int) -> dict[str, Any]:
    view = await services.my_assignment(actor, assignment_id)
    review = view["review"] or {}
    return {
        **view,
        "values": {
            "scores": review.get("scores", {}),
            "comment": review.get("comment", ""),
            "recommendation": review.get("recommendation", ""),
        },
    }


@get("/expert/assignments/{assignment_id:int}", include_in_schema=False, guards=expert_only)
async def my_assignment_page(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    context = await _assignment_context(actor, assignment_id)
    return page("assignment.html", {**context, "notice": notice(MY_NOTICES, done)})


class RespondForm(BaseModel):
    action: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=2000)


@post("/expert/assignments/{assignment_id:int}/respond", include_in_schema=False, status_code=303, guards=expert_only)
async def respond(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], data: URLEncodedBody[RespondForm]
) -> Response[Any]:
    async def again() -> dict[str, Any]:
        return with_vocabulary({**await _assignment_context(actor, assignment_id), "failed": "respond"})

    if data.action == RespondAction.ACCEPT:
        success = f"/expert/assignments/{assignment_id}?done=accept"
    else:
        success = f"/expert/assignments?done={data.action}"
    return await form_action(
        lambda: services.respond(actor, assignment_id, data.action, data.reason),
        success=success,
        template=template_name("assignment.html"),
        context=again,
    )


def _score(raw: str, code: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", code)) from None
    return value


@post("/expert/assignments/{assignment_id:int}/review", include_in_schema=False, status_code=303, guards=expert_only)
async def save_review(
    actor: NamedDependency[Actor], assignment_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    """The review form: one `score_<code>` field per criterion, a comment and a recommendation;
    the `submit` button submits (and locks), any other saves a draft."""
    form = await request.form()
    raw_scores = {
        str(key).removeprefix("score_"): str(value).strip()[:MAX_SCORE_TEXT]
        for key, value in form.items()
        if str(key).startswith("score_") and str(value).strip()
    }
    submit = str(form.get("action", "")) == "submit"
    values = {
        "scores": raw_scores,
        "comment": str(form.get("comment", ""))[:MAX_COMMENT],
        "recommendation": str(form.get("recommendation", ""))[:MAX_CODE],
    }

    async def save() -> str:
        problems = []
        scores = {}
        for code, raw in raw_scores.items():
            try:
                scores[code] = _score(raw, code)
            except InvalidInput as error:
                problems += error.reasons
        if problems:
            raise InvalidInput(problems)
        return await services.save_review(
            actor,
            assignment_id,
            ReviewIn(scores=scores, comment=values["comment"], recommendation=values["recommendation"], submit=submit),
        )

    async def again() -> dict[str, Any]:
        context = await _assignment_context(actor, assignment_id)
        return with_vocabulary({**context, "values": values, "failed": "review"})

    async def submitting() -> Confirmation | None:
        await services.my_assignment(actor, assignment_id)  # out of reach: answered as missing
        if not submit:
            return None
        return Confirmation(
            heading=_("Submit your review?"),
            consequences=[
                _("Your scores, comment and recommendation are final and can no longer be changed."),
                _("The association sees the review at once."),
            ],
            cancel=f"/expert/assignments/{assignment_id}",
            button=_("Submit the review"),
        )

    return await form_action(
        save,
        success=lambda status: f"/expert/assignments/{assignment_id}?done={status}",
        template=template_name("assignment.html"),
        context=again,
        confirm=submitting,
        request=request,
    )


class ProfileForm(BaseModel):
    title: str = Field(default="", max_length=50)
    unit: str = Field(default="", max_length=200)
    primary_discipline: str = Field(default="", max_length=12)
    secondary_disciplines: str = Field(default="", max_length=200)
    keywords: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)


async def _profile_context(actor: Actor) -> dict[str, Any]:
    me = await services.my_expert(actor)
    return {
        "expert": me,
        # The unit field shows what the expert asked for, so saving other fields keeps the request.
        "form": {**form_of(me), "unit": me["pending_unit"] or me["unit"]},
        "relations": await services.list_relations(actor, me["id"]),
        "relation_form": {"relation": "collaborator"},
    }


@get("/expert/profile", include_in_schema=False, guards=expert_only)
async def profile_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    context = await _profile_context(actor)
    return page("profile.html", {**context, "notice": notice(MY_NOTICES, done)})


@post("/expert/profile", include_in_schema=False, status_code=303, guards=expert_only)
async def update_profile(actor: NamedDependency[Actor], data: URLEncodedBody[ProfileForm]) -> Response[Any]:
    async def save() -> None:
        profile = validated(
            lambda: ProfileIn(
                **{
                    **data.model_dump(),
                    "secondary_disciplines": disciplines.split_list(data.secondary_disciplines),
                    "keywords": disciplines.split_list(data.keywords),
                }
            )
        )
        await services.update_profile(actor, profile)

    async def again() -> dict[str, Any]:
        return with_vocabulary({**await _profile_context(actor), "form": data.model_dump(), "failed": "profile"})

    return await form_action(
        save, success="/expert/profile?done=profile", template=template_name("profile.html"), context=again
    )


class RelationForm(BaseModel):
    relation: str = Field(default="", max_length=20)
    person_name: str = Field(default="", max_length=50)
    person_id_number: str = Field(default="", max_length=30)
    started_on: str = Field(default="", max_length=20)
    ended_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=1000)


@post("/expert/relations", include_in_schema=False, status_code=303, guards=expert_only)
async def add_relation(actor: NamedDependency[Actor], data: URLEncodedBody[RelationForm]) -> Response[Any]:
    async def add() -> int:
        started, ended = parse_date(data.started_on, "started_on"), parse_date(data.ended_on, "ended_on")
        relation = validated(
            lambda: RelationIn(
                relation=data.relation,
                person_name=data.person_name.strip(),
                person_id_number=data.person_id_number,
                started_on=started,
                ended_on=ended,
                note=data.note,
            )
        )
        return await services.add_relation(actor, relation)

    async def again() -> dict[str, Any]:
        context = await _profile_context(actor)
        return with_vocabulary({**context, "relation_form": data.model_dump(), "failed": "relation"})

    return await form_action(
        add, success="/expert/profile?done=relation", template=template_name("profile.html"), context=again
    )


ROUTES = [
    my_assignments_page,
    my_assignment_page,
    respond,
    save_review,
    profile_page,
    update_profile,
    add_relation,
]

"""Candidate pages: sign-up, "my exams" (registrations, scores, re-check requests, certificate),
the registration form (new and corrections) and the admission ticket."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field, ValidationError

from accounts import services as accounts
from accounts.rules import Actor
from accounts.services.users import MAX_EMAIL, MAX_USERNAME
from exams import services
from exams.pages._shared import candidate_only, candidate_or_staff, clean, form_reasons, notice, vocabulary
from exams.schemas import RecheckIn, RegistrationIn
from xuehui.errors import InvalidInput, Reason
from xuehui.form_action import form_action
from xuehui.i18n import current_language
from xuehui.settings import get_settings
from xuehui.text import NAME_MAX
from xuehui.web import client_ip

REGISTER_TEMPLATE = "exams/register.html"
REG_FIELDS = ["id_number", "name", "education", "graduation_date", "work_start", "work_end", "employer", "route"]
UPLOADS = ("photo", "proof")
CANDIDATE_NOTICES = {
    "registered": ("报名已提交。", "Your registration was submitted."),
    "updated": ("报名已更新。", "Your registration was updated."),
    "recheck": ("复查申请已提交。", "Your re-check request was submitted."),
    "statement": ("陈述申辩已提交。", "Your statement was submitted."),
}


# What the sign-up form reads of a field at most: far above the limits the service checks (and
# the form shows), so an over-long field comes back beside itself instead of as an error page.
SIGNUP_FIELD_CAP = 100_000
# The limits the form shows (maxlength and "最多N字"), the ones the sign-up service checks.
SIGNUP_LIMITS = {"username": MAX_USERNAME, "display_name": NAME_MAX, "email": MAX_EMAIL}


class SignupForm(BaseModel):
    username: str = Field(default="", max_length=SIGNUP_FIELD_CAP)
    display_name: str = Field(default="", max_length=SIGNUP_FIELD_CAP)
    email: str = Field(default="", max_length=SIGNUP_FIELD_CAP)
    password: str = Field(default="", max_length=SIGNUP_FIELD_CAP)
    confirm_password: str = Field(default="", max_length=SIGNUP_FIELD_CAP)


SIGNUP_NOTICE = (
    "注册申请已受理。我们已向您填写的邮箱发送了一封邮件：如果该用户名可用，请点击邮件中的确认链接启用账号后登录；"
    "如果该用户名（或与之相似的名称）已被使用，邮件会提示您换一个用户名重新注册。",
    "Your sign-up was received and a mail is on its way to the address you gave: if the user name was free,"
    " open the confirmation link in it to enable the account, then sign in; if that name (or one that looks"
    " like it) is taken, the mail asks you to sign up again with another.",
)


@get("/candidate/signup", include_in_schema=False)
async def signup_page(done: FromQuery[str] = "") -> Template:
    shown = notice({"requested": SIGNUP_NOTICE}, done)
    return Template("exams/signup.html", context={"form": {}, "notice": shown, "limits": SIGNUP_LIMITS})


@post("/candidate/signup", include_in_schema=False, status_code=303)
async def signup(request: Request[Any, Any, Any], data: URLEncodedBody[SignupForm]) -> Response[Any]:
    # The same answer whether or not the name was free: the page never tells which names exist.
    return await form_action(
        lambda: accounts.sign_up(
            username=data.username,
            display_name=data.display_name,
            password=data.password,
            confirm=data.confirm_password,
            email=data.email,
            ip=client_ip(request.scope),
            lang=current_language.get(),
        ),
        success="/candidate/signup?done=requested",
        template="exams/signup.html",
        context=lambda: {"form": data.model_dump(exclude={"password", "confirm_password"}), "limits": SIGNUP_LIMITS},
    )


async def candidate_context(actor: Actor) -> dict[str, Any]:
    regs = await services.my_registrations(actor)
    registered = {r["plan"] for r in regs}
    return {
        "registrations": regs,
        "open_plans": [p for p in await services.open_plans() if p["id"] not in registered],
        **vocabulary(),
    }


@get("/candidate", include_in_schema=False, guards=candidate_only)
async def candidate_page(actor: NamedDependency[Actor], done: FromQuery[str] = "") -> Template:
    context = await candidate_context(actor)
    return Template("exams/candidate.html", context={**context, "notice": notice(CANDIDATE_NOTICES, done)})


class RegistrationInput:
    """The registration form as typed (to show again) and as the service takes it."""

    def __init__(self, shown: dict[str, Any], data: RegistrationIn | None, uploads: list[bytes | None]) -> None:
        self.shown, self.data = shown, data
        self.photo, self.proof = uploads
        self.problems: list[Reason] = []

    def checked(self) -> RegistrationIn:
        if self.data is None:
            raise InvalidInput(self.problems)
        return self.data


async def _registration_input(request: Request[Any, Any, Any]) -> RegistrationInput:
    form = await request.form()
    values: dict[str, Any] = clean(form, REG_FIELDS)
    values["subjects"] = [str(s) for s in form.getall("subjects", [])] if hasattr(form, "getall") else []
    values["related_major"] = bool(form.get("related_major"))
    values["commitment_signed"] = bool(form.get("commitment_signed"))
    values["held_certificates"] = str(form.get("held_certificates", "")).strip()
    uploads: list[bytes | None] = []
    for name in UPLOADS:
        found = form.get(name)
        content = await found.read() if isinstance(found, UploadFile) else b""
        uploads.append(content or None)
    shown = {**values, "subjects": values["subjects"]}
    try:
        return RegistrationInput(shown, RegistrationIn(**values), uploads)
    except ValidationError as error:
        entered = RegistrationInput(shown, None, uploads)
        entered.problems = form_reasons(error).reasons
        return entered


async def _register_form_context(plan_id: int, reg: dict[str, Any] | None) -> dict[str, Any]:
    plan = reg["plan_row"] if reg else await services.public_plan(plan_id)
    return {"plan": plan, "subjects": await services.subjects_of(plan["id"]), "reg": reg, **vocabulary()}


@get("/candidate/plans/{plan_id:int}/register", include_in_schema=False, guards=candidate_only)
async def register_page(actor: NamedDependency[Actor], plan_id: FromPath[int]) -> Template:
    context = await _register_form_context(plan_id, None)
    form = {"route": "commitment", "name": actor.display_name, "related_major": True}
    return Template(
        REGISTER_TEMPLATE, context={**context, "form": form, "action": f"/candidate/plans/{plan_id}/register"}
    )


@post(
    "/candidate/plans/{plan_id:int}/register",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def register(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    entered = await _registration_input(request)

    async def context() -> dict[str, Any]:
        found = await _register_form_context(plan_id, None)
        return {**found, "form": entered.shown, "action": f"/candidate/plans/{plan_id}/register"}

    return await form_action(
        lambda: services.register(actor, plan_id, entered.checked(), entered.photo, entered.proof),
        success=lambda registration_id: f"/candidate/registrations/{registration_id}?done=registered",
        template=REGISTER_TEMPLATE,
        context=context,
    )


def _reg_form_values(reg: dict[str, Any]) -> dict[str, Any]:
    values = {k: reg[k] for k in REG_FIELDS}
    for key in ("graduation_date", "work_start", "work_end"):
        values[key] = reg[key].isoformat() if reg[key] else ""
    return {
        **values,
        "subjects": reg["subjects"] + reg["exempt_subjects"],
        "related_major": reg["related_major"],
        "held_certificates": reg["held_certificates"],
        "commitment_signed": reg["route"] == "commitment",
    }


@get("/candidate/registrations/{registration_id:int}", include_in_schema=False, guards=candidate_only)
async def my_registration_page(
    actor: NamedDependency[Actor], registration_id: FromPath[int], done: FromQuery[str] = ""
) -> Template:
    reg = await services.get_registration(actor, registration_id)
    context = await _register_form_context(reg["plan"], reg)
    return Template(
        REGISTER_TEMPLATE,
        context={
            **context,
            "form": _reg_form_values(reg),
            "action": f"/candidate/registrations/{registration_id}",
            "notice": notice(CANDIDATE_NOTICES, done),
        },
    )


@post(
    "/candidate/registrations/{registration_id:int}",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
    request_max_body_size=get_settings().max_upload_bytes,
)
async def update_registration(
    actor: NamedDependency[Actor], registration_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    reg = await services.get_registration(actor, registration_id)
    entered = await _registration_input(request)

    async def context() -> dict[str, Any]:
        found = await _register_form_context(reg["plan"], reg)
        return {**found, "form": entered.shown, "action": f"/candidate/registrations/{registration_id}"}

    return await form_action(
        lambda: services.update_registration(actor, registration_id, entered.checked(), entered.photo, entered.proof),
        success=f"/candidate/registrations/{registration_id}?done=updated",
        template=REGISTER_TEMPLATE,
        context=context,
    )


@get("/candidate/registrations/{registration_id:int}/ticket", include_in_schema=False, guards=candidate_or_staff)
async def ticket_page(actor: NamedDependency[Actor], registration_id: FromPath[int]) -> Template:
    reg = await services.get_registration(actor, registration_id)
    if not reg["ticket_no"]:
        raise InvalidInput(Reason("ticket.none", "尚未生成准考证", "no ticket has been issued yet"))
    subjects = [s for s in await services.subjects_of(reg["plan"]) if s["code"] in reg["subjects"]]
    return Template("exams/ticket.html", context={"reg": reg, "plan": reg["plan_row"], "subjects": subjects})


class RecheckForm(BaseModel):
    subject_code: str = Field(default="", max_length=10)
    reason: str = Field(default="", max_length=2000)


@post(
    "/candidate/registrations/{registration_id:int}/rechecks",
    include_in_schema=False,
    status_code=303,
    guards=candidate_only,
)
async def request_recheck(
    actor: NamedDependency[Actor], registration_id: FromPath[int], data: URLEncodedBody[RecheckForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.request_recheck(actor, registration_id, RecheckIn(**data.model_dump())),
        success="/candidate?done=recheck",
        template="exams/candidate.html",
        context=lambda: candidate_context(actor),
    )


ROUTES = [
    signup_page,
    signup,
    candidate_page,
    register_page,
    register,
    my_registration_page,
    update_registration,
    ticket_page,
    request_recheck,
]

"""Pages of the mailed links: confirming a sign-up's e-mail address, asking for a password
reset (the same answer whether or not the address is known) and setting the new password.
Opening a link (GET) changes nothing; the button on its page does (POST)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel, Field

from accounts import services
from accounts.rules import LinkPurpose
from xuehui.form_action import form_action
from xuehui.i18n import current_language
from xuehui.web import client_ip

CONFIRM_TEMPLATE = "accounts/confirm.html"
FORGOT_TEMPLATE = "accounts/forgot.html"
RESET_TEMPLATE = "accounts/reset.html"
MAX_TOKEN = 100


class TokenForm(BaseModel):
    token: str = Field(default="", max_length=MAX_TOKEN)


class ForgotForm(BaseModel):
    email: str = Field(default="", max_length=200)


class ResetForm(BaseModel):
    token: str = Field(default="", max_length=MAX_TOKEN)
    new_password: str = Field(default="", max_length=200)
    confirm_password: str = Field(default="", max_length=200)


@get("/account/confirm", include_in_schema=False)
async def confirm_page(token: FromQuery[str] = "") -> Template:
    token = token[:MAX_TOKEN]
    works = await services.link_works(token, LinkPurpose.CONFIRM_EMAIL)
    return Template(CONFIRM_TEMPLATE, context={"token": token, "works": works})


@post("/account/confirm", include_in_schema=False, status_code=303)
async def confirm(data: URLEncodedBody[TokenForm]) -> Redirect | Template:
    return await form_action(
        lambda: services.confirm_email(data.token),
        success="/login?next=/candidate&done=confirmed",
        template=CONFIRM_TEMPLATE,
        context=lambda: {"token": data.token, "works": False},
    )


@get("/password/forgot", include_in_schema=False)
async def forgot_page(done: FromQuery[str] = "") -> Template:
    return Template(FORGOT_TEMPLATE, context={"form": {}, "sent": done == "sent"})


@post("/password/forgot", include_in_schema=False, status_code=303)
async def forgot(request: Request[Any, Any, Any], data: URLEncodedBody[ForgotForm]) -> Redirect | Template:
    # One answer for known and unknown addresses: the page never tells which exist.
    return await form_action(
        lambda: services.request_password_reset(data.email, client_ip(request.scope), current_language.get()),
        success="/password/forgot?done=sent",
        template=FORGOT_TEMPLATE,
        context=lambda: {"form": data.model_dump(), "sent": False},
    )


@get("/password/reset", include_in_schema=False)
async def reset_page(token: FromQuery[str] = "") -> Template:
    token = token[:MAX_TOKEN]
    works = await services.link_works(token, LinkPurpose.RESET_PASSWORD)
    return Template(RESET_TEMPLATE, context={"token": token, "works": works})


@post("/password/reset", include_in_schema=False, status_code=303)
async def reset(data: URLEncodedBody[ResetForm]) -> Redirect | Template:
    return await form_action(
        lambda: services.reset_password(data.token, data.new_password, data.confirm_password),
        success="/login?done=reset",
        template=RESET_TEMPLATE,
        context=lambda: {"token": data.token, "works": True},
    )


ROUTES = [confirm_page, confirm, forgot_page, forgot, reset_page, reset]

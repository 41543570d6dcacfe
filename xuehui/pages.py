"""The page shell: start page, language switch and health check."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from accounts import services as accounts
from accounts.rules import Actor
from xuehui.i18n import normalise_language
from xuehui.inbox_pages import INBOX_ROUTES
from xuehui.web import LANG_COOKIE, cookie_header


class LanguageForm(BaseModel):
    lang: str = "zh"
    next: str = "/"


def safe_next(target: str) -> str:
    """Only same-site paths may be redirect targets (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@get("/", include_in_schema=False, name="home")
async def home(request: Request[Any, Any, Any]) -> Template:
    return Template("home.html")


@post("/lang", include_in_schema=False, status_code=303)
async def switch_language(request: Request[Any, Any, Any], data: URLEncodedBody[LanguageForm]) -> Redirect:
    lang = normalise_language(data.lang)
    actor = request.scope.get("user")
    if isinstance(actor, Actor):  # messages to this user are written in the language they chose
        await accounts.set_language(actor, lang)
    response = Redirect(safe_next(data.next), status_code=303)
    response.headers["set-cookie"] = cookie_header(LANG_COOKIE, lang, max_age=365 * 24 * 3600).decode()
    return response


@get("/health", include_in_schema=False, cache=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


ROUTES = [home, switch_language, health, *INBOX_ROUTES]

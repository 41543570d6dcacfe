"""The inbox page: every message the user was sent (the same ones the mail carried), newest
first, and marking them read."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from accounts.rules import Actor
from xuehui.notify import inbox, mark_read
from xuehui.web import signed_in


@get("/inbox", include_in_schema=False, guards=[signed_in])
async def inbox_page(actor: NamedDependency[Actor]) -> Template:
    return Template("inbox.html", context={"messages": await inbox(actor.user_id)})


@post("/inbox/{message_id:int}/read", include_in_schema=False, status_code=303, guards=[signed_in])
async def read_message(actor: NamedDependency[Actor], message_id: FromPath[int]) -> Redirect:
    await mark_read(actor.user_id, message_id)
    return Redirect(f"/inbox#m{message_id}", status_code=303)


@post("/inbox/read", include_in_schema=False, status_code=303, guards=[signed_in])
async def read_all(actor: NamedDependency[Actor]) -> Redirect:
    await mark_read(actor.user_id)
    return Redirect("/inbox", status_code=303)


INBOX_ROUTES = [inbox_page, read_message, read_all]

"""The one way a page turns a service call into a response: on success a redirect (303) to the
next page (with a flash message the next page shows once), on a refusal the same form again
with the user's input kept and each message beside its field, answered with the refusal's
status. A record that is missing or out of reach is not a
form problem: that refusal propagates to the error page, as it does for the API.

An irreversible step asks once more, without JavaScript (`confirm_first`): the first POST
changes nothing and answers a page that says what will happen, with 确认 (the same POST again,
carrying `confirmed=1`) and 取消 (a link back to the record). Beside it, the refusal every
upload form shares: the workbook it must carry (`uploaded_workbook`)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict

from xuehui.errors import DomainError, Forbidden, InvalidInput, NotFound, Reason, retry_headers
from xuehui.flash import FLASH_COOKIE, encode_flash
from xuehui.templating import errors_by_field
from xuehui.web import CSRF_FIELD, cookie_header

T = TypeVar("T")

# The field (and its value) the confirmation page's 确认 button adds to the repeated POST.
CONFIRMED_FIELD = "confirmed"
CONFIRMED = "1"
CONFIRM_TEMPLATE = "confirm.html"

Context = Mapping[str, Any] | Awaitable[Mapping[str, Any]]


def beside_fields(error: DomainError) -> Mapping[str, Any]:
    """The refusal's messages keyed by field, as `errors` (what the form's fields show)."""
    return {"errors": errors_by_field(error.reasons)}


async def form_action(
    action: Callable[[], Awaitable[T]],
    *,
    success: str | Callable[[T], str],
    template: str,
    context: Callable[[], Context],
    refusal: Callable[[DomainError], Mapping[str, Any]] = beside_fields,
    flash: str = "",
    confirm: Callable[[], Confirming] | None = None,
    request: Request[Any, Any, Any] | None = None,
) -> Redirect | Template:
    """Run `action`; redirect to `success` (or `success(result)`) with `flash` shown once on the
    next page, or re-render `template` with `context()` (the form as the user typed it) and
    `refusal(error)`: by default `errors` keyed by field; a form with its own error slot on a page
    (submit, withdraw) names that slot instead.

    An irreversible step names its `confirm` (and the `request`): a POST without `confirmed=1`
    answers that confirmation page and runs nothing. Building it may refuse the input (an empty
    reason, a bad date), which shows the form again, so the user confirms only what can be done."""
    try:
        if confirm is not None:
            assert request is not None, "a confirmation posts back to the request's address"
            if page := await confirm_first(request, confirm):
                return page
        result = await action()
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        return await refused(error, template=template, context=context, refusal=refusal)
    return redirect_with_flash(success(result) if callable(success) else success, flash)


def redirect_with_flash(target: str, flash: str = "") -> Redirect:
    """A 303 to `target`; with `flash`, the next page shows that message once."""
    headers = {"set-cookie": cookie_header(FLASH_COOKIE, encode_flash(flash)).decode("latin-1")} if flash else None
    return Redirect(target, status_code=303, headers=headers)


async def refused(
    error: DomainError,
    *,
    template: str,
    context: Callable[[], Context],
    refusal: Callable[[DomainError], Mapping[str, Any]] = beside_fields,
) -> Template:
    """The form again after `error`, with the input kept and the messages beside their fields."""
    made = context()
    values = await made if inspect.isawaitable(made) else made
    return Template(
        template,
        context={**values, **refusal(error)},
        status_code=error.status,
        headers=retry_headers(error),
    )


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page of an irreversible step says: what is about to be done
    (`heading`), each consequence in a sentence, where 取消 goes back to (the record), and the
    words on the 确认 button (default 确认)."""

    heading: str
    consequences: Sequence[str]
    cancel: str
    button: str = ""


# What a step's confirmation builder answers; None when this POST needs no question (a draft
# saved by the same form as the final submit).
Confirming = Confirmation | None | Awaitable[Confirmation | None]


async def confirm_first(request: Request[Any, Any, Any], confirmation: Callable[[], Confirming]) -> Template | None:
    """None when the POST carries `confirmed=1` (go on and do it); otherwise the confirmation
    page, which changes nothing and posts the same fields again to the same address."""
    form = await request.form()
    if form.get(CONFIRMED_FIELD) == CONFIRMED:
        return None
    made = confirmation()
    shown = await made if inspect.isawaitable(made) else made
    if shown is None:
        return None
    carried = [
        (key, value)
        for key, value in form.multi_items()
        if key not in (CSRF_FIELD, CONFIRMED_FIELD) and isinstance(value, str)
    ]
    return Template(
        CONFIRM_TEMPLATE,
        context={"confirmation": shown, "action": request.url.path, "carried": carried},
    )


class WorkbookForm(BaseModel):
    """A page form that uploads one workbook (field `file`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    file: UploadFile | None = None


async def uploaded_workbook(form: WorkbookForm) -> bytes:
    """The uploaded bytes, or the refusal beside the file field when none was chosen."""
    if form.file is None:
        raise InvalidInput(Reason("import.file", "请选择要上传的 .xlsx 文件", "choose an .xlsx file to upload", "file"))
    return await form.file.read()


def require_ticked(value: object, code: str, zh: str, en: str) -> None:
    """The older confirmation: unless its box (field `confirm`) was ticked, refuse with the
    message beside the box and do nothing. Steps move to `confirm_first`."""
    if value != "1":
        raise InvalidInput(Reason(code, zh, en, "confirm"))

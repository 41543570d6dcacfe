"""The one way a page turns a service call into a response: on success a redirect (303) to the
next page, on a refusal the same form again with the user's input kept and each message beside
its field, answered with the refusal's status. A record that is missing or out of reach is not a
form problem: that refusal propagates to the error page, as it does for the API.

Beside it, the two refusals every kind of page form shares: the confirmation box of an
irreversible step (`require_ticked`) and the workbook a form must upload (`uploaded_workbook`)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict

from xuehui.errors import DomainError, Forbidden, InvalidInput, NotFound, Reason, retry_headers
from xuehui.templating import errors_by_field

T = TypeVar("T")

# What a ticked confirmation box sends.
TICKED = "1"

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
) -> Redirect | Template:
    """Run `action`; redirect to `success` (or `success(result)`), or re-render `template` with
    `context()` (the form as the user typed it) and `refusal(error)`: by default `errors` keyed by
    field; a form with its own error slot on a page (submit, withdraw) names that slot instead."""
    try:
        result = await action()
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        return await refused(error, template=template, context=context, refusal=refusal)
    return Redirect(success(result) if callable(success) else success, status_code=303)


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


def require_ticked(value: object, code: str, zh: str, en: str) -> None:
    """An irreversible step asks once more without JavaScript: unless its box (field `confirm`)
    was ticked, refuse with the message beside the box and do nothing."""
    if value != TICKED:
        raise InvalidInput(Reason(code, zh, en, "confirm"))


class WorkbookForm(BaseModel):
    """A page form that uploads one workbook (field `file`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    file: UploadFile | None = None


async def uploaded_workbook(form: WorkbookForm) -> bytes:
    """The uploaded bytes, or the refusal beside the file field when none was chosen."""
    if form.file is None:
        raise InvalidInput(Reason("import.file", "请选择要上传的 .xlsx 文件", "choose an .xlsx file to upload", "file"))
    return await form.file.read()

"""The one way a page turns a service call into a response: on success a redirect (303) to the
next page, on a refusal the same form again with the user's input kept and each message beside
its field, answered with the refusal's status. A record that is missing or out of reach is not a
form problem: that refusal propagates to the error page, as it does for the API."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from litestar.response import Redirect, Template

from xuehui.errors import DomainError, Forbidden, NotFound
from xuehui.templating import errors_by_field

T = TypeVar("T")

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
    )

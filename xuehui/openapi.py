"""What the JSON API documents besides its success bodies: how a caller signs in, and the one
error body every refusal uses (`xuehui.app` renders it; `xuehui.errors.Reason` fills it).

Each handler lists the error statuses it really answers with, e.g.
`@get("/{id:int}", responses=errors(401, 403, 404))`; every controller that needs a signed-in
caller declares `security = SIGNED_IN`.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated, Any, TypeAlias

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Components, Example, SecurityRequirement, SecurityScheme
from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel, Field, field_validator

BEARER = "apiToken"
SESSION = "sessionCookie"

# Either credential will do: a personal API token (scripts) or the browser's session cookie.
SIGNED_IN: list[SecurityRequirement] = [{BEARER: []}, {SESSION: []}]

SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        description=(
            "A personal API token (`xh_…`) from the account page or `POST /api/tokens`, sent as "
            "`Authorization: Bearer xh_…`. Requests signed this way need no CSRF token."
        ),
    ),
    SESSION: SecurityScheme(
        type="apiKey",
        name="xh_session",
        security_scheme_in="cookie",
        description=(
            "The browser session cookie set by `POST /login`. State-changing requests must also "
            "send the page's CSRF token in the `x-csrf-token` header."
        ),
    ),
}


def components() -> Components:
    """The OpenAPI components the app declares itself (the schemas come from the handlers)."""
    return Components(security_schemes=dict(SECURITY_SCHEMES))


class ErrorReasonOut(BaseModel):
    """One reason for a refusal: a stable code, the reason in both page languages, and where."""

    code: str = Field(description="Stable machine code, e.g. `not_found`, `auth.required`, `quota.used_up`")
    zh: str = Field(description="The reason in Chinese")
    en: str = Field(description="The reason in English")
    message: str = Field(description="The reason in the caller's language (`xh_lang` cookie; Chinese by default)")
    field: str | None = Field(default=None, description="The input field at fault, when there is one")
    row: int | None = Field(default=None, description="The row of an uploaded sheet at fault")
    column: str | None = Field(default=None, description="The column of an uploaded sheet at fault")


class ErrorOut(BaseModel):
    """Every error answer of the JSON API: the HTTP status again and every reason, never a trace."""

    status: int
    errors: list[ErrorReasonOut]


# What each status means in this API (the response description in the schema).
MEANINGS: Mapping[int, str] = {
    400: "The request does not parse: a path, query or body value has the wrong type or shape.",
    401: "Not signed in: no valid API token or session cookie.",
    403: "Signed in, but this role may not use the operation (or the session's CSRF token is missing).",
    404: "Not found, or not visible to the caller: both give the same answer, so existence is not revealed.",
    409: "The request is valid, but the current state refuses it (a wrong step, a used-up quota, a duplicate).",
    413: "The request body is larger than allowed.",
    422: "The values parse but the rules refuse them; every reason names its field.",
    429: "Too many attempts; wait and try again.",
}

_EXAMPLE_CODES: Mapping[int, tuple[str, str, str]] = {
    400: ("invalid", "字段 body 无效：请求体不是合法的 JSON", "field body is invalid: the body is not valid JSON"),
    401: ("auth.required", "请先登录", "sign in first"),
    403: ("forbidden", "您没有权限访问此页面", "you are not allowed to open this page"),
    404: ("not_found", "记录不存在或无权查看", "record not found or not visible to you"),
    409: ("conflict", "当前状态不允许此操作", "the current state does not allow this"),
    413: ("too_large", "上传内容过大", "the upload is too large"),
    422: ("invalid", "请填写名称", "give a name"),
    429: ("too_many", "尝试次数过多，请稍后再试", "too many attempts, try again later"),
}


def _spec(status: int) -> ResponseSpec:
    code, zh, en = _EXAMPLE_CODES[status]
    return ResponseSpec(
        data_container=ErrorOut,
        generate_examples=False,
        description=MEANINGS[status],
        examples=[
            Example(
                summary=HTTPStatus(status).phrase,
                value={"status": status, "errors": [{"code": code, "zh": zh, "en": en, "message": zh}]},
            )
        ],
    )


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error answers of one operation. 400 is always included: any operation
    with a parameter or a body can fail to parse, and Litestar's own 400 entry describes a body
    this app never sends."""
    return {status: _spec(status) for status in sorted({400, *statuses})}


# Record ids are PostgreSQL `serial` columns (int4). A larger number in a path can name no record;
# refused with 400 as malformed before any query runs (SQLite would raise OverflowError).
MAX_ROW_ID = 2_147_483_647

RowId: TypeAlias = Annotated[int, PathParameter(ge=1, le=MAX_ROW_ID, description="A record id")]
"""A path parameter naming one record."""

RecordId: TypeAlias = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A field of a request body naming one record (same range as `RowId`)."""


NO_NUL = r"^[^\x00]*$"
"""Pattern for free-text query and path parameters: anything but the NUL character."""


QueryText: TypeAlias = Annotated[str, QueryParameter(max_length=200, pattern=NO_NUL)]
"""A free-text query parameter (a filter): at most 200 characters, no NUL."""

PathText: TypeAlias = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=NO_NUL)]
"""A free-text path parameter (a certificate number): at most 100 characters, no NUL."""


def has_nul(value: object) -> bool:
    """True when a string anywhere in `value` (keys included) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


class Input(BaseModel):
    """Base of every request body model. Text never carries a NUL character: PostgreSQL cannot
    store one (SQLite would), so both databases refuse it alike, as a malformed request (400)."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("文本不能包含空字符（NUL）; text must not contain a NUL character")
        return value

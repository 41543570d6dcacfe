"""JSON bodies nested beyond a sane depth are refused before anything parses them.

A body of 5,000 nested brackets made the decoder or the validator recurse until Python gave
up (`RecursionError`, a 500). The depth is measured on the raw bytes: strings taken out and
everything but brackets dropped by the regular-expression engine, then the running depth summed
by C-level iterators, so even a body at the size limit costs some tens of milliseconds.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from litestar import Request

from xuehui.errors import DomainError, Reason

MAX_JSON_DEPTH = 64  # our deepest schema nests 4; 64 leaves room and stays far from recursion limits
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = tuple(1 if chr(b) in "[{" else -1 if chr(b) in "]}" else 0 for b in range(256))
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

TOO_DEEP = Reason(
    "json_too_deep",
    f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）",
    f"the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
    "body",
)


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the brackets of `body` nest deeper than `limit` (text in strings not counted)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


async def refuse_deep_json(request: Request[Any, Any, Any]) -> None:
    """Refuse a request body that is not a form and nests deeper than MAX_JSON_DEPTH."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("content-type", "").lower().startswith(FORM_TYPES):
        return
    if too_deep(await request.body()):
        raise DomainError(TOO_DEEP)  # 400: the body is malformed for us

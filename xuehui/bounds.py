"""Whole numbers from a URL stay within what the database holds.

An id of 2^63 in a path, or a `?year=` of thirty digits, used to reach the database driver and
come back as a 500 (`OverflowError` on SQLite, a `DataError` on PostgreSQL). Every integer path
parameter and every integer query parameter of every route is checked here, once, before the
handler's arguments are read: out of range, a path id answers 404 (no such page, as for any
missing id) and a query parameter 400 with the reason beside it.

The range is the signed 32-bit one of PostgreSQL's INTEGER/SERIAL, the narrowest integer
column either database has (SQLite's is 64-bit); one range on both engines, so an answer never
depends on the engine.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from litestar import Request
from litestar.constants import RESERVED_KWARGS
from litestar.enums import ParamType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.typing import FieldDefinition

DB_INT_MIN = -(2**31)
DB_INT_MAX = 2**31 - 1
_PATH_PARAM = re.compile(r"\{(\w+):")


def in_range(value: int) -> bool:
    return DB_INT_MIN <= value <= DB_INT_MAX


def _holds_int(field: FieldDefinition) -> bool:
    """An int, an optional int or a list of them (not a bool, which is an int to Python)."""
    return field.annotation is int or any(_holds_int(inner) for inner in field.inner_types)


@functools.lru_cache(maxsize=4096)
def int_query_keys(handler: HTTPRouteHandler) -> frozenset[str]:
    """The query keys that a route handler reads as whole numbers."""
    path_names = {name for path in handler.paths for name in _PATH_PARAM.findall(path)}
    skipped = {*RESERVED_KWARGS, *path_names, *handler.resolve_dependencies()}
    keys = set()
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if name in skipped or (kwarg is not None and not isinstance(kwarg, ParameterKwarg)):
            continue
        if isinstance(kwarg, ParameterKwarg) and kwarg.param_type is not ParamType.QUERY:
            continue
        if _holds_int(field):
            keys.add((kwarg.query or kwarg.name or name) if isinstance(kwarg, ParameterKwarg) else name)
    return frozenset(keys)


def _as_int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None  # not a number at all: the handler's own validation says so


def check_url_numbers(request: Request[Any, Any, Any]) -> None:
    """Refuse a request whose URL carries a whole number outside the database's range."""
    if any(type(value) is int and not in_range(value) for value in request.path_params.values()):
        raise NotFoundException()
    for key in sorted(int_query_keys(request.route_handler)):
        for raw in request.query_params.getall(key, []):
            value = _as_int(str(raw))
            if value is None or in_range(value):
                continue
            message = (
                f"Input should be less than or equal to {DB_INT_MAX}"
                if value > DB_INT_MAX
                else f"Input should be greater than or equal to {DB_INT_MIN}"
            )
            raise ValidationException(extra=[{"key": key, "message": message, "source": "query"}])

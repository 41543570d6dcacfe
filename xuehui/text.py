"""One rule for the text people type: how long it may be and which characters it may hold.

- A *line* (a name, a title, a unit, a code) holds no control character at all: no NUL, no
  escape sequence, no tab, CR or LF. Names are at most `NAME_MAX` (100) characters.
- *Free text* (a summary, a reason, minutes) may span lines: LF, CR and tab are allowed, every
  other control character (C0, DEL, C1) is refused. Free text is at most `FREE_TEXT_MAX`
  characters unless its schema allows a longer document (a 20,000-character report).
- Both refuse the bidirectional embedding, override and isolate controls (U+202A-U+202E,
  U+2066-U+2069): they make a name display differently from what it is ("Trojan Source",
  CVE-2021-42574), e.g. "exe.txt" shown as "txt.exe" or a reviewer list reordered on screen.
  A line also refuses the Unicode line and paragraph separators (U+2028, U+2029).

Lengths are declared in the pydantic schemas (`max_length`); a schema field whose limit exceeds
`LINE_MAX` is free text, every other string field is a line. `check_model` applies the
character rules to every string of a model, nested models and lists included, and names each
offending field by its path (`body.contributors.0.name`), as the validation errors do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from xuehui.errors import InvalidInput, Reason

NAME_MAX = 100
LINE_MAX = 500
FREE_TEXT_MAX = 5000

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\u2028\u2029")
_FREE_TEXT_ALLOWED = frozenset("\n\r\t")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def text_problem(value: str, field: str, *, multiline: bool = False, max_length: int | None = None) -> Reason | None:
    """Why this text may not be stored (the first bad character or its length), or None."""
    for ch in value:
        if ch in _BIDI_CONTROLS:
            return Reason(
                "text.bidi_control",
                f"含有不允许的文字方向控制字符（U+{ord(ch):04X}），请删除后重试",
                f"contains a text-direction control character (U+{ord(ch):04X}) that is not allowed; remove it",
                field,
            )
        if _is_control(ch) and not (multiline and ch in _FREE_TEXT_ALLOWED):
            zh_where, en_where = ("", "") if multiline else ("（此处只能填写一行）", " (this field is one line)")
            return Reason(
                "text.control_character",
                f"含有不允许的控制字符（U+{ord(ch):04X}）{zh_where}，请删除后重试",
                f"contains a control character (U+{ord(ch):04X}) that is not allowed{en_where}; remove it",
                field,
            )
        if not multiline and ch in _LINE_BREAKS:
            return Reason(
                "text.control_character",
                f"含有换行符（U+{ord(ch):04X}）（此处只能填写一行），请删除后重试",
                f"contains a line break (U+{ord(ch):04X}) (this field is one line); remove it",
                field,
            )
    if max_length is not None and len(value) > max_length:
        return Reason(
            "text.too_long",
            f"内容过长（{len(value)}字），上限为{max_length}字",
            f"is too long ({len(value)} characters); the limit is {max_length}",
            field,
        )
    return None


def line_problems(values: Mapping[str, str], max_length: int = NAME_MAX) -> list[Reason]:
    """The problems of several one-line fields given by name (for services without a schema)."""
    found = (text_problem(value, field, max_length=max_length) for field, value in values.items())
    return [r for r in found if r is not None]


def free_text_problems(values: Mapping[str, str], max_length: int = FREE_TEXT_MAX) -> list[Reason]:
    """The problems of several free-text fields given by name."""
    found = (text_problem(v, field, multiline=True, max_length=max_length) for field, v in values.items())
    return [r for r in found if r is not None]


def _max_length(model: BaseModel, name: str) -> int | None:
    info = type(model).model_fields.get(name)
    if info is None:
        return None
    for item in info.metadata:
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def check_model(model: BaseModel, prefix: str = "") -> list[Reason]:
    """The character problems of every string in a model (nested models and lists included)."""
    problems: list[Reason] = []
    for name in type(model).model_fields:
        limit = _max_length(model, name)
        multiline = limit is not None and limit > LINE_MAX
        problems += _check_value(getattr(model, name), f"{prefix}{name}", multiline)
    return problems


def _check_value(value: Any, path: str, multiline: bool) -> list[Reason]:
    if isinstance(value, str):
        problem = text_problem(value, path, multiline=multiline)
        return [problem] if problem else []
    if isinstance(value, BaseModel):
        return check_model(value, f"{path}.")
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _check_value(item, f"{path}.{i}", False)]
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in _check_value(item, f"{path}.{key}", multiline)]
    return []


def require_clean(*models: BaseModel, extra: Iterable[Reason] = ()) -> None:
    """Raise `InvalidInput` naming every field whose text breaks the rules (plus `extra` problems)."""
    problems = [p for model in models for p in check_model(model)]
    problems += list(extra)
    if problems:
        raise InvalidInput(problems)

"""Domain errors and the bilingual reasons they carry.

Every refusal in Xuehui says *why* with a machine code and a human reason in both page
languages, and where (the field, or the row and column of an upload). Rules return
`Reason` values; services raise `DomainError` subclasses that carry them; the app maps
each subclass to one HTTP status in one place (`xuehui.app`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was refused: a stable code plus the reason in Chinese and English."""

    code: str
    zh: str
    en: str
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        data: dict[str, object] = {"code": self.code, "zh": self.zh, "en": self.en}
        if lang is not None:
            data["message"] = self.text(lang)
        for key in ("field", "row", "column"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


class DomainError(Exception):
    """Base of every expected refusal. `status` is the HTTP status the app answers with."""

    status: int = 400

    def __init__(self, reasons: Reason | Iterable[Reason]) -> None:
        self.reasons = [reasons] if isinstance(reasons, Reason) else list(reasons)
        super().__init__("; ".join(r.code for r in self.reasons))

    def __reduce__(self) -> tuple[type[DomainError], tuple[list[Reason]]]:
        # Rebuilt from its reasons, so an error crosses a process boundary (a job worker) intact.
        return (type(self), (self.reasons,))


class InvalidInput(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The request is valid but the state of the world refuses it (a used-up quota, a wrong state)."""

    status = 409


class TooManyRequests(DomainError):
    """Refused for now; `retry_after` seconds (when known) go out as the Retry-After header."""

    status = 429

    def __init__(self, reasons: Reason | Iterable[Reason], retry_after: int | None = None) -> None:
        super().__init__(reasons)
        self.retry_after = retry_after


def retry_headers(error: DomainError) -> dict[str, str]:
    """The Retry-After header of a refusal that says when to try again."""
    seconds = getattr(error, "retry_after", None)
    return {"Retry-After": str(seconds)} if seconds else {}


def not_found(what_zh: str, what_en: str, code: str = "not_found") -> NotFound:
    """The one answer for a record that is missing or out of the actor's reach: the two must
    not be told apart, or an id would tell a society that another's record exists."""
    return NotFound(Reason(code, f"{what_zh}不存在或无权查看", f"{what_en} not found or not visible to you"))

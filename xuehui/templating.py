"""Jinja set-up shared by all pages: translations, the CSRF field, formatting helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from jinja2 import Environment

from accounts.rules import ROLE_NAMES
from xuehui import idcard
from xuehui.clock import CHINA
from xuehui.errors import Reason
from xuehui.i18n import current_language, gettext, ngettext, pick
from xuehui.vocabulary import label_by_topic
from xuehui.web import csrf_input


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def format_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value)


def format_filesize(size: int | None) -> str:
    """A file's size as people read it: bytes, KB or MB."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def role_name(role: str) -> str:
    zh, en = ROLE_NAMES.get(role, (role, role))
    return pick(zh, en)


def reason_text(reason: Reason) -> str:
    return reason.text(current_language.get())


def errors_by_field(reasons: Iterable[Reason] | None) -> dict[str, list[str]]:
    """Group refusal texts by form field; reasons without a field go under ''."""
    grouped: dict[str, list[str]] = {}
    for reason in reasons or ():
        key = reason.field or ""
        where = ""
        if reason.row is not None:
            where = gettext("Row %(row)s", row=reason.row) + (f" {reason.column}" if reason.column else "") + ": "
        grouped.setdefault(key, []).append(where + reason_text(reason))
    return grouped


def configure_environment(engine: Any) -> None:
    env: Environment = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        csrf_field=csrf_input,
        label_by_topic=label_by_topic,
        pick=pick,
        role_name=role_name,
        reason_text=reason_text,
        errors_by_field=errors_by_field,
        lang=lambda: current_language.get(),
    )
    env.filters.update(
        datetime=format_datetime, date=format_date, number=format_number, filesize=format_filesize, masked=idcard.mask
    )
    env.policies["ext.i18n.trimmed"] = True

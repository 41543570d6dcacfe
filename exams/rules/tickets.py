"""Admission-ticket numbers (准考证号) from a small, safe template language.

A template is literal characters (letters and digits) and fields in braces, for example
``"{year}{plan}{site:02}{room:03}{seat:02}"``. Fields: ``year``, ``plan``, ``site``, ``room``,
``seat``; ``:0N`` pads with zeros to N characters and refuses a value that does not fit. Nothing
else is accepted (no attribute access, no format mini-language), so a template typed by an
administrator cannot reach into Python objects the way ``str.format`` could. A template must
contain ``site``, ``room`` and ``seat`` so that numbers are unique within a plan; tickets are
generated after seating and re-issued when a candidate moves (the seat is part of the number).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from exams.rules.seating import SeatAssignment
from xuehui.errors import Reason

TICKET_FIELDS = ("year", "plan", "site", "room", "seat")
_UNIQUE_FIELDS = ("site", "room", "seat")
_TOKEN = re.compile(r"\{([a-z]+)(?::0([1-9][0-9]?))?\}|([A-Za-z0-9]+)|(.)", re.DOTALL)
_VALUE = re.compile(r"[A-Za-z0-9]+")
MAX_TICKET_LENGTH = 32


@dataclass(frozen=True, slots=True)
class TicketField:
    name: str
    width: int | None


@dataclass(frozen=True, slots=True)
class TicketTemplate:
    source: str
    parts: tuple[str | TicketField, ...]


def parse_template(source: str) -> TicketTemplate | Reason:
    """Parse and validate a template; return it or the reason it is refused."""
    parts: list[str | TicketField] = []
    for match in _TOKEN.finditer(source):
        name, width, literal, other = match.groups()
        if other is not None:
            return _template_error(f"不允许的字符“{other}”", f"character {other!r} is not allowed")
        if literal is not None:
            parts.append(literal)
        elif name not in TICKET_FIELDS:
            return _template_error(f"未知字段{{{name}}}", f"unknown field {{{name}}}")
        else:
            parts.append(TicketField(name, int(width) if width else None))
    names = [p.name for p in parts if isinstance(p, TicketField)]
    missing = [f for f in _UNIQUE_FIELDS if f not in names]
    if missing:
        return _template_error(
            f"模板须包含{{site}}、{{room}}和{{seat}}以保证准考证号唯一，缺少{missing}",
            f"the template needs {{site}}, {{room}} and {{seat}} so numbers are unique; missing {missing}",
        )
    if len(names) != len(set(names)):
        return _template_error("字段重复", "a field appears twice")
    if any(isinstance(p, TicketField) and p.name in _UNIQUE_FIELDS and not p.width for p in parts):
        # Without a fixed width, site 1 room 11 and site 11 room 1 could both read "111".
        return _template_error(
            "{site}、{room}、{seat}须指定宽度，如{room:03}", "{site}, {room} and {seat} need a width, e.g. {room:03}"
        )
    return TicketTemplate(source, tuple(parts))


def _template_error(zh: str, en: str) -> Reason:
    return Reason("ticket.template", f"准考证号模板无效：{zh}", f"invalid ticket template: {en}", "ticket_template")


def render(template: TicketTemplate, values: Mapping[str, str | int]) -> str | Reason:
    """One ticket number, or the reason a value does not fit its field."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        text = str(values[part.name])
        if not _VALUE.fullmatch(text):
            return Reason(
                "ticket.value",
                f"字段{part.name}的值“{text}”只能含字母和数字",
                f"the value {text!r} of {part.name} may hold only letters and digits",
                part.name,
            )
        if part.width is not None:
            if len(text) > part.width:
                return Reason(
                    "ticket.overflow",
                    f"字段{part.name}的值{text}超过{part.width}位",
                    f"the value {text} of {part.name} is longer than {part.width} characters",
                    part.name,
                )
            text = text.rjust(part.width, "0")
        out.append(text)
    number = "".join(out)
    if len(number) > MAX_TICKET_LENGTH:
        return Reason("ticket.too_long", "准考证号过长", f"the ticket number exceeds {MAX_TICKET_LENGTH} characters")
    return number


def ticket_number(template: TicketTemplate, year: int, plan: str, seat: SeatAssignment) -> str | Reason:
    """The ticket for one seat (also how a moved candidate's ticket is re-issued)."""
    return render(
        template, {"year": year, "plan": plan, "site": seat.site_code, "room": seat.room_no, "seat": seat.seat_no}
    )


def issue_tickets(
    template: TicketTemplate,
    year: int,
    plan: str,
    seats: Iterable[SeatAssignment],
    existing: Mapping[str, str] | None = None,
) -> dict[str, str] | list[Reason]:
    """candidate_id -> ticket for every seat, or every problem (overflow, duplicate numbers).

    `existing` (candidate_id -> ticket) holds tickets already issued to *other* candidates, so a
    re-issue after a move cannot collide with one of them.
    """
    tickets: dict[str, str] = {}
    owners: dict[str, str] = {t: c for c, t in (existing or {}).items()}
    problems: list[Reason] = []
    for seat in seats:
        number = ticket_number(template, year, plan, seat)
        if isinstance(number, Reason):
            problems.append(number)
            continue
        owner = owners.get(number)
        if owner is not None and owner != seat.candidate_id:
            problems.append(
                Reason(
                    "ticket.duplicate",
                    f"准考证号{number}重复（已属于{owner}）",
                    f"ticket number {number} is already issued to {owner}",
                    "ticket_no",
                )
            )
            continue
        owners[number] = seat.candidate_id
        tickets[seat.candidate_id] = number
    return problems or tickets


def ticket_check_code(secret: str, ticket_no: str) -> str:
    """The code printed into a ticket's QR link: an HMAC of the ticket number under the site's
    secret, so the public check page answers only for a ticket somebody holds (numbers follow a
    template and could be guessed)."""
    digest = hmac.new(secret.encode(), f"exam-ticket:{ticket_no}".encode(), hashlib.sha256).hexdigest()
    return digest[:20]


def ticket_code_matches(secret: str, ticket_no: str, code: str) -> bool:
    return hmac.compare_digest(ticket_check_code(secret, ticket_no), code.strip().lower())


def ticket_check_url(base_url: str, secret: str, ticket_no: str) -> str:
    """The absolute URL the ticket's QR code encodes: the door staff's check page."""
    return f"{base_url.rstrip('/')}/public/tickets/{ticket_no}?code={ticket_check_code(secret, ticket_no)}"

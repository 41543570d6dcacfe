"""Ticket numbers: a small safe template language, overflow and uniqueness, re-issue after a move."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exams.rules.seating import SeatAssignment
from exams.rules.tickets import TicketField, TicketTemplate, issue_tickets, parse_template, ticket_number
from xuehui.errors import Reason

TEMPLATE = "{year}{plan}{site:02}{room:03}{seat:02}"


def template(source: str = TEMPLATE) -> TicketTemplate:
    parsed = parse_template(source)
    assert isinstance(parsed, TicketTemplate)
    return parsed


def seat(candidate: str, site: str = "3", room: int = 12, seat_no: int = 7) -> SeatAssignment:
    return SeatAssignment(candidate, site, room, seat_no, 1, seat_no, "A", None)


def test_the_example_template_renders_fixed_width_numbers() -> None:
    assert template().parts == (
        TicketField("year", None),
        TicketField("plan", None),
        TicketField("site", 2),
        TicketField("room", 3),
        TicketField("seat", 2),
    )
    assert ticket_number(template(), 2026, "JL", seat("c1")) == "2026JL0301207"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("{year}{site:02}{room:03}", "missing ['seat']"),
        ("{site:02}{room:03}{seat:02}{name}", "unknown field {name}"),
        ("{site.__class__}{room:03}{seat:02}", "is not allowed"),
        ("{site:02}-{room:03}{seat:02}", "character '-' is not allowed"),
        ("{site:2}{room:03}{seat:02}", "is not allowed"),
        ("{site}{room:03}{seat:02}", "need a width"),
        ("{site:02}{room:03}{seat:02}{seat:02}", "appears twice"),
        ("{0}{site:02}{room:03}{seat:02}", "is not allowed"),
    ],
)
def test_bad_templates_are_refused_with_a_reason(source: str, fragment: str) -> None:
    reason = parse_template(source)
    assert isinstance(reason, Reason)
    assert reason.code == "ticket.template"
    assert fragment in reason.en


def test_a_value_wider_than_its_field_is_refused() -> None:
    reason = ticket_number(template(), 2026, "JL", seat("c1", seat_no=100))
    assert isinstance(reason, Reason)
    assert (reason.code, reason.field) == ("ticket.overflow", "seat")


def test_a_value_with_other_characters_is_refused() -> None:
    reason = ticket_number(template(), 2026, "J-L", seat("c1"))
    assert isinstance(reason, Reason)
    assert reason.code == "ticket.value"


def test_issue_and_reissue_after_a_move() -> None:
    seats = [seat("c1", seat_no=1), seat("c2", seat_no=2)]
    issued = issue_tickets(template(), 2026, "JL", seats)
    assert issued == {"c1": "2026JL0301201", "c2": "2026JL0301202"}
    assert isinstance(issued, dict)
    moved = issue_tickets(template(), 2026, "JL", [seat("c2", room=13, seat_no=5)], existing={"c1": issued["c1"]})
    assert moved == {"c2": "2026JL0301305"}
    clash = issue_tickets(template(), 2026, "JL", [seat("c2", seat_no=1)], existing={"c1": issued["c1"]})
    assert isinstance(clash, list)
    assert [r.code for r in clash] == ["ticket.duplicate"]


@given(st.sets(st.tuples(st.integers(0, 99), st.integers(0, 999), st.integers(1, 99)), max_size=200))
def test_distinct_seats_give_distinct_tickets(places: set[tuple[int, int, int]]) -> None:
    seats = [seat(f"c{i}", str(s), r, n) for i, (s, r, n) in enumerate(sorted(places))]
    issued = issue_tickets(template(), 2026, "P1", seats)
    assert isinstance(issued, dict)
    assert len(set(issued.values())) == len(seats)

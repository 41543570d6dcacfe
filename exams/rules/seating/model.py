"""The seating model: rooms, candidates, the policy, seats and the plan they make up.

Seat numbers run left to right, front to back (1 is front-left); see `exams.rules.seating`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from xuehui.errors import Reason

RoomKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Room:
    site_code: str
    room_no: int
    rows: int
    columns: int
    spare_seats: int = 0
    subject_group: str | None = None  # the only group allowed here, or None for any

    def __post_init__(self) -> None:
        if self.rows < 1 or self.columns < 1 or not 0 <= self.spare_seats < self.rows * self.columns:
            raise ValueError(f"room {self.key}: need rows, columns >= 1 and 0 <= spare seats < desks")

    @property
    def key(self) -> RoomKey:
        return (self.site_code, self.room_no)

    @property
    def desks(self) -> int:
        return self.rows * self.columns

    @property
    def capacity(self) -> int:
        return self.desks - self.spare_seats


@dataclass(frozen=True, slots=True)
class SeatingCandidate:
    candidate_id: str
    subject_group: str
    employer: str | None = None
    approved: bool = True
    paid: bool = True


@dataclass(frozen=True, slots=True)
class SeatingPolicy:
    seed: int
    separate_employers: bool = True
    one_group_per_room: bool = True


@dataclass(frozen=True, slots=True)
class SeatAssignment:
    candidate_id: str
    site_code: str
    room_no: int
    seat_no: int  # 1-based, left to right, front to back
    row: int  # 1-based from the front
    column: int  # 1-based from the left
    subject_group: str
    employer: str | None

    @property
    def room_key(self) -> RoomKey:
        return (self.site_code, self.room_no)


@dataclass(frozen=True, slots=True)
class Unseated:
    candidate_id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class NeighbourConflict:
    """Two candidates of one employer seated side by side or front to back."""

    site_code: str
    room_no: int
    seat_a: int
    seat_b: int
    employer: str


@dataclass(frozen=True, slots=True)
class SeatingPlan:
    seed: int
    assignments: tuple[SeatAssignment, ...]
    unseated: tuple[Unseated, ...]
    conflicts: tuple[NeighbourConflict, ...]

    def by_candidate(self) -> dict[str, SeatAssignment]:
        return {a.candidate_id: a for a in self.assignments}


def new_seed() -> int:
    """An unpredictable seed to record with the plan: nobody can know the layout before it is drawn."""
    return secrets.randbits(63)


def not_admitted(c: SeatingCandidate) -> Reason:
    if not c.approved:
        return Reason("seating.not_approved", "报名未通过审核，不安排座位", "registration not approved; no seat")
    return Reason("seating.not_paid", "未缴费，不安排座位", "fee not paid; no seat")


def no_room(group: str) -> Reason:
    return Reason(
        "seating.capacity",
        f"考场座位不足：科目组{group}的考生无座可排，请增加考场",
        f"not enough seats: no room left for subject group {group}; add rooms",
    )


def seat_at(room: Room, position: int, c: SeatingCandidate) -> SeatAssignment:
    row, col = divmod(position, room.columns)
    return SeatAssignment(
        c.candidate_id, room.site_code, room.room_no, position + 1, row + 1, col + 1, c.subject_group, c.employer
    )

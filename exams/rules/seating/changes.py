"""Changes after the allocation: late registrants on free seats, one candidate moved by hand."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace

from exams.rules.seating.arrange import find_conflicts
from exams.rules.seating.model import (
    Room,
    RoomKey,
    SeatAssignment,
    SeatingCandidate,
    SeatingPlan,
    SeatingPolicy,
    Unseated,
    no_room,
    not_admitted,
    seat_at,
)
from xuehui.errors import Reason


def _neighbour_seats(room: Room, seat_no: int) -> list[int]:
    p = seat_no - 1
    out = []
    if p % room.columns:
        out.append(seat_no - 1)
    if (p + 1) % room.columns:
        out.append(seat_no + 1)
    if p >= room.columns:
        out.append(seat_no - room.columns)
    if p + room.columns < room.desks:
        out.append(seat_no + room.columns)
    return out


def seat_late_registrants(
    plan: SeatingPlan, rooms: Iterable[Room], late: Iterable[SeatingCandidate], policy: SeatingPolicy
) -> SeatingPlan:
    """Put late registrants on free (non-spare) seats without moving anyone already seated.

    Rooms are tried in order; within a room a random free seat without a colleague next to it is
    preferred, then any free seat (the clash is then reported). The new ``policy.seed`` is recorded.
    """
    room_list = sorted(rooms, key=lambda r: r.key)
    rng = random.Random(policy.seed)  # noqa: S311  replayable on purpose; seed from `new_seed`
    seated_ids = {a.candidate_id for a in plan.assignments}
    occupied: dict[RoomKey, dict[int, SeatAssignment]] = defaultdict(dict)
    for a in plan.assignments:
        occupied[a.room_key][a.seat_no] = a
    groups_in = {k: {a.subject_group for a in seats.values()} for k, seats in occupied.items()}
    new: list[SeatAssignment] = []
    unseated = list(plan.unseated)
    admitted = []
    for c in sorted(late, key=lambda c: c.candidate_id):
        if c.candidate_id in seated_ids:
            continue
        if c.approved and c.paid:
            admitted.append(c)
        else:
            unseated.append(Unseated(c.candidate_id, not_admitted(c)))
    rng.shuffle(admitted)
    for c in admitted:
        placed = _place_one(c, room_list, occupied, groups_in, policy, rng)
        if placed is None:
            unseated.append(Unseated(c.candidate_id, no_room(c.subject_group)))
            continue
        new.append(placed)
        occupied[placed.room_key][placed.seat_no] = placed
        groups_in.setdefault(placed.room_key, set()).add(c.subject_group)
    late_ids = {a.candidate_id for a in new}
    unseated = [u for u in unseated if u.candidate_id not in late_ids]
    assignments = (*plan.assignments, *new)
    return SeatingPlan(policy.seed, assignments, tuple(unseated), find_conflicts(assignments, room_list))


def _place_one(
    c: SeatingCandidate,
    rooms: list[Room],
    occupied: dict[RoomKey, dict[int, SeatAssignment]],
    groups_in: dict[RoomKey, set[str]],
    policy: SeatingPolicy,
    rng: random.Random,
) -> SeatAssignment | None:
    fallback: tuple[Room, int] | None = None
    for room in rooms:
        if room.subject_group is not None and room.subject_group != c.subject_group:
            continue
        present = groups_in.get(room.key, set())
        if policy.one_group_per_room and present and present != {c.subject_group}:
            continue
        taken = occupied.get(room.key, {})
        if len(taken) >= room.capacity:
            continue
        free = [s for s in range(1, room.capacity + 1) if s not in taken]
        rng.shuffle(free)
        for seat in free:
            clash = c.employer is not None and any(
                (n := taken.get(s)) is not None and n.employer == c.employer for s in _neighbour_seats(room, seat)
            )
            if not (clash and policy.separate_employers):
                return seat_at(room, seat - 1, c)
        if fallback is None:
            fallback = (room, free[0])
    if fallback is None:
        return None
    return seat_at(fallback[0], fallback[1] - 1, c)


def move_candidate(
    plan: SeatingPlan, rooms: Iterable[Room], candidate_id: str, site_code: str, room_no: int, seat_no: int
) -> SeatingPlan | Reason:
    """Move one seated candidate to a free seat (spare seats allowed: that is what they are for).

    Nobody else moves. A clash with a colleague is allowed but shows in `conflicts`. The caller
    re-issues the moved candidate's ticket (`exams.rules.tickets.ticket_number`).
    """
    room_list = list(rooms)
    room = next((r for r in room_list if r.key == (site_code, room_no)), None)
    current = plan.by_candidate().get(candidate_id)
    if current is None:
        return Reason("seating.not_seated", "该考生尚未安排座位", "this candidate has no seat yet", "candidate_id")
    if room is None or not 1 <= seat_no <= room.desks:
        return Reason("seating.no_such_seat", "目标座位不存在", "the target seat does not exist", "seat_no")
    if room.subject_group is not None and room.subject_group != current.subject_group:
        return Reason(
            "seating.wrong_group",
            f"该考场只安排科目组{room.subject_group}的考生",
            f"this room is reserved for subject group {room.subject_group}",
            "room_no",
        )
    others = [a for a in plan.assignments if a.candidate_id != candidate_id]
    if any(a.room_key == room.key and a.seat_no == seat_no for a in others):
        return Reason("seating.seat_taken", "目标座位已有考生", "the target seat is taken", "seat_no")
    moved = seat_at(room, seat_no - 1, _as_candidate(current))
    assignments = tuple(moved if a.candidate_id == candidate_id else a for a in plan.assignments)
    return replace(plan, assignments=assignments, conflicts=find_conflicts(assignments, room_list))


def _as_candidate(a: SeatAssignment) -> SeatingCandidate:
    return SeatingCandidate(a.candidate_id, a.subject_group, a.employer)


def room_occupancy(plan: SeatingPlan) -> dict[RoomKey, int]:
    """How many candidates sit in each room (for the room list and capacity checks)."""
    return dict(Counter(a.room_key for a in plan.assignments))

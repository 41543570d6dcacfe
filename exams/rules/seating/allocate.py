"""The whole allocation: deal the admitted candidates to rooms, then arrange each room."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable

from exams.rules.seating.arrange import arrange, find_conflicts
from exams.rules.seating.model import (
    Room,
    SeatAssignment,
    SeatingCandidate,
    SeatingPlan,
    SeatingPolicy,
    Unseated,
    no_room,
    not_admitted,
    seat_at,
)

Lots = list[tuple[Room, list[SeatingCandidate]]]


def _room_lots(
    admitted: list[SeatingCandidate], rooms: list[Room], policy: SeatingPolicy
) -> tuple[Lots, list[SeatingCandidate]]:
    """Hand candidates (already in random order) to rooms; return the lots and those left over.

    Each group takes its fixed rooms, then as few free rooms (in room order) as it needs."""
    by_group: dict[str, list[SeatingCandidate]] = defaultdict(list)
    for c in admitted:
        by_group[c.subject_group if policy.one_group_per_room else ""].append(c)
    fixed_for: dict[str, list[Room]] = defaultdict(list)
    free: list[Room] = []
    for room in rooms:
        (fixed_for[room.subject_group] if room.subject_group is not None else free).append(room)
    lots: Lots = []
    left_over: list[SeatingCandidate] = []
    free_iter = iter(free)
    if not policy.one_group_per_room:
        # Rooms fixed to a group take that group first; everyone else shares the free rooms.
        queue = by_group.pop("", [])
        for group in sorted(fixed_for):
            mine = [c for c in queue if c.subject_group == group]
            capacity = sum(r.capacity for r in fixed_for[group])
            _deal(mine[:capacity], fixed_for[group], lots)
            taken = {c.candidate_id for c in mine[:capacity]}
            queue = [c for c in queue if c.candidate_id not in taken]
        by_group = {"": queue}
        fixed_for.clear()
    for group in sorted(by_group):
        queue = by_group[group]
        chosen = list(fixed_for.get(group, []))
        capacity = sum(r.capacity for r in chosen)
        while capacity < len(queue) and (free_room := next(free_iter, None)) is not None:
            chosen.append(free_room)
            capacity += free_room.capacity
        _deal(queue[:capacity], chosen, lots)
        left_over.extend(queue[capacity:])
    return lots, left_over


def _deal(queue: list[SeatingCandidate], rooms: list[Room], lots: Lots) -> None:
    """Deal candidates round-robin over the rooms, largest employer first, so every employer is spread
    evenly: a room where half the seats go to one employer cannot be separated at all."""
    if not queue:
        return
    by_employer: dict[str | None, list[SeatingCandidate]] = defaultdict(list)
    for c in queue:
        by_employer[c.employer].append(c)
    # Stable sort: equal-sized employers keep their (seeded random) first-appearance order.
    order = sorted(by_employer, key=lambda e: (e is None, -len(by_employer[e])))
    members: list[list[SeatingCandidate]] = [[] for _ in rooms]
    active = [i for i, r in enumerate(rooms) if r.capacity > 0]
    turn = 0
    for c in (c for e in order for c in by_employer[e]):
        turn %= len(active)
        index = active[turn]
        members[index].append(c)
        if len(members[index]) == rooms[index].capacity:
            active.pop(turn)  # `turn` now points at the next room
        else:
            turn += 1
    lots.extend((room, mine) for room, mine in zip(rooms, members, strict=True) if mine)


def allocate_seats(candidates: Iterable[SeatingCandidate], rooms: Iterable[Room], policy: SeatingPolicy) -> SeatingPlan:
    """Seat every approved, paid candidate; list everyone else in `unseated` with the reason."""
    room_list = sorted(rooms, key=lambda r: r.key)
    if len({r.key for r in room_list}) != len(room_list):
        raise ValueError("two rooms share a site code and room number")
    rng = random.Random(policy.seed)  # noqa: S311  replayable on purpose; seed from `new_seed`
    unseated: list[Unseated] = []
    admitted: list[SeatingCandidate] = []
    for c in sorted(candidates, key=lambda c: c.candidate_id):
        if c.approved and c.paid:
            admitted.append(c)
        else:
            unseated.append(Unseated(c.candidate_id, not_admitted(c)))
    rng.shuffle(admitted)
    lots, left_over = _room_lots(admitted, room_list, policy)
    unseated.extend(Unseated(c.candidate_id, no_room(c.subject_group)) for c in left_over)
    assignments: list[SeatAssignment] = []
    for room, members in lots:
        rng.shuffle(members)  # dealing sorted them by employer; the seat order is random again
        arranged = arrange(members, room, rng, policy.separate_employers)
        assignments.extend(seat_at(room, p, c) for p, c in enumerate(arranged) if c is not None)
    return SeatingPlan(policy.seed, tuple(assignments), tuple(unseated), find_conflicts(assignments, room_list))

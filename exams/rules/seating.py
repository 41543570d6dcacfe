"""Seating (考场编排): allocate approved, paid candidates to sites, rooms and seats.

- A room is ``rows x columns`` desks; seat numbers run left to right, front to back (1 is front-left).
  The last ``spare_seats`` seats stay empty for emergencies (a broken desk, a manual move).
- The order is random from a recorded ``seed``: candidates are first sorted by id, so the same
  candidates, rooms and seed always give the same plan, whatever order the caller passes them in.
- Each subject group takes its fixed rooms, then as few free rooms (in room order) as it needs, and
  its candidates are dealt round-robin over those rooms, largest employer first, so no room gets
  more than its share of one employer.
- Candidates from the same employer are not seated side by side or front to back when
  ``separate_employers`` is set. Each room is filled by a seeded random greedy pass (a seat may be
  left empty when the room has seats to spare); if that leaves a clash, a bounded exact search over
  employer labels tries again; any clash left is *reported* in `SeatingPlan.conflicts`, never hidden.
  A room where one employer has more than half the seats cannot be separated; the search is skipped.
- With ``one_group_per_room`` a room holds one subject group; a room may also be fixed to a group.
- Late registrants fill free seats without moving anyone; one candidate can be moved by hand.
- Too few seats fails loudly: every candidate left without a seat is listed with the reason.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from xuehui.errors import Reason

RoomKey = tuple[str, int]
_SEARCH_BUDGET = 20_000  # nodes of the exact search per room; enough for exam-size rooms
_SEARCH_MAX_SEATS = 400  # recursion depth guard: larger halls keep the greedy result and report clashes


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


# --------------------------------------------------------------------------- reasons


def _not_admitted(c: SeatingCandidate) -> Reason:
    if not c.approved:
        return Reason("seating.not_approved", "报名未通过审核，不安排座位", "registration not approved; no seat")
    return Reason("seating.not_paid", "未缴费，不安排座位", "fee not paid; no seat")


def _no_room(group: str) -> Reason:
    return Reason(
        "seating.capacity",
        f"考场座位不足：科目组{group}的考生无座可排，请增加考场",
        f"not enough seats: no room left for subject group {group}; add rooms",
    )


# --------------------------------------------------------------------------- arranging one room


def _seat(room: Room, position: int, c: SeatingCandidate) -> SeatAssignment:
    row, col = divmod(position, room.columns)
    return SeatAssignment(
        c.candidate_id, room.site_code, room.room_no, position + 1, row + 1, col + 1, c.subject_group, c.employer
    )


# An arrangement is a list over the room's usable seats in seat order: a candidate, or None for an empty seat.
Arrangement = list[SeatingCandidate | None]


def _employer(seat: SeatingCandidate | None) -> str | None:
    return seat.employer if seat is not None else None


def _clashes(arrangement: Arrangement, columns: int) -> int:
    labels = [_employer(s) for s in arrangement]
    count = 0
    for p, label in enumerate(labels):
        if label is None:
            continue
        if p % columns and labels[p - 1] == label:
            count += 1
        if p >= columns and labels[p - columns] == label:
            count += 1
    return count


def _greedy(members: list[SeatingCandidate], columns: int, capacity: int) -> Arrangement:
    """Seat in the given (random) order, front seats first, skipping ahead past anyone who would sit
    next to a colleague; when nobody fits and the room has seats to spare, leave that seat empty.

    When one employer holds half the remaining people it goes first where it fits (as when
    rearranging a string so no two equal letters touch), or it would be left over at the back.
    """
    pending = list(members)
    left_count = Counter(c.employer for c in members if c.employer is not None)
    largest = max(left_count.values(), default=0)
    placed: Arrangement = []
    for p in range(capacity):
        if not pending:
            break
        left = _employer(placed[p - 1]) if p % columns else None
        front = _employer(placed[p - columns]) if p >= columns else None
        urgent = None
        if 2 * largest >= len(pending) and left_count:  # cheap pre-test: no employer can have grown
            top, top_count = left_count.most_common(1)[0]
            if 2 * top_count >= len(pending) and top not in (left, front):
                urgent = top
        pick: int | None = None
        for i, c in enumerate(pending):
            if urgent is not None:
                if c.employer == urgent:
                    pick = i
                    break
            elif c.employer is None or (c.employer != left and c.employer != front):
                pick = i
                break
        if pick is None and capacity - p > len(pending):
            placed.append(None)
            continue
        chosen = pending.pop(pick or 0)
        if chosen.employer is not None:
            left_count[chosen.employer] -= 1
            if not left_count[chosen.employer]:
                del left_count[chosen.employer]
        placed.append(chosen)
    return placed


_GAP = "\x00gap"  # the label of an empty seat in the search; never clashes


def _search(members: list[SeatingCandidate], columns: int, capacity: int, rng: random.Random) -> Arrangement | None:
    """Exact depth-first search over employer labels (not people) and empty seats, most-remaining
    label first, within a node budget. None when no clash-free arrangement was found."""
    groups: dict[str | None, list[SeatingCandidate]] = defaultdict(list)
    for c in members:
        groups[c.employer].append(c)
    remaining: dict[str | None, int] = {label: len(people) for label, people in groups.items()}
    remaining[_GAP] = capacity - len(members)
    order = list(remaining)
    rng.shuffle(order)  # random tie-break between equally large employers
    labels: list[str | None] = []
    budget = [_SEARCH_BUDGET]

    def free(label: str | None) -> bool:
        return label is None or label == _GAP

    def extend(p: int) -> bool:
        if p == capacity:
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        left = labels[p - 1] if p % columns else None
        front = labels[p - columns] if p >= columns else None
        # Empty seats last, so the room fills from the front when it can.
        for label in sorted(order, key=lambda k: (k == _GAP, -remaining[k])):
            if remaining[label] == 0 or (not free(label) and label in (left, front)):
                continue
            remaining[label] -= 1
            labels.append(label)
            if extend(p + 1):
                return True
            labels.pop()
            remaining[label] += 1
        return False

    if not extend(0):
        return None
    queues = {label: iter(people) for label, people in groups.items()}
    return [None if label == _GAP else next(queues[label]) for label in labels]


def _arrange(members: list[SeatingCandidate], room: Room, rng: random.Random, separate: bool) -> Arrangement:
    if not separate:
        return list(members)
    placed = _greedy(members, room.columns, room.capacity)
    largest = max(Counter(c.employer for c in members if c.employer is not None).values(), default=0)
    # The seats form a grid graph with a Hamiltonian (serpentine) path, so at most ceil(capacity / 2)
    # of them are pairwise non-adjacent: a larger employer cannot be separated, don't search.
    if _clashes(placed, room.columns) and largest <= (room.capacity + 1) // 2 and room.capacity <= _SEARCH_MAX_SEATS:
        found = _search(members, room.columns, room.capacity, rng)
        if found is not None:
            return found
    return placed


def find_conflicts(assignments: Iterable[SeatAssignment], rooms: Sequence[Room]) -> tuple[NeighbourConflict, ...]:
    """Every pair of same-employer candidates seated side by side or front to back."""
    columns = {r.key: r.columns for r in rooms}
    occupied: dict[tuple[str, int, int], SeatAssignment] = {(a.site_code, a.room_no, a.seat_no): a for a in assignments}
    found: list[NeighbourConflict] = []
    for (site, room_no, seat), a in occupied.items():
        if a.employer is None:
            continue
        cols = columns[(site, room_no)]
        neighbours = [seat + cols]
        if seat % cols:  # not in the last column
            neighbours.append(seat + 1)
        for other_seat in neighbours:
            other = occupied.get((site, room_no, other_seat))
            if other is not None and other.employer == a.employer:
                found.append(NeighbourConflict(site, room_no, seat, other_seat, a.employer))
    return tuple(sorted(found, key=lambda k: (k.site_code, k.room_no, k.seat_a, k.seat_b)))


# --------------------------------------------------------------------------- the whole allocation


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
            unseated.append(Unseated(c.candidate_id, _not_admitted(c)))
    rng.shuffle(admitted)
    lots, left_over = _room_lots(admitted, room_list, policy)
    unseated.extend(Unseated(c.candidate_id, _no_room(c.subject_group)) for c in left_over)
    assignments: list[SeatAssignment] = []
    for room, members in lots:
        rng.shuffle(members)  # dealing sorted them by employer; the seat order is random again
        arranged = _arrange(members, room, rng, policy.separate_employers)
        assignments.extend(_seat(room, p, c) for p, c in enumerate(arranged) if c is not None)
    return SeatingPlan(policy.seed, tuple(assignments), tuple(unseated), find_conflicts(assignments, room_list))


# --------------------------------------------------------------------------- changes after allocation


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
            unseated.append(Unseated(c.candidate_id, _not_admitted(c)))
    rng.shuffle(admitted)
    for c in admitted:
        placed = _place_one(c, room_list, occupied, groups_in, policy, rng)
        if placed is None:
            unseated.append(Unseated(c.candidate_id, _no_room(c.subject_group)))
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
                return _seat(room, seat - 1, c)
        if fallback is None:
            fallback = (room, free[0])
    if fallback is None:
        return None
    return _seat(fallback[0], fallback[1] - 1, c)


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
    moved = _seat(room, seat_no - 1, _as_candidate(current))
    assignments = tuple(moved if a.candidate_id == candidate_id else a for a in plan.assignments)
    return replace(plan, assignments=assignments, conflicts=find_conflicts(assignments, room_list))


def _as_candidate(a: SeatAssignment) -> SeatingCandidate:
    return SeatingCandidate(a.candidate_id, a.subject_group, a.employer)


def room_occupancy(plan: SeatingPlan) -> dict[RoomKey, int]:
    """How many candidates sit in each room (for the room list and capacity checks)."""
    return dict(Counter(a.room_key for a in plan.assignments))

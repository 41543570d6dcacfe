"""Arranging one room: who sits where so that colleagues are not neighbours.

A seeded random greedy pass first; if it leaves a clash, a bounded exact search over employer
labels; a clash that remains is reported (`find_conflicts`), never hidden.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from exams.rules.seating.model import NeighbourConflict, Room, SeatAssignment, SeatingCandidate

_SEARCH_BUDGET = 20_000  # nodes of the exact search per room; enough for exam-size rooms
_SEARCH_MAX_SEATS = 400  # recursion depth guard: larger halls keep the greedy result and report clashes

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


def arrange(members: list[SeatingCandidate], room: Room, rng: random.Random, separate: bool) -> Arrangement:
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

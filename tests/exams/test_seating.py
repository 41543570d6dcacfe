"""Seating: capacity, spare seats, replayable random order, employer separation, late registrants, moves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from exams.rules.seating import (
    NeighbourConflict,
    Room,
    SeatAssignment,
    SeatingCandidate,
    SeatingPlan,
    SeatingPolicy,
    allocate_seats,
    find_conflicts,
    move_candidate,
    new_seed,
    room_occupancy,
    seat_late_registrants,
)
from xuehui.errors import Reason


def people(n: int, group: str = "A", employers: Sequence[str | None] = (None,)) -> list[SeatingCandidate]:
    return [SeatingCandidate(f"{group}{i:04d}", group, employers[i % len(employers)]) for i in range(n)]


def seats_of(plan: SeatingPlan) -> list[tuple[str, str, int, int]]:
    return [(a.candidate_id, a.site_code, a.room_no, a.seat_no) for a in plan.assignments]


def adjacent_same_employer(plan: SeatingPlan, rooms: Sequence[Room]) -> set[tuple[str, int, int, int]]:
    """Independent check: every horizontally or vertically adjacent same-employer pair."""
    cols = {r.key: r.columns for r in rooms}
    at = {(a.site_code, a.room_no, a.row, a.column): a for a in plan.assignments}
    pairs = set()
    for (site, room, row, col), a in at.items():
        for other in (at.get((site, room, row, col + 1)), at.get((site, room, row + 1, col))):
            if other is not None and a.employer is not None and other.employer == a.employer:
                assert col <= cols[(site, room)]
                pairs.add((site, room, a.seat_no, other.seat_no))
    return pairs


# --------------------------------------------------------------------------- basics


def test_capacity_is_desks_minus_spares_and_spares_stay_empty() -> None:
    room = Room("01", 1, rows=5, columns=6, spare_seats=2)
    plan = allocate_seats(people(40), [room], SeatingPolicy(seed=1, separate_employers=False))
    assert room.capacity == 28
    assert len(plan.assignments) == 28
    assert max(a.seat_no for a in plan.assignments) == 28
    assert [u.reason.code for u in plan.unseated] == ["seating.capacity"] * 12


def test_seat_numbers_run_left_to_right_front_to_back() -> None:
    room = Room("01", 1, rows=2, columns=3)
    plan = allocate_seats(people(6), [room], SeatingPolicy(seed=1, separate_employers=False))
    assert sorted((a.seat_no, a.row, a.column) for a in plan.assignments) == [
        (1, 1, 1),
        (2, 1, 2),
        (3, 1, 3),
        (4, 2, 1),
        (5, 2, 2),
        (6, 2, 3),
    ]


def test_only_approved_and_paid_candidates_are_seated() -> None:
    candidates = [
        SeatingCandidate("c1", "A"),
        SeatingCandidate("c2", "A", approved=False),
        SeatingCandidate("c3", "A", paid=False),
    ]
    plan = allocate_seats(candidates, [Room("01", 1, 2, 2)], SeatingPolicy(seed=3))
    assert [a.candidate_id for a in plan.assignments] == ["c1"]
    assert [(u.candidate_id, u.reason.code) for u in plan.unseated] == [
        ("c2", "seating.not_approved"),
        ("c3", "seating.not_paid"),
    ]


def test_the_same_seed_replays_the_same_plan_whatever_the_input_order() -> None:
    rooms = [Room("01", r, 5, 6, spare_seats=1) for r in range(1, 5)]
    candidates = people(100, employers=["x", "y", "z", None])
    one = allocate_seats(candidates, rooms, SeatingPolicy(seed=42))
    two = allocate_seats(list(reversed(candidates)), list(reversed(rooms)), SeatingPolicy(seed=42))
    other = allocate_seats(candidates, rooms, SeatingPolicy(seed=43))
    assert one == two
    assert seats_of(one) != seats_of(other)


def test_new_seeds_differ() -> None:
    assert len({new_seed() for _ in range(20)}) == 20


def test_one_subject_group_per_room_and_fixed_rooms() -> None:
    rooms = [
        Room("01", 1, 2, 5, subject_group="B"),
        Room("01", 2, 2, 5),
        Room("01", 3, 2, 5),
        Room("01", 4, 2, 5),
    ]
    candidates = people(12, "A") + people(8, "B")
    plan = allocate_seats(candidates, rooms, SeatingPolicy(seed=5))
    groups_per_room = {
        key: {a.subject_group for a in plan.assignments if a.room_key == key} for key in room_occupancy(plan)
    }
    assert groups_per_room == {("01", 1): {"B"}, ("01", 2): {"A"}, ("01", 3): {"A"}}
    # Group A needs two rooms and is dealt evenly over them.
    assert room_occupancy(plan) == {("01", 1): 8, ("01", 2): 6, ("01", 3): 6}
    assert plan.unseated == ()


def test_groups_may_share_rooms_when_allowed() -> None:
    rooms = [Room("01", 1, 2, 5), Room("01", 2, 2, 5)]
    plan = allocate_seats(people(6, "A") + people(6, "B"), rooms, SeatingPolicy(seed=5, one_group_per_room=False))
    assert room_occupancy(plan) == {("01", 1): 6, ("01", 2): 6}
    assert {a.subject_group for a in plan.assignments if a.room_no == 1} == {"A", "B"}


def test_capacity_shortfall_lists_everyone_left_without_a_seat() -> None:
    rooms = [Room("01", 1, 2, 2)]
    plan = allocate_seats(people(3, "A") + people(3, "B"), rooms, SeatingPolicy(seed=0))
    assert len(plan.assignments) == 3
    assert sorted(u.candidate_id for u in plan.unseated) == ["B0000", "B0001", "B0002"]
    assert {u.reason.code for u in plan.unseated} == {"seating.capacity"}
    assert "add rooms" in plan.unseated[0].reason.en


def test_same_employer_candidates_are_not_seated_side_by_side_or_front_to_back() -> None:
    rooms = [Room("01", 1, 6, 5)]
    # Half the room from one employer: only a checkerboard works.
    candidates = people(30, employers=["big", "s1", "big", "s2", "big", "s3"])
    plan = allocate_seats(candidates, rooms, SeatingPolicy(seed=9))
    assert Counter(a.employer for a in plan.assignments)["big"] == 15
    assert plan.conflicts == ()
    assert adjacent_same_employer(plan, rooms) == set()


def test_an_impossible_separation_is_reported() -> None:
    rooms = [Room("01", 1, 2, 2)]
    plan = allocate_seats(people(4, employers=["same"]), rooms, SeatingPolicy(seed=9))
    assert len(plan.assignments) == 4
    assert plan.conflicts == (
        NeighbourConflict("01", 1, 1, 2, "same"),
        NeighbourConflict("01", 1, 1, 3, "same"),
        NeighbourConflict("01", 1, 2, 4, "same"),
        NeighbourConflict("01", 1, 3, 4, "same"),
    )


# --------------------------------------------------------------------------- after allocation


def test_late_registrants_fill_free_seats_without_moving_anyone() -> None:
    rooms = [Room("01", 1, 3, 4, spare_seats=2), Room("01", 2, 3, 4)]
    plan = allocate_seats(people(8, employers=["e1", "e2"]), rooms, SeatingPolicy(seed=1))
    late = [SeatingCandidate(f"L{i}", "A", "e1") for i in range(6)]
    after = seat_late_registrants(plan, rooms, late, SeatingPolicy(seed=2))
    assert after.assignments[: len(plan.assignments)] == plan.assignments
    new = after.assignments[len(plan.assignments) :]
    assert sorted(a.candidate_id for a in new) == [f"L{i}" for i in range(6)]
    taken = [(a.room_key, a.seat_no) for a in after.assignments]
    assert len(taken) == len(set(taken))
    assert all(a.seat_no <= 10 for a in after.assignments if a.room_no == 1)
    assert after.seed == 2
    assert set(after.conflicts) == {
        NeighbourConflict(s, r, a, b, e) for s, r, a, b, e in _conflict_tuples(after, rooms)
    }


def _conflict_tuples(plan: SeatingPlan, rooms: Sequence[Room]) -> set[tuple[str, int, int, int, str]]:
    at = {(a.site_code, a.room_no, a.seat_no): a for a in plan.assignments}
    return {(s, r, a, b, at[(s, r, a)].employer or "") for (s, r, a, b) in adjacent_same_employer(plan, rooms)}


def test_late_registrants_beyond_capacity_are_listed() -> None:
    rooms = [Room("01", 1, 2, 2)]
    plan = allocate_seats(people(3), rooms, SeatingPolicy(seed=1))
    after = seat_late_registrants(
        plan, rooms, [SeatingCandidate("L1", "A"), SeatingCandidate("L2", "A")], SeatingPolicy(seed=1)
    )
    assert len(after.assignments) == 4
    assert [u.reason.code for u in after.unseated] == ["seating.capacity"]


def test_late_registrants_respect_one_group_per_room() -> None:
    rooms = [Room("01", 1, 2, 2), Room("01", 2, 2, 2)]
    plan = allocate_seats(people(2, "A"), rooms, SeatingPolicy(seed=1))
    after = seat_late_registrants(plan, rooms, people(2, "B"), SeatingPolicy(seed=1))
    assert {a.room_no for a in after.assignments if a.subject_group == "B"} == {2}


def test_move_one_candidate_by_hand() -> None:
    rooms = [Room("01", 1, 2, 3, spare_seats=1), Room("01", 2, 2, 3)]
    plan = allocate_seats(people(5), rooms, SeatingPolicy(seed=4, separate_employers=False))
    who = plan.assignments[0].candidate_id
    moved = move_candidate(plan, rooms, who, "01", 1, 6)  # the spare seat may be used by hand
    assert isinstance(moved, SeatingPlan)
    assert moved.by_candidate()[who] == SeatAssignment(who, "01", 1, 6, 2, 3, "A", None)
    unchanged = [a for a in moved.assignments if a.candidate_id != who]
    assert unchanged == [a for a in plan.assignments if a.candidate_id != who]


def test_a_move_is_refused_with_a_reason() -> None:
    rooms = [Room("01", 1, 2, 3), Room("01", 2, 2, 3, subject_group="B")]
    plan = allocate_seats(people(5), rooms, SeatingPolicy(seed=4))
    first, second = plan.assignments[0], plan.assignments[1]

    def code(result: SeatingPlan | Reason) -> str:
        assert isinstance(result, Reason)
        return result.code

    assert code(move_candidate(plan, rooms, first.candidate_id, "01", 1, second.seat_no)) == "seating.seat_taken"
    assert code(move_candidate(plan, rooms, first.candidate_id, "01", 1, 7)) == "seating.no_such_seat"
    assert code(move_candidate(plan, rooms, first.candidate_id, "09", 1, 1)) == "seating.no_such_seat"
    assert code(move_candidate(plan, rooms, first.candidate_id, "01", 2, 1)) == "seating.wrong_group"
    assert code(move_candidate(plan, rooms, "nobody", "01", 1, 6)) == "seating.not_seated"


def test_a_move_next_to_a_colleague_is_allowed_but_reported() -> None:
    rooms = [Room("01", 1, 1, 4)]
    plan = allocate_seats(
        [SeatingCandidate("a", "A", "e"), SeatingCandidate("b", "A", "e")], rooms, SeatingPolicy(seed=1)
    )
    assert plan.conflicts == ()
    seat_of_a = plan.by_candidate()["a"].seat_no
    target = seat_of_a + 1 if seat_of_a < 4 else seat_of_a - 1
    if plan.by_candidate()["b"].seat_no == target:
        target = seat_of_a - 1
    moved = move_candidate(plan, rooms, "b", "01", 1, target)
    assert isinstance(moved, SeatingPlan)
    assert len(moved.conflicts) == 1


# --------------------------------------------------------------------------- properties

rooms_strategy = st.lists(
    st.builds(
        lambda r, c, spare, group: (r, c, min(spare, r * c - 1), group),
        st.integers(1, 5),
        st.integers(1, 6),
        st.integers(0, 3),
        st.sampled_from([None, None, "A", "B"]),
    ),
    min_size=1,
    max_size=5,
)
candidates_strategy = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from([None, "e1", "e2", "e3"]), st.booleans()),
    max_size=80,
)


def build(
    raw_rooms: list[tuple[int, int, int, str | None]], raw: list[tuple[str, str | None, bool]]
) -> tuple[list[Room], list[SeatingCandidate]]:
    rooms = [Room(f"{i % 2:02d}", i, r, c, spare, g) for i, (r, c, spare, g) in enumerate(raw_rooms)]
    candidates = [SeatingCandidate(f"c{i:03d}", g, e, paid=p or i % 3 > 0) for i, (g, e, p) in enumerate(raw)]
    return rooms, candidates


@settings(max_examples=150, deadline=None)
@given(rooms_strategy, candidates_strategy, st.integers(0, 2**32), st.booleans(), st.booleans())
def test_property_capacity_groups_and_reported_conflicts(
    raw_rooms: list[tuple[int, int, int, str | None]],
    raw: list[tuple[str, str | None, bool]],
    seed: int,
    one_group: bool,
    separate: bool,
) -> None:
    rooms, candidates = build(raw_rooms, raw)
    policy = SeatingPolicy(seed, separate_employers=separate, one_group_per_room=one_group)
    plan = allocate_seats(candidates, rooms, policy)
    by_key = {r.key: r for r in rooms}
    # Nobody twice, nobody lost, nobody on a spare seat, no room over capacity.
    ids = [a.candidate_id for a in plan.assignments] + [u.candidate_id for u in plan.unseated]
    assert sorted(ids) == sorted(c.candidate_id for c in candidates)
    assert len({(a.room_key, a.seat_no) for a in plan.assignments}) == len(plan.assignments)
    for key, count in room_occupancy(plan).items():
        assert count <= by_key[key].capacity
    for a in plan.assignments:
        room = by_key[a.room_key]
        assert 1 <= a.seat_no <= room.capacity
        assert (a.row - 1) * room.columns + a.column == a.seat_no
        assert room.subject_group in (None, a.subject_group)
    if one_group:
        for key in room_occupancy(plan):
            assert len({a.subject_group for a in plan.assignments if a.room_key == key}) == 1
    else:
        # Without group constraints, seats run out before anyone is left over.
        free_capacity = sum(r.capacity for r in rooms if r.subject_group is None)
        admitted = [c for c in candidates if c.paid and c.approved]
        if len(admitted) <= free_capacity:
            assert [u.reason.code for u in plan.unseated if u.reason.code == "seating.capacity"] == []
    # Every clash is reported and every reported clash is real.
    assert {(c.site_code, c.room_no, c.seat_a, c.seat_b) for c in plan.conflicts} == adjacent_same_employer(plan, rooms)
    assert plan.conflicts == find_conflicts(plan.assignments, rooms)
    # Replayable.
    assert allocate_seats(list(reversed(candidates)), rooms, policy) == plan


def feasible(employers: list[str | None], rows: int, columns: int) -> bool:
    """Brute force: can these employers sit in the room (empty seats allowed) with no clash?"""
    counts: Counter[str | None] = Counter(employers)
    counts["<empty>"] = rows * columns - len(employers)
    labels: list[str | None] = []

    def extend(p: int) -> bool:
        if p == rows * columns:
            return True
        left = labels[p - 1] if p % columns else None
        front = labels[p - columns] if p >= columns else None
        for label in list(counts):
            if counts[label] and (label in (None, "<empty>") or label not in (left, front)):
                counts[label] -= 1
                labels.append(label)
                if extend(p + 1):
                    return True
                labels.pop()
                counts[label] += 1
        return False

    assert len(employers) <= rows * columns
    return extend(0)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.lists(st.sampled_from([None, "e1", "e2", "e3"]), min_size=1, max_size=16),
    st.integers(0, 2**32),
)
def test_property_no_clash_whenever_a_clash_free_arrangement_exists(
    rows: int, columns: int, employers: list[str | None], seed: int
) -> None:
    employers = employers[: rows * columns]
    room = Room("01", 1, rows, columns)
    candidates = [SeatingCandidate(f"c{i:02d}", "A", e) for i, e in enumerate(employers)]
    plan = allocate_seats(candidates, [room], SeatingPolicy(seed))
    assert len(plan.assignments) == len(employers)
    if feasible(employers, rows, columns):
        assert plan.conflicts == ()
    else:
        assert plan.conflicts != ()


@settings(max_examples=100, deadline=None)
@given(rooms_strategy, candidates_strategy, candidates_strategy, st.integers(0, 2**32))
def test_property_late_registrants_never_move_anyone_or_overfill(
    raw_rooms: list[tuple[int, int, int, str | None]],
    first: list[tuple[str, str | None, bool]],
    late: list[tuple[str, str | None, bool]],
    seed: int,
) -> None:
    rooms, candidates = build(raw_rooms, first)
    _, newcomers = build(raw_rooms, late)
    newcomers = [SeatingCandidate("L" + c.candidate_id, c.subject_group, c.employer) for c in newcomers]
    plan = allocate_seats(candidates, rooms, SeatingPolicy(seed))
    after = seat_late_registrants(plan, rooms, newcomers, SeatingPolicy(seed + 1))
    assert after.assignments[: len(plan.assignments)] == plan.assignments
    assert len({(a.room_key, a.seat_no) for a in after.assignments}) == len(after.assignments)
    by_key = {r.key: r for r in rooms}
    assert all(a.seat_no <= by_key[a.room_key].capacity for a in after.assignments)
    assert all(by_key[a.room_key].subject_group in (None, a.subject_group) for a in after.assignments)
    seated_late = {a.candidate_id for a in after.assignments} - {a.candidate_id for a in plan.assignments}
    unseated_late = {u.candidate_id for u in after.unseated if u.candidate_id.startswith("L")}
    assert seated_late | unseated_late == {c.candidate_id for c in newcomers}
    assert {(c.site_code, c.room_no, c.seat_a, c.seat_b) for c in after.conflicts} == adjacent_same_employer(
        after, rooms
    )

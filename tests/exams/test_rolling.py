"""Rolling window: all required subjects inside N consecutive exam years; old passes lapse."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from exams.rules.rolling import RollingRule, SubjectPass, passes_in_sitting, rolling_status
from exams.rules.subjects import Subject
from exams.rules.violations import SubjectResult

RULE = RollingRule(frozenset({"1", "2", "3", "4"}), {"full": 4, "exempt": 2, "single_sitting": 1})


def passes(*pairs: tuple[str, int]) -> list[SubjectPass]:
    return [SubjectPass(s, y) for s, y in pairs]


def test_all_four_inside_four_years_qualifies() -> None:
    status = rolling_status(passes(("1", 2021), ("2", 2022), ("3", 2024), ("4", 2024)), RULE, "full", 2024)
    assert (status.qualified, status.window, status.missing) == (True, (2021, 2024), frozenset())


def test_the_oldest_pass_lapses_as_the_window_moves() -> None:
    history = passes(("1", 2021), ("2", 2022), ("3", 2023))
    status = rolling_status(history, RULE, "full", 2025)
    assert status.qualified is False
    assert status.valid == frozenset({"2", "3"})
    assert status.lapsed == (SubjectPass("1", 2021),)
    assert status.missing == frozenset({"1", "4"})
    # Passing 1 and 4 again in 2025 qualifies in the 2022-2025 window.
    again = rolling_status([*history, *passes(("1", 2025), ("4", 2025))], RULE, "full", 2025)
    assert (again.qualified, again.window) == (True, (2022, 2025))


def test_passes_spread_over_more_than_n_years_do_not_qualify() -> None:
    status = rolling_status(passes(("1", 2020), ("2", 2021), ("3", 2022), ("4", 2024)), RULE, "full", 2024)
    assert status.qualified is False


def test_exempt_candidates_need_fewer_subjects_in_a_shorter_window() -> None:
    exempt = frozenset({"1", "2"})
    ok = rolling_status(passes(("3", 2023), ("4", 2024)), RULE, "exempt", 2024, exempt)
    assert (ok.qualified, ok.required) == (True, frozenset({"3", "4"}))
    late = rolling_status(passes(("3", 2022), ("4", 2024)), RULE, "exempt", 2024, exempt)
    assert late.qualified is False


def test_no_rolling_means_one_sitting() -> None:
    assert rolling_status(passes(*((s, 2024) for s in "1234")), RULE, "single_sitting", 2024).qualified
    assert not rolling_status(passes(("1", 2023), *((s, 2024) for s in "234")), RULE, "single_sitting", 2024).qualified


@given(st.lists(st.tuples(st.sampled_from("1234"), st.integers(2015, 2026))), st.sampled_from(["full", "exempt"]))
def test_qualified_exactly_when_some_window_holds_every_subject(history: list[tuple[str, int]], group: str) -> None:
    n = RULE.window_years[group]
    status = rolling_status(passes(*history), RULE, group, 2026)
    brute = any({s for s, y in history if start <= y < start + n} == set("1234") for start in range(2010, 2027))
    assert status.qualified == brute
    if status.window is not None:
        assert status.window[1] - status.window[0] < n


def test_passes_in_a_sitting_need_the_pass_mark_and_no_violation() -> None:
    subjects = {c: Subject(c, c, Decimal(100), Decimal(60)) for c in "1234"}
    results = [
        SubjectResult("c1", "2026", "1", Decimal(60)),
        SubjectResult("c1", "2026", "2", Decimal(59)),
        SubjectResult("c1", "2026", "3", Decimal(90), void=True),
        SubjectResult("c1", "2026", "4", None),
    ]
    assert passes_in_sitting(results, subjects, 2026) == [SubjectPass("1", 2026)]

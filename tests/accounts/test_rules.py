import datetime as dt

import pytest

from accounts.rules import (
    THROTTLED,
    Actor,
    LoginLimits,
    login_refusal,
    password_problems,
    session_expired,
    should_touch,
    validate_role,
)
from xuehui.errors import Reason

pytestmark = pytest.mark.pure

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("aaaaaaaaaa", ["password.weak"]),
        ("qwertyuiopasdf", ["password.weak"]),
        ("alice-alice-alice", ["password.weak"]),  # the user name, repeated
        ("correct-horse-battery", []),
        ("Xuehui-demo-2026", []),
    ],
)
def test_a_password_must_be_hard_to_guess(password: str, codes: list[str]) -> None:
    assert [r.code for r in password_problems(password, "alice")] == codes


def test_password_policy_reports_every_problem() -> None:
    assert [r.code for r in password_problems("short", "alice")] == ["password.too_short"]
    assert [r.code for r in password_problems("alice12345", "alice12345")] == ["password.guessable"]
    assert [r.code for r in password_problems("x" * 129, "alice")] == ["password.too_long"]
    assert password_problems("a-good-long-pass", "alice") == []


def test_password_exactly_at_the_minimum_is_accepted() -> None:
    assert password_problems("kq7#Lm2!vZ", "bob") == []
    assert [r.code for r in password_problems("kq7#Lm2!v", "bob")] == ["password.too_short"]


@pytest.mark.parametrize(
    ("role", "society", "codes"),
    [
        ("society", 1, []),
        ("exam_admin", 1, []),
        ("admin", None, []),
        ("society", None, ["user.society_required"]),
        ("expert", 3, ["user.society_forbidden"]),
        ("root", None, ["user.role"]),
    ],
)
def test_roles_and_their_society(role: str, society: int | None, codes: list[str]) -> None:
    assert [r.code for r in validate_role(role, society)] == codes


LIMITS = LoginLimits(per_pair=5, per_address=20, account_free=5, account_max_delay=60, window_seconds=900)


def test_login_is_refused_at_either_hard_limit_for_the_window() -> None:
    assert login_refusal(4, 19, 4, 0.0, LIMITS) is None
    assert login_refusal(5, 5, 5, 0.0, LIMITS) == (THROTTLED, 900)
    assert login_refusal(0, 20, 0, None, LIMITS) == (THROTTLED, 900)


@pytest.mark.parametrize(
    ("account_failures", "since_last", "expected"),
    [
        (4, 0.0, None),  # within the free failures: no delay
        (5, 0.2, (THROTTLED, 1)),  # the first delay is a second
        (5, 1.0, None),
        (7, 1.5, (THROTTLED, 3)),  # doubling: 4 s after the seventh failure
        (7, 4.0, None),
        (30, 10.0, (THROTTLED, 50)),  # capped at a minute, never a lock-out
        (30, 60.0, None),
    ],
)
def test_failures_from_many_addresses_bring_rising_delays_not_a_lock_out(
    account_failures: int, since_last: float, expected: tuple[Reason, int] | None
) -> None:
    assert login_refusal(0, 0, account_failures, since_last, LIMITS) == expected


def test_session_ends_when_idle_or_too_old() -> None:
    idle, absolute = dt.timedelta(minutes=30), dt.timedelta(hours=8)
    assert not session_expired(T0, T0, T0 + dt.timedelta(minutes=29), idle, absolute)
    assert session_expired(T0, T0, T0 + dt.timedelta(minutes=30), idle, absolute)
    recent = T0 + dt.timedelta(hours=7, minutes=59)
    assert not session_expired(T0, recent, T0 + dt.timedelta(hours=7, minutes=59, seconds=30), idle, absolute)
    assert session_expired(T0, recent, T0 + dt.timedelta(hours=8), idle, absolute)


def test_last_seen_is_written_at_most_once_a_minute() -> None:
    assert not should_touch(T0, T0 + dt.timedelta(seconds=59))
    assert should_touch(T0, T0 + dt.timedelta(seconds=60))


def test_actor_acts_only_for_its_own_society() -> None:
    staff = Actor(1, "s", "S", "society", society_id=7)
    assert staff.acts_for(7) and not staff.acts_for(8)
    assert Actor(2, "a", "A", "admin").acts_for(8)
    assert not Actor(3, "e", "E", "expert").acts_for(7)

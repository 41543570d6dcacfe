"""One unique-violation test for both databases: what each driver raises when a unique index
refuses a write, read from a real refusal, not a made-up exception."""

from __future__ import annotations

import pytest

from accounts.tables import User
from xuehui.clock import now
from xuehui.db import is_unique_violation, write_transaction


async def _refusal() -> Exception:
    def user() -> User:
        return User(username="same", display_name="x", role="admin", password_hash="x", created_at=now())

    await User.insert(user())
    try:
        async with write_transaction():
            await User.insert(user())
    except Exception as error:
        return error
    pytest.fail("the second insert was not refused")


async def test_a_real_unique_refusal_is_recognised_with_and_without_its_column() -> None:
    error = await _refusal()
    assert is_unique_violation(error) is True
    assert is_unique_violation(error, "username") is True
    assert is_unique_violation(error, "idempotency_key") is False


@pytest.mark.pure
def test_other_errors_are_not_unique_violations() -> None:
    assert is_unique_violation(ValueError("UNIQUE constraint failed: xh_user.username")) is False
    assert is_unique_violation(RuntimeError("duplicate key")) is False

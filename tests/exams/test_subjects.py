"""Subjects: pass marks as data, score range and decimal places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exams.rules.subjects import Subject, check_score, is_pass, pass_mark_from_percent

SOFT = Subject("01", "软考上午", Decimal(75), pass_mark_from_percent(Decimal(75)))
HALF = Subject("02", "实务", Decimal(120), Decimal(72), decimal_places=1)


def test_sixty_percent_of_seventy_five_is_forty_five() -> None:
    assert SOFT.pass_mark == Decimal(45)
    assert is_pass(Decimal(45), SOFT)
    assert not is_pass(Decimal("44.5"), HALF)


def test_an_older_absolute_pass_mark() -> None:
    economics = Subject("E", "经济", Decimal(140), Decimal(84))
    assert is_pass(Decimal(84), economics)
    assert not is_pass(Decimal(83), economics)


@pytest.mark.parametrize(
    ("score", "subject", "code"),
    [
        (Decimal(0), SOFT, None),
        (Decimal(75), SOFT, None),
        (Decimal("75.0"), SOFT, None),
        (Decimal("75.5"), SOFT, "score.out_of_range"),
        (Decimal(-1), SOFT, "score.out_of_range"),
        (Decimal("60.5"), SOFT, "score.decimals"),
        (Decimal("60.5"), HALF, None),
        (Decimal("60.25"), HALF, "score.decimals"),
        (Decimal("NaN"), HALF, "score.out_of_range"),
    ],
)
def test_check_score(score: Decimal, subject: Subject, code: str | None) -> None:
    reason = check_score(score, subject)
    assert (reason.code if reason else None) == code


def test_a_subject_refuses_an_impossible_pass_mark() -> None:
    with pytest.raises(ValueError, match="pass mark"):
        Subject("X", "x", Decimal(100), Decimal(101))

"""Certificate numbers: format, check character, typo rejection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exams.rules.certificates import (
    CertificateNumber,
    check_character,
    make_certificate_number,
    parse_certificate_number,
)
from xuehui.errors import Reason

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_make_and_parse() -> None:
    number = make_certificate_number(2026, "JL", 123)
    assert number[:-1] == "XH2026JL000123"
    assert parse_certificate_number(number) == CertificateNumber(number, 2026, "JL", 123)
    assert parse_certificate_number(f" {number[:6]}-{number[6:].lower()} ") == CertificateNumber(
        number, 2026, "JL", 123
    )


def test_the_check_character_follows_iso_7064_mod_37_2() -> None:
    # Pure system: with P the running MOD 37-2 value of the body, (P + check) mod 37 must be 1.
    for body in ("XH2026JL000123", "A", "XH1999ABCDEF999999"):
        total = 0
        for ch in body:
            total = ((total + (ALPHABET + "*").index(ch)) * 2) % 37
        assert (total + (ALPHABET + "*").index(check_character(body))) % 37 == 1


@pytest.mark.parametrize("raw", ["", "XH26JL000123A", "YY2026JL0001234", "XH2026J000123A", "XH2026JL0001234567890"])
def test_malformed_numbers(raw: str) -> None:
    reason = parse_certificate_number(raw)
    assert isinstance(reason, Reason)
    assert reason.code == "certificate.format"


@pytest.mark.parametrize("bad", [(2026, "jl", 1), (26, "JL", 1), (2026, "JL", 1_000_000), (2026, "J", 1)])
def test_make_refuses_bad_parts(bad: tuple[int, str, int]) -> None:
    with pytest.raises(ValueError, match="year 4 digits"):
        make_certificate_number(*bad)


@given(st.integers(2000, 2099), st.text(ALPHABET, min_size=2, max_size=6), st.integers(0, 999_999), st.data())
def test_every_single_typo_and_adjacent_swap_is_caught(year: int, exam: str, seq: int, data: st.DataObject) -> None:
    number = make_certificate_number(year, exam, seq)
    i = data.draw(st.integers(2, len(number) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda ch: ch != number[i]))
    typo = number[:i] + replacement + number[i + 1 :]
    assert isinstance(parse_certificate_number(typo), Reason)
    j = data.draw(st.integers(2, len(number) - 2))
    if number[j] != number[j + 1]:
        swapped = number[:j] + number[j + 1] + number[j] + number[j + 2 :]
        assert isinstance(parse_certificate_number(swapped), Reason)

"""Resident identity-card numbers (居民身份证号码, GB 11643-1999).

Eighteen characters: a six-digit region code, the birth date as YYYYMMDD, a three-digit
sequence whose last digit is odd for men and even for women, and a check character
computed with ISO 7064 MOD 11-2 (``X`` stands for 10). Several parts of Xuehui key people
by this number (one contributor per cycle, exam candidates, experts), so it is parsed and
checked in one place.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Literal

from xuehui.clock import today
from xuehui.errors import Reason

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

Sex = Literal["male", "female"]


@dataclass(frozen=True, slots=True)
class IdCard:
    number: str
    region: str
    birth_date: dt.date
    sex: Sex


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise(raw: str) -> str:
    """Fold full-width characters (a Chinese input method types "３２０１…" and "Ｘ"), strip spaces
    and upper-case a trailing x: the usual ways people mistype a valid number. Anything else stays
    as typed and is refused by `parse`, so one person always has one key."""
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def parse(raw: str, field: str = "id_number") -> IdCard | Reason:
    """Parse and check a number; return the parsed card or the reason it is not valid."""
    number = normalise(raw)
    if len(number) != 18:
        return Reason(
            "idcard.length",
            f"身份证号码应为18位，实际为{len(number)}位",
            f"an identity-card number has 18 characters, this one has {len(number)}",
            field,
        )
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return Reason(
            "idcard.characters",
            "身份证号码前17位应为数字，最后一位为数字或X",
            "the first 17 characters must be digits and the last a digit or X",
            field,
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return Reason(
            "idcard.birth_date",
            "身份证号码中的出生日期不存在",
            "the birth date inside the identity-card number does not exist",
            field,
        )
    if birth.year < 1900:
        return Reason(
            "idcard.birth_date",
            "身份证号码中的出生日期早于1900年",
            "the birth date inside the identity-card number is before 1900",
            field,
        )
    if birth > today():
        return Reason(
            "idcard.birth_date",
            "身份证号码中的出生日期晚于今天",
            "the birth date inside the identity-card number is in the future",
            field,
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        return Reason(
            "idcard.check_digit",
            "身份证号码校验位不正确",
            "the check character of the identity-card number is wrong",
            field,
        )
    sex: Sex = "male" if int(number[16]) % 2 == 1 else "female"
    return IdCard(number=number, region=number[:6], birth_date=birth, sex=sex)


def make(region: str, birth_date: dt.date, sequence: int, sex: Sex) -> str:
    """Build a valid number (for demo data and tests): `sequence` 0..49 picks the sequence digits."""
    seq = sequence * 2 + (1 if sex == "male" else 0)
    if not 0 <= seq <= 999:
        raise ValueError("sequence out of range")
    first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def mask(number: str) -> str:
    """Show a number on a public page without revealing it: first 6 and last 4 kept."""
    n = normalise(number)
    if len(n) < 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]

"""Certificate numbers with a check character, so the public look-up page can reject typos.

Format: ``XH`` + 4-digit year + exam code (2-6 upper-case letters or digits) + 6-digit sequence +
one check character from ISO/IEC 7064 MOD 37-2 (``0-9A-Z`` or ``*``). MOD 37-2 catches every
single-character error and every swap of two adjacent characters. Example: ``XH2026JL000123`` + check.
Uniqueness comes from (year, exam code, sequence); the database keeps a unique index on the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xuehui.errors import Reason

PREFIX = "XH"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
_SHAPE = re.compile(rf"{PREFIX}([0-9]{{4}})([0-9A-Z]{{2,6}})([0-9]{{6}})([0-9A-Z*])")
_EXAM_CODE = re.compile(r"[0-9A-Z]{2,6}")
# The largest sequence the number's six digits can hold: the counter of one exam and year stops here.
MAX_CERTIFICATE_SEQUENCE = 999_999


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    number: str
    year: int
    exam_code: str
    sequence: int


def check_character(body: str) -> str:
    """ISO/IEC 7064 MOD 37-2 check character for letters and digits."""
    total = 0
    for ch in body:
        total = ((total + _ALPHABET.index(ch)) * 2) % 37
    return _ALPHABET[(38 - total) % 37]


def make_certificate_number(year: int, exam_code: str, sequence: int) -> str:
    if not 1000 <= year <= 9999 or not _EXAM_CODE.fullmatch(exam_code) or not 0 <= sequence <= MAX_CERTIFICATE_SEQUENCE:
        raise ValueError("year 4 digits, exam code 2-6 of 0-9A-Z, sequence 0..999999")
    body = f"{PREFIX}{year}{exam_code}{sequence:06d}"
    return body + check_character(body)


def normalise(raw: str) -> str:
    """Drop spaces and dashes and upper-case, as people type numbers off a printed certificate."""
    return re.sub(r"[\s\-]", "", raw).upper()


def parse_certificate_number(raw: str) -> CertificateNumber | Reason:
    """The parsed number, or why it cannot be a certificate number (shape or check character)."""
    number = normalise(raw)
    match = _SHAPE.fullmatch(number)
    if not match:
        return Reason(
            "certificate.format",
            "证书编号格式不正确",
            "this is not a certificate number (wrong format)",
            "certificate_no",
        )
    if check_character(number[:-1]) != number[-1]:
        return Reason(
            "certificate.check",
            "证书编号有误（校验位不符），请核对后重新输入",
            "the certificate number has a typo (check character does not match)",
            "certificate_no",
        )
    return CertificateNumber(number, int(match.group(1)), match.group(2), int(match.group(3)))

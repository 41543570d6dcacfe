"""Installed dependencies are at or above the versions that fixed their known advisories.

pip-audit cannot be trusted here (it reports "no known vulnerabilities" when the index does
not answer), so the floors from reference/reliability_security.md §2.5 are checked directly.
"""

from importlib.metadata import version

import pytest

pytestmark = pytest.mark.pure

FLOORS = {
    "litestar": (2, 23),  # AllowedHosts/CORS regex bypass, body-size enforcement, malformed Host
    "piccolo": (1, 1, 1),  # CVE-2023-47128 SQL injection through savepoint names
    "openpyxl": (3, 1),  # XXE fixed long before; 3.1 for read-only parsing behaviour we rely on
    "defusedxml": (0, 7),
    "uvicorn": (0, 11, 7),  # CVE-2020-7694 / CVE-2020-7695
    "asyncpg": (0, 21),  # CVE-2020-17446
    "argon2-cffi": (21, 2),  # RFC 9106 defaults
}


def parse(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = ""
        for ch in piece:  # leading digits only: "0rc1" is 0
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


@pytest.mark.parametrize(("package", "floor"), sorted(FLOORS.items()))
def test_installed_version_is_at_or_above_its_floor(package: str, floor: tuple[int, ...]) -> None:
    assert parse(version(package)) >= floor


def test_the_parser_compares_versions_numerically() -> None:
    assert parse("2.25.0") > parse("2.9.9")
    assert parse("1.1.1") >= (1, 1, 1)
    assert parse("0.32.0rc1") == (0, 32, 0)

"""Fuzzing the importers: whatever bytes arrive, they answer with rows or with their own refusal.

Valid workbooks (a score sheet, an expert registry, a fee list) are mutated - bits flipped,
cut short, bytes inserted, ZIP members swapped or replaced by random XML - and random cell
contents are written into fresh workbooks. The entry points that read uploads must return
normally or raise `InvalidInput` (the score reader returns its refusal as data): any other
exception would be a 500 on the page or a failed job. Bounded and derandomized, so the run is
the same every time (about 10 s). `bench/fuzz_importer.py` runs the same harness far longer.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from exams.rules.score_import import SCORE_HEADER_ALIASES
from exams.rules.score_model import SCORE_NO_FORMULA_FIELDS, SCORE_REQUIRED_FIELDS
from exams.score_work import validate_score_file
from exams.services import _read_fee_table
from exams.services.fees import FeeRow
from expert_pool.excel import parse_experts, template_bytes
from tests.xuehui.forged_zip import rename_in_directory
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import import ExcelLimits, read_table

pytestmark = pytest.mark.pure

LIMITS = ExcelLimits(max_file_bytes=2_000_000, max_uncompressed_bytes=20_000_000, max_rows=5_000)
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CANDIDATES = [(1, "T0001", "320102199001010071", "考生1", ("01", "02"))]
SUBJECTS = [("01", "科目01", "100", "60", 1, False), ("02", "科目02", "100", "60", 1, False)]


def _book(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SEEDS = [
    _book(
        [
            ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"],
            ["T0001", "320102199001010071", "考生1", "01", 80, "正常"],
            ["T0001", "320102199001010071", "考生1", "02", "=1+1", "缺考"],
        ]
    ),
    template_bytes(),
    _book([["身份证号"], ["320102199001010071"], [320102199001010071]]),
]


def _score_reader(data: bytes) -> None:
    outcome = validate_score_file(data, CANDIDATES, SUBJECTS, LIMITS)
    assert set(outcome) >= {"problems", "records", "totals", "rows"}
    assert all(set(p) >= {"code", "zh", "en"} for p in outcome["problems"])


def _table_reader(data: bytes) -> None:
    read_table(
        data,
        SCORE_HEADER_ALIASES,
        required=SCORE_REQUIRED_FIELDS,
        no_formula_fields=SCORE_NO_FORMULA_FIELDS,
        limits=LIMITS,
    )


def _fee_reader(data: bytes) -> None:
    outcome = _read_fee_table(data, LIMITS)
    if isinstance(outcome, list):
        assert all(isinstance(r, Reason) for r in outcome)
    else:
        rows, problems = outcome
        assert all(isinstance(r, FeeRow) for r in rows) and all(isinstance(r, Reason) for r in problems)


ENTRY_POINTS: dict[str, Callable[[bytes], None]] = {
    "score reader (job)": _score_reader,
    "read_table": _table_reader,
    "expert registry": lambda data: parse_experts(data) and None,
    "fee list": _fee_reader,
}


def only_own_refusals(data: bytes) -> None:
    """Every entry point returns or raises `InvalidInput`; anything else fails the test."""
    for reader in ENTRY_POINTS.values():
        reasons: list[Reason] = []
        try:
            reader(data)
        except InvalidInput as refused:
            reasons = refused.reasons or [Reason("", "", "")]
        assert all(r.code and r.zh and r.en for r in reasons)


# --------------------------------------------------------------------------- byte mutations


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are one of the mutations
        for name, body in members:
            archive.writestr(name, body)
    return out.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "truncate", "insert", "overwrite"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "truncate":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        if not data:
            break
    return bytes(data)


@st.composite
def restructured(draw: st.DrawFn) -> bytes:
    """A well-formed ZIP whose members are swapped, dropped, renamed or replaced by random XML, or
    whose directory names a member otherwise than the member's own header does."""
    members = _members(draw(st.sampled_from(SEEDS)))
    how = draw(st.sampled_from(["swap", "drop", "xml", "rename", "recase", "mislabel", "duplicate"]))
    i = draw(st.integers(0, len(members) - 1))
    j = draw(st.integers(0, len(members) - 1))
    if how == "swap":
        (a, body_a), (b, body_b) = members[i], members[j]
        members[i], members[j] = (a, body_b), (b, body_a)
    elif how == "drop":
        del members[i]
    elif how == "rename":
        members[i] = (draw(st.sampled_from(["xl/worksheets/sheet2.xml", "xl/workbook.xml", "x"])), members[i][1])
    elif how == "recase":
        members[i] = (_recased(members[i][0], draw(st.integers(0, len(members[i][0]) - 1))), members[i][1])
    elif how == "mislabel":
        # The fuzzer's find: `xL/_rels/...` in the directory, `xl/_rels/...` in the member's header.
        name = members[i][0]
        return rename_in_directory(_zip(members), name, _recased(name, draw(st.integers(0, len(name) - 1))))
    elif how == "duplicate":
        members.append(members[i])
    else:
        target = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml"]))
        members = [(n, draw(random_xml()) if n == target else b) for n, b in members]
    return _zip(members)


def _recased(name: str, at: int) -> str:
    """`name` with the first cased letter from `at` on (else before it) in the other case."""
    order = list(range(at, len(name))) + list(range(at))
    k = next((k for k in order if name[k].swapcase() != name[k]), at)
    return name[:k] + name[k].swapcase() + name[k + 1 :]


TAGS = ["worksheet", "sheetData", "row", "c", "v", "f", "is", "t", "x:c", "sheet", "sheets", "si", "dimension"]
ATTRS = ["r", "t", "s", "ref", "r:id", "name", "sheetId", "xmlns", "xmlns:x"]
VALUES = ["A1", "ZZZ99999999", "s", "inlineStr", "n", "b", "e", "-1", "1", "", "rId1", "str", "d"]


@st.composite
def random_xml(draw: st.DrawFn) -> bytes:
    def element(depth: int) -> str:
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(
            f' {a}="{draw(st.sampled_from(VALUES))}"'
            for a in draw(st.lists(st.sampled_from(ATTRS), max_size=3, unique=True))
        )
        text = draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        inner = "".join(element(depth + 1) for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))))
        return f"<{tag}{attrs}>{text}{inner}</{tag}>"

    body = element(0)
    if draw(st.booleans()):
        body = '<?xml version="1.0"?>' + body
    if draw(st.booleans()):  # and now and then not even well-formed
        cut = draw(st.integers(0, len(body)))
        body = body[:cut]
    return body.encode()


# --------------------------------------------------------------------------- random cells


_TEXT = st.text(max_size=30).map(lambda t: "".join(ch for ch in t if ch >= " " or ch in "\t\n\r"))
CELL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(
        ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态", "缺考", "违纪", "正常", "T0001", "01"]
    ),
    st.sampled_from(["=1+1", "=A1", '=HYPERLINK("x")', "=1/0", "=NA()", "@SUM(1)", "+1", "-1", "'0012"]),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),  # noqa: DTZ001 - Excel has no zones
    st.times(),
)


@st.composite
def random_sheet(draw: st.DrawFn) -> bytes:
    header = draw(
        st.sampled_from(
            [
                ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"],
                ["姓名", "身份证号", "主学科代码"],
                ["身份证号"],
                [],
            ]
        )
    )
    rows = draw(st.lists(st.lists(CELL, max_size=8), max_size=8))
    return _book([header, *rows])


# --------------------------------------------------------------------------- the properties


@FUZZ
@given(mutated())
def test_mutated_bytes_give_rows_or_the_importers_own_refusal(data: bytes) -> None:
    only_own_refusals(data)


@FUZZ
@given(restructured())
def test_restructured_archives_give_rows_or_the_importers_own_refusal(data: bytes) -> None:
    only_own_refusals(data)


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(random_sheet())
def test_random_cell_contents_give_rows_or_the_importers_own_refusal(data: bytes) -> None:
    only_own_refusals(data)


def test_the_seeds_are_valid_workbooks_so_the_mutations_start_from_real_files() -> None:
    outcome = validate_score_file(SEEDS[0], CANDIDATES, SUBJECTS, LIMITS)
    assert [(p["code"], p["row"], p["column"]) for p in outcome["problems"]] == [("excel.formula", 3, "E")]
    assert parse_experts(SEEDS[1])[0][0]["name"] == "张明"
    rows, problems = _read_fee_table(SEEDS[2], LIMITS)  # type: ignore[misc]
    assert ([row.number for row in rows], problems) == (["320102199001010071", None], [])

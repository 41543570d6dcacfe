"""Read and validate a 100,000-row score sheet; print time and peak memory.

Run: .venv/bin/python bench/exams_import_bench.py [rows]
The workbook (openpyxl write-only, 8 columns like a real score sheet) is generated once by a
child process into /tmp, so the peak RSS printed belongs to reading and validating alone.
Target for the whole import including the DB commit: under 5 s and 500 MB.
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from exams.rules.score_import import SCORE_HEADER_ALIASES, validate_score_rows
from exams.rules.score_model import SCORE_NO_FORMULA_FIELDS, SCORE_REQUIRED_FIELDS, KnownCandidate, ScoreImportContext
from exams.rules.subjects import Subject
from xuehui import idcard
from xuehui.excel_import import ExcelLimits, read_table

SUBJECTS = [
    Subject(
        f"0{i}",
        f"科目{i}",
        full_marks=Decimal(100),
        pass_mark=Decimal(60),
        decimal_places=1,
    )
    for i in range(1, 5)
]


def people(rows: int) -> list[KnownCandidate]:
    """One candidate per 4 rows (4 subjects each)."""
    out = []
    for i in range((rows + 3) // 4):
        number = idcard.make("320102", dt.date(1970, 1, 1) + dt.timedelta(days=i % 15000), i % 50, "male")
        out.append(KnownCandidate(f"c{i}", f"2026{i:08d}", number, f"考生{i}", frozenset(s.code for s in SUBJECTS)))
    return out


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("成绩")
    ws.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态", "考试日期", "备注"])
    for n, person in enumerate(people(rows)):
        for s in SUBJECTS:
            if n * 4 >= rows:
                break
            ws.append(
                [
                    person.ticket_no,
                    person.id_number,
                    person.name,
                    s.code,
                    50 + (n % 50) + 0.5,
                    "正常",
                    dt.date(2026, 10, 18),
                    "",
                ]
            )
    wb.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(tempfile.gettempdir()) / f"xuehui_scores_{rows}.xlsx"
    if len(sys.argv) > 2 and sys.argv[2] == "--generate":
        generate(path, rows)
        return
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, str(rows), "--generate"], check=True)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    context = ScoreImportContext.build(people(rows), SUBJECTS)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    data = path.read_bytes()
    t0 = time.perf_counter()
    table = read_table(
        data,
        SCORE_HEADER_ALIASES,
        required=SCORE_REQUIRED_FIELDS,
        no_formula_fields=SCORE_NO_FORMULA_FIELDS,
        limits=ExcelLimits(),
    )
    t1 = time.perf_counter()
    result = validate_score_rows(table, context)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"file {len(data) / 2**20:.2f} MiB, rows={len(table.rows)}, records={len(result.records)}, "
        f"problems={len(result.problems)}"
    )
    print(f"read (checks + calamine + formula scan): {t1 - t0:.2f} s; validate: {t2 - t1:.2f} s; total {t2 - t0:.2f} s")
    print(f"peak RSS {peak:.0f} MiB (before reading: {base_rss:.0f} MiB)")


if __name__ == "__main__":
    main()

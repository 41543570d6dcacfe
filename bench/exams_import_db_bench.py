"""Score import through the service and a real SQLite database: upload -> validate (job) -> commit (job).

Run: .venv/bin/python bench/exams_import_db_bench.py [rows]

A fresh SQLite database gets a plan with `rows` registered, seated candidates (one subject each);
a child process writes the score sheet, so its memory is not counted. The timed part is exactly
what the page does: `start_score_import` (store the file, validate it in the process pool, store the
preview), then `commit_score_import` (validate again against the current data and insert every row
in one transaction with the job's success). The process pool is warmed first, as in a running server.

Each time is also given against what python-calamine alone takes to read the same file, measured
in the same run (in a child process, best of three, so neither its memory nor a cold cache counts
against the import): targets (issue 15) the command line's validate + commit within 2.5x that
read, upload -> committed through the pages within 3x, and memory under 400 MB.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="xuehui-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite'}"
os.environ.setdefault("XUEHUI_MAX_UPLOAD_BYTES", "50000000")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SUBJECTS = ("01", "02", "03", "04")
CALAMINE_RUNS = 3
CLI_TARGET, PAGES_TARGET, MEMORY_TARGET_MB = 2.5, 3.0, 400
CALAMINE_ALONE = """
import io, sys, time
from python_calamine import CalamineWorkbook
data = open(sys.argv[1], "rb").read()
best = best_cpu = None
for _ in range(int(sys.argv[2])):
    started, started_cpu = time.perf_counter(), time.process_time()
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        rows = book.get_sheet_by_index(0).to_python()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    best = elapsed if best is None else min(best, elapsed)
    best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
print(best, best_cpu, len(rows))
"""


def calamine_alone(path: Path) -> tuple[float, float, int]:
    """Seconds (wall, CPU) python-calamine alone takes to read every cell of the file (best of CALAMINE_RUNS)."""
    out = subprocess.run(
        [sys.executable, "-c", CALAMINE_ALONE, str(path), str(CALAMINE_RUNS)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def ticket(i: int) -> str:
    return f"2026BN{i:08d}"


def id_number(i: int) -> str:
    from xuehui import idcard

    return idcard.make("320102", dt.date(1960, 1, 1) + dt.timedelta(days=i // 50), i % 50, "male")


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("成绩")
    sheet.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for i in range(rows):
        sheet.append([ticket(i), id_number(i), f"考生{i}", SUBJECTS[i % 4], 40 + (i % 60) + 0.5, "正常"])
    book.save(path)


async def setup(rows: int) -> int:
    from piccolo.querystring import QueryString

    from exams import services
    from exams.schemas import EligibilityRowIn, PlanIn, RoomIn, SubjectIn
    from societies.schemas import PilotIn, SocietyIn
    from societies.services import create_pilot, create_society
    from societies.tables import PilotProject
    from xuehui.cli import apply_migrations
    from xuehui.clock import CHINA, now, today
    from xuehui.db import engine, prepare_sqlite, write_transaction

    ok, message = await apply_migrations()
    assert ok, message
    await prepare_sqlite()
    society_id = await create_society(None, SocietyIn(code="BENCH", name_zh="基准学会"))
    from accounts.rules import Actor

    admin = Actor(user_id=0, username="bench", display_name="bench", role="admin", society_id=None)
    project = await create_pilot(
        admin, PilotIn(society_id=society_id, title="考务", function_type="exam_administration")
    )
    await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == project)
    start = dt.datetime.combine(today() + dt.timedelta(days=10), dt.time(9), CHINA)
    plan_id = await services.create_plan(
        None,
        PlanIn(
            society_id=society_id,
            code="BN",
            exam_code="BN",
            name="基准考试",
            year=2026,
            registration_opens=today(),
            registration_closes=today(),
            fee=100,
            cutoff_date=today(),
            eligibility=[EligibilityRowIn(education=30, min_years=0)],
            publication_date=today() + dt.timedelta(days=30),
            subjects=[
                SubjectIn(
                    code=c,
                    name=c,
                    full_marks=100,
                    pass_mark=60,
                    decimal_places=1,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=2),
                )
                for c in SUBJECTS
            ],
            rooms=[RoomIn(site_code="01", site_name="一中", room_no=1, rows=10, columns=10)],
        ),
    )
    moment = now().isoformat()
    async with write_transaction():
        connection = engine().current_transaction.get().connection
        await connection.executemany(
            "INSERT INTO xh_exam_registration (plan, id_number, name, sex, birth_date, education, related_major, "
            "graduation_date, work_start, employer, subjects, held_certificates, candidate_group, exempt_subjects, "
            "route, photo_sha, proof_sha, status, eligible, eligibility_zh, eligibility_en, review_note, paid, "
            "ticket_no, created_at, updated_at) VALUES (?, ?, ?, 'male', '1990-01-01', 30, 1, '2012-07-01', "
            "'2012-07-01', '单位', ?, '', 'full', '[]', 'commitment', '', '', 'approved', 1, '', '', '', 1, ?, ?, ?)",
            [
                (plan_id, id_number(i), f"考生{i}", f'["{SUBJECTS[i % 4]}"]', ticket(i), moment, moment)
                for i in range(rows)
            ],
        )
    count = await engine().run_querystring(QueryString("SELECT COUNT(*) AS n FROM xh_exam_registration"))
    assert count[0]["n"] == rows
    return plan_id


async def measure(plan_id: int, data: bytes) -> tuple[float, dict[str, object]]:
    from exams import services
    from xuehui import jobs

    await jobs.run_in_process(int, 0)  # warm the pool, as in a running server
    started = time.perf_counter()
    import_id = await services.start_score_import(None, plan_id, "scores.xlsx", data)
    record = await services.get_import(None, import_id)
    preview = await jobs.wait_for_job(record["validate_job"], timeout=300)
    assert preview["state"] == "succeeded", preview
    job = await jobs.wait_for_job(await services.commit_score_import(None, import_id), timeout=300)
    elapsed = time.perf_counter() - started
    assert job["state"] == "succeeded", job
    return elapsed, job["result"]


async def measure_one_pass(plan_id: int, data: bytes) -> tuple[float, float, dict[str, object]]:
    """The command line's path: validate once in this process, then commit in one transaction.
    Also its CPU time (this process and its SQLite thread): on a shared machine the wall time
    counts the other tenants too, the CPU time much less."""
    from exams import services

    plan = await services.plan_for_staff(None, plan_id)
    started, started_cpu = time.perf_counter(), time.process_time()
    summary = await services.import_scores_now(plan, data, dry_run=False, confirm_replace=False)
    return time.perf_counter() - started, time.process_time() - started_cpu, summary


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = WORK / "scores.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.argv=['x']; from bench.exams_import_db_bench import generate; "
            f"from pathlib import Path; generate(Path({str(path)!r}), {rows})",
        ],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    data = path.read_bytes()
    load = os.getloadavg()
    read_alone, read_cpu, read_rows = calamine_alone(path)
    plan_id = asyncio.run(setup(rows))
    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    elapsed, result = asyncio.run(measure(plan_id, data))
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    one_pass, one_pass_cpu, summary = asyncio.run(measure_one_pass(plan_id, data))
    one_pass_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    again = calamine_alone(path)[0]  # the machine may have got busier meanwhile: say so
    print(
        f"rows: {rows}, file: {len(data) / 1e6:.1f} MB, committed version {result['version']} ({result['rows']} rows)"
    )
    print(f"load average at start (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(
        f"python-calamine alone reads the file ({read_rows} rows): {read_alone:.2f} s, CPU {read_cpu:.2f} s "
        f"(again at the end: {again:.2f} s)"
    )
    print(
        f"command line, validate + commit: {one_pass:.2f} s = {one_pass / read_alone:.1f}x the read "
        f"(target <= {CLI_TARGET}x), version {summary['version']}; CPU {one_pass_cpu:.2f} s = "
        f"{one_pass_cpu / read_cpu:.1f}x the read's CPU"
    )
    ratio = elapsed / read_alone
    print(f"pages, upload -> committed: {elapsed:.2f} s = {ratio:.1f}x the read (target <= {PAGES_TARGET}x)")
    print(
        f"peak RSS: web process {main_rss:.0f} MiB (after setup {setup_rss:.0f} MiB, after the command line "
        f"{one_pass_rss:.0f} MiB), largest child (pool worker, generator or calamine alone) {child_rss:.0f} MiB "
        f"(target < {MEMORY_TARGET_MB} MB)"
    )


if __name__ == "__main__":
    main()

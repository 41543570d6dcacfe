"""Drill: `kill -9` during a large exam score import, restart, verify all-or-none (R-R1, R-F7).

Setup: the demo's exam administrator (化工学会) creates an exam plan over the JSON API; ROWS
approved, ticketed registrations are bulk-inserted (a fixture: nobody registers 60,000 people by
hand); a valid score workbook with one row per registration is written with openpyxl.

Each run, on SQLite and on PostgreSQL:
- page path: the exam administrator uploads the workbook on the plan page (session + CSRF),
  waits for the validation, presses "commit", and at a random moment (seeded) during the commit job
  the server is killed with SIGKILL; or
- command-line path (the last run): `xuehui exams import-scores --plan CODE FILE` is killed instead.

After the restart: the new score version has 0 or all ROWS rows (never part), the current scores
are one complete version, the interrupted job reads `failed` at once (marked at start-up, not
after the heartbeat timeout) and the import page says so, and a re-run of the import succeeds
with all rows.

Run alone: .venv/bin/python bench/stress/drill_kill_import.py [--quick] [--db sqlite,postgresql] [--rows N] [--seed N]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

SUBJECTS = ("01", "02", "03", "04")
PLAN_CODE = "BN"


def ticket(i: int) -> str:
    return f"2026BN{i:08d}"


def candidate_id(i: int) -> str:
    from xuehui import idcard

    return idcard.make("320102", dt.date(1960, 1, 1) + dt.timedelta(days=i // 50), i % 50, "male")


def write_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("成绩")
    sheet.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for i in range(rows):
        sheet.append([ticket(i), candidate_id(i), f"考生{i}", SUBJECTS[i % 4], 40 + (i % 60) + 0.5, "正常"])
    book.save(path)


async def create_plan(base: str, token: str) -> int:
    today = dt.datetime.now(dt.UTC).date()
    start = dt.datetime.combine(today + dt.timedelta(days=10), dt.time(1), dt.UTC)
    body = {
        "code": PLAN_CODE,
        "exam_code": PLAN_CODE,
        "name": "压力测试考试",
        "year": 2026,
        "registration_opens": today.isoformat(),
        "registration_closes": today.isoformat(),
        "fee": "100",
        "cutoff_date": today.isoformat(),
        "eligibility": [{"education": 30, "min_years": 0}],
        "publication_date": (today + dt.timedelta(days=60)).isoformat(),
        "subjects": [
            {
                "code": c,
                "name": f"科目{c}",
                "full_marks": 100,
                "pass_mark": 60,
                "decimal_places": 1,
                "starts_at": (start + dt.timedelta(days=k)).isoformat(),
                "ends_at": (start + dt.timedelta(days=k, hours=2)).isoformat(),
            }
            for k, c in enumerate(SUBJECTS)
        ],
        "rooms": [{"site_code": "01", "site_name": "一中", "room_no": 1, "rows": 10, "columns": 10}],
    }
    async with h.api(base, token) as http:
        response = await http.post("/api/exams/plans/", json=body)
        if response.status_code != 201:
            raise RuntimeError(f"creating the plan: {response.status_code} {response.text[:400]}")
        return int(response.json()["id"])


def insert_registrations(db: h.Database, plan_id: int, rows: int) -> None:
    """The fixture: `rows` approved, paid, ticketed registrations, one subject each."""
    moment = dt.datetime.now(dt.UTC)
    columns = (
        "plan, id_number, name, sex, birth_date, education, related_major, graduation_date, work_start, employer, "
        "subjects, held_certificates, candidate_group, exempt_subjects, route, photo_sha, proof_sha, status, "
        "eligible, eligibility_zh, eligibility_en, review_note, paid, ticket_no, created_at, updated_at"
    )
    values = [
        (
            plan_id,
            candidate_id(i),
            f"考生{i}",
            "male",
            dt.date(1990, 1, 1),
            30,
            True,
            dt.date(2012, 7, 1),
            dt.date(2012, 7, 1),
            "单位",
            f'["{SUBJECTS[i % 4]}"]',
            "",
            "full",
            "[]",
            "commitment",
            "",
            "",
            "approved",
            True,
            "",
            "",
            "",
            True,
            ticket(i),
            moment,
            moment,
        )
        for i in range(rows)
    ]
    if db.kind == "sqlite":
        import sqlite3

        assert db.path is not None
        connection = sqlite3.connect(db.path, timeout=30)
        try:
            sql = f"INSERT INTO xh_exam_registration ({columns}) VALUES ({','.join('?' * 26)})"  # noqa: S608
            connection.executemany(
                sql, [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in values]
            )
            connection.commit()
        finally:
            connection.close()
        return

    async def pg() -> None:
        import asyncpg

        connection = await asyncpg.connect(db.url)
        try:
            marks = ",".join(f"${i + 1}" for i in range(26))
            await connection.executemany(f"INSERT INTO xh_exam_registration ({columns}) VALUES ({marks})", values)  # noqa: S608
        finally:
            await connection.close()

    h.run_sync(pg())


async def score_state(db: h.Database, plan_id: int) -> dict[int, dict[str, int]]:
    """Rows per score version of the plan, and how many of them are current."""
    rows = await db.fetch(
        "SELECT s.version AS version, count(*) AS n, sum(CASE WHEN s.current THEN 1 ELSE 0 END) AS cur "
        "FROM xh_exam_score s JOIN xh_exam_registration r ON r.id = s.registration WHERE r.plan = ? "
        "GROUP BY s.version",
        plan_id,
    )
    return {int(r["version"]): {"rows": int(r["n"]), "current": int(r["cur"] or 0)} for r in rows}


def check_all_or_none(state: dict[int, dict[str, int]], rows: int, tally: h.Tally, where: str) -> None:
    current_versions = [v for v, s in state.items() if s["current"]]
    for version, s in state.items():
        if s["rows"] not in (0, rows):
            tally.half_written += 1
            tally.fail(f"{where}: version {version} has {s['rows']} of {rows} rows")
    if len(current_versions) > 1 or any(state[v]["current"] not in (0, rows) for v in current_versions):
        tally.half_written += 1
        tally.fail(f"{where}: current scores are not one complete version: {state}")


async def upload_and_validate(browser: h.Browser, plan_id: int, data: bytes) -> int:
    response = await browser.http.post(
        f"/exams/{plan_id}/scores",
        data={"_csrf_token": browser.csrf},
        files={"file": ("scores.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        timeout=120,
    )
    if response.status_code != 303:
        raise RuntimeError(f"upload: {response.status_code} {response.text[:400]}")
    found = re.search(r"/exams/imports/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    import_id = int(found.group(1))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        page = await browser.http.get(f"/exams/imports/{import_id}")
        if "refresh" not in page.headers:
            return import_id
        await asyncio.sleep(0.5)
    raise RuntimeError("validation did not finish within 180 s")


async def import_row(db: h.Database, import_id: int) -> dict[str, object]:
    return (await db.fetch("SELECT * FROM xh_exam_score_import WHERE id = ?", import_id))[0]


async def page_run(
    db: h.Database, server: h.Server, plan_id: int, data: bytes, rows: int, rng: random.Random, tally: h.Tally
) -> None:
    browser = await h.login(server.base, "examadmin")
    try:
        import_id = await upload_and_validate(browser, plan_id, data)
        h.log(f"import {import_id} validated")
        before = await score_state(db, plan_id)
        top = max(before, default=0)
        response = await browser.post_form(f"/exams/imports/{import_id}/commit", {})
        tally.tried += 1
        if response.status_code != 303:
            raise RuntimeError(f"commit: {response.status_code} {response.text[:300]}")
        tally.acknowledged += 1
        committed_at = time.monotonic()
        job_id = int((await import_row(db, import_id))["commit_job"] or 0)
        # Half the kills anywhere in the job, half in its last part (the insert transaction).
        delay = rng.uniform(0.05, 0.95) if rng.random() < 0.5 else rng.uniform(0.6, 1.0)
        delay *= DURATION["commit"]
        await asyncio.sleep(max(0.0, delay - (time.monotonic() - committed_at)))
        job_before = (await db.fetch("SELECT state, progress FROM xh_job WHERE id = ?", job_id))[0]
    finally:
        await browser.aclose()
    server.kill()
    h.log(f"killed {delay:.2f}s into the commit (job {job_id} was {job_before['state']} {job_before['progress']}%)")
    server.start()
    h.log("restarted")
    await after_restart(db, server, plan_id, import_id, job_id, top, rows, tally)


async def after_restart(
    db: h.Database, server: h.Server, plan_id: int, import_id: int, job_id: int, top: int, rows: int, tally: h.Tally
) -> None:
    state = await score_state(db, plan_id)
    check_all_or_none(state, rows, tally, f"import {import_id}")
    new_rows = sum(s["rows"] for v, s in state.items() if v > top)
    browser = await h.login(server.base, "examadmin")
    try:
        token_job = await browser.http.get(f"/api/exams/jobs/{job_id}", headers={"x-csrf-token": browser.csrf})
        job = token_job.json()
        page = await browser.http.get(f"/exams/imports/{import_id}")
        raw = (await db.fetch("SELECT state FROM xh_job WHERE id = ?", job_id))[0]["state"]
    finally:
        await browser.aclose()
    if new_rows == rows:
        tally.extra["committed before the kill"] += 1
        if job.get("state") != "succeeded":
            tally.half_written += 1
            tally.fail(f"import {import_id}: all rows stored but the job says {job.get('state')}")
        return
    tally.extra["interrupted"] += 1
    if raw != "failed":
        tally.fail(f"import {import_id}: job {job_id} is {raw!r} in the database right after the restart")
    if job.get("state") != "failed":
        tally.fail(f"import {import_id}: job reads {job.get('state')!r} after the restart")
    if 'data-state="failed"' not in page.text:
        tally.fail(f"import {import_id}: the import page does not show the failure")


async def rerun(db: h.Database, server: h.Server, plan_id: int, data: bytes, rows: int, tally: h.Tally) -> None:
    """The same workbook again, to the end: a new complete version (its commit time is measured)."""
    browser = await h.login(server.base, "examadmin")
    try:
        import_id = await upload_and_validate(browser, plan_id, data)
        started = time.monotonic()
        response = await browser.post_form(f"/exams/imports/{import_id}/commit", {})
        tally.tried += 1
        if response.status_code != 303:
            tally.fail(f"re-run commit: {response.status_code} {response.text[:300]}")
            return
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            row = await import_row(db, import_id)
            if row["state"] not in ("committing", "ready"):
                DURATION["commit"] = time.monotonic() - started
                break
            await asyncio.sleep(0.05)
    finally:
        await browser.aclose()
    if row["state"] != "committed":
        tally.fail(f"re-run import {import_id} ended {row['state']}")
        return
    tally.acknowledged += 1
    state = await score_state(db, plan_id)
    check_all_or_none(state, rows, tally, f"re-run {import_id}")
    current = [s for s in state.values() if s["current"]]
    if not current or current[0]["current"] != rows:
        tally.lost += 1
        tally.fail(f"re-run {import_id}: current scores {state}")


async def run_command(
    command: list[str], env: dict[str, str], kill_after: float | None = None
) -> tuple[int, str, float]:
    """Run a command (in its own process group); SIGKILL the group after `kill_after` seconds (code -9)."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=h.ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        await asyncio.wait_for(process.wait(), kill_after if kill_after is not None else 600)
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
    output = (await process.communicate())[0].decode(errors="replace")
    code = process.returncode if process.returncode is not None else -9
    return code, output, time.monotonic() - started


async def cli_run(
    db: h.Database, server: h.Server, plan_id: int, path: Path, rows: int, rng: random.Random, tally: h.Tally
) -> None:
    """`xuehui exams import-scores` killed with SIGKILL part-way; then the same command to the end."""
    command = [h.XUEHUI, "exams", "import-scores", "--plan", PLAN_CODE, "--lang", "en", str(path)]
    code, output, DURATION["cli"] = await run_command(command, db.env())  # complete: measures the length
    tally.tried += 1
    if code != 0 or "imported as version" not in output:
        tally.fail(f"CLI import: {code} {output[-300:]}")
    else:
        tally.acknowledged += 1
    top = max(await score_state(db, plan_id), default=0)
    delay = rng.uniform(0.3, 0.95) if rng.random() < 0.5 else rng.uniform(0.7, 1.0)
    delay *= DURATION["cli"]
    code, output, _ = await run_command(command, db.env(), kill_after=delay)
    finished = code != -9
    tally.tried += 1
    h.log(f"CLI import {'finished before' if finished else 'killed'} at {delay:.2f}s of {DURATION['cli']:.2f}s")
    state = await score_state(db, plan_id)
    check_all_or_none(state, rows, tally, "CLI import")
    new_rows = sum(s["rows"] for v, s in state.items() if v > top)
    if finished:
        tally.acknowledged += 1
        if new_rows != rows:
            tally.lost += 1
            tally.fail(f"CLI import said {output[-200:]!r} but stored {new_rows} rows")
    code, output, _ = await run_command(command, db.env())
    done = subprocess.CompletedProcess(command, code, output, "")
    tally.tried += 1
    if done.returncode != 0 or "imported as version" not in done.stdout:
        tally.fail(f"CLI re-run: {done.returncode} {done.stdout[-300:]}")
        return
    tally.acknowledged += 1
    check_all_or_none(await score_state(db, plan_id), rows, tally, "CLI re-run")
    integrity = await db.integrity()
    if integrity != "ok":
        tally.fail(f"integrity_check: {integrity}")


# Length of a commit job / of a whole CLI import, measured by the complete runs before each kill:
# the kill falls anywhere within it.
DURATION = {"commit": 3.0, "cli": 5.0}


async def drill(kind: str, runs: int, rows: int, rng: random.Random, workdir: Path) -> h.Tally:
    tally = h.Tally("kill_import", kind)
    db = await asyncio.to_thread(h.fresh, kind)
    server = h.Server(db, name=f"import-{kind}", XUEHUI_MAX_UPLOAD_BYTES="50000000")
    try:
        await asyncio.to_thread(server.start)
        token = await h.api_token(server.base, "examadmin")
        plan_id = await create_plan(server.base, token)
        await asyncio.to_thread(insert_registrations, db, plan_id, rows)
        path = workdir / "scores.xlsx"
        data = path.read_bytes()
        await rerun(db, server, plan_id, data, rows, tally)  # a complete import first: measures the commit
        for run in range(1, runs + 1):
            if run == runs and runs > 1:
                await cli_run(db, server, plan_id, path, rows, rng, tally)
            else:
                await page_run(db, server, plan_id, data, rows, rng, tally)
                await rerun(db, server, plan_id, data, rows, tally)
            tally.runs += 1
        integrity = await db.integrity()
        if integrity != "ok":
            tally.fail(f"integrity_check: {integrity}")
    except Exception as error:
        tally.fail(f"drill aborted: {type(error).__name__}: {error}")
        h.log(server.tail())
    finally:
        server.cleanup()
        db.cleanup()
    tally.notes.insert(
        0,
        f"{rows} rows per import; {tally.extra['interrupted']} commits interrupted, "
        f"{tally.extra['committed before the kill']} finished before the kill; every re-run complete",
    )
    return tally


def main() -> int:
    seed = h.seed_from_args()
    rng = random.Random(seed)
    runs = int(h.arg_value("--runs", "1" if h.quick() else "3"))
    rows = int(h.arg_value("--rows", "10000" if h.quick() else "30000"))
    workdir = Path(tempfile.mkdtemp(prefix="xuehui-import-drill-"))
    tallies = []
    try:
        write_workbook(workdir / "scores.xlsx", rows)
        for kind in h.databases_from_args():
            if kind == "postgresql" and not h.pg_reachable():
                h.log("PostgreSQL not reachable: skipped")
                continue
            tallies.append(asyncio.run(drill(kind, runs, rows, rng, workdir)))
            tallies[-1].notes.append(f"seed {seed}")
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return h.report(tallies)


if __name__ == "__main__":
    sys.exit(main())

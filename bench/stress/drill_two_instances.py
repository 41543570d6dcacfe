"""Drill: two app processes on one PostgreSQL database ("nothing held in process memory").

A fresh database `xuehui_stress_*` on the shared server (created and dropped here), two
`xuehui serve` processes A and B on different ports. Checked, several times with random splits:

- sessions: signed in on one, the cookie (and its CSRF token) works on the other; signing out on
  one ends the session on both;
- login throttling: wrong passwords for one account spread over A and B add up; once the limit is
  reached even the right password is refused on both; of a concurrent burst of 12 wrong passwords
  split over both, no more than the limit (5) may reach the password check;
- quotas: concurrent submissions split over both against a small quota store exactly the quota;
- jobs: a score import started on one shows its progress and result on the other, and is
  committed from the other.

Run alone: .venv/bin/python bench/stress/drill_two_instances.py [--quick] [--seed N]
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import drill_kill_import as imports
import harness as h

MAX_FAILURES = 5


async def check_sessions(a: h.Server, b: h.Server, rng: random.Random, tally: h.Tally) -> None:
    first, second = (a, b) if rng.random() < 0.5 else (b, a)
    browser = await h.login(first.base, "expert")
    try:
        tally.tried += 1
        me = await browser.http.get(f"{second.base}/api/me")
        if me.status_code != 200 or me.json().get("username") != "expert":
            tally.fail(f"session from {first.name} not valid on {second.name}: {me.status_code}")
        # A state change on the other instance with this session's CSRF token.
        made = await browser.http.post(
            f"{second.base}/api/tokens",
            json={"name": "cross", "scope": "read_write"},
            headers={"x-csrf-token": browser.csrf},
        )
        tally.tried += 1
        if made.status_code != 201:
            tally.fail(f"CSRF token from {first.name} refused on {second.name}: {made.status_code}")
        else:
            tally.acknowledged += 1
        session = browser_session(browser)
        out = await browser.http.post(f"{second.base}/logout", data={"_csrf_token": browser.csrf})
        tally.tried += 1
        if out.status_code != 303:
            tally.fail(f"logout on {second.name}: {out.status_code}")
        async with h.client(first.base, headers={"cookie": f"xh_session={session}"}) as replay:
            after = await replay.get("/api/me")
        if after.status_code != 401:
            tally.fail(f"session still valid on {first.name} after logout on {second.name}: {after.status_code}")
    finally:
        await browser.aclose()


def browser_session(browser: h.Browser) -> str:
    for cookie in browser.http.cookies.jar:
        if cookie.name == "xh_session":
            return cookie.value or ""
    return ""


async def attempt(server: h.Server, username: str, password: str) -> int:
    async with h.client(server.base) as http:
        return (await h.try_login(http, username, password)).status_code


async def check_throttling(
    db: h.Database, a: h.Server, b: h.Server, username: str, rng: random.Random, tally: h.Tally
) -> None:
    servers = [a, b]
    sequence = [rng.choice(servers) for _ in range(MAX_FAILURES)]
    if len({s.name for s in sequence}) < 2:
        sequence[0] = b if sequence[0] is a else a
    statuses = [await attempt(s, username, "wrong-password-1") for s in sequence]
    tally.tried += len(statuses)
    if any(st == 429 for st in statuses) or any(st == 303 for st in statuses):
        tally.fail(f"throttling {username}: early answers {statuses}")
    for server in servers:
        status = await attempt(server, username, h.PASSWORD)
        tally.tried += 1
        if status != 429:
            tally.fail(
                f"throttling {username}: after {MAX_FAILURES} failures split "
                f"{[s.name for s in sequence]}, the right password on {server.name} answered {status}"
            )
    h.log(f"throttling {username}: failures on {[s.name for s in sequence]} -> then 429 on both")


async def check_burst(db: h.Database, a: h.Server, b: h.Server, username: str, tally: h.Tally) -> None:
    """12 simultaneous wrong passwords split over A and B: how many got past the limit of 5?"""
    statuses = await asyncio.gather(*[attempt(a if i % 2 else b, username, "wrong-burst") for i in range(12)])
    tally.tried += len(statuses)
    checked = sum(1 for s in statuses if s != 429)
    rows = await db.fetch("SELECT count(*) AS n FROM xh_login_failure WHERE username = ?", username)
    tally.extra["burst_checked"] = max(tally.extra["burst_checked"], checked)
    h.log(
        f"burst on {username}: statuses {sorted(statuses)}; {checked} password checks, {rows[0]['n']} failures stored"
    )
    if checked > MAX_FAILURES:
        tally.fail(
            f"a burst of {len(statuses)} simultaneous wrong passwords for {username} over A and B got {checked} "
            f"password checks; the limit is {MAX_FAILURES} (count-then-record is not atomic)"
        )
    final = await attempt(a, username, h.PASSWORD)
    if final != 429:
        tally.fail(f"after a burst of wrong passwords the right one answered {final}")


async def check_quota(
    db: h.Database, a: h.Server, b: h.Server, token: str, run: int, rng: random.Random, tally: h.Tally
) -> None:
    quota = rng.randint(2, 6)
    quota_id = await h.set_quota(db, a.base, 0)
    used = int((await db.fetch("SELECT used FROM xh_quota WHERE id = ?", quota_id))[0]["used"])
    await h.set_quota(db, b.base, used + quota)
    count = rng.randint(16, 30)
    ids = []
    async with h.api(a.base, token, timeout=60) as http:
        for n in range(count):
            title = f"two-{run}-{n}"
            response = await http.post("/api/nominations/", json=h.nomination_payload(title, 700 + run * 5000 + n * 3))
            if response.status_code != 201:
                raise RuntimeError(f"draft: {response.status_code} {response.text[:300]}")
            ids.append((title, int(response.json()["id"])))
    tally.tried += count

    async def submit(server: h.Server, title: str, nomination_id: int) -> tuple[h.Op, int]:
        op = h.Op("submit", title, key=f"two-key-{run}-{nomination_id}", nomination_id=nomination_id)
        async with h.api(server.base, token, timeout=60) as http:
            response = await http.post(f"/api/nominations/{nomination_id}/submit", json={"idempotency_key": op.key})
        op.status = str(response.status_code)
        op.acked = response.status_code == 200
        return op, response.status_code

    results = await asyncio.gather(*[submit(rng.choice([a, b]), t, i) for t, i in ids])
    statuses = [s for _, s in results]
    tally.tried += len(results)
    tally.acknowledged += sum(1 for s in statuses if s == 200)
    tally.server_errors_500 += sum(1 for s in statuses if s == 500)
    stored = (
        await db.fetch(
            "SELECT count(*) AS n FROM xh_nomination WHERE title LIKE ? AND status = 'submitted'", f"two-{run}-%"
        )
    )[0]["n"]
    row = (await db.fetch("SELECT used, quota FROM xh_quota WHERE id = ?", quota_id))[0]
    h.log(f"quota {quota}: {count} concurrent submissions -> {sorted(statuses)}; stored {stored}, used {row['used']}")
    if stored != quota or statuses.count(200) != quota or set(statuses) - {200, 409}:
        tally.fail(f"quota {quota} over two instances: stored {stored}, answers {sorted(statuses)}")
    if stored > quota:
        tally.half_written += stored - quota
    await h.verify_nominations(db, [op for op, _ in results], f"two-{run}-", quota_id, tally)


async def check_job(
    db: h.Database, a: h.Server, b: h.Server, plan_id: int, data: bytes, rows: int, tally: h.Tally
) -> None:
    """Upload and validate on A, watched on B; committed on B, watched on A."""
    uploader = await h.login(a.base, "examadmin")
    watcher = await h.login(b.base, "examadmin")
    try:
        response = await uploader.http.post(
            f"/exams/{plan_id}/scores",
            data={"_csrf_token": uploader.csrf},
            files={"file": ("scores.xlsx", data, "application/octet-stream")},
            timeout=120,
        )
        tally.tried += 1
        if response.status_code != 303:
            tally.fail(f"upload on A: {response.status_code}")
            return
        import_id = int(response.headers["location"].rsplit("/", 1)[1])
        record = (await db.fetch("SELECT validate_job FROM xh_exam_score_import WHERE id = ?", import_id))[0]
        seen = await watch(watcher, int(record["validate_job"]))
        h.log(f"validation started on A, seen on B: {seen}")
        if seen[-1] != "succeeded":
            tally.fail(f"validation job seen on B ended {seen}")
            return
        page = await watcher.http.get(f"/exams/imports/{import_id}")
        if f"{rows}" not in page.text:
            tally.fail("B's import page does not show the validated row count")
        response = await watcher.post_form(f"/exams/imports/{import_id}/commit", {})
        tally.tried += 1
        if response.status_code != 303:
            tally.fail(f"commit on B: {response.status_code}")
            return
        commit_job = (await db.fetch("SELECT commit_job FROM xh_exam_score_import WHERE id = ?", import_id))[0]
        seen = await watch(uploader, int(commit_job["commit_job"]))
        h.log(f"commit started on B, seen on A: {seen}")
        if seen[-1] != "succeeded":
            tally.fail(f"commit job seen on A ended {seen}")
            return
        tally.acknowledged += 1
        state = await imports.score_state(db, plan_id)
        current = sum(s["current"] for s in state.values())
        if current != rows:
            tally.lost += 1
            tally.fail(f"after the commit {current} of {rows} scores are current")
    finally:
        await uploader.aclose()
        await watcher.aclose()


async def watch(browser: h.Browser, job_id: int) -> list[str]:
    """The job's states (with progress) as another instance shows them, until it ends."""
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        response = await browser.http.get(f"/api/exams/jobs/{job_id}")
        job = response.json() if response.status_code == 200 else {"state": f"http {response.status_code}"}
        label = job["state"] if job["state"] in ("succeeded", "failed") else f"{job['state']} {job.get('progress')}%"
        if not seen or seen[-1] != label:
            seen.append(label)
        if job["state"] in ("succeeded", "failed") or response.status_code != 200:
            break
        await asyncio.sleep(0.1)
    return seen


async def drill(runs: int, rng: random.Random) -> h.Tally:
    tally = h.Tally("two_instances", "postgresql")
    db = await asyncio.to_thread(h.fresh_postgres)
    a = h.Server(db, name="A")
    b = h.Server(db, name="B")
    workdir = Path(tempfile.mkdtemp(prefix="xuehui-two-"))
    try:
        await asyncio.gather(asyncio.to_thread(a.start), asyncio.to_thread(b.start))
        token = await h.api_token(b.base, "society")
        admin_token = await h.api_token(a.base, "admin")
        async with h.api(a.base, admin_token) as http:
            for run in range(1, runs + 1):
                made = await http.post(
                    "/api/users/",
                    json={
                        "username": f"throttle{run}",
                        "display_name": f"限流测试{run}",
                        "role": "candidate",
                        "password": h.PASSWORD,
                    },
                )
                if made.status_code != 201:
                    raise RuntimeError(f"creating throttle{run}: {made.status_code} {made.text[:300]}")
        rows = 3000
        imports.write_workbook(workdir / "scores.xlsx", rows)
        exam_token = await h.api_token(a.base, "examadmin")
        plan_id = await imports.create_plan(a.base, exam_token)
        await asyncio.to_thread(imports.insert_registrations, db, plan_id, rows)
        data = (workdir / "scores.xlsx").read_bytes()
        for run in range(1, runs + 1):
            await check_sessions(a, b, rng, tally)
            # Each run throttles another account (a throttled account stays refused for the window).
            username = f"throttle{run}"
            await check_throttling(db, a, b, username, rng, tally)
            await check_quota(db, a, b, token, run, rng, tally)
            await check_job(db, a, b, plan_id, data, rows, tally)
            tally.runs += 1
        await check_burst(db, a, b, "expert", tally)
    except Exception as error:
        tally.fail(f"drill aborted: {type(error).__name__}: {error}")
        h.log(a.tail())
        h.log(b.tail())
    finally:
        a.cleanup()
        b.cleanup()
        db.cleanup()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    tally.notes.insert(
        0,
        "sessions, CSRF and logout cross instances; throttling sums failures over both; quota exact; "
        f"jobs visible on both; a burst of 12 wrong passwords got {tally.extra['burst_checked']} password checks "
        f"(limit {MAX_FAILURES})",
    )
    return tally


def main() -> int:
    seed = h.seed_from_args()
    rng = random.Random(seed)
    runs = int(h.arg_value("--runs", "1" if h.quick() else "3"))
    if not h.pg_reachable():
        tally = h.Tally("two_instances", "postgresql")
        tally.fail("PostgreSQL not reachable")
        return h.report([tally])
    tally = asyncio.run(drill(runs, rng))
    tally.notes.append(f"seed {seed}")
    return h.report([tally])


if __name__ == "__main__":
    sys.exit(main())

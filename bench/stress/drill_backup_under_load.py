"""Drill: a backup taken under load restores every acknowledged write (reference §5.5, row R-R4).

For SQLite and then PostgreSQL (a database `xuehui_stress_backup_*` of our own on the shared
server, dropped at the end): a fresh migrated database with the demo data, `xuehui serve`, a
stream of acknowledged writes (an admin creating societies through the JSON API: the society and
its audit entry in one transaction), `xuehui backup` in the middle of the stream, then
`xuehui restore` into a fresh database and a check that

- every write acknowledged (201 received) before the backup began is in the restored database,
- no write is half there (a society without its audit entry, or the reverse),
- the restored database passes the restore's own verification (rows per table equal to the
  backup's, integrity, migration level) and its audit log still refuses an UPDATE.

Progress goes to stderr; the last stdout line is one JSON object covering both databases.
Run: .venv/bin/python bench/stress/drill_backup_under_load.py [--runs N] [--db sqlite,postgresql]
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_support import (
    DEMO_PASSWORD,
    Database,
    Server,
    csrf_from,
    empty_database,
    fresh_database,
    log,
    login,
    run_cli,
)

CONCURRENCY = 8
WRITE_SECONDS_BEFORE = 2.0
WRITE_SECONDS_AFTER = 1.0


def arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


async def bearer_token(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await login(client, "admin", DEMO_PASSWORD)
        token = csrf_from((await client.get("/account")).text)
        made = await client.post(
            "/api/tokens", json={"name": "backup drill", "scope": "read_write"}, headers={"x-csrf-token": token}
        )
        made.raise_for_status()
        return str(made.json()["token"])


class Stream:
    """Writers posting new societies; each acknowledged write is remembered with its time."""

    def __init__(self, base: str, token: str, run: int) -> None:
        self.base, self.token, self.run = base, token, run
        self.next = 0
        self.tried = 0
        self.acked: list[tuple[float, str, int]] = []  # (time the 201 arrived, code, id)
        self.statuses: list[tuple[float, float, int]] = []  # (sent, answered, status)
        self.stop = asyncio.Event()

    async def writer(self) -> None:
        headers = {"authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.base, timeout=30, headers=headers) as client:
            while not self.stop.is_set():
                code = f"R{self.run}W{self.next:05d}"
                self.next += 1
                self.tried += 1
                sent = time.monotonic()
                try:
                    response = await client.post("/api/societies", json={"code": code, "name_zh": f"演练学会{code}"})
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                answered = time.monotonic()
                self.statuses.append((sent, answered, status))
                if status == 201:
                    self.acked.append((answered, code, int(response.json()["id"])))


async def restored_rows(db: Database, url: str) -> tuple[dict[str, int], set[str]]:
    """(code -> id of the drill's societies, ids named by 'society.created' audit entries)."""
    societies_sql = "SELECT id, code FROM xh_society WHERE code LIKE 'R%W%'"
    audit_sql = "SELECT object_id FROM xh_audit WHERE action = 'society.created'"
    if db.kind == "sqlite":
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            societies = {str(c): int(i) for i, c in connection.execute(societies_sql)}
            audited = {str(r[0]) for r in connection.execute(audit_sql)}
        finally:
            connection.close()
        return societies, audited
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        societies = {str(r["code"]): int(r["id"]) for r in await connection.fetch(societies_sql)}
        audited = {str(r["object_id"]) for r in await connection.fetch(audit_sql)}
    finally:
        await connection.close()
    return societies, audited


async def one_run(kind: str, run: int, rng: random.Random) -> dict[str, Any]:
    source = await asyncio.to_thread(
        fresh_database, kind, "xuehui_stress_backup" if kind == "postgresql" else "xuehui-stress-backup"
    )
    target: Database | None = None
    server = Server(source, XUEHUI_ARGON2_PROFILE="cheapest")
    try:
        await asyncio.to_thread(server.start)
        stream = Stream(server.base, await bearer_token(server.base), run)
        writers = [asyncio.create_task(stream.writer()) for _ in range(CONCURRENCY)]
        await asyncio.sleep(WRITE_SECONDS_BEFORE * rng.uniform(0.5, 1.5))
        backup_file = source.workdir / ("backup.sqlite" if kind == "sqlite" else "backup.dump")
        began = time.monotonic()
        acked_before = list(stream.acked)
        backup_report = json.loads(
            (await asyncio.to_thread(run_cli, source, "backup", str(backup_file), "--json")).strip().splitlines()[-1]
        )
        ended = time.monotonic()
        await asyncio.sleep(WRITE_SECONDS_AFTER)
        stream.stop.set()
        await asyncio.gather(*writers)
        during = Counter(str(s) for sent, answered, s in stream.statuses if answered >= began and sent <= ended)
        log(
            f"{kind} run {run}: {len(acked_before)} acked before the backup, {sum(during.values())} answered "
            f"during it ({ended - began:.2f} s), {len(stream.acked)} acked in all"
        )

        target = await asyncio.to_thread(
            empty_database, kind, "xuehui_stress_restore" if kind == "postgresql" else "xuehui-stress-restore"
        )
        restore_report = json.loads(
            (await asyncio.to_thread(run_cli, source, "restore", str(backup_file), "--to", target.url, "--json"))
            .strip()
            .splitlines()[-1]
        )
        societies, audited = await restored_rows(target, target.url)
        lost = [code for _t, code, society_id in acked_before if societies.get(code) != society_id]
        half = [code for code, society_id in societies.items() if str(society_id) not in audited]
        problems = [p["en"] for p in restore_report["problems"]] + [p["en"] for p in backup_report["problems"]]
        if restore_report["audit_refuses_change"] is not True:
            problems.append("the restored audit log did not refuse an UPDATE")
        if restore_report["migrations_pending"]:
            problems.append("migrations pending after the restore")
        return {
            "tried": stream.tried,
            "acknowledged": len(stream.acked),
            "acked_before": len(acked_before),
            "in_backup": len(societies),
            "lost": len(lost),
            "half_written": len(half),
            "during": during,
            "errors_500": sum(1 for _s, _a, status in stream.statuses if status >= 500),
            "other_failures": sum(1 for _s, _a, status in stream.statuses if status not in (201,) and status < 500),
            "backup_seconds": ended - began,
            "problems": problems,
            "audit_rows": restore_report["audit_rows"],
        }
    finally:
        # Off the event loop: cleanup() runs its own loop to drop a PostgreSQL database.
        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(source.cleanup)
        if target is not None:
            await asyncio.to_thread(target.cleanup)


async def main() -> None:
    started = time.monotonic()
    runs = int(arg("--runs", "2"))
    kinds = [k for k in arg("--db", "sqlite,postgresql").split(",") if k]
    seed = int(arg("--seed", str(random.SystemRandom().randrange(1, 2**31))))
    rng = random.Random(seed)
    log(f"seed {seed}")
    totals: Counter[str] = Counter()
    during: Counter[str] = Counter()
    notes: list[str] = []
    done = 0
    for kind in kinds:
        for run in range(1, runs + 1):
            result = await one_run(kind, run, rng)
            done += 1
            for key in ("tried", "acknowledged", "lost", "half_written", "errors_500", "other_failures"):
                totals[key] += int(result[key])
            during.update(result["during"])
            notes.append(
                f"{kind} run {run}: {result['acked_before']} acked before the backup, {result['in_backup']} in it, "
                f"{result['lost']} lost, backup {result['backup_seconds']:.2f} s, "
                f"restored audit rows {result['audit_rows']}"
                + (f", problems: {'; '.join(result['problems'])}" if result["problems"] else "")
            )
            for problem in result["problems"]:
                totals["problems"] += 1
                log(f"PROBLEM {kind} run {run}: {problem}")
    report = {
        "drill": "backup under load",
        "database": "+".join(kinds),
        "runs": done,
        "tried": totals["tried"],
        "acknowledged": totals["acknowledged"],
        "lost": totals["lost"],
        "half_written": totals["half_written"],
        "statuses_during_fault": dict(sorted(during.items())),
        "server_errors_500": totals["errors_500"],
        "recovered_without_restart": None,
        "seconds": round(time.monotonic() - started, 1),
        "notes": (
            f"seed {seed}; {CONCURRENCY} writers (society + audit entry per write); "
            f"other refusals {totals['other_failures']}; verification problems {totals['problems']}; "
            + " | ".join(notes)
        ),
    }
    print(json.dumps(report, ensure_ascii=False))
    if totals["lost"] or totals["half_written"] or totals["errors_500"] or totals["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())

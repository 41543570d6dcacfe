"""Drill: `kill -9` the server during a stream of acknowledged writes, restart, verify (R-R1).

A society nominator (API token) runs 8 concurrent streams of: create a nomination draft
(201, title chosen by the client), then submit it with a client-chosen idempotency key (200; takes a
quota slot, writes contributors, snapshot and audit in one transaction). At a random moment
(seeded) the server gets SIGKILL; it is restarted and:

- every acknowledged draft and submission is in the database (lost == 0);
- nothing is half-written: every drill nomination has exactly one `nomination.created` audit row;
  every submitted one has its key, snapshot, quota, contributor rows and exactly one
  `nomination.submitted` audit row; an unsubmitted one has none of those; quota `used` equals the
  nominations holding a slot;
- the submissions that were in flight at the kill are retried with the same key: each answers 200
  and creates no second record or audit row;
- SQLite: `PRAGMA integrity_check` is ok.

Run alone: .venv/bin/python bench/stress/drill_kill_submissions.py [--quick] [--db sqlite,postgresql] [--seed N]
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

CONCURRENCY = 8
Op = h.Op


class Stream:
    def __init__(self, server: h.Server, token: str, run: int, person_base: int, max_submits: int) -> None:
        self.server = server
        self.token = token
        self.run = run
        self.person_base = person_base
        self.max_submits = max_submits
        self.submits = 0
        self.ops: list[Op] = []
        self.killed = False
        self.counter = 0
        self.statuses: dict[str, int] = {}
        self.unexpected: list[str] = []

    def _note(self, key: str) -> None:
        self.statuses[key] = self.statuses.get(key, 0) + 1

    async def _send(self, http: httpx.AsyncClient, op: Op, method: str, path: str, body: Any) -> httpx.Response | None:
        if self.killed:
            return None
        self.ops.append(op)
        try:
            response = await http.request(method, path, json=body)
        except httpx.HTTPError as error:
            op.in_flight = True
            op.status = h.status_key(None, error)
            self._note(op.status)
            return None
        op.status = str(response.status_code)
        self._note(op.status)
        if response.status_code in (200, 201):
            op.acked = True
        else:
            self.unexpected.append(f"{op.kind} {response.status_code} {response.text[:200]}")
        return response

    async def worker(self, wid: int) -> None:
        async with h.api(self.server.base, self.token, timeout=30) as http:
            while not self.killed:
                n = self.counter
                self.counter += 1
                title = f"drill-{self.run}-{n}"
                create = Op("create", title)
                response = await self._send(
                    http,
                    create,
                    "POST",
                    "/api/nominations/",
                    h.nomination_payload(title, self.person_base + n * h.PEOPLE),
                )
                if response is None or not create.acked:
                    if response is None:
                        return
                    continue
                nomination_id = int(response.json()["id"])
                create.nomination_id = nomination_id
                if self.submits >= self.max_submits:
                    continue
                self.submits += 1
                submit = Op("submit", title, key=f"drill-key-{self.run}-{n}", nomination_id=nomination_id)
                await self._send(
                    http, submit, "POST", f"/api/nominations/{nomination_id}/submit", {"idempotency_key": submit.key}
                )


async def one_run(
    db: h.Database, server: h.Server, token: str, quota_id: int, run: int, rng: random.Random, tally: h.Tally
) -> None:
    quota_row = (await db.fetch("SELECT id, used, quota FROM xh_quota WHERE id = ?", quota_id))[0]
    stream = Stream(
        server, token, run, person_base=100 + run * 20_000, max_submits=quota_row["quota"] - quota_row["used"]
    )
    kill_after = rng.uniform(1.0, 4.0)
    workers = [asyncio.create_task(stream.worker(i)) for i in range(CONCURRENCY)]
    await asyncio.sleep(kill_after)
    stream.killed = True
    server.kill()
    await asyncio.gather(*workers)
    acked = [op for op in stream.ops if op.acked]
    in_flight = [op for op in stream.ops if op.in_flight]
    h.log(
        f"run {run}: killed after {kill_after:.2f}s; {len(stream.ops)} requests, {len(acked)} acked, "
        f"{len(in_flight)} in flight"
    )
    tally.tried += len(stream.ops)
    tally.acknowledged += len(acked)
    for key, n in stream.statuses.items():
        if key.startswith("error"):
            tally.statuses_during_fault["conn_lost"] += n
        elif key == "500":
            tally.server_errors_500 += n
    for text in stream.unexpected[:3]:
        tally.fail(f"unexpected answer before the kill: {text}")

    restarted = time.monotonic()
    server.start()
    h.log(f"run {run}: restarted in {time.monotonic() - restarted:.1f}s")

    # Retry every in-flight submission with its key; the drafts in flight have no key (their rows,
    # if any, are "stored but not acknowledged" and must still be whole).
    retried = 0
    async with h.api(server.base, token, timeout=30) as http:
        for op in in_flight:
            if op.kind != "submit":
                continue
            response = await http.post(f"/api/nominations/{op.nomination_id}/submit", json={"idempotency_key": op.key})
            tally.tried += 1
            retried += 1
            if response.status_code == 500:
                tally.server_errors_500 += 1
            if response.status_code != 200 or response.json().get("status") != "submitted":
                tally.fail(f"retry of {op.key}: {response.status_code} {response.text[:200]}")
            else:
                op.acked = True
                tally.acknowledged += 1
        # The same key again for a few acknowledged submissions: answered 200, nothing new.
        for op in [o for o in acked if o.kind == "submit"][:5]:
            response = await http.post(f"/api/nominations/{op.nomination_id}/submit", json={"idempotency_key": op.key})
            tally.tried += 1
            if response.status_code != 200:
                tally.fail(f"repeat of acknowledged {op.key}: {response.status_code} {response.text[:200]}")
    await h.verify_nominations(db, stream.ops, f"drill-{run}-", quota_id, tally)
    stored = await h.titles_stored(db, [op.title for op in in_flight])
    stored_not_acked = [op for op in in_flight if op.kind == "create" and op.title in stored]
    tally.extra["stored_not_acked"] += len(stored_not_acked)
    tally.extra["in_flight"] += len(in_flight)
    tally.extra["retried"] += retried


async def drill(kind: str, runs: int, rng: random.Random) -> h.Tally:
    tally = h.Tally("kill_submissions", kind)
    db = h.fresh(kind)
    server = h.Server(db, name=f"kill-{kind}")
    try:
        server.start()
        quota_id = await h.set_quota(db, server.base, 1000)
        token = await h.api_token(server.base, "society")
        for run in range(1, runs + 1):
            await one_run(db, server, token, quota_id, run, rng, tally)
            tally.runs += 1
        server.stop()
        leftover = server.count_in_logs("Traceback")
        if leftover:
            tally.notes.append(f"{leftover} tracebacks in the server logs")
    except Exception as error:
        tally.fail(f"drill aborted: {type(error).__name__}: {error}")
        h.log(server.tail())
    finally:
        server.cleanup()
        db.cleanup()
    data = tally.extra
    tally.notes.insert(
        0,
        f"{data['in_flight']} in flight at the kills, {data['retried']} submissions retried with their key "
        f"(no duplicates), {data['stored_not_acked']} drafts stored but not acknowledged",
    )
    return tally


def main() -> int:
    seed = h.seed_from_args()
    rng = random.Random(seed)
    runs = int(h.arg_value("--runs", "1" if h.quick() else "3"))
    tallies = []
    for kind in h.databases_from_args():
        if kind == "postgresql" and not h.pg_reachable():
            h.log("PostgreSQL not reachable: skipped")
            continue
        tallies.append(asyncio.run(drill(kind, runs, rng)))
        tallies[-1].notes.append(f"seed {seed}")
    return h.report(tallies)


if __name__ == "__main__":
    sys.exit(main())

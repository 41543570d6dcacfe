"""Drill: crash PostgreSQL (`pg_ctl -m immediate stop`) under write load, start it again (R-R2).

Runs on a PRIVATE cluster (initdb into a temp dir, user postgres, its own port), never on the
shared server. A society nominator streams drafts and keyed submissions (8 concurrent clients)
through one app process; at a random moment the cluster is crashed, kept down for a random 2-4 s,
and started again (crash recovery). Pass:

- while the database is down the app answers 503 (never 500) and keeps serving /health;
- it recovers without an app restart: the first acknowledged write within 10 s of PostgreSQL
  being back;
- submissions refused during the outage are retried with their key afterwards and succeed once;
- 0 acknowledged writes lost, nothing half-written (same checks as the kill drill).

Run alone: .venv/bin/python bench/stress/drill_postgres_restart.py [--quick] [--seed N] [--port 55432]
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

CONCURRENCY = 8


class Stream:
    def __init__(self, base: str, token: str, run: int, max_submits: int) -> None:
        self.base = base
        self.token = token
        self.run = run
        self.max_submits = max_submits
        self.submits = 0
        self.ops: list[h.Op] = []
        self.pending: list[h.Op] = []  # submissions answered 503: retried with their key later
        self.stop = False
        self.phase = "before"
        self.counter = 0
        self.statuses: dict[str, dict[str, int]] = {"before": {}, "down": {}, "recovering": {}, "after": {}}
        self.first_ack_after_up: float | None = None
        self.acked_after_up = asyncio.Event()
        self.up_at: float | None = None
        self.bodies_500: list[str] = []

    def _note(self, status: str) -> None:
        bucket = self.statuses[self.phase]
        bucket[status] = bucket.get(status, 0) + 1

    async def send(self, http: httpx.AsyncClient, op: h.Op, path: str, body: object) -> httpx.Response | None:
        self.ops.append(op)
        try:
            response = await http.post(path, json=body)
        except httpx.HTTPError as error:
            op.in_flight = True
            op.status = h.status_key(None, error)
            self._note(op.status)
            return None
        op.status = str(response.status_code)
        self._note(op.status)
        if response.status_code == 500:
            self.bodies_500.append(response.text[:300])
        if response.status_code in (200, 201):
            op.acked = True
            if self.up_at is not None and self.first_ack_after_up is None:
                self.first_ack_after_up = time.monotonic() - self.up_at
                self.acked_after_up.set()
        return response

    async def worker(self) -> None:
        async with h.api(self.base, self.token, timeout=30) as http:
            while not self.stop:
                n = self.counter
                self.counter += 1
                title = f"pg-{self.run}-{n}"
                create = h.Op("create", title)
                response = await self.send(
                    http, create, "/api/nominations/", h.nomination_payload(title, 100 + self.run * 20_000 + n * 3)
                )
                if response is None or not create.acked:
                    await asyncio.sleep(0.05)
                    continue
                create.nomination_id = int(response.json()["id"])
                if self.submits >= self.max_submits:
                    continue
                self.submits += 1
                submit = h.Op("submit", title, key=f"pg-key-{self.run}-{n}", nomination_id=create.nomination_id)
                await self.send(
                    http, submit, f"/api/nominations/{create.nomination_id}/submit", {"idempotency_key": submit.key}
                )
                if not submit.acked:
                    self.pending.append(submit)
                    await asyncio.sleep(0.05)

    async def probe_health(self) -> None:
        """The process itself keeps answering while its database is gone."""
        async with h.client(self.base, timeout=5) as http:
            while not self.stop:
                try:
                    response = await http.get("/health")
                    if response.status_code != 200:
                        self._note(f"health:{response.status_code}")
                except httpx.HTTPError as error:
                    self._note(f"health:{type(error).__name__}")
                await asyncio.sleep(0.2)


async def one_run(
    cluster: h.PrivateCluster,
    db: h.Database,
    server: h.Server,
    token: str,
    quota_id: int,
    run: int,
    rng: random.Random,
    tally: h.Tally,
) -> None:
    row = (await db.fetch("SELECT used, quota FROM xh_quota WHERE id = ?", quota_id))[0]
    stream = Stream(server.base, token, run, max_submits=int(row["quota"]) - int(row["used"]))
    tasks = [asyncio.create_task(stream.worker()) for _ in range(CONCURRENCY)]
    tasks.append(asyncio.create_task(stream.probe_health()))
    await asyncio.sleep(rng.uniform(1.0, 3.0))
    stream.phase = "down"
    await asyncio.to_thread(cluster.crash)
    outage = rng.uniform(2.0, 4.0)
    await asyncio.sleep(outage)
    stream.phase = "recovering"
    await asyncio.to_thread(cluster.start)
    stream.up_at = time.monotonic()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stream.acked_after_up.wait(), 15)
    stream.phase = "after"
    await asyncio.sleep(2.0)
    stream.stop = True
    await asyncio.gather(*tasks)
    recovered = stream.first_ack_after_up is not None and stream.first_ack_after_up <= 10
    tally.recovered(recovered)
    h.log(
        f"run {run}: outage {outage:.1f}s, first ack {stream.first_ack_after_up}s after start; "
        f"statuses {stream.statuses}"
    )
    if not recovered:
        tally.fail(f"run {run}: no acknowledged write within 10 s of PostgreSQL being back")
    for phase in ("down", "recovering"):
        for status, n in stream.statuses[phase].items():
            tally.statuses_during_fault[status] += n
    for phase in ("before", "after"):
        for status, n in stream.statuses[phase].items():
            if status not in ("200", "201"):
                tally.extra[f"{phase}:{status}"] += n
    tally.server_errors_500 += sum(b.get("500", 0) for b in stream.statuses.values())
    for body in stream.bodies_500[:2]:
        tally.fail(f"500 answer: {body}")
    tally.tried += len(stream.ops)
    tally.acknowledged += sum(1 for op in stream.ops if op.acked)

    # Submissions refused (503) or cut off during the outage: the same key again.
    async with h.api(server.base, token, timeout=30) as http:
        for op in stream.pending:
            response = await http.post(f"/api/nominations/{op.nomination_id}/submit", json={"idempotency_key": op.key})
            tally.tried += 1
            if response.status_code == 200:
                op.acked = True
                tally.acknowledged += 1
            else:
                tally.fail(f"retry of {op.key} after the outage: {response.status_code} {response.text[:200]}")
    tally.extra["retried"] += len(stream.pending)
    tally.extra["in_flight"] += sum(1 for op in stream.ops if op.in_flight)
    await h.verify_nominations(db, stream.ops, f"pg-{run}-", quota_id, tally)


async def idle_restart(cluster: h.PrivateCluster, server: h.Server, token: str, tally: h.Tally) -> None:
    """Crash and restart while the app is idle: its pooled connections are all dead. Count the
    503s the first requests afterwards still get (stale connections handed out by the pool)."""
    async with h.api(server.base, token, timeout=30) as http:
        await http.get("/api/nominations/quota")
        await asyncio.to_thread(cluster.crash)
        await asyncio.to_thread(cluster.start)
        statuses = []
        for _ in range(30):
            statuses.append((await http.get("/api/nominations/quota")).status_code)
    tally.tried += len(statuses)
    tally.extra["503 after an idle restart"] += statuses.count(503)
    tally.server_errors_500 += statuses.count(500)
    h.log(f"idle restart: first 30 reads after PostgreSQL is back: {statuses}")
    if statuses[-1] != 200 or any(s not in (200, 503) for s in statuses):
        tally.fail(f"after an idle restart: {statuses}")


async def drill(runs: int, rng: random.Random, port: int) -> h.Tally:
    tally = h.Tally("postgres_restart", "postgresql")
    cluster = h.PrivateCluster(port)
    db: h.Database | None = None
    server: h.Server | None = None
    try:
        await asyncio.to_thread(cluster.init)
        await asyncio.to_thread(cluster.start)
        db = await asyncio.to_thread(h.fresh_on_cluster, cluster)
        server = h.Server(db, name="pg-restart")
        await asyncio.to_thread(server.start)
        quota_id = await h.set_quota(db, server.base, 1000)
        token = await h.api_token(server.base, "society")
        for run in range(1, runs + 1):
            await one_run(cluster, db, server, token, quota_id, run, rng, tally)
            tally.runs += 1
        await idle_restart(cluster, server, token, tally)
        if server.proc is None or server.proc.poll() is not None:
            tally.fail("the app process died")
    except Exception as error:
        tally.fail(f"drill aborted: {type(error).__name__}: {error}")
        if server is not None:
            h.log(server.tail())
    finally:
        if server is not None:
            server.cleanup()
        cluster.cleanup()  # the database lives in the private cluster: removing it removes everything
    extra = tally.extra
    other = {k: v for k, v in extra.items() if ":" in k}
    tally.notes.insert(
        0,
        f"{extra['retried']} submissions refused during outages retried with their key, "
        f"{extra['in_flight']} requests cut off; {extra['503 after an idle restart']} x 503 in the first 30 "
        "reads after a restart while idle" + (f"; outside the outage: {other}" if other else ""),
    )
    return tally


def main() -> int:
    seed = h.seed_from_args()
    rng = random.Random(seed)
    runs = int(h.arg_value("--runs", "1" if h.quick() else "3"))
    port = int(h.arg_value("--port", str(h.free_port())))
    tally = asyncio.run(drill(runs, rng, port))
    tally.notes.append(f"seed {seed}")
    return h.report([tally])


if __name__ == "__main__":
    sys.exit(main())

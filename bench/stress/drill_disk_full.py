"""Drill: the SQLite database's disk fills up under write load, then gets space again (R-R3).

The database lives on a small tmpfs (`mount -t tmpfs -o size=2m`; needs root). A society
nominator writes large drafts (about 55 kB each) from several clients until the disk is full,
keeps writing for a while, and reads meanwhile; then the tmpfs is grown
(`mount -o remount,size=50m`) and writes must resume without restarting the app. Repeated with
the tmpfs shrunk again to a random margin above what is used. Pass:

- while the disk is full writes answer 507 (or 503), never 500; reads keep working;
- after the remount writes succeed again without a restart;
- 0 acknowledged drafts lost, nothing half-written, `PRAGMA integrity_check` ok.

The tmpfs is always unmounted at the end, whatever happens.

Run alone: .venv/bin/python bench/stress/drill_disk_full.py [--quick] [--seed N]
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h

WRITERS = 4


def mount(directory: Path, size: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)], check=True)


def remount(directory: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(directory)], check=True)


def unmount(directory: Path) -> None:
    if subprocess.run(["umount", str(directory)], check=False, capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(directory)], check=False, capture_output=True)


def used_kib(directory: Path) -> int:
    stats = os.statvfs(directory)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize // 1024


def big_payload(title: str, person: int, rng: random.Random) -> dict[str, object]:
    payload = h.nomination_payload(title, person)
    body = payload["body"]
    assert isinstance(body, dict)
    size = rng.randint(6000, 9500)
    body["summary"] = ("高端装备制造关键技术研究与应用" * 700)[:size]
    body["innovations"] = ("提出了新的设计方法并实现产业化" * 700)[:size]
    return payload


class Writers:
    def __init__(self, base: str, token: str, run: int, rng: random.Random) -> None:
        self.base = base
        self.token = token
        self.run = run
        self.rng = rng
        self.ops: list[h.Op] = []
        self.counter = 0
        self.phase = "filling"
        self.stop = False
        self.statuses: dict[str, dict[str, int]] = {"filling": {}, "full": {}, "resumed": {}}
        self.reads: dict[str, int] = {}
        self.first_full: float | None = None
        self.bodies_500: list[str] = []

    async def writer(self) -> None:
        async with h.api(self.base, self.token, timeout=30) as http:
            while not self.stop:
                n = self.counter
                self.counter += 1
                op = h.Op("create", f"full-{self.run}-{n}")
                self.ops.append(op)
                try:
                    response = await http.post(
                        "/api/nominations/", json=big_payload(op.title, 500 + self.run * 20_000 + n * 3, self.rng)
                    )
                    op.status = str(response.status_code)
                except httpx.HTTPError as error:
                    op.in_flight = True
                    op.status = h.status_key(None, error)
                    response = None
                bucket = self.statuses[self.phase]
                bucket[op.status] = bucket.get(op.status, 0) + 1
                if response is not None and response.status_code == 201:
                    op.acked = True
                    op.nomination_id = int(response.json()["id"])
                elif response is not None and response.status_code == 500:
                    self.bodies_500.append(response.text[:300])
                if op.status in ("503", "507") and self.first_full is None:
                    self.first_full = time.monotonic()
                if not op.acked:
                    await asyncio.sleep(0.05)

    async def reader(self) -> None:
        async with h.api(self.base, self.token, timeout=30) as http:
            while not self.stop:
                try:
                    response = await http.get("/api/nominations/quota")
                    key = f"{self.phase}:{response.status_code}"
                except httpx.HTTPError as error:
                    key = f"{self.phase}:{type(error).__name__}"
                self.reads[key] = self.reads.get(key, 0) + 1
                await asyncio.sleep(0.1)


async def one_run(
    directory: Path, db: h.Database, server: h.Server, token: str, run: int, rng: random.Random, tally: h.Tally
) -> None:
    writers = Writers(server.base, token, run, rng)
    tasks = [asyncio.create_task(writers.writer()) for _ in range(WRITERS)]
    tasks.append(asyncio.create_task(writers.reader()))
    deadline = time.monotonic() + 90
    while writers.first_full is None and time.monotonic() < deadline:  # noqa: ASYNC110 - a bounded poll
        await asyncio.sleep(0.1)
    if writers.first_full is None:
        writers.stop = True
        await asyncio.gather(*tasks)
        tally.fail(f"run {run}: the disk never filled up ({used_kib(directory)} KiB used)")
        return
    writers.phase = "full"
    await asyncio.sleep(rng.uniform(2.0, 4.0))  # keep writing against the full disk
    await asyncio.to_thread(remount, directory, "50m")
    writers.phase = "resumed"
    resumed_at = time.monotonic()
    await asyncio.sleep(3.0)
    writers.stop = True
    await asyncio.gather(*tasks)
    resumed = writers.statuses["resumed"]
    ok_after = resumed.get("201", 0)
    h.log(
        f"run {run}: writes {writers.statuses}; reads {writers.reads}; "
        f"{ok_after} drafts stored in the {time.monotonic() - resumed_at:.1f}s after the remount"
    )
    tally.recovered(ok_after > 0)
    if ok_after == 0:
        tally.fail(f"run {run}: no write succeeded after the remount")
    for status, n in writers.statuses["full"].items():
        tally.statuses_during_fault[status] += n
    for bucket in writers.statuses.values():
        tally.server_errors_500 += bucket.get("500", 0)
    for body in writers.bodies_500[:2]:
        tally.fail(f"500 answer: {body}")
    bad_reads = {k: v for k, v in writers.reads.items() if not k.endswith(":200")}
    if bad_reads:
        tally.extra["failed reads"] += sum(bad_reads.values())
        tally.notes.append(f"run {run} reads not 200: {bad_reads}")
    tally.tried += len(writers.ops)
    tally.acknowledged += sum(1 for op in writers.ops if op.acked)
    await h.verify_nominations(db, writers.ops, f"full-{run}-", None, tally)


async def drill(runs: int, rng: random.Random) -> h.Tally:
    tally = h.Tally("disk_full", "sqlite")
    directory = Path(tempfile.mkdtemp(prefix="xuehui-diskfull-"))
    mounted = False
    server: h.Server | None = None
    try:
        await asyncio.to_thread(mount, directory, "2m")
        mounted = True
        db = await asyncio.to_thread(h.fresh_sqlite, directory)
        server = h.Server(db, name="disk-full")
        await asyncio.to_thread(server.start)
        token = await h.api_token(server.base, "society")
        for run in range(1, runs + 1):
            if run > 1:
                margin = rng.randint(512, 1536)
                await asyncio.to_thread(remount, directory, f"{used_kib(directory) + margin}k")
                h.log(f"run {run}: tmpfs shrunk to {used_kib(directory)} KiB used + {margin} KiB free")
            await one_run(directory, db, server, token, run, rng, tally)
            tally.runs += 1
        if server.proc is None or server.proc.poll() is not None:
            tally.fail("the app process died")
        server.stop()
        integrity = await db.integrity()
        if integrity != "ok":
            tally.fail(f"integrity_check: {integrity}")
    except Exception as error:
        tally.fail(f"drill aborted: {type(error).__name__}: {error}")
        if server is not None:
            h.log(server.tail())
    finally:
        if server is not None:
            server.cleanup()
        if mounted:
            await asyncio.to_thread(unmount, directory)
        with contextlib.suppress(OSError):
            shutil.rmtree(directory)
    tally.notes.insert(0, "SQLite on tmpfs 2m, then remount 50m; later runs shrink it to a random margin")
    return tally


def main() -> int:
    seed = h.seed_from_args()
    rng = random.Random(seed)
    runs = int(h.arg_value("--runs", "1" if h.quick() else "3"))
    if os.geteuid() != 0:
        tally = h.Tally("disk_full", "sqlite")
        tally.fail("needs root to mount a tmpfs")
        return h.report([tally])
    tally = asyncio.run(drill(runs, rng))
    tally.notes.append(f"seed {seed}")
    return h.report([tally])


if __name__ == "__main__":
    sys.exit(main())

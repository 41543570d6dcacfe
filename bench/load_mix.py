"""Load test: a realistic mix of pages on loopback, on SQLite and then on PostgreSQL (row R-P1),
and whether slow logins stall other requests (row R-AU3).

For each database: a fresh database (PostgreSQL: `xuehui_load_*` of our own, dropped at the end)
with the demo data plus the load data of `load_support.seed()` (8 nominators with 6 drafts each,
84 experts of whom 24 sign in, a staffed review batch of 60 items, two exam plans of 120 seated
candidates, one of them with published results), one `xuehui serve` process with the real argon2
profile, and two client processes (asyncio + httpx, closed-loop virtual users with think time):

- nominators: their nomination list, a nomination's page, and saving one of their drafts (the
  form is read from the page and posted back with its CSRF token, as a browser does);
- experts: their assignment list and an assignment's page; accepting it, then saving draft
  scores and comments on the review form (now and then submitting it);
- anonymous visitors: disclosure pages, notices, published quotas, exam result look-ups;
- the exam administrator, once: downloads the score template of the seated plan, fills it in,
  uploads it, waits for the preview job, commits, waits for the commit job;
- a probe: `GET /health` every 50 ms.

Phase A runs the mix alone; phase B runs the same mix while 4 loops log in continuously
(argon2, slow on purpose). The probe's p99 in A and B answers "do logins stall other requests".
Afterwards `wrk` measures a public page alone, and `/health` without and with 4 login loops.

Every response must be the expected one (200 for pages, 303 for form posts): any other status,
or a timeout, is an error and the script exits non-zero. Prints one Markdown table per database.
Run: .venv/bin/python bench/load_mix.py [--seconds 20] [--db sqlite,postgresql]
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import multiprocessing
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_support import (
    DEMO_PASSWORD,
    SEED_PASSWORD,
    Server,
    csrf_from,
    fill_score_template,
    form_fields,
    fresh_database,
    load_average,
    log,
    login,
    percentile,
    run_seed,
)

TIMEOUT = 30.0
THINK = (0.2, 1.0)  # seconds between two pages of one virtual user (a person reading)
NOMINATOR_USERS = 8
EXPERT_USERS = 12
ANONYMOUS_USERS = 10
LOGIN_LOOPS = 4
LINK = re.compile(r'href="/expert/assignments/(\d+)"')
NOMINATION_LINK = re.compile(r'href="/nominations/(\d+)"')
PILOT_LINK = re.compile(r'href="/public/pilots/(\d+)"')


def arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


class Recorder:
    """Latency samples per page and phase, and every unexpected answer."""

    def __init__(self, phases: tuple[float, float, float]) -> None:
        self.start_a, self.start_b, self.end = phases
        self.samples: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.errors: list[str] = []

    def phase(self, moment: float) -> str:
        if moment < self.start_a:
            return "warmup"
        if moment < self.start_b:
            return "A"
        return "B" if moment < self.end else "after"

    def running(self) -> bool:
        return time.time() < self.end

    async def request(
        self, client: httpx.AsyncClient, page: str, method: str, url: str, expect: int = 200, **kwargs: Any
    ) -> httpx.Response | None:
        sent = time.time()
        started = time.perf_counter()
        try:
            response = await client.request(method, url, follow_redirects=False, **kwargs)
        except httpx.HTTPError as error:
            self.errors.append(f"{page}: {type(error).__name__} {error}")
            return None
        elapsed = time.perf_counter() - started
        phase = self.phase(sent)
        if phase in ("A", "B"):
            self.samples[page].append((phase, elapsed))
        if response.status_code != expect:
            self.errors.append(f"{page} {url}: {response.status_code} (expected {expect}) {response.text[:200]!r}")
            return None
        return response


async def think(rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(*THINK))


def client(base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers={"accept-language": "zh-CN"})


async def nominator(rec: Recorder, base: str, user: dict[str, Any], rng: random.Random) -> None:
    async with client(base) as c:
        await login(c, user["username"], SEED_PASSWORD)
        visible: list[int] = []
        while rec.running():
            listing = await rec.request(c, "GET /nominations", "GET", "/nominations")
            if listing is not None:
                visible = [int(n) for n in NOMINATION_LINK.findall(listing.text)] or visible
            await think(rng)
            if visible:
                await rec.request(c, "GET /nominations/{id}", "GET", f"/nominations/{rng.choice(visible)}")
                await think(rng)
            if rng.random() < 0.4:
                draft = rng.choice(user["drafts"])
                page = await rec.request(c, "GET /nominations/{id}", "GET", f"/nominations/{draft}")
                if page is None:
                    continue
                fields = form_fields(page.text, f"/nominations/{draft}")
                stamp = f"（{time.strftime('%H:%M:%S')} 修改）"
                fields = [(k, (v.split("（")[0] + stamp) if k == "summary" else v) for k, v in fields]
                await think(rng)
                body: dict[str, list[str]] = defaultdict(list)
                for key, value in fields:
                    body[key].append(value)
                saved = await rec.request(
                    c, "POST /nominations/{id} (save draft)", "POST", f"/nominations/{draft}", 303, data=body
                )
                if saved is not None:
                    await rec.request(c, "GET /nominations/{id}", "GET", saved.headers["location"])
            await think(rng)


async def expert(rec: Recorder, base: str, username: str, rng: random.Random) -> None:
    async with client(base) as c:
        await login(c, username, SEED_PASSWORD)
        while rec.running():
            listing = await rec.request(c, "GET /expert/assignments", "GET", "/expert/assignments")
            ids = [int(i) for i in LINK.findall(listing.text)] if listing is not None else []
            await think(rng)
            if not ids:
                continue
            assignment = rng.choice(ids)
            url = f"/expert/assignments/{assignment}"
            page = await rec.request(c, "GET /expert/assignments/{id}", "GET", url)
            if page is None:
                continue
            await think(rng)
            if 'value="accept"' in page.text:
                token = csrf_from(page.text)
                await rec.request(
                    c,
                    "POST /expert/assignments/{id}/respond (accept)",
                    "POST",
                    f"{url}/respond",
                    303,
                    data={"_csrf_token": token, "action": "accept"},
                )
            elif f'action="{url}/review"' in page.text and "disabled" not in page.text.split('id="review-form"')[1]:
                fields = dict(form_fields(page.text, f"{url}/review"))
                for key in fields:
                    if key.startswith("score_"):
                        fields[key] = str(rng.randint(55, 98))
                fields["comment"] = f"创新性较好，应用前景明确。{rng.randint(1, 999)}"
                fields["recommendation"] = rng.choice(["recommend", "neutral", "not_recommend"])
                submit = rng.random() < 0.05
                fields["action"] = "submit" if submit else "save"
                name = "POST /expert/assignments/{id}/review (" + ("submit" if submit else "draft") + ")"
                saved = await rec.request(c, name, "POST", f"{url}/review", 303, data=fields)
                if saved is not None:
                    await rec.request(c, "GET /expert/assignments/{id}", "GET", saved.headers["location"])
            await think(rng)


async def visitor(rec: Recorder, base: str, lookups: list[dict[str, str]], rng: random.Random) -> None:
    async with client(base) as c:
        pilots: list[int] = []
        while rec.running():
            choice = rng.random()
            if choice < 0.25:
                page = await rec.request(c, "GET /public/pilots", "GET", "/public/pilots")
                if page is not None:
                    pilots = [int(p) for p in PILOT_LINK.findall(page.text)] or pilots
            elif choice < 0.4 and pilots:
                await rec.request(c, "GET /public/pilots/{id}", "GET", f"/public/pilots/{rng.choice(pilots)}")
            elif choice < 0.55:
                await rec.request(c, "GET /public/notices", "GET", "/public/notices")
            elif choice < 0.7:
                await rec.request(c, "GET /public/quotas", "GET", "/public/quotas")
            else:
                found = await rec.request(
                    c, "GET /public/exam-results?…", "GET", "/public/exam-results", params=rng.choice(lookups)
                )
                if found is not None and "考生" not in found.text:
                    rec.errors.append("GET /public/exam-results: a published result was not found")
            await think(rng)


async def exam_admin(rec: Recorder, base: str, plan_id: int, delay: float) -> None:
    """The one score import of the run, through the pages, as the exam administrator does it."""
    await asyncio.sleep(max(0.0, delay - time.time()))
    async with client(base) as c:
        await login(c, "examadmin", DEMO_PASSWORD)
        template = await rec.request(
            c, "GET /exams/{id}/score-template.xlsx", "GET", f"/exams/{plan_id}/score-template.xlsx"
        )
        plan = await rec.request(c, "GET /exams/{id}", "GET", f"/exams/{plan_id}")
        if template is None or plan is None:
            return
        sheet = await asyncio.to_thread(fill_score_template, template.content)
        uploaded = await rec.request(
            c,
            "POST /exams/{id}/scores (upload)",
            "POST",
            f"/exams/{plan_id}/scores",
            303,
            data={"_csrf_token": csrf_from(plan.text)},
            files={"file": ("scores.xlsx", sheet, "application/octet-stream")},
        )
        if uploaded is None:
            return
        where = uploaded.headers["location"]
        began = time.perf_counter()
        for state in ("ready", "committed"):
            page = None
            for _ in range(600):
                page = await rec.request(c, "GET /exams/imports/{id}", "GET", where)
                if page is None or f'data-state="{state}"' in page.text or 'data-state="invalid"' in page.text:
                    break
                await asyncio.sleep(0.5)
            if page is None or f'data-state="{state}"' not in page.text:
                rec.errors.append(f"score import did not reach {state}: {page.text[:300] if page else ''!r}")
                return
            if state == "ready":
                log(f"  score import preview ready after {time.perf_counter() - began:.1f} s")
                await rec.request(
                    c,
                    "POST /exams/imports/{id}/commit",
                    "POST",
                    f"{where}/commit",
                    303,
                    data=dict(form_fields(page.text, f"{where}/commit")),
                )
        log(f"  score import committed after {time.perf_counter() - began:.1f} s")
        rec.samples["score import: upload to committed"].append(("A", time.perf_counter() - began))


async def probe(rec: Recorder, base: str) -> None:
    async with client(base) as c:
        while rec.running():
            await rec.request(c, "GET /health (probe)", "GET", "/health")
            await asyncio.sleep(0.05)


async def login_loop(rec: Recorder, base: str, accounts: list[tuple[str, str]], rng: random.Random) -> None:
    await asyncio.sleep(max(0.0, rec.start_b - time.time()))
    while rec.running():
        username, password = rng.choice(accounts)
        async with client(base) as c:
            page = await rec.request(c, "GET /login", "GET", "/login")
            if page is None:
                continue
            await rec.request(
                c,
                "POST /login (argon2)",
                "POST",
                "/login",
                303,
                data={"username": username, "password": password, "next": "/", "_csrf_token": csrf_from(page.text)},
            )


async def worker_main(part: int, base: str, seeded: dict[str, Any], phases: tuple[float, float, float]) -> Any:
    rec = Recorder(phases)
    rng = random.Random(part * 7919 + int(phases[0]))
    tasks = []
    if part == 0:
        tasks += [nominator(rec, base, user, random.Random(rng.random())) for user in seeded["nominators"]]
        tasks += [probe(rec, base)]
        tasks += [exam_admin(rec, base, seeded["plans"]["LD2"], phases[0] + 4)]
        accounts = [(u["username"], SEED_PASSWORD) for u in seeded["nominators"]]
        accounts += [(u, SEED_PASSWORD) for u in seeded["reviewers"]]
        accounts += [(u, DEMO_PASSWORD) for u in ("admin", "society", "society2", "expert", "examadmin", "candidate")]
        tasks += [login_loop(rec, base, accounts, random.Random(rng.random())) for _ in range(LOGIN_LOOPS)]
    else:
        tasks += [expert(rec, base, u, random.Random(rng.random())) for u in seeded["reviewers"][:EXPERT_USERS]]
        tasks += [visitor(rec, base, seeded["lookups"], random.Random(rng.random())) for _ in range(ANONYMOUS_USERS)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            rec.errors.append(f"virtual user failed: {type(result).__name__}: {result}")
    return {"samples": dict(rec.samples), "errors": rec.errors}


def worker(part: int, base: str, seeded: dict[str, Any], phases: tuple[float, float, float]) -> Any:
    return asyncio.run(worker_main(part, base, seeded, phases))


def wrk(url: str, seconds: int, connections: int = 4) -> dict[str, float]:
    """`wrk --latency`: requests per second and p50/p99 in ms."""
    if shutil.which("wrk") is None:
        return {}
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=False,
    ).stdout

    def ms(text: str) -> float:
        value = float(re.sub(r"[a-z]+$", "", text))
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[re.sub(r"^[\d.]+", "", text)]

    result: dict[str, float] = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(match.group(1))
    for label in ("50", "99"):
        if match := re.search(rf"^\s+{label}%\s+([\d.]+\w+)", out, re.MULTILINE):
            result[f"p{label}"] = ms(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["non2xx"] = float(match.group(1))
    if match := re.search(r"Socket errors: .*timeout (\d+)", out):
        result["timeouts"] = float(match.group(1))
    return result


async def login_storm(base: str, seconds: float, accounts: list[tuple[str, str]]) -> int:
    """4 loops logging in for `seconds`; returns how many logins succeeded."""
    done = 0
    stop = time.time() + seconds

    async def loop() -> None:
        nonlocal done
        while time.time() < stop:
            async with client(base) as c:
                username, password = random.choice(accounts)
                await login(c, username, password)
                done += 1

    await asyncio.gather(*[loop() for _ in range(LOGIN_LOOPS)])
    return done


def measure(kind: str, seconds: float) -> dict[str, Any]:
    started = time.monotonic()
    prefix = "xuehui_load" if kind == "postgresql" else "xuehui-load"
    db = fresh_database(kind, prefix)
    server: Server | None = None
    try:
        seeded = run_seed(db)
        log(f"{kind}: database ready in {time.monotonic() - started:.1f} s ({db.url})")
        server = Server(db)  # the real argon2 profile: logins are slow on purpose
        server.start()
        t0 = time.time() + 3  # warm-up: logins of the virtual users
        phases = (t0, t0 + seconds, t0 + 2 * seconds)
        load_before = load_average()
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            futures = [pool.submit(worker, part, server.base, seeded, phases) for part in (0, 1)]
            parts = [f.result(timeout=seconds * 2 + 600) for f in futures]
        load_during = load_average()
        samples: dict[str, list[tuple[str, float]]] = defaultdict(list)
        errors: list[str] = []
        for part in parts:
            for page, values in part["samples"].items():
                samples[page] += [tuple(v) for v in values]  # type: ignore[misc]
            errors += part["errors"]
        accounts = [(u["username"], SEED_PASSWORD) for u in seeded["nominators"]]
        public = wrk(f"{server.base}/public/pilots", 5)
        quiet = wrk(f"{server.base}/health", 5)
        storm_result: dict[str, Any] = {}

        async def health_with_logins() -> None:
            storm = asyncio.create_task(login_storm(server.base, 5.5, accounts))  # type: ignore[union-attr]
            await asyncio.sleep(0.3)
            storm_result["wrk"] = await asyncio.to_thread(wrk, f"{server.base}/health", 5)
            storm_result["logins"] = await storm

        asyncio.run(health_with_logins())
        if server.process is not None and server.process.poll() is not None:
            errors.append("the server died during the run")
        log_text = server.log_path.read_text(errors="replace")
        for marker in ("Traceback", "database is locked", "Exception in ASGI"):
            if marker in log_text:
                errors.append(f"server log contains {marker!r}")
        return {
            "kind": kind,
            "seconds": seconds,
            "samples": samples,
            "errors": errors,
            "wrk_public": public,
            "wrk_health_quiet": quiet,
            "wrk_health_logins": storm_result.get("wrk", {}),
            "wrk_logins": storm_result.get("logins", 0),
            "load": f"{load_before} before, {load_during} after the mix (1/5/15 min)",
            "server_log": str(server.log_path),
        }
    finally:
        if server is not None:
            server.stop()
        db.cleanup()


def table(result: dict[str, Any]) -> list[str]:
    seconds = 2 * result["seconds"]
    samples: dict[str, list[tuple[str, float]]] = result["samples"]
    errors_by_page: dict[str, int] = defaultdict(int)
    for error in result["errors"]:
        errors_by_page[error.split(" /")[0] if " " in error else error] += 1
    lines = [
        f"### {result['kind']}: mix for {result['seconds']:.0f} s alone (A) + {result['seconds']:.0f} s with "
        f"{LOGIN_LOOPS} login loops (B); load average {result['load']}",
        "",
        "| page | count | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = 0
    for page in sorted(samples):
        values = [v for _p, v in samples[page]]
        if page.startswith("score import"):
            lines.append(f"| {page} | 1 | – | {values[0] * 1000:.0f} | | | 0 |")
            continue
        total += len(values)
        errors = sum(n for key, n in errors_by_page.items() if page.startswith(key))
        lines.append(
            f"| {page} | {len(values)} | {len(values) / seconds:.1f} | {percentile(values, 50) * 1000:.1f} | "
            f"{percentile(values, 95) * 1000:.1f} | {percentile(values, 99) * 1000:.1f} | {errors} |"
        )
    lines.append(f"| **all requests** | {total} | {total / seconds:.1f} | | | | {len(result['errors'])} |")
    health = {phase: [v for p, v in samples.get("GET /health (probe)", []) if p == phase] for phase in ("A", "B")}
    logins = [v for _p, v in samples.get("POST /login (argon2)", [])]
    lines += [
        "",
        "| do logins stall other requests? | p50 ms | p95 ms | p99 ms | note |",
        "|---|---:|---:|---:|---|",
    ]
    for phase, label in (
        ("A", "/health under the mix, no logins"),
        ("B", f"/health under the mix + {LOGIN_LOOPS} logins"),
    ):
        values = health[phase]
        lines.append(
            f"| {label} | {percentile(values, 50) * 1000:.1f} | {percentile(values, 95) * 1000:.1f} | "
            f"{percentile(values, 99) * 1000:.1f} | {len(values)} probes |"
        )
    lines.append(
        f"| POST /login (argon2) during B | {percentile(logins, 50) * 1000:.0f} | "
        f"{percentile(logins, 95) * 1000:.0f} | "
        f"{percentile(logins, 99) * 1000:.0f} | {len(logins)} logins, {len(logins) / result['seconds']:.1f}/s |"
    )
    for label, w in (
        ("wrk -c4 /health alone", result["wrk_health_quiet"]),
        (f"wrk -c4 /health + {LOGIN_LOOPS} login loops ({result['wrk_logins']} logins)", result["wrk_health_logins"]),
        ("wrk -c4 /public/pilots alone", result["wrk_public"]),
    ):
        if w:
            lines.append(
                f"| {label} | {w.get('p50', 0):.1f} | | {w.get('p99', 0):.1f} | {w.get('rps', 0):.0f} req/s, "
                f"non-2xx {w.get('non2xx', 0):.0f} |"
            )
        else:
            lines.append(f"| {label} | | | | not measured: `wrk` is not installed (`make wrk`) |")
    return lines


def main() -> None:
    seconds = float(arg("--seconds", "20"))
    kinds = [k for k in arg("--db", "sqlite,postgresql").split(",") if k]
    started = time.monotonic()
    failed = False
    summary: dict[str, Any] = {}
    for kind in kinds:
        log(f"== {kind}")
        result = measure(kind, seconds)
        for line in table(result):
            print(line)
        print()
        wrk_bad = sum(
            int(w.get("non2xx", 0) + w.get("timeouts", 0))
            for w in (result["wrk_public"], result["wrk_health_quiet"], result["wrk_health_logins"])
        )
        if result["errors"] or wrk_bad:
            failed = True
            print(f"**{len(result['errors'])} errors, {wrk_bad} bad wrk answers on {kind}:**")
            for error in result["errors"][:20]:
                print(f"- {error}")
            print()
        summary[kind] = {
            "requests": sum(len(v) for v in result["samples"].values()),
            "errors": len(result["errors"]) + wrk_bad,
        }
    print(f"total {time.monotonic() - started:.0f} s")
    print(json.dumps({"load_mix": summary, "ok": not failed}))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

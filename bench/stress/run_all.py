"""Run every fault drill (bench/stress/drill_*.py) and print one table of what was tried and lost.

Each drill runs as a subprocess and prints, as its last stdout line, one JSON object
(`drill`, `database`, `runs`, `tried`, `acknowledged`, `lost`, `half_written`,
`statuses_during_fault`, `server_errors_500`, `recovered_without_restart`, `seconds`, `notes`;
optionally `parts`, one object per database). The exit status is non-zero when any drill lost an
acknowledged write, left something half-written, answered 500, reported a failure, or printed no
report at all.

    .venv/bin/python bench/stress/run_all.py                  # every drill, default size (< 10 min)
    .venv/bin/python bench/stress/run_all.py --quick          # one run per drill
    .venv/bin/python bench/stress/run_all.py kill_import disk_full --seed 7

Needs root (tmpfs for the disk-full drill, `runuser postgres` for the private cluster) and the
shared PostgreSQL at 127.0.0.1:5432 (XUEHUI_STRESS_PG_URL) for the PostgreSQL halves.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TIMEOUT = 900

COLUMNS = (
    "drill",
    "database",
    "runs",
    "tried",
    "acknowledged",
    "lost",
    "half-written",
    "during fault",
    "500s",
    "recovered",
    "seconds",
    "result",
)


def parse_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Drill names (with or without `drill_`) and the options passed on to every drill."""
    names: list[str] = []
    passed: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--seed", "--runs"):
            passed += [arg, argv[i + 1]]
            i += 2
            continue
        if arg.startswith("--"):
            passed.append(arg)
        else:
            names.append(arg.removeprefix("drill_").removesuffix(".py"))
        i += 1
    return names, passed


def last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None
        if line:
            return None
    return None


def run(script: Path, options: list[str]) -> tuple[dict[str, Any], str]:
    started = time.monotonic()
    print(f"== {script.name} {' '.join(options)}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            [PYTHON, str(script), *options],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=None,  # the drills' progress goes straight to our stderr
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        stdout, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as error:
        stdout = error.stdout.decode() if isinstance(error.stdout, bytes) else (error.stdout or "")
        code = -1
    report = last_json(stdout)
    if report is None:
        report = {
            "drill": script.stem.removeprefix("drill_"),
            "database": "?",
            "notes": f"no JSON report (exit {code}); last output: {stdout.strip()[-300:]}",
            "ok": False,
        }
    report.setdefault("seconds", round(time.monotonic() - started, 1))
    seed = next((line.split()[1] for line in stdout.splitlines() if line.startswith("seed ")), "")
    return report, seed


def rows_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    parts = report.get("parts")
    return list(parts) if isinstance(parts, list) and parts else [report]


def failed(report: dict[str, Any]) -> bool:
    return (
        not report.get("ok", True)
        or int(report.get("lost", 0) or 0) > 0
        or int(report.get("half_written", 0) or 0) > 0
        or int(report.get("server_errors_500", 0) or 0) > 0
        or "FAIL" in str(report.get("notes", ""))
    )


def cell(row: dict[str, Any], column: str) -> str:
    if column == "result":
        return "**FAIL**" if failed(row) else "ok"
    if column == "during fault":
        statuses = row.get("statuses_during_fault") or {}
        return ", ".join(f"{k}×{v}" for k, v in statuses.items()) or "–"
    if column == "recovered":
        value = row.get("recovered_without_restart")
        return "–" if value is None else ("yes" if value else "**NO**")
    key = {"half-written": "half_written", "500s": "server_errors_500"}.get(column, column)
    value = row.get(key, "")
    if column in ("lost", "half-written", "500s") and value not in ("", 0, None):
        return f"**{value}**"
    return str(value)


def table(reports: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for report in reports:
        for row in rows_of(report):
            lines.append("| " + " | ".join(cell(row, c) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> int:
    names, options = parse_args(sys.argv[1:])
    scripts = sorted(HERE.glob("drill_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("drill_") in names]
        missing = set(names) - {s.stem.removeprefix("drill_") for s in scripts}
        if missing:
            print(f"unknown drills: {', '.join(sorted(missing))}", file=sys.stderr)
            return 2
    started = time.monotonic()
    reports = []
    seeds = []
    for script in scripts:
        report, seed = run(script, options)
        reports.append(report)
        if seed:
            seeds.append(f"{script.stem.removeprefix('drill_')}={seed}")
    print(table(reports))
    print()
    for report in reports:
        for row in rows_of(report):
            if row.get("notes"):
                print(f"- {row.get('drill')} ({row.get('database')}): {row['notes']}")
    bad = [r.get("drill", "?") for r in reports if failed(r)]
    print()
    print(f"seeds: {' '.join(seeds)}")
    print(f"total {time.monotonic() - started:.0f} s; " + (f"FAILED: {', '.join(bad)}" if bad else "all drills passed"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz the upload readers for a bounded time and print what happened (R-F8).

    .venv/bin/python bench/fuzz_importer.py --seconds 600          # atheris (libFuzzer), coverage-guided
    .venv/bin/python bench/fuzz_importer.py --seconds 60 --engine hypothesis

Every input goes through the same entry points as `tests/xuehui/test_importer_fuzz.py`: the score
reader of the import job, `read_table`, the expert registry importer and the fee-list reader. Each
must return or raise `InvalidInput`; anything else is a crash, counted by exception type and
saved to `--crash-dir` (the run goes on, so one bug does not hide the next).

With atheris, inputs are mutated two ways: libFuzzer's byte mutations of the whole file (which
mostly meet the archive checks), and a structure-aware mutator that opens the ZIP, mutates one
member's *decompressed* bytes and packs it again with correct sizes and CRCs, so the mutations
reach the XML and cell readers behind the checks. atheris is not a project dependency: install it
into the venv (`pip install atheris`); without it, use `--engine hypothesis`.

The summary line: engine, seconds, executions, executions per second, crashes (and by type).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XUEHUI_SECRET_KEY", "fuzz-" + "x" * 40)

STATS: dict[str, Any] = {"execs": 0, "refused": 0, "accepted": 0, "crashes": collections.Counter(), "start": 0.0}
CRASH_DIR = Path(tempfile.gettempdir()) / "xuehui-fuzz-crashes"


def _load_readers() -> tuple[list[bytes], dict[str, Callable[[bytes], Any]], type[Exception]]:
    from openpyxl import Workbook

    from exams.rules.score_import import SCORE_HEADER_ALIASES
    from exams.rules.score_model import SCORE_NO_FORMULA_FIELDS, SCORE_REQUIRED_FIELDS
    from exams.score_work import validate_score_file
    from exams.services import _read_fee_table
    from expert_pool.excel import parse_experts, template_bytes
    from xuehui.errors import InvalidInput
    from xuehui.excel_import import ExcelLimits, read_table

    limits = ExcelLimits(max_file_bytes=2_000_000, max_uncompressed_bytes=20_000_000, max_rows=5_000)
    candidates = [(1, "T0001", "320102199001010071", "考生1", ("01", "02"))]
    subjects = [("01", "科目01", "100", "60", 1, False), ("02", "科目02", "100", "60", 1, False)]

    def book(rows: list[list[Any]]) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def score_job(data: bytes) -> Any:
        outcome = validate_score_file(data, candidates, subjects, limits)
        if not {"problems", "records", "totals", "rows"} <= set(outcome):
            raise AssertionError(f"malformed outcome {sorted(outcome)}")
        return outcome

    seeds = [
        book(
            [
                ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"],
                ["T0001", "320102199001010071", "考生1", "01", 80, "正常"],
                ["T0001", "320102199001010071", "考生1", "02", "=1+1", "缺考"],
            ]
        ),
        template_bytes(),
        book([["身份证号"], ["320102199001010071"], [320102199001010071]]),
    ]
    readers: dict[str, Callable[[bytes], Any]] = {
        "score job": score_job,
        "read_table": lambda d: read_table(
            d,
            SCORE_HEADER_ALIASES,
            required=SCORE_REQUIRED_FIELDS,
            no_formula_fields=SCORE_NO_FORMULA_FIELDS,
            limits=limits,
        ),
        "expert registry": parse_experts,
        "fee list": lambda d: _read_fee_table(d, limits),
    }
    return seeds, readers, InvalidInput


def run_one(data: bytes, readers: dict[str, Callable[[bytes], Any]], refusal: type[Exception]) -> None:
    STATS["execs"] += 1
    for name, reader in readers.items():
        try:
            reader(data)
            STATS["accepted"] += 1
        except refusal:
            STATS["refused"] += 1
        except Exception as error:  # a crash: record it and go on
            kind = f"{name}: {type(error).__name__}"
            if STATS["crashes"][kind] == 0:
                CRASH_DIR.mkdir(parents=True, exist_ok=True)
                path = CRASH_DIR / f"crash-{hashlib.sha256(data).hexdigest()[:16]}.xlsx"
                path.write_bytes(data)
                print(f"\nCRASH {kind} (input saved to {path})", file=sys.stderr)
                traceback.print_exc()
            STATS["crashes"][kind] += 1


def _repack(data: bytes, mutate: Callable[[bytes], bytes], rng: random.Random) -> bytes:
    """Mutate one member of a ZIP and pack it again, sizes and CRCs correct."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    except Exception:
        return data
    if not members:
        return data
    index = rng.randrange(len(members))
    name, body = members[index]
    members[index] = (name, mutate(body))
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")
        for member_name, member_body in members:
            archive.writestr(member_name, member_body)
    return out.getvalue()


def summary(engine: str) -> None:
    seconds = time.monotonic() - STATS["start"]
    crashes = STATS["crashes"]
    print(
        f"\nfuzz_importer: engine={engine} seconds={seconds:.1f} execs={STATS['execs']} "
        f"execs_per_s={STATS['execs'] / max(seconds, 1e-9):.0f} reader_calls_refused={STATS['refused']} "
        f"reader_calls_accepted={STATS['accepted']} crashes={sum(crashes.values())}"
        + "".join(f"\n  {kind}: {count}" for kind, count in crashes.most_common())
    )


def fuzz_with_atheris(seconds: int) -> None:
    import atheris

    with atheris.instrument_imports(include=["xuehui", "exams", "expert_pool"]):
        seeds, readers, refusal = _load_readers()
    rng = random.Random(1)
    corpus = Path(tempfile.mkdtemp(prefix="xuehui-fuzz-corpus-"))
    for n, seed in enumerate(seeds):
        (corpus / f"seed-{n}.xlsx").write_bytes(seed)

    def test_one(data: bytes) -> None:
        # libFuzzer ends a timed run with _exit (no atexit): stop here, with the summary.
        if time.monotonic() - STATS["start"] > seconds:
            summary("atheris")
            sys.stdout.flush()
            os._exit(1 if STATS["crashes"] else 0)
        run_one(data, readers, refusal)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng.seed(seed)
        if rng.random() >= 0.3:
            repacked = _repack(data, lambda body: atheris.Mutate(body, max(len(body) * 2, 64)), rng)
            if len(repacked) <= max_size:
                return repacked
        return atheris.Mutate(data, max_size)

    STATS["start"] = time.monotonic()
    atheris.Setup(
        [sys.argv[0], str(corpus), f"-max_total_time={seconds + 60}", "-max_len=200000", "-rss_limit_mb=2048"],
        test_one,
        custom_mutator=mutator,
    )
    atheris.Fuzz()


def fuzz_with_hypothesis(seconds: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seeds, readers, refusal = _load_readers()

    def flip(data: bytes, rng: random.Random) -> bytes:
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            how = rng.choice(["flip", "cut", "insert"])
            if not buf:
                break
            at = rng.randrange(len(buf))
            if how == "flip":
                buf[at] ^= 1 << rng.randrange(8)
            elif how == "cut":
                del buf[at:]
            else:
                buf[at:at] = rng.randbytes(rng.randint(1, 32))
        return bytes(buf)

    @settings(max_examples=10**9, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(seeds), st.integers(0, 2**32), st.booleans())
    def property_(seed: bytes, number: int, structured: bool) -> None:
        if time.monotonic() - STATS["start"] > seconds:
            raise TimeUp
        rng = random.Random(number)
        data = _repack(seed, lambda body: flip(body, rng), rng) if structured else flip(seed, rng)
        run_one(data, readers, refusal)

    STATS["start"] = time.monotonic()
    try:
        property_()
    except TimeUp:
        pass
    except BaseExceptionGroup as group:  # hypothesis replays the stop and calls it flaky
        if group.subgroup(TimeUp) is None:
            raise
    summary("hypothesis")


class TimeUp(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--engine", choices=["atheris", "hypothesis"], default="atheris")
    parser.add_argument("--crash-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.crash_dir is not None:
        global CRASH_DIR
        CRASH_DIR = args.crash_dir
    if args.engine == "atheris":
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("atheris is not installed (pip install atheris); falling back to hypothesis", file=sys.stderr)
            args.engine = "hypothesis"
    if args.engine == "atheris":
        fuzz_with_atheris(args.seconds)
    else:
        fuzz_with_hypothesis(args.seconds)
    return 1 if STATS["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())

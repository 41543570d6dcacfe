"""Admission tickets of 1,000 candidates as one PDF (one ticket a page), through the service and a
real SQLite database; print the time.

Run: .venv/bin/python bench/exams_tickets_pdf_bench.py [candidates]

A fresh SQLite database gets a plan with `candidates` approved, seated candidates, each with a
photo of their own in the file store. The timed part is what the staff's "all admission tickets
(PDF)" link does: `plan_tickets_document` (load the registrations, their photos, make each
ticket's check code and QR code) and the PDF rendered from the same template the candidate's own
ticket uses, in one document (one file to print, one font subset, so the batch is far faster
than 1,000 single documents). Target (issue 16): at most 20 s for 1,000 candidates.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="xuehui-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite'}"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SUBJECTS = ("01", "02", "03", "04")
TARGET_SECONDS = 20.0


def photo(i: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), (i % 256, (i // 256) % 256, 180)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


async def setup(candidates: int) -> int:
    from accounts.rules import Actor
    from exams import services
    from exams.schemas import EligibilityRowIn, PlanIn, RoomIn, SubjectIn
    from societies.schemas import PilotIn, SocietyIn
    from societies.services import create_pilot, create_society
    from societies.tables import PilotProject
    from xuehui import files, idcard
    from xuehui.cli import apply_migrations
    from xuehui.clock import CHINA, now, today
    from xuehui.db import engine, prepare_sqlite, write_transaction

    ok, message = await apply_migrations()
    assert ok, message
    await prepare_sqlite()
    society_id = await create_society(None, SocietyIn(code="BENCH", name_zh="基准学会"))
    admin = Actor(user_id=0, username="bench", display_name="bench", role="admin", society_id=None)
    project = await create_pilot(
        admin, PilotIn(society_id=society_id, title="考务", function_type="exam_administration")
    )
    await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == project)
    start = dt.datetime.combine(today() + dt.timedelta(days=10), dt.time(9), CHINA)
    rooms = (candidates + 29) // 30
    plan_id = await services.create_plan(
        None,
        PlanIn(
            society_id=society_id,
            code="BN",
            exam_code="BN",
            name="化工工程师职业资格考试（基准）",
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
                    name=f"科目{c}",
                    full_marks=100,
                    pass_mark=60,
                    decimal_places=1,
                    starts_at=start + dt.timedelta(days=n),
                    ends_at=start + dt.timedelta(days=n, hours=2),
                )
                for n, c in enumerate(SUBJECTS)
            ],
            rooms=[
                RoomIn(site_code="01", site_name="第一中学", address="学府路1号", room_no=r + 1, rows=5, columns=6)
                for r in range(rooms)
            ],
        ),
    )
    room_ids = [r["id"] for r in await services.rooms_of(plan_id)]
    moment = now().isoformat()
    async with write_transaction():
        shas = [await files.store(photo(i), files.JPEG) for i in range(candidates)]
        connection = engine().current_transaction.get().connection
        await connection.executemany(
            "INSERT INTO xh_exam_registration (plan, id_number, name, sex, birth_date, education, related_major, "
            "graduation_date, work_start, employer, subjects, held_certificates, candidate_group, exempt_subjects, "
            "route, photo_sha, proof_sha, status, eligible, eligibility_zh, eligibility_en, review_note, paid, "
            "room, seat_no, ticket_no, created_at, updated_at) VALUES (?, ?, ?, 'male', '1990-01-01', 30, 1, "
            "'2012-07-01', '2012-07-01', '化工设计研究院', ?, '', 'full', '[]', 'commitment', ?, '', 'approved', 1, "
            "'', '', '', 1, ?, ?, ?, ?, ?)",
            [
                (
                    plan_id,
                    idcard.make("320102", dt.date(1970, 1, 1) + dt.timedelta(days=i), i % 50, "male"),
                    f"考生{i}",
                    '["01", "02", "03", "04"]',
                    shas[i],
                    room_ids[i // 30],
                    i % 30 + 1,
                    f"2026BN01{i // 30 + 1:03d}{i % 30 + 1:02d}",
                    moment,
                    moment,
                )
                for i in range(candidates)
            ],
        )
    return plan_id


async def measure(plan_id: int) -> tuple[float, float, bytes]:
    from exams.services.documents import plan_tickets_document
    from xuehui.app import create_app
    from xuehui.pdf import render_pdf

    engine = create_app().template_engine
    assert engine is not None
    env = engine.engine  # type: ignore[attr-defined]
    render_pdf(env, "pdf/base.html", {}, created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # load the fonts once
    started = time.perf_counter()
    doc = await plan_tickets_document(None, plan_id)
    loaded = time.perf_counter() - started
    data = await asyncio.to_thread(render_pdf, env, "exams/pdf/tickets.html", doc, created=doc["created"])
    return loaded, time.perf_counter() - started, data


def main() -> None:
    from pypdf import PdfReader

    candidates = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    plan_id = asyncio.run(setup(candidates))
    load = os.getloadavg()
    loaded, elapsed, data = asyncio.run(measure(plan_id))
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages == candidates, pages
    print(f"candidates: {candidates}, one PDF of {pages} pages, {len(data) / 1e6:.1f} MB")
    print(f"records, photos and QR codes: {loaded:.2f} s; total with the PDF: {elapsed:.2f} s")
    print(f"per ticket: {elapsed / candidates * 1000:.1f} ms; load average before: {load[0]:.2f}")
    print(f"target <= {TARGET_SECONDS:.0f} s: {'met' if elapsed <= TARGET_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()

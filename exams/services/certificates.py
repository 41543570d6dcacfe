"""Certificates (合格证书): issued to every qualified candidate once the scores are published,
numbered without gaps or repeats, and verified publicly by number."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.rules.certificates import MAX_CERTIFICATE_SEQUENCE, make_certificate_number, parse_certificate_number
from exams.rules.lifecycles import CERTIFICATE
from exams.services._shared import plan_for_staff, qs, require_staff
from exams.services.results import plan_results
from exams.tables import Certificate
from xuehui import idcard
from xuehui.clock import today
from xuehui.db import engine, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason


async def issue_certificates(actor: Actor | None, plan_id: int) -> int:
    """A certificate for every qualified candidate of the plan who has none.

    Numbers follow the scheme XH + year + exam code + sequence (`exams.rules.certificates`), so
    every plan of one exam code and year draws from one counter: the one on the first such plan,
    taken with a conditional UPDATE. The transaction first locks that counter row, then reads
    which candidates already hold a certificate: concurrent issuers of the same plan (or of a
    sister sitting) queue on the lock, so each candidate gets exactly one number and the numbers
    run without gaps or repeats, on both databases.
    """
    require_staff(actor)
    results = await plan_results(actor, plan_id)
    plan = results["plan"]
    if plan["published_at"] is None:
        raise Conflict(Reason("certificate.unpublished", "成绩公布后才能发证", "certificates follow publication"))
    issued = 0
    async with write_transaction():
        counter = await _lock_certificate_counter(plan["year"], plan["exam_code"])
        have = {
            r["registration"]
            for r in await Certificate.select(Certificate.registration).where(Certificate.plan == plan_id)
        }
        for row in results["rows"]:
            reg = row["registration"]
            if not row["qualified"] or reg["id"] in have:
                continue
            taken = await engine().run_querystring(
                qs(
                    "UPDATE xh_exam_plan SET certificate_seq = certificate_seq + 1 "
                    "WHERE id = {} AND certificate_seq < {} RETURNING certificate_seq",
                    counter,
                    MAX_CERTIFICATE_SEQUENCE,
                )
            )
            if not taken:
                raise Conflict(Reason("certificate.exhausted", "证书编号已用完", "certificate numbers are used up"))
            number = make_certificate_number(plan["year"], plan["exam_code"], int(taken[0]["certificate_seq"]))
            await Certificate.insert(
                Certificate(
                    plan=plan_id,
                    registration=reg["id"],
                    number=number,
                    name=reg["name"],
                    id_number=reg["id_number"],
                    issued_on=today(),
                    status=CERTIFICATE.initial,
                )
            )
            issued += 1
        if issued:
            await audit(
                actor, ExamAction.CERTIFICATES_ISSUED, "exam_plan", plan_id, {"issued": issued}, plan["society_id"]
            )
    return issued


async def _lock_certificate_counter(year: int, exam_code: str) -> int:
    """Lock and return the plan row holding the certificate counter of (year, exam code): the
    first plan of that exam and year. Inside a write transaction. A no-op UPDATE takes the row
    lock on PostgreSQL (and SQLite's write lock is already held), where `lock_rows()` would not
    run on SQLite."""
    rows = await engine().run_querystring(
        qs(
            "UPDATE xh_exam_plan SET certificate_seq = certificate_seq WHERE id = "
            "(SELECT MIN(id) FROM xh_exam_plan WHERE year = {} AND exam_code = {}) RETURNING id",
            year,
            exam_code,
        )
    )
    return int(rows[0]["id"])


async def list_certificates(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await Certificate.select().where(Certificate.plan == plan_id).order_by(Certificate.number)


async def verify_certificate(raw: str) -> dict[str, Any]:
    parsed = parse_certificate_number(raw)
    if isinstance(parsed, Reason):
        raise InvalidInput(parsed)
    row = (
        await Certificate.select(*Certificate.all_columns(), Certificate.plan.name)
        .where(Certificate.number == parsed.number)
        .first()
    )
    if row is None:
        raise NotFound(
            Reason("certificate.not_found", "查无此证书", "no certificate with this number", "certificate_no")
        )
    return {**row, "id_number": idcard.mask(row["id_number"])}

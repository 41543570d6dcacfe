"""Certificates (合格证书): issued to every qualified candidate once the scores are published,
numbered without gaps or repeats, valid for the plan's years (or without expiry), noted (加注)
and revoked by the office, and verified publicly by number with their validity, notes and any
revocation (on which day, why)."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.rules.certificates import MAX_CERTIFICATE_SEQUENCE, make_certificate_number, parse_certificate_number
from exams.rules.lifecycles import CERTIFICATE, CertificateStatus, certificate_state, role_of
from exams.rules.violations import add_years
from exams.schemas import CertificateNoteIn, CertificateRevokeIn
from exams.services._shared import plan_for_staff, qs, require_staff
from exams.services.results import plan_results
from exams.tables import Certificate, CertificateNote
from xuehui import idcard
from xuehui.clock import now, today
from xuehui.db import engine, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import require_clean


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
    years = plan["certificate_valid_years"]
    valid_until = add_years(today(), years) if years else None
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
                    valid_until=valid_until,
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
    """The certificate as the public sees it: masked identity number, state today (valid, expired
    or revoked with its day and reason), validity and notes."""
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
    return {
        **row,
        "id_number": idcard.mask(row["id_number"]),
        "state": certificate_state(row, today()),
        "notes": await _notes(row["id"]),
    }


async def _notes(certificate_id: int) -> list[dict[str, Any]]:
    return (
        await CertificateNote.select(CertificateNote.text, CertificateNote.noted_on, CertificateNote.valid_until)
        .where(CertificateNote.certificate == certificate_id)
        .order_by(CertificateNote.id)
    )


def certificate_not_found() -> NotFound:
    return NotFound(Reason("certificate.not_found", "证书不存在或无权查看", "certificate not found"))


async def get_certificate(actor: Actor | None, certificate_id: int) -> dict[str, Any]:
    """One certificate for the staff who run its plan, with its notes and its state today."""
    require_staff(actor)
    row = await Certificate.select().where(Certificate.id == certificate_id).first()
    if row is None:
        raise certificate_not_found()
    try:
        row["plan_row"] = await plan_for_staff(actor, row["plan"])
    except NotFound:
        raise certificate_not_found() from None
    row["notes"] = await _notes(certificate_id)
    row["state"] = certificate_state(row, today())
    return row


async def revoke_certificate(actor: Actor | None, certificate_id: int, data: CertificateRevokeIn) -> None:
    """Revoke a certificate on a day with its reason; final, and public verification says so."""
    require_clean(data)
    cert = await get_certificate(actor, certificate_id)
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput(Reason("certificate.revoke_reason", "请写明撤销理由", "give the reason", "reason"))
    if not cert["issued_on"] <= data.revoked_on <= today():
        raise InvalidInput(
            Reason(
                "certificate.revoked_on",
                f"撤销日期应在{cert['issued_on'].isoformat()}至{today().isoformat()}之间",
                f"the revocation date must be between {cert['issued_on'].isoformat()} and {today().isoformat()}",
                "revoked_on",
            )
        )
    target = CERTIFICATE.move(cert["status"], CertificateStatus.REVOKED, role_of(actor))
    async with write_transaction():
        changed = await (
            Certificate.update(
                {
                    Certificate.status: target,
                    Certificate.revoked_on: data.revoked_on,
                    Certificate.revoked_reason: reason,
                    Certificate.revoked_by: actor.user_id if actor else None,
                }
            )
            .where((Certificate.id == certificate_id) & Certificate.status.is_in(list(CERTIFICATE.sources(target))))
            .returning(Certificate.id)
        )
        if not changed:
            raise Conflict(Reason("certificate.changed", "证书状态已变化，请刷新", "the certificate changed meanwhile"))
        await audit(
            actor,
            ExamAction.CERTIFICATE_REVOKED,
            "exam_certificate",
            certificate_id,
            {"number": cert["number"], "revoked_on": data.revoked_on.isoformat()},
            cert["plan_row"]["society_id"],
        )


async def add_certificate_note(actor: Actor | None, certificate_id: int, data: CertificateNoteIn) -> int:
    """Stamp a note on a valid certificate (加注), optionally with its own validity."""
    require_clean(data)
    cert = await get_certificate(actor, certificate_id)
    text = data.text.strip()
    problems = []
    if not text:
        problems.append(Reason("certificate.note_text", "请填写加注内容", "write the note", "text"))
    if data.valid_until is not None and data.valid_until < today():
        problems.append(
            Reason(
                "certificate.note_until", "加注有效期不能早于今天", "the note cannot end before today", "valid_until"
            )
        )
    if problems:
        raise InvalidInput(problems)
    if cert["status"] == CertificateStatus.REVOKED:
        raise Conflict(
            Reason("certificate.note_revoked", "证书已撤销，不能加注", "a revoked certificate takes no notes")
        )
    async with write_transaction():
        note = CertificateNote(
            certificate=certificate_id,
            text=text,
            noted_on=today(),
            valid_until=data.valid_until,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await note.save()
        await audit(
            actor,
            ExamAction.CERTIFICATE_NOTED,
            "exam_certificate",
            certificate_id,
            {"number": cert["number"]},
            cert["plan_row"]["society_id"],
        )
    return int(note.id)

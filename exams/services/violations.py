"""Violation cases (违纪违规, MOHRSS Order No. 31): the office records a case with its evidence,
notifies the candidate (告知), the candidate (or the office, for a statement on paper) answers
within the statement period (陈述申辩), the office decides in writing and serves the decision
(送达), which opens the appeal window (复议). Only a decided case voids subjects, enters the
integrity record or closes the commitment route; every step moves through `VIOLATION_CASE`
and is audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import violation_cases as vc
from exams.rules import violations as vl
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import VIOLATION_CASE, ViolationCaseState, role_of
from exams.schemas import StatementIn, ViolationDecisionIn, ViolationIn
from exams.services._shared import get_registration, require_staff
from exams.tables import ViolationCase
from xuehui import files
from xuehui.clock import now, today
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import require_clean

# Evidence as it is kept on site: scans, photos of notes or devices, the signed record.
EVIDENCE = files.Purpose("exams.violation_evidence", frozenset({files.PDF, files.JPEG, files.PNG}), 10_000_000)
MAX_EVIDENCE_FILES = 10


def case_not_found() -> NotFound:
    return NotFound(Reason("violation_case.not_found", "违纪违规案件不存在或无权查看", "violation case not found"))


def _level(raw: str) -> vl.ViolationLevel:
    level = vl.ViolationLevel.parse(raw)
    if level is None:
        raise InvalidInput(Reason("violation.level", "请选择违纪违规级别", "choose the level", "level"))
    return level


def _sitting(reg: dict[str, Any], row: dict[str, Any], level: vl.ViolationLevel, article: str) -> vl.Violation:
    """The case as the pure rules see it, decided today."""
    return vl.Violation(
        str(reg["id"]),
        reg["plan_row"]["code"],
        row["subject_code"],
        level,
        article,
        row["facts"],
        row["decided_on"] or today(),
        vl.ViolationKind(row["kind"]),
    )


async def record_violation(
    actor: Actor | None, registration_id: int, data: ViolationIn, evidence: Sequence[tuple[str, bytes]] = ()
) -> int:
    """Open a case with its evidence; nothing takes effect until the decision."""
    require_clean(data)
    require_staff(actor)
    reg = await get_registration(actor, registration_id)
    level = _level(data.level)
    kind = vl.ViolationKind.parse(data.kind)
    if kind is None:
        raise InvalidInput(Reason("violation.kind", "请选择违纪违规类别", "choose the kind of case", "kind"))
    if data.subject_code not in reg["subjects"]:
        raise InvalidInput(
            Reason("violation.subject", "考生未报考该科目", "the candidate did not sit this subject", "subject_code")
        )
    if not data.facts.strip() or not data.article.strip():
        raise InvalidInput(
            Reason("violation.facts", "请写明事实和依据条款", "state the facts and the article", "facts")
        )
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise InvalidInput(
            Reason(
                "violation.evidence_count",
                f"证据材料最多{MAX_EVIDENCE_FILES}个文件",
                f"at most {MAX_EVIDENCE_FILES} evidence files",
                "evidence",
            )
        )
    kinds = [files.check(content, EVIDENCE, "evidence") for _name, content in evidence]
    async with write_transaction():
        kept = [
            {"sha256": await files.store(content, kind_of), "name": name[:200]}
            for (name, content), kind_of in zip(evidence, kinds, strict=True)
        ]
        moment = now()
        row = ViolationCase(
            registration=registration_id,
            id_number=reg["id_number"],
            kind=kind,
            subject_code=data.subject_code,
            level=level,
            article=data.article.strip(),
            facts=data.facts.strip(),
            evidence=json.dumps(kept, ensure_ascii=False),
            state=VIOLATION_CASE.initial,
            recorded_on=today(),
            created_by=actor.user_id if actor else None,
            created_at=moment,
            updated_at=moment,
        )
        await row.save()
        await audit(
            actor,
            ExamAction.VIOLATION_RECORDED,
            "exam_violation_case",
            row.id,
            {"registration": registration_id, "kind": kind, "level": level, "evidence": len(kept)},
            reg["plan_row"]["society_id"],
        )
    return int(row.id)


async def _case(actor: Actor | None, case_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case and its registration, for the staff who run its plan and the candidate it concerns
    (who sees it only once notified)."""
    row = await ViolationCase.select().where(ViolationCase.id == case_id).first()
    if row is None:
        raise case_not_found()
    try:
        reg = await get_registration(actor, row["registration"])
    except NotFound:
        raise case_not_found() from None
    if actor is not None and actor.role == "candidate" and row["state"] == ViolationCaseState.RECORDED:
        raise case_not_found()
    row["evidence"] = json_value(row["evidence"])
    return row, reg


async def _advance(
    actor: Actor | None,
    row: dict[str, Any],
    reg: dict[str, Any],
    target: ViolationCaseState,
    values: dict[str, Any],
    action: ExamAction,
    details: dict[str, Any],
) -> None:
    """Move the case to `target` guarded on the state it was read in, write `values`, audit."""
    VIOLATION_CASE.move(row["state"], target, role_of(actor))
    async with write_transaction():
        changed = await (
            ViolationCase.update(
                {
                    ViolationCase.state: target,
                    ViolationCase.updated_at: now(),
                    **{getattr(ViolationCase, k): v for k, v in values.items()},
                }
            )
            .where((ViolationCase.id == row["id"]) & (ViolationCase.state == row["state"]))
            .returning(ViolationCase.id)
        )
        if not changed:
            raise Conflict(Reason("violation_case.changed", "案件状态已变化，请刷新", "the case changed meanwhile"))
        await audit(actor, action, "exam_violation_case", row["id"], details, reg["plan_row"]["society_id"])


async def notify_violation(actor: Actor | None, case_id: int) -> dt.date:
    """Serve the notice (告知书) today; the statement period starts. Returns its last day."""
    require_staff(actor)
    row, reg = await _case(actor, case_id)
    notified_on = today()
    due = vc.statement_due(notified_on)
    zh, en = vc.notice_text(_sitting(reg, row, vl.ViolationLevel(row["level"]), row["article"]), due)
    await _advance(
        actor,
        row,
        reg,
        ViolationCaseState.NOTIFIED,
        {"notified_on": notified_on, "statement_due": due, "notice_zh": zh, "notice_en": en},
        ExamAction.VIOLATION_NOTIFIED,
        {"statement_due": due.isoformat()},
    )
    return due


async def submit_statement(actor: Actor | None, case_id: int, data: StatementIn) -> None:
    """The candidate's statement (or the office's record of one made on paper), within the period."""
    require_clean(data)
    row, reg = await _case(actor, case_id)
    text = data.text.strip()
    if not text:
        raise InvalidInput(Reason("violation_case.statement", "请填写陈述申辩内容", "write the statement", "statement"))
    VIOLATION_CASE.move(row["state"], ViolationCaseState.STATED, role_of(actor))
    if (late := vc.statement_refusal(row["statement_due"], today())) is not None:
        raise Conflict(late)
    by_candidate = actor is not None and actor.role == "candidate"
    await _advance(
        actor,
        row,
        reg,
        ViolationCaseState.STATED,
        {"statement": text, "stated_on": today(), "stated_by_candidate": by_candidate},
        ExamAction.VIOLATION_STATED,
        {"by_candidate": by_candidate},
    )


async def decide_violation(actor: Actor | None, case_id: int, data: ViolationDecisionIn) -> None:
    """The written decision: final level (its effect) and article, with the office's reasons.
    Only once the candidate has answered or the statement period is over."""
    require_clean(data)
    require_staff(actor)
    row, reg = await _case(actor, case_id)
    level = _level(data.level)
    if not data.article.strip():
        raise InvalidInput(Reason("violation.article", "请写明依据条款", "state the article", "article"))
    VIOLATION_CASE.move(row["state"], ViolationCaseState.DECIDED, role_of(actor))
    if (pending := vc.decision_refusal(row["state"], row["statement_due"], today())) is not None:
        raise Conflict(pending)
    violation = _sitting(reg, {**row, "decided_on": today()}, level, data.article.strip())
    results = [vl.SubjectResult(str(reg["id"]), reg["plan_row"]["code"], code, None) for code in reg["subjects"]]
    decision = vc.written_decision(violation, results, data.note)
    await _advance(
        actor,
        row,
        reg,
        ViolationCaseState.DECIDED,
        {
            "level": level,
            "article": violation.article,
            "decided_on": violation.decided_on,
            "record_until": decision.record_until,
            "decision_zh": decision.text_zh,
            "decision_en": decision.text_en,
        },
        ExamAction.VIOLATION_DECIDED,
        {"level": level, "voided": decision.voided_subjects},
    )


async def serve_violation(actor: Actor | None, case_id: int, served_on: dt.date | None = None) -> dt.date:
    """Record the service of the decision (送达) on a day; the appeal window runs from it."""
    require_staff(actor)
    row, reg = await _case(actor, case_id)
    VIOLATION_CASE.move(row["state"], ViolationCaseState.SERVED, role_of(actor))
    day = served_on or today()
    if (bad := vc.service_refusal(row["decided_on"], day, today())) is not None:
        raise InvalidInput(bad)
    until = vc.appeal_until(day)
    await _advance(
        actor,
        row,
        reg,
        ViolationCaseState.SERVED,
        {"served_on": day, "appeal_until": until},
        ExamAction.VIOLATION_SERVED,
        {"served_on": day.isoformat(), "appeal_until": until.isoformat()},
    )
    return until


async def violation_case(actor: Actor | None, case_id: int) -> dict[str, Any]:
    """The case with its registration (`reg`) and what may happen next."""
    row, reg = await _case(actor, case_id)
    role = role_of(actor)
    row["reg"] = reg
    row["next"] = [state.value for state in VIOLATION_CASE.targets(row["state"], role)]
    row["statement_open"] = (
        row["state"] == ViolationCaseState.NOTIFIED and vc.statement_refusal(row["statement_due"], today()) is None
    )
    pending = vc.decision_refusal(row["state"], row["statement_due"], today())
    row["decision_pending"] = pending
    return row


async def violation_evidence(actor: Actor | None, case_id: int, index: int) -> tuple[bytes, str, str] | None:
    """One evidence file's bytes, media type and name, for the staff who run the case's plan; audited."""
    require_staff(actor)
    row, reg = await _case(actor, case_id)
    if not 0 <= index < len(row["evidence"]):
        return None
    item = row["evidence"][index]
    stored = await files.load(item["sha256"])
    if stored is None:
        return None
    async with write_transaction():
        summary = {"evidence": index + 1}
        society_id = reg["plan_row"]["society_id"]
        await audit(actor, ExamAction.EVIDENCE_OPENED, "exam_violation_case", case_id, summary, society_id)
    return stored[0], stored[1], item["name"]


async def cases_of_registration(actor: Actor | None, registration_id: int) -> list[dict[str, Any]]:
    """The cases of a registration: every case for staff, notified ones for the candidate."""
    await get_registration(actor, registration_id)
    query = ViolationCase.select().where(ViolationCase.registration == registration_id).order_by(ViolationCase.id)
    if actor is not None and actor.role == "candidate":
        query = query.where(ViolationCase.state != ViolationCaseState.RECORDED)
    rows = await query
    for r in rows:
        r["evidence"] = json_value(r["evidence"])
        r["statement_open"] = (
            r["state"] == ViolationCaseState.NOTIFIED and vc.statement_refusal(r["statement_due"], today()) is None
        )
    return rows


async def violations_of_registration(registration_id: int) -> list[dict[str, Any]]:
    """The decided cases of a registration (the ones with effects)."""
    from exams.services.results import violations_of

    return (await violations_of([registration_id])).get(registration_id, [])

"""Objections (异议) from the public against entries under notice, and their handling."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import OBJECTION, ObjectionState
from nominations.rules.notice import Objection as ObjectionFacts
from nominations.rules.notice import check_objection
from nominations.rules.objection_limits import (
    DUPLICATE,
    ObjectionLimits,
    evidence_problems,
    flood_refusal,
    notice_evidence_problems,
)
from nominations.services.kinds import PROJECT, TALENT, project_correction_deadline, talent_correction_deadline
from nominations.services.notices import public_notice, stored_window
from nominations.tables import NominationContributor, Objection, ObjectionFile
from xuehui import files, submission
from xuehui.clock import aware, now, today
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason, TooManyRequests
from xuehui.idcard import normalise
from xuehui.settings import get_settings
from xuehui.submission import ObjectionOutcome, SubmissionState
from xuehui.text import free_text_problems, line_problems

# Evidence an objector attaches: scans, photos or documents; the name is for display only.
EVIDENCE = files.Purpose("objection.evidence", frozenset({files.PDF, files.JPEG, files.PNG}), 10_000_000)
MAX_FILENAME_LENGTH = 200  # the filename column's length
MAX_ADDRESS_LENGTH = 45  # the ip column's length (an IPv6 address in full)


def _limits() -> ObjectionLimits:
    settings = get_settings()
    return ObjectionLimits(
        files=settings.objection_max_files,
        bytes_per_objection=settings.objection_max_evidence_bytes,
        per_address=settings.objection_max_per_address,
        per_identity=settings.objection_max_per_identity,
        window_seconds=settings.objection_window_minutes * 60,
        bytes_per_notice=settings.objection_max_evidence_per_notice_bytes,
    )


async def _admission(
    notice_id: int, entry: tuple[int | None, int | None], id_number: str, reasons: str, ip: str, adding: int
) -> None:
    """Inside the write transaction, one objection to the notice at a time: refuse a flood from
    the address or the identity number (429), a repeat of an earlier objection, and evidence
    beyond what the notice may store."""
    limits = _limits()
    moment = now()
    since = moment - dt.timedelta(seconds=limits.window_seconds)
    recent = await Objection.select(Objection.ip, Objection.id_number, Objection.created_at).where(
        (Objection.notice == notice_id)
        & (Objection.created_at > since)
        & ((Objection.ip == ip) | (Objection.id_number == id_number))
    )
    refusal = flood_refusal(
        [aware(r["created_at"]) for r in recent if ip and r["ip"] == ip],
        [aware(r["created_at"]) for r in recent if r["id_number"] == id_number],
        moment,
        limits,
    )
    if refusal:
        raise TooManyRequests(refusal[0], retry_after=refusal[1])
    nomination_id, recommendation_id = entry
    same = Objection.select(Objection.reasons).where(
        (Objection.notice == notice_id) & (Objection.id_number == id_number)
    )
    same = same.where(
        Objection.nomination == nomination_id
        if nomination_id is not None
        else Objection.recommendation == recommendation_id
    )
    if any(r["reasons"] == reasons for r in await same):
        raise Conflict(DUPLICATE)
    stored = await ObjectionFile.select(ObjectionFile.size).where(ObjectionFile.objection.notice == notice_id)
    if problems := notice_evidence_problems(sum(r["size"] for r in stored), adding, limits):
        raise Conflict(problems)


async def file_objection(
    notice_id: int,
    nomination_id: int | None,
    name: str,
    id_number: str,
    phone: str,
    unit: str,
    reasons: str,
    evidence: list[tuple[str, bytes]],
    recommendation_id: int | None = None,
    ip: str = "",
) -> int:
    """An objection from the public against a nomination or a recommended person under notice:
    real identity required, only while the notice is open, within the form's limits (files,
    objections per address and per identity, no repeats, evidence per notice)."""
    if problems := line_problems({"name": name, "id_number": id_number, "phone": phone, "unit": unit}, 200):
        raise InvalidInput(problems)
    if problems := free_text_problems({"reasons": reasons}):
        raise InvalidInput(problems)
    notice = await public_notice(notice_id)
    if recommendation_id is not None:
        if recommendation_id not in {e.get("recommendation_id") for e in notice["entries"]}:
            raise InvalidInput(
                Reason(
                    "objection.recommendation",
                    "该人选不在本次公示中",
                    "that candidate is not under this notice",
                    "recommendation_id",
                )
            )
        nomination_id = None
    elif nomination_id is None or nomination_id not in {e.get("nomination_id") for e in notice["entries"]}:
        raise InvalidInput(
            Reason(
                "objection.nomination",
                "该项目不在本次公示中",
                "that nomination is not under this notice",
                "nomination_id",
            )
        )
    window = stored_window(notice)
    facts = ObjectionFacts(
        name=name, id_number=id_number, phone=phone, reasons=reasons, submitted_on=today(), unit=unit
    )
    problems = check_objection(facts, window) + evidence_problems([len(c) for _, c in evidence], _limits())
    if problems:
        raise InvalidInput(problems)
    kinds = []
    for filename, content in evidence:
        try:
            kinds.append(files.check(content, EVIDENCE, "evidence"))
        except InvalidInput as refused:
            problems += [
                Reason(r.code, f"证明材料“{filename}”：{r.zh}", f"evidence file “{filename}”: {r.en}", "evidence")
                for r in refused.reasons
            ]
    if problems:
        raise InvalidInput(problems)
    entry = (nomination_id, recommendation_id)
    adding = sum(len(c) for _, c in evidence)
    async with write_transaction():
        await serialize_on(f"objection:{notice_id}")
        await _admission(notice_id, entry, normalise(id_number), reasons.strip(), ip[:MAX_ADDRESS_LENGTH], adding)
        objection = Objection(
            notice=notice_id,
            nomination=nomination_id,
            recommendation=recommendation_id,
            name=name.strip(),
            id_number=normalise(id_number),
            phone=phone.strip(),
            unit=unit.strip(),
            reasons=reasons.strip(),
            ip=ip[:MAX_ADDRESS_LENGTH],
            evidence=json.dumps(
                [{"filename": f, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()} for f, c in evidence]
            ),
            state=OBJECTION.initial,
            submitted_on=today(),
            created_at=now(),
            updated_at=now(),
        )
        await objection.save()
        for (filename, content), media_type in zip(evidence, kinds, strict=True):
            await ObjectionFile.insert(
                ObjectionFile(
                    objection=objection.id,
                    filename=filename[:MAX_FILENAME_LENGTH],
                    sha256=await files.store(content, media_type),
                    size=len(content),
                )
            )
        await audit(
            None,
            "objection.received",
            "objection",
            objection.id,
            {"nomination": nomination_id, "recommendation": recommendation_id, "notice": notice_id},
        )
    return int(objection.id)


async def objections(
    actor: Actor, nomination_id: int | None = None, recommendation_id: int | None = None
) -> list[dict[str, Any]]:
    """Admins see objections with the objector's identity; a society sees those against its own
    nominations and recommendations without who filed them."""
    query = Objection.select(
        *Objection.all_columns(),
        Objection.nomination.title,
        Objection.nomination.society_id,
        Objection.recommendation.name,
        Objection.recommendation.society_id,
    ).order_by(Objection.id, ascending=False)
    if nomination_id is not None:
        query = query.where(Objection.nomination == nomination_id)
    if recommendation_id is not None:
        query = query.where(Objection.recommendation == recommendation_id)
    if not actor.is_admin:
        if actor.role != "society" or actor.society_id is None:
            return []
        query = query.where(
            (Objection.nomination.society_id == actor.society_id)
            | (Objection.recommendation.society_id == actor.society_id)
        )
    rows = await query
    for row in rows:
        # What the objection is against, for lists that show both kinds.
        row["item_title"] = row["nomination.title"] or row["recommendation.name"] or ""
        row["society_id"] = row["nomination.society_id"] or row["recommendation.society_id"]
    if not actor.is_admin:
        for row in rows:
            for secret in ("name", "id_number", "phone", "unit"):
                row[secret] = ""
    return rows


async def respond_to_objection(actor: Actor, objection_id: int, response: str) -> None:
    if problems := free_text_problems({"response": response}):
        raise InvalidInput(problems)
    rows = [r for r in await objections(actor) if r["id"] == objection_id]
    if not rows or actor.is_admin:
        raise NotFound(
            Reason("objection.not_found", "异议不存在或无权查看", "objection not found or not visible to you")
        )
    if not response.strip():
        raise InvalidInput(Reason("objection.response", "请填写答复", "write the response", "response"))
    async with write_transaction():
        await Objection.update({Objection.nominator_response: response.strip(), Objection.updated_at: now()}).where(
            Objection.id == objection_id
        )
        await audit(actor, "objection.answered", "objection", objection_id, {}, actor.society_id)


async def decide_objection(actor: Actor, objection_id: int, state: str, decision: str, outcome: str) -> None:
    """received → investigating → upheld or dismissed. An upheld objection disqualifies the
    nomination or recommendation, or sends it back for correction (then it goes under notice
    again); either way the record's history says so."""
    require_admin(actor)
    row = await Objection.select().where(Objection.id == objection_id).first()
    if row is None:
        raise NotFound(Reason("objection.not_found", "异议不存在", "objection not found"))
    if not OBJECTION.allowed(row["state"], state, actor.role):
        raise Conflict(
            Reason("objection.state", "异议当前状态不能进行此操作", "the objection cannot move to that state now")
        )
    target = OBJECTION.move(row["state"], state, actor.role)
    if target in (ObjectionState.UPHELD, ObjectionState.DISMISSED) and not decision.strip():
        raise InvalidInput(Reason("objection.decision", "请写明处理结论", "write the decision", "decision"))
    if target is ObjectionState.UPHELD and ObjectionOutcome.parse(outcome) is None:
        raise InvalidInput(
            Reason(
                "objection.outcome", "请选择异议成立后的处理方式", "choose what happens to the nomination", "outcome"
            )
        )
    against_project = row["nomination"] is not None
    kind = PROJECT if against_project else TALENT
    current = await kind.load(actor, row["nomination"] if against_project else row["recommendation"])
    async with write_transaction():
        await Objection.update(
            {
                Objection.state: target,
                Objection.decision: decision.strip(),
                Objection.outcome: outcome if target is ObjectionState.UPHELD else "",
                Objection.updated_at: now(),
            }
        ).where((Objection.id == objection_id) & (Objection.state == row["state"]))
        if target is ObjectionState.UPHELD:
            deadline = project_correction_deadline if against_project else talent_correction_deadline
            status = await submission.apply_objection_outcome(kind, actor, current, outcome, decision, deadline)
            if against_project and status == SubmissionState.DISQUALIFIED:
                await NominationContributor.delete().where(NominationContributor.nomination == current["id"])
        subject = "nomination" if against_project else "recommendation"
        await audit(
            actor,
            f"objection.{target}",
            "objection",
            objection_id,
            {"outcome": outcome, subject: current["id"]},
            current["society_id"],
            decision,
        )

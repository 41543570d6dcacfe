"""Registration (报名): a candidate registers for a plan while it is open, eligibility is decided
at once (with the reason), the candidate corrects a registration until it is reviewed; the
photo and proof go to the file store."""

from __future__ import annotations

import json
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import eligibility as elig
from exams.rules import violations as vl
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import (
    REGISTRATION,
    VIOLATION_EFFECTIVE,
    RegistrationStatus,
    registration_status_after_check,
    role_of,
)
from exams.schemas import RegistrationIn
from exams.services._shared import get_registration, load_plan, lock_plan, plan_not_found, subjects_of
from exams.services.identity_clashes import clash_with, refuse_clash
from exams.tables import Certificate, Recheck, Registration, ViolationCase
from xuehui import files, idcard
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, Reason
from xuehui.text import require_clean

# Today's limits: a passport-size photo, and scanned certificates as proof.
PHOTO = files.Purpose("exams.photo", frozenset({files.JPEG, files.PNG}), 500_000)
PROOF = files.Purpose("exams.proof", frozenset({files.PDF, files.JPEG, files.PNG}), 5_000_000)
ROUTES = ("commitment", "proof")


def eligibility_table(plan: dict[str, Any]) -> elig.EligibilityTable:
    return elig.EligibilityTable(
        plan["exam_code"],
        tuple(
            elig.EligibilityRow(elig.Education(r["education"]), r["min_years"], r.get("related_major"))
            for r in plan["eligibility"]
        ),
        plan["cutoff_date"],
        plan["count_after_graduation_only"],
    )


def exemption_rules(plan: dict[str, Any]) -> list[elig.ExemptionRule]:
    return [
        elig.ExemptionRule(e["certificate"], frozenset(e["subjects"]), e.get("candidate_group", "exempt"))
        for e in plan["exemptions"]
    ]


async def violations_on_record(id_number: str) -> list[vl.Violation]:
    """The person's decided violation cases (a recorded or notified case has no effect yet)."""
    rows = await ViolationCase.select().where(
        (ViolationCase.id_number == id_number) & ViolationCase.state.is_in(sorted(VIOLATION_EFFECTIVE))
    )
    return [
        vl.Violation(
            str(r["registration"]),
            "",
            r["subject_code"],
            vl.ViolationLevel(r["level"]),
            r["article"],
            r["facts"],
            r["decided_on"],
            vl.ViolationKind(r["kind"]),
        )
        for r in rows
    ]


def _file_problems(data: bytes, purpose: files.Purpose, field: str) -> list[Reason]:
    try:
        files.check(data, purpose, field)
    except InvalidInput as refused:
        return list(refused.reasons)
    return []


async def _registration_fields(
    plan: dict[str, Any],
    data: RegistrationIn,
    photo: bytes | None,
    proof: bytes | None,
    existing: dict[str, Any] | None,
) -> dict[str, Any]:
    """Check the input and decide eligibility; return the columns to store (files not yet stored)."""
    problems: list[Reason] = []
    card = idcard.parse(data.id_number, "id_number")
    if isinstance(card, Reason):
        problems.append(card)
    if not data.name.strip():
        problems.append(Reason("registration.name", "请填写姓名", "the name is required", "name"))
    if not data.employer.strip():
        problems.append(Reason("registration.employer", "请填写工作单位", "the employer is required", "employer"))
    if data.education not in {e.value for e in elig.Education}:
        problems.append(Reason("registration.education", "请选择学历", "choose the education level", "education"))
    if data.work_end is not None and data.work_end < data.work_start:
        problems.append(
            Reason(
                "registration.work_end", "离职日期不能早于参加工作日期", "work cannot end before it starts", "work_end"
            )
        )
    codes = {s["code"] for s in await subjects_of(plan["id"])}
    chosen = sorted({c.strip().upper() for c in data.subjects if c.strip()})
    unknown = [c for c in chosen if c not in codes]
    if not chosen or unknown:
        problems.append(
            Reason("registration.subjects", "请选择本次报考的科目", "choose the subjects you will sit", "subjects")
        )
    if data.route not in ROUTES:
        problems.append(Reason("registration.route", "请选择告知承诺或上传证明", "choose commitment or proof", "route"))
    if photo is not None:
        problems += _file_problems(photo, PHOTO, "photo")
    elif not (existing and existing["photo_sha"]):
        problems.append(Reason("registration.photo_missing", "请上传照片", "upload a photo", "photo"))
    if data.route == "commitment":
        if not data.commitment_signed:
            problems.append(
                Reason(
                    "registration.commitment", "请阅读并签署告知承诺书", "read and sign the commitment", "commitment"
                )
            )
        elif not isinstance(card, Reason):
            record = await violations_on_record(card.number)
            barred = vl.commitment_barred_until(record, plan["commitment_bar_years"])
            refusal = elig.commitment_refusal(record, today(), barred)
            if refusal is not None:
                problems.append(refusal)
    if proof is not None:
        problems += _file_problems(proof, PROOF, "proof")
    elif data.route == "proof" and not (existing and existing["proof_sha"]):
        problems.append(Reason("registration.proof_missing", "请上传证明材料", "upload your proof", "proof"))
    if problems or isinstance(card, Reason):
        raise InvalidInput(problems)
    exempt, group = elig.exemptions(
        [c.strip() for c in data.held_certificates.split(",") if c.strip()], exemption_rules(plan)
    )
    sitting = [c for c in chosen if c not in exempt]
    if not sitting:
        raise InvalidInput(
            Reason("registration.subjects", "所选科目均已免考", "you are exempt from every chosen subject", "subjects")
        )
    decision = elig.decide_eligibility(
        elig.Applicant(
            elig.Education(data.education),
            data.graduation_date,
            data.related_major,
            (elig.WorkPeriod(data.work_start, data.work_end),),
        ),
        eligibility_table(plan),
    )
    return {
        "id_number": card.number,
        "name": data.name.strip(),
        "sex": card.sex,
        "birth_date": card.birth_date,
        "education": data.education,
        "related_major": data.related_major,
        "graduation_date": data.graduation_date,
        "work_start": data.work_start,
        "work_end": data.work_end,
        "employer": data.employer.strip(),
        "subjects": json.dumps(sitting),
        "held_certificates": data.held_certificates.strip(),
        "candidate_group": group or "full",
        "exempt_subjects": json.dumps(sorted(exempt)),
        "route": data.route,
        "status": registration_status_after_check(decision.eligible),
        "eligible": decision.eligible,
        "eligibility_zh": decision.reason.zh,
        "eligibility_en": decision.reason.en,
    }


async def _store_files(fields: dict[str, Any], photo: bytes | None, proof: bytes | None) -> None:
    """Inside the write transaction: keep the uploads (already checked) and point at them."""
    if photo is not None:
        fields["photo_sha"] = await files.store(photo, files.check(photo, PHOTO, "photo"))
    if proof is not None:
        fields["proof_sha"] = await files.store(proof, files.check(proof, PROOF, "proof"))


def _registration_open(plan: dict[str, Any]) -> None:
    day = today()
    if not plan["registration_opens"] <= day <= plan["registration_closes"]:
        raise Conflict(
            Reason(
                "registration.closed",
                f"报名时间为{plan['registration_opens']}至{plan['registration_closes']}",
                f"registration is open from {plan['registration_opens']} to {plan['registration_closes']}",
            )
        )


async def register(
    actor: Actor, plan_id: int, data: RegistrationIn, photo: bytes | None = None, proof: bytes | None = None
) -> int:
    require_clean(data)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生可以报名", "only candidates register"))
    plan = await load_plan(plan_id)
    if plan is None:
        raise plan_not_found()
    _registration_open(plan)
    fields = await _registration_fields(plan, data, photo, proof, None)
    clash = None
    async with write_transaction():
        await lock_plan(plan_id)
        own = await Registration.exists().where(
            (Registration.plan == plan_id)
            & (Registration.user_id == actor.user_id)
            & (Registration.status != RegistrationStatus.VOIDED)
        )
        if own:
            raise Conflict(
                Reason("registration.exists", "已报名本次考试", "already registered for this exam", "id_number")
            )
        clash = await clash_with(plan_id, fields["id_number"], actor.user_id)
        if clash is None:
            registration = await _insert(actor, plan, fields, photo, proof)
    if clash is not None:
        await refuse_clash(actor, plan, clash["id"], fields["id_number"], data.name)
    return int(registration.id)


async def _insert(
    actor: Actor, plan: dict[str, Any], fields: dict[str, Any], photo: bytes | None, proof: bytes | None
) -> Registration:
    """Inside the write transaction: store the files and the registration, and audit it."""
    await _store_files(fields, photo, proof)
    moment = now()
    registration = Registration(plan=plan["id"], user_id=actor.user_id, created_at=moment, updated_at=moment, **fields)
    await registration.save()
    await audit(
        actor,
        ExamAction.REGISTERED,
        "exam_registration",
        registration.id,
        {"plan": plan["code"], "eligible": fields["eligible"]},
        plan["society_id"],
    )
    return registration


async def update_registration(
    actor: Actor, registration_id: int, data: RegistrationIn, photo: bytes | None = None, proof: bytes | None = None
) -> None:
    require_clean(data)
    current = await get_registration(actor, registration_id)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生本人可以修改报名", "only the candidate edits the registration"))
    plan = current["plan_row"]
    _registration_open(plan)
    fields = await _registration_fields(plan, data, photo, proof, current)
    target = REGISTRATION.move(current["status"], fields["status"], role_of(actor))
    async with write_transaction():
        await lock_plan(plan["id"])
        clash = (
            await clash_with(plan["id"], fields["id_number"], actor.user_id)
            if fields["id_number"] != current["id_number"]
            else None
        )
        if clash is None:
            await _update(actor, registration_id, plan, fields, target, photo, proof)
    if clash is not None:
        await refuse_clash(actor, plan, clash["id"], fields["id_number"], data.name)


async def _update(
    actor: Actor,
    registration_id: int,
    plan: dict[str, Any],
    fields: dict[str, Any],
    target: RegistrationStatus,
    photo: bytes | None,
    proof: bytes | None,
) -> None:
    """Inside the write transaction: store the files and the corrected registration, and audit it."""
    await _store_files(fields, photo, proof)
    updated = await (
        Registration.update({getattr(Registration, k): v for k, v in {**fields, "updated_at": now()}.items()})
        .where((Registration.id == registration_id) & Registration.status.is_in(list(REGISTRATION.sources(target))))
        .returning(Registration.id)
    )
    if not updated:
        raise Conflict(Reason("registration.changed", "报名状态已变化，请刷新", "the registration changed meanwhile"))
    await audit(
        actor,
        ExamAction.REGISTRATION_UPDATED,
        "exam_registration",
        registration_id,
        {"eligible": fields["eligible"]},
        plan["society_id"],
    )


async def my_registrations(actor: Actor) -> list[dict[str, Any]]:
    """The candidate's registrations with their published results, re-checks and certificate."""
    from exams.services.results import registration_results
    from exams.services.violations import cases_of_registration

    rows = await Registration.select().where(Registration.user_id == actor.user_id).order_by(Registration.id)
    out = []
    for row in rows:
        view = await get_registration(actor, row["id"])
        view["results"] = await registration_results(view) if view["plan_row"]["published_at"] else None
        view["rechecks"] = await Recheck.select().where(Recheck.registration == row["id"]).order_by(Recheck.id)
        view["certificate"] = await Certificate.select().where(Certificate.registration == row["id"]).first()
        view["cases"] = await cases_of_registration(actor, row["id"])
        out.append(view)
    return out


async def registration_photo(actor: Actor | None, registration_id: int) -> tuple[bytes, str] | None:
    """The photo's bytes and media type, for whoever may see the registration; audited."""
    return await _personal_file(actor, registration_id, "photo_sha", ExamAction.PHOTO_OPENED)


async def registration_proof(actor: Actor | None, registration_id: int) -> tuple[bytes, str] | None:
    """The eligibility proof's bytes and media type, for whoever may see the registration; audited."""
    return await _personal_file(actor, registration_id, "proof_sha", ExamAction.PROOF_OPENED)


async def _personal_file(
    actor: Actor | None, registration_id: int, column: str, action: ExamAction
) -> tuple[bytes, str] | None:
    reg = await get_registration(actor, registration_id)
    stored = await files.load(reg[column]) if reg[column] else None
    if stored is not None:
        async with write_transaction():
            await audit(actor, action, "exam_registration", registration_id, {}, reg["plan_row"]["society_id"])
    return stored


async def registration_files(actor: Actor | None, registration_id: int) -> list[dict[str, Any]]:
    """The registration's uploaded files (`photo`, `proof`), each with its size and media type,
    for whoever may see the registration."""
    reg = await get_registration(actor, registration_id)
    known = await files.facts([reg["photo_sha"], reg["proof_sha"]])
    return [
        {"kind": kind, "size": known[sha][0], "media_type": known[sha][1]}
        for kind, sha in (("photo", reg["photo_sha"]), ("proof", reg["proof_sha"]))
        if sha in known
    ]

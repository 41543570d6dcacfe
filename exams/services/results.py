"""Results (成绩与合格): each candidate's subject results with violations applied, the rolling
qualification across sittings, publication, the plan's statistics and the public look-up."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
from collections import defaultdict
from decimal import Decimal
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import violations as vl
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import PLAN, VIOLATION_EFFECTIVE, PlanState, plan_state, role_of
from exams.rules.lookups import LookupLimits, lookup_refusal
from exams.rules.rolling import RollingRule, RollingStatus, SubjectPass, rolling_status
from exams.rules.score_model import ScoreStatus
from exams.rules.subjects import Subject, is_pass
from exams.services._shared import (
    get_registration,
    list_registrations,
    plan_for_staff,
    require_staff,
    subject_rules,
)
from exams.services.notices import tell_published
from exams.services.score_writing import has_current_scores
from exams.tables import ExamPlan, LookupAttempt, Registration, Score, ViolationCase
from xuehui import idcard
from xuehui.clock import CHINA, aware, now, today
from xuehui.db import json_value, serialize_on, write_transaction
from xuehui.errors import Conflict, NotFound, Reason, TooManyRequests
from xuehui.settings import get_settings

# Registrations read per `IN (...)` list: well below every driver's parameter limit.
IN_LIST_CHUNK = 5000
# Up to this many people, read only their registrations of earlier sittings (one candidate's
# page); more (a whole plan's results) read each sitting once and filter in memory.
FEW_PEOPLE = 500
MAX_ADDRESS_LENGTH = 45  # the look-up attempts' ip column


async def current_scores(reg_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    out: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for start in range(0, len(reg_ids), IN_LIST_CHUNK):
        rows = await Score.select().where(
            Score.registration.is_in(reg_ids[start : start + IN_LIST_CHUNK]) & (Score.current == True)  # noqa: E712 - Piccolo expression
        )
        for r in rows:
            out[r["registration"]][r["subject_code"]] = r
    return out


async def violations_of(reg_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The decided violation cases of these registrations: only a decision has effects."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if reg_ids:
        rows = await (
            ViolationCase.select()
            .where(ViolationCase.registration.is_in(reg_ids) & ViolationCase.state.is_in(sorted(VIOLATION_EFFECTIVE)))
            .order_by(ViolationCase.id)
        )
        for r in rows:
            out[r["registration"]].append(r)
    return out


def _subject_results(
    reg: dict[str, Any],
    scores: dict[str, dict[str, Any]],
    violations: list[dict[str, Any]],
    subjects: dict[str, Subject],
) -> list[dict[str, Any]]:
    results = [
        vl.SubjectResult(
            str(reg["id"]),
            "s",
            code,
            Decimal(scores[code]["score"]) if code in scores and scores[code]["score"] is not None else None,
            code in scores and scores[code]["status"] == ScoreStatus.VIOLATION,
        )
        for code in json_value(reg["subjects"])
    ]
    marked, _ = vl.apply_violations(
        results,
        [
            vl.Violation(
                str(reg["id"]),
                "s",
                v["subject_code"],
                vl.ViolationLevel(v["level"]),
                v["article"],
                v["facts"],
                v["decided_on"],
            )
            for v in violations
        ],
    )
    out = []
    for r in marked:
        row = scores.get(r.subject_code)
        status = row["status"] if row else ""
        passed = (
            bool(row)
            and not r.void
            and r.score is not None
            and status == ScoreStatus.PRESENT
            and is_pass(r.score, subjects[r.subject_code])
        )
        out.append({"subject": r.subject_code, "score": r.score, "status": status, "void": r.void, "passed": passed})
    return out


async def _exam_passes(plan: dict[str, Any], id_numbers: list[str]) -> dict[str, list[SubjectPass]]:
    """Passes of these people in every published sitting of the same exam (same society, exam code)."""
    plans = await ExamPlan.select(ExamPlan.id, ExamPlan.year).where(
        (ExamPlan.society_id == plan["society_id"])
        & (ExamPlan.exam_code == plan["exam_code"])
        & ExamPlan.published_at.is_not_null()
    )
    passes: dict[str, list[SubjectPass]] = defaultdict(list)
    wanted = set(id_numbers)
    for p in plans:
        subjects = await subject_rules(p["id"])
        query = Registration.select().where(Registration.plan == p["id"])
        if len(wanted) <= FEW_PEOPLE:
            query = query.where(Registration.id_number.is_in(sorted(wanted) or [""]))
        regs = [r for r in await query if r["id_number"] in wanted]
        ids = [r["id"] for r in regs]
        scores, violations = await current_scores(ids), await violations_of(ids)
        for reg in regs:
            for r in _subject_results(reg, scores.get(reg["id"], {}), violations.get(reg["id"], []), subjects):
                if r["passed"]:
                    passes[reg["id_number"]].append(SubjectPass(r["subject"], p["year"]))
    return passes


def _qualification(
    plan: dict[str, Any], reg: dict[str, Any], passes: list[SubjectPass], required: frozenset[str]
) -> RollingStatus:
    rule = RollingRule(required, plan["rolling"])
    group = reg["candidate_group"] if reg["candidate_group"] in plan["rolling"] else "full"
    return rolling_status(passes, rule, group, plan["year"], frozenset(json_value(reg["exempt_subjects"])))


async def registration_results(reg: dict[str, Any]) -> dict[str, Any]:
    plan = reg["plan_row"]
    subjects = await subject_rules(plan["id"])
    scores = (await current_scores([reg["id"]])).get(reg["id"], {})
    violations = (await violations_of([reg["id"]])).get(reg["id"], [])
    passes = (await _exam_passes(plan, [reg["id_number"]])).get(reg["id_number"], [])
    status = _qualification(plan, reg, passes, frozenset(subjects))
    return {
        "subjects": _subject_results(reg, scores, violations, subjects),
        "qualified": status.qualified,
        "missing": sorted(status.missing),
        "violations": violations,
    }


async def publish(actor: Actor | None, plan_id: int) -> None:
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    PLAN.move(plan_state(plan), PlanState.PUBLISHED, role_of(actor))
    if today() < plan["publication_date"]:
        raise Conflict(
            Reason(
                "publish.early",
                f"成绩公布日期为{plan['publication_date']}",
                f"scores are published on {plan['publication_date']}",
            )
        )
    if not await has_current_scores(plan_id):
        raise Conflict(Reason("publish.no_scores", "尚未导入成绩", "no scores were imported yet"))
    async with write_transaction():
        # `published_at IS NULL` is the one source state of the move: two publishers, one wins.
        done = await (
            ExamPlan.update({ExamPlan.published_at: now()})
            .where((ExamPlan.id == plan_id) & ExamPlan.published_at.is_null())
            .returning(ExamPlan.id)
        )
        if not done:
            raise Conflict(Reason("publish.done", "成绩已公布", "the scores are published already"))
        await audit(actor, ExamAction.SCORES_PUBLISHED, "exam_plan", plan_id, {}, plan["society_id"])
        await tell_published(plan)


def published_on(plan: dict[str, Any]) -> dt.date | None:
    return aware(plan["published_at"]).astimezone(CHINA).date() if plan["published_at"] else None


def _stats_row(subject: str, site: str) -> dict[str, Any]:
    return {"subject": subject, "site": site, "candidates": 0, "present": 0, "passed": 0, "sum": Decimal(0)}


async def plan_results(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    """Every candidate's results and the statistics per subject and per site."""
    plan = await plan_for_staff(actor, plan_id)
    subjects = await subject_rules(plan_id)
    regs = await list_registrations(actor, plan_id)
    ids = [r["id"] for r in regs]
    scores, violations = await current_scores(ids), await violations_of(ids)
    passes = await _exam_passes(plan, [r["id_number"] for r in regs]) if plan["published_at"] else {}
    rows = []
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    for reg in regs:
        if reg["id"] not in scores:
            continue
        results = _subject_results(reg, scores[reg["id"]], violations.get(reg["id"], []), subjects)
        qualified = _qualification(plan, reg, passes.get(reg["id_number"], []), frozenset(subjects)).qualified
        rows.append({"registration": reg, "results": results, "qualified": qualified})
        site = reg.get("room.site_code") or ""
        for r in results:
            for key in ((r["subject"], ""), (r["subject"], site)):
                s = stats.setdefault(key, _stats_row(*key))
                s["candidates"] += 1
                if r["status"] == ScoreStatus.PRESENT and not r["void"]:
                    s["present"] += 1
                    s["sum"] += r["score"] or 0
                s["passed"] += int(r["passed"])
    for s in stats.values():
        s["pass_rate"] = round(100 * s["passed"] / s["present"], 1) if s["present"] else 0.0
        s["mean"] = round(float(s["sum"]) / s["present"], 1) if s["present"] else 0.0
    return {"plan": plan, "rows": rows, "stats": sorted(stats.values(), key=lambda s: (s["subject"], s["site"]))}


def _lookup_limits() -> LookupLimits:
    settings = get_settings()
    return LookupLimits(
        per_address=settings.lookup_max_misses_per_address,
        per_identity=settings.lookup_max_misses_per_identity,
        window_seconds=settings.lookup_window_minutes * 60,
    )


def _identity_key(id_number: str) -> str:
    """The identity number as the throttle keeps it: a keyed hash, never the number."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"lookup:{idcard.normalise(id_number)}".encode(), hashlib.sha256).hexdigest()


def _same_name(typed: str, stored: str) -> bool:
    def folded(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return bool(typed.strip()) and folded(typed) == folded(stored)


async def public_lookup(name: str, ticket_no: str, id_number: str, ip: str = "") -> dict[str, Any]:
    """Published results by name, ticket and identity number; the same answer for any mismatch.

    Each look-up is first counted as a miss (one at a time per address and identity number, so a
    burst on several instances gets no more tries than the limits), and the count is taken back
    when it finds a result."""
    missing = NotFound(
        Reason(
            "lookup.not_found",
            "未查到成绩，请核对姓名、准考证号和身份证号",
            "no published result for this name, ticket and identity number",
        )
    )
    limits = _lookup_limits()
    ip = ip[:MAX_ADDRESS_LENGTH]
    identity = _identity_key(id_number)
    async with write_transaction():
        await serialize_on(f"lookup-ip:{ip}")
        await serialize_on(f"lookup-id:{identity}")
        moment = now()
        since = moment - dt.timedelta(seconds=limits.window_seconds)
        await LookupAttempt.delete().where(LookupAttempt.at <= since)
        recent = await LookupAttempt.select(LookupAttempt.ip, LookupAttempt.identity, LookupAttempt.at).where(
            (LookupAttempt.ip == ip) | (LookupAttempt.identity == identity)
        )
        refusal = lookup_refusal(
            [aware(r["at"]) for r in recent if r["ip"] == ip],
            [aware(r["at"]) for r in recent if r["identity"] == identity],
            moment,
            limits,
        )
        if refusal is None:
            attempt = await LookupAttempt.insert(LookupAttempt(ip=ip, identity=identity, at=moment)).returning(
                LookupAttempt.id
            )
    if refusal is not None:
        raise TooManyRequests(refusal[0], retry_after=refusal[1])
    row = await Registration.select().where(Registration.ticket_no == ticket_no.strip()).first()
    if row is None or idcard.normalise(id_number) != row["id_number"] or not _same_name(name, row["name"]):
        raise missing
    reg = await get_registration(None, row["id"])
    if reg["plan_row"]["published_at"] is None:
        raise missing
    async with write_transaction():
        await LookupAttempt.delete().where(LookupAttempt.id == attempt[0]["id"])
    return {"registration": reg, "results": await registration_results(reg)}

"""Exam services on a real database: plans, registration and eligibility, review and fees, seating
and tickets, score import, publication, re-checks, violations, certificates and KPIs."""

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from accounts.tables import AuditEntry
from exams import services
from exams.rules.violations import add_years
from exams.schemas import MoveIn, RecheckDecisionIn, RecheckIn, ReviewIn, RoomIn, ViolationIn
from exams.tables import ExamPlan, ExamRoom, Registration, Score
from tests.exams.exam_support import (
    PNG,
    TODAY,
    approved_registrations,
    decided_violation,
    exam_held,
    exam_society,
    person,
    plan_in,
    registered,
    score_sheet,
)
from tests.support import make_user
from xuehui import jobs
from xuehui.db import connection_pool, is_sqlite
from xuehui.errors import Conflict, InvalidInput, NotFound
from xuehui.notify import inbox


async def test_a_plan_needs_the_societys_running_exam_pilot() -> None:
    _society, examadmin = await exam_society("NOP", pilot=False)
    with pytest.raises(Conflict) as refused:
        await services.create_plan(examadmin, plan_in())
    assert [r.code for r in refused.value.reasons] == ["plan.no_pilot"]
    assert await ExamPlan.count() == 0


async def test_an_exam_admin_sees_only_plans_of_their_own_society() -> None:
    _a, examadmin = await exam_society("CCS")
    _b, other = await exam_society("CMES")
    plan_id = await services.create_plan(examadmin, plan_in())
    assert [p["code"] for p in await services.list_plans(other)] == []
    with pytest.raises(NotFound):
        await services.get_plan(other, plan_id)
    plan = await services.get_plan(examadmin, plan_id)
    assert ([s["code"] for s in plan["subjects"]], [r["capacity"] for r in plan["rooms"]]) == (["01", "02"], [6])


async def test_a_bad_ticket_template_is_refused_with_its_reason() -> None:
    _a, examadmin = await exam_society()
    with pytest.raises(InvalidInput) as refused:
        await services.create_plan(examadmin, plan_in(ticket_template="{year}{room:03}{seat:02}"))
    assert [(r.code, r.field) for r in refused.value.reasons] == [("ticket.template", "ticket_template")]


async def test_registration_computes_eligibility_and_the_candidate_can_fix_it() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    reg_id = await services.register(candidate, plan_id, person(1, years=2), PNG)
    reg = await services.get_registration(candidate, reg_id)
    assert (reg["status"], reg["eligible"], reg["sex"], reg["birth_date"]) == (
        "ineligible",
        False,
        "male",
        dt.date(1990, 1, 2),
    )
    assert reg["eligibility_en"] == (
        f"row 2 (bachelor) needs 4 years of relevant work; only 3 full years (36 months) by {TODAY.year}-12-31"
    )
    with pytest.raises(Conflict) as refused:
        await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
    assert refused.value.reasons[0].code == "review.ineligible"
    await services.update_registration(candidate, reg_id, person(1, years=6))
    reg = await services.get_registration(candidate, reg_id)
    assert (reg["status"], reg["eligible"]) == ("submitted", True)
    await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
    await services.mark_paid(examadmin, reg_id)
    reg = await services.get_registration(examadmin, reg_id)
    assert (reg["status"], reg["paid"]) == ("approved", True)
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-4:] == [
        "exam.registered",
        "exam.registration_updated",
        "exam.registration_approved",
        "exam.fee_paid",
    ]


async def test_bad_identity_numbers_and_missing_photo_are_refused_together() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate = await make_user("cand1", "candidate")
    bad = person(1).model_copy(update={"id_number": "320102199001010011"})
    with pytest.raises(InvalidInput) as refused:
        await services.register(candidate, plan_id, bad, None)
    assert sorted(r.code for r in refused.value.reasons) == ["idcard.check_digit", "registration.photo_missing"]


async def test_a_serious_violation_on_record_closes_the_commitment_route() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _cand, reg_id = await registered(plan_id, examadmin, 1)
    await decided_violation(
        examadmin, reg_id, ViolationIn(subject_code="01", level="serious", article="第七条", facts="代替他人参加考试")
    )
    second = await services.create_plan(examadmin, plan_in(code="HG27"))
    again = await make_user("cand1b", "candidate")
    with pytest.raises(InvalidInput) as refused:
        await services.register(again, second, person(1), PNG)
    assert [r.code for r in refused.value.reasons] == ["eligibility.commitment_violation"]
    proof_route = person(1).model_copy(update={"route": "proof"})
    reg2 = await services.register(again, second, proof_route, PNG, b"%PDF-1.4 proof")
    assert (await services.get_registration(again, reg2))["route"] == "proof"


async def test_a_decided_false_commitment_closes_the_commitment_route_for_the_plans_years() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _cand, reg_id = await registered(plan_id, examadmin, 1)
    await decided_violation(
        examadmin,
        reg_id,
        ViolationIn(
            kind="false_commitment", subject_code="01", level="general", article="第十条", facts="工作年限不实"
        ),
    )
    second = await services.create_plan(examadmin, plan_in(code="HG27", commitment_bar_years=3))
    again = await make_user("cand1b", "candidate")
    with pytest.raises(InvalidInput) as refused:
        await services.register(again, second, person(1), PNG)
    until = add_years(TODAY, 3)
    assert [(r.code, r.field) for r in refused.value.reasons] == [("eligibility.commitment_false_before", "commitment")]
    assert (
        refused.value.reasons[0].zh
        == f"曾有虚假承诺记录，{until.isoformat()}前（含当日）不适用告知承诺制，请上传证明材料"
    )
    # A general conduct violation closes nothing; the proof route stays open to the barred candidate.
    other = await make_user("cand2b", "candidate")
    _c2, reg2 = await registered(plan_id, examadmin, 2)
    await decided_violation(
        examadmin, reg2, ViolationIn(subject_code="01", level="general", article="第六条", facts="携带手机")
    )
    assert await services.register(other, second, person(2), PNG)
    proof = await services.register(again, second, person(1).model_copy(update={"route": "proof"}), PNG, b"%PDF-1.4 p")
    assert (await services.get_registration(again, proof))["route"] == "proof"


async def test_a_candidate_sees_only_their_own_registration() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _cand, reg_id = await registered(plan_id, examadmin, 1)
    stranger = await make_user("stranger", "candidate")
    with pytest.raises(NotFound):
        await services.get_registration(stranger, reg_id)


async def test_seating_issues_tickets_seats_late_registrants_and_moves_one_candidate() -> None:
    _a, examadmin = await exam_society()
    rooms = [
        RoomIn(site_code="01", site_name="一中", room_no=1, rows=2, columns=2),
        RoomIn(site_code="01", site_name="一中", room_no=2, rows=2, columns=2, spare_seats=1),
    ]
    plan_id = await services.create_plan(examadmin, plan_in(rooms=rooms))
    ids = [(await registered(plan_id, examadmin, n, employer=f"单位{n % 2}"))[1] for n in range(4)]
    unpaid = (await registered(plan_id, examadmin, 9, pay=False))[1]
    summary = await services.allocate_seats(examadmin, plan_id)
    assert (summary["first"], summary["seated"], summary["unseated"][0][0]) == (True, 4, str(unpaid))
    regs = {r["id"]: r for r in await services.list_registrations(examadmin, plan_id)}
    year = str(TODAY.year)
    for reg_id in ids:
        r = regs[reg_id]
        assert r["ticket_no"] == f"{year}HG2601{r['room.room_no']:03d}{r['seat_no']:02d}"
    assert regs[unpaid]["ticket_no"] is None
    seated_before = {i: (regs[i]["room"], regs[i]["seat_no"]) for i in ids}
    await services.mark_paid(examadmin, unpaid)
    late = await services.allocate_seats(examadmin, plan_id)
    regs = {r["id"]: r for r in await services.list_registrations(examadmin, plan_id)}
    assert (late["first"], late["seated"]) == (False, 1)
    assert {i: (regs[i]["room"], regs[i]["seat_no"]) for i in ids} == seated_before
    room_ids = [r["id"] for r in await services.rooms_of(plan_id)]
    assert [r["used"] for r in await ExamRoom.select(ExamRoom.used).order_by(ExamRoom.id)] == [
        sum(1 for r in regs.values() if r["room"] == room_id) for room_id in room_ids
    ]
    # Move one candidate onto the spare seat (seat 4) of room 2: a new ticket, nobody else moves.
    target = room_ids[1]
    mover = next(i for i in ids if regs[i]["room"] == room_ids[0])
    await services.move_candidate(examadmin, mover, MoveIn(room_id=target, seat_no=4))
    moved = await services.get_registration(examadmin, mover)
    assert (moved["room"], moved["seat_no"], moved["ticket_no"]) == (target, 4, f"{year}HG260100204")
    sheet = await services.room_sheet(examadmin, target)
    assert mover in [c["id"] for c in sheet["candidates"]]
    with pytest.raises(InvalidInput) as refused:
        await services.move_candidate(
            examadmin, ids[0] if ids[0] != mover else ids[1], MoveIn(room_id=target, seat_no=4)
        )
    assert refused.value.reasons[0].code == "seating.seat_taken"


async def test_200_concurrent_seat_takes_never_exceed_the_room() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(
        examadmin, plan_in(rooms=[RoomIn(site_code="01", site_name="一中", room_no=1, rows=5, columns=6)])
    )
    # 200 approved, paid candidates written directly (setup); seat them concurrently.
    reg_ids = await approved_registrations(plan_id, range(200))

    async def take(reg_id: int) -> bool:
        try:
            await services.seat_one(examadmin, reg_id)
        except Conflict:
            return False
        return True

    async with connection_pool(0 if is_sqlite() else 20):
        taken = await asyncio.gather(*(take(i) for i in reg_ids))
    seated = await Registration.select(Registration.seat_no).where(Registration.room.is_not_null())
    assert (sum(taken), len(seated), len({s["seat_no"] for s in seated})) == (30, 30, 30)
    assert (await ExamRoom.select(ExamRoom.used).first())["used"] == 30


async def _scored_plan() -> tuple[int, object, list[tuple[object, int]], dict[int, dict]]:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    people = [await registered(plan_id, examadmin, n) for n in range(3)]
    await services.allocate_seats(examadmin, plan_id)
    regs = {r["id"]: r for r in await services.list_registrations(examadmin, plan_id)}
    return plan_id, examadmin, people, regs


async def _import(examadmin: object, plan_id: int, data: bytes) -> dict:
    import_id = await services.start_score_import(examadmin, plan_id, "scores.xlsx", data)  # type: ignore[arg-type]
    record = await services.get_import(examadmin, import_id)  # type: ignore[arg-type]
    await jobs.wait_for_job(record["validate_job"])
    return await services.get_import(examadmin, import_id)  # type: ignore[arg-type]


async def test_score_import_lists_every_problem_then_commits_all_rows_in_one_job() -> None:
    plan_id, examadmin, people, regs = await _scored_plan()
    (_c0, r0), (_c1, r1), (_c2, r2) = people
    t = {i: regs[i]["ticket_no"] for i in regs}
    n = {i: regs[i]["id_number"] for i in regs}
    bad = score_sheet(
        [
            [t[r0], n[r0], "考生0", "01", 75, "正常"],
            [t[r0], n[r1], "考生0", "02", 101, "正常"],
            ["9999", n[r1], "考生1", "01", 70, "正常"],
            [t[r1], n[r1], "考生1", "01", 72.25, "正常"],
            [t[r0], n[r0], "考生0", "01", 75, "正常"],
        ]
    )
    record = await _import(examadmin, plan_id, bad)
    assert record["state"] == "invalid"
    assert sorted((p["row"], p["column"], p["code"]) for p in record["problems"]) == [
        (3, "B", "score_import.id_mismatch"),
        (3, "E", "score_import.out_of_range"),
        (4, "A", "score_import.unknown_ticket"),
        (5, "E", "score_import.decimals"),
        (6, "A", "score_import.duplicate"),
    ]
    assert await Score.count() == 0
    good = score_sheet(
        [
            [t[r0], n[r0], "考生0", "01", 75, "正常"],
            [t[r0], n[r0], "考生0", "02", 61.5, "正常"],
            [t[r1], n[r1], "考生1", "01", 40, "正常"],
            [t[r1], n[r1], "考生1", "02", None, "缺考"],
            [t[r2], n[r2], "考生2", "01", 90, "正常"],
            [t[r2], n[r2], "考生2", "02", 88, "违纪"],
        ]
    )
    record = await _import(examadmin, plan_id, good)
    assert (record["state"], record["totals"][0]["subject"], record["totals"][0]["score_sum"]) == ("ready", "01", "205")
    job_id = await services.commit_score_import(examadmin, record["id"])
    job = await jobs.wait_for_job(job_id)
    assert (job["state"], job["result"]["version"]) == ("succeeded", 1)
    assert await Score.count() == 6
    record = await services.get_import(examadmin, record["id"])
    assert record["state"] == "committed"


async def test_a_commit_after_the_candidates_changed_validates_again_and_writes_nothing() -> None:
    """The preview's rows are reused only while candidates and subjects are as they were."""
    plan_id, examadmin, people, regs = await _scored_plan()
    (_c0, r0), (_c1, r1), (_c2, _r2) = people
    t = {i: regs[i]["ticket_no"] for i in regs}
    n = {i: regs[i]["id_number"] for i in regs}
    sheet = score_sheet([[t[r0], n[r0], "考生0", "01", 75, "正常"], [t[r1], n[r1], "考生1", "01", 60, "正常"]])
    record = await _import(examadmin, plan_id, sheet)
    assert record["state"] == "ready"
    # corrected by the office after the preview (written directly: set-up)
    await Registration.update({Registration.id_number: "11010519491231002X"}).where(Registration.id == r1)
    job = await jobs.wait_for_job(await services.commit_score_import(examadmin, record["id"]))
    codes = [r["code"] for r in job["errors"] or []]
    assert (job["state"], codes, await Score.count()) == ("failed", ["score_import.id_mismatch"], 0)


async def test_publication_results_recheck_certificate_and_reimport_with_confirmation() -> None:
    plan_id, examadmin, people, regs = await _scored_plan()
    (c0, r0), (c1, r1), (_c2, r2) = people
    t = {i: regs[i]["ticket_no"] for i in regs}
    rows = [
        [t[r0], "", "考生0", "01", 75, ""],
        [t[r0], "", "考生0", "02", 61.5, ""],
        [t[r1], "", "考生1", "01", 40, ""],
        [t[r1], "", "考生1", "02", 59, ""],
        [t[r2], "", "考生2", "01", 90, ""],
        [t[r2], "", "考生2", "02", 88, ""],
    ]
    record = await _import(examadmin, plan_id, score_sheet(rows))
    await jobs.wait_for_job(await services.commit_score_import(examadmin, record["id"]))
    mine = (await services.my_registrations(c0))[0]
    assert mine["results"] is None  # not published yet
    await decided_violation(
        examadmin, r2, ViolationIn(subject_code="02", level="general", article="第六条第一项", facts="携带手机")
    )
    await exam_held(plan_id)
    await services.publish(examadmin, plan_id)
    results = await services.plan_results(examadmin, plan_id)
    assert [
        (row["registration"]["id"], [x["passed"] for x in row["results"]], row["qualified"]) for row in results["rows"]
    ] == [
        (r0, [True, True], True),
        (r1, [False, False], False),
        (r2, [True, False], False),
    ]
    overall = {s["subject"]: (s["present"], s["passed"]) for s in results["stats"] if not s["site"]}
    assert overall == {"01": (3, 2), "02": (2, 1)}
    found = await services.public_lookup("考生1", t[r1], regs[r1]["id_number"])
    assert [(s["subject"], s["score"]) for s in found["results"]["subjects"]] == [
        ("01", Decimal(40)),
        ("02", Decimal(59)),
    ]
    with pytest.raises(NotFound):
        await services.public_lookup("考生1", t[r1], regs[r0]["id_number"])
    with pytest.raises(NotFound):
        await services.public_lookup("考生0", t[r1], regs[r1]["id_number"])  # someone else's name
    # Re-check: once per subject, then decided; the corrected score is final and qualifies the candidate.
    recheck_id = await services.request_recheck(c1, r1, RecheckIn(subject_code="02", reason="合分有误"))
    with pytest.raises(Conflict) as refused:
        await services.request_recheck(c1, r1, RecheckIn(subject_code="02"))
    assert refused.value.reasons[0].code == "recheck.once"
    plan_name = (await ExamPlan.select(ExamPlan.name).where(ExamPlan.id == plan_id).first())["name"]
    outcome = await services.decide_recheck(
        examadmin, recheck_id, RecheckDecisionIn(new_score=Decimal(62), new_status="present")
    )
    assert outcome == "corrected"
    # The candidate was told at each step, in the inbox (the account has no address).
    told = [m["subject"] for m in await inbox(c1.user_id)]
    assert told[0] == "复查结果：" + plan_name and "成绩已公布：" + plan_name in told
    assert "准考证已生成：" + plan_name in told and "报名已审核：" + plan_name in told
    mine = (await services.my_registrations(c1))[0]
    assert ([s["passed"] for s in mine["results"]["subjects"]], mine["results"]["qualified"]) == ([False, True], False)
    await services.issue_certificates(examadmin, plan_id)
    certificates = await services.list_certificates(examadmin, plan_id)
    assert [c["registration"] for c in certificates] == [r0]
    verified = await services.verify_certificate(certificates[0]["number"])
    assert (verified["name"], verified["status"]) == ("考生0", "valid")
    number = certificates[0]["number"]
    typo = number[:-2] + ("1" if number[-2] != "1" else "2") + number[-1]
    with pytest.raises(InvalidInput) as refused:
        await services.verify_certificate(typo)
    assert refused.value.reasons[0].code == "certificate.check"
    # Re-import over published scores: refused without confirmation, then kept as a new version.
    again = await _import(examadmin, plan_id, score_sheet(rows))
    with pytest.raises(Conflict) as refused:
        await services.commit_score_import(examadmin, again["id"])
    assert refused.value.reasons[0].code == "scores.confirm_replace"
    job = await jobs.wait_for_job(await services.commit_score_import(examadmin, again["id"], confirm_replace=True))
    assert job["result"]["version"] == 2
    versions = await Score.select(Score.version, Score.current).where(Score.registration == r0).order_by(Score.id)
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (1, False), (2, True), (2, True)]
    society_id = (await services.get_plan(examadmin, plan_id))["society_id"]
    kpis = {k.key: (k.number, k.value) for k in await services.pilot_kpis(society_id, "exam_administration")}
    assert kpis == {
        "candidates_served": (3, "3"),
        "pass_rate": (60.0, "60.0%"),
        "on_time_publication": (100.0, "100.0%"),
    }
    assert await services.pilot_kpis(society_id, "award_nomination") == []


async def test_fees_from_an_excel_list_are_all_or_nothing() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1, pay=False)
    reg = await services.get_registration(examadmin, reg_id)
    with pytest.raises(InvalidInput) as refused:
        await services.mark_paid_from_excel(
            examadmin, plan_id, score_sheet([[reg["id_number"]], ["110101199001010010"]], header=["身份证号"])
        )
    assert [(r.row, r.code) for r in refused.value.reasons] == [(3, "fee.unknown")]
    assert (await services.get_registration(examadmin, reg_id))["paid"] is False
    assert await services.mark_paid_from_excel(
        examadmin, plan_id, score_sheet([[reg["id_number"]]], header=["身份证号"])
    ) == services.FeeImport(1, 0)
    assert (await services.get_registration(examadmin, reg_id))["paid"] is True


def test_the_report_is_the_same_text_for_page_and_command_line() -> None:
    summary = {
        "problems": [{"code": "x", "zh": "成绩超出范围", "en": "score out of range", "row": 3, "column": "E"}],
        "totals": [],
        "rows": 2,
    }
    assert services.report_lines(summary, "zh") == ["第3行 E: 成绩超出范围"]
    assert services.report_lines(summary, "en") == ["Row 3 E: score out of range"]

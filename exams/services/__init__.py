"""Exam use cases, one module per area:
- `_shared`: what several use cases share: access checks, not-found answers, the plan, subject,
  room and registration row views.
- `plans`: Exam plans with their subjects and rooms; the lists staff and candidates see.
- `plan_edits`: Editing a plan and its subjects until something depends on a setting.
- `registration`: Candidates register and correct their registration; eligibility; photo and proof.
- `review`: The office reviews registrations and confirms fees one by one.
- `fees`: Fees confirmed from an Excel list, all or none.
- `seating`: Seats and admission tickets, late registrants, moves, door lists and sign-in sheets.
- `scores`: Score import: upload, validation job with its preview, commit job, the command line.
- `score_writing`: Writing a new version of the (candidate, subject) pairs an import contains.
- `score_report`: The score import's report (problems, sheets read, totals, changes).
- `results`: Subject results, qualification across sittings, publication, statistics, look-up.
- `result_figures`: The figures the result charts draw (score distribution, pass rate per site).
- `violations`: Violation cases (违纪违规): record with evidence, notice, statement, decision,
  service; only decided cases affect results.
- `rechecks`: Re-check requests (成绩复查) and decisions.
- `certificates`: Certificates for qualified candidates and their public verification.
- `kpis`: Live KPIs of a society's exam-administration pilot project.

Rules decide (`exams/rules`, lifecycles in `exams/rules/lifecycles.py`); each use case loads what
they need, moves states only through a lifecycle, writes in one transaction and audits it.
"""

from exams.services._shared import (
    STAFF_ROLES,
    get_registration,
    list_registrations,
    plain,
    plan_for_staff,
    rooms_of,
    subjects_of,
)
from exams.services.certificates import (
    add_certificate_note,
    get_certificate,
    issue_certificates,
    list_certificates,
    revoke_certificate,
    verify_certificate,
)
from exams.services.fees import FEE_ALIASES, FeeImport, _read_fee_table, mark_paid_from_excel
from exams.services.identity_clashes import clashes, void_clashing_registration
from exams.services.kpis import pilot_kpis
from exams.services.plan_edits import plan_locks, update_plan, update_subject
from exams.services.plans import (
    ROOM_MODES,
    add_room,
    add_subject,
    create_plan,
    get_plan,
    list_plans,
    open_plans,
    plan_by_code,
    public_plan,
    society_options,
)
from exams.services.rechecks import decide_recheck, list_rechecks, request_recheck
from exams.services.registration import (
    PHOTO,
    PROOF,
    eligibility_table,
    exemption_rules,
    my_registrations,
    register,
    registration_files,
    registration_photo,
    registration_proof,
    update_registration,
    violations_on_record,
)
from exams.services.result_figures import plan_result_figures
from exams.services.results import plan_results, public_lookup, publish, published_on, registration_results
from exams.services.review import mark_paid, review
from exams.services.score_report import report_lines
from exams.services.score_writing import write_scores
from exams.services.scores import (
    commit_score_import,
    get_import,
    import_scores_now,
    list_imports,
    score_context,
    start_score_import,
)
from exams.services.seating import allocate_seats, move_candidate, room_sheet, seat_one
from exams.services.violations import (
    EVIDENCE,
    cases_of_registration,
    decide_violation,
    notify_violation,
    record_violation,
    serve_violation,
    submit_statement,
    violation_case,
    violation_evidence,
    violations_of_registration,
)

__all__ = [
    "EVIDENCE",
    "FEE_ALIASES",
    "PHOTO",
    "PROOF",
    "ROOM_MODES",
    "STAFF_ROLES",
    "FeeImport",
    "_read_fee_table",
    "add_certificate_note",
    "add_room",
    "add_subject",
    "allocate_seats",
    "cases_of_registration",
    "clashes",
    "commit_score_import",
    "create_plan",
    "decide_recheck",
    "decide_violation",
    "eligibility_table",
    "exemption_rules",
    "get_certificate",
    "get_import",
    "get_plan",
    "get_registration",
    "import_scores_now",
    "issue_certificates",
    "list_certificates",
    "list_imports",
    "list_plans",
    "list_rechecks",
    "list_registrations",
    "mark_paid",
    "mark_paid_from_excel",
    "move_candidate",
    "my_registrations",
    "notify_violation",
    "open_plans",
    "pilot_kpis",
    "plain",
    "plan_by_code",
    "plan_for_staff",
    "plan_locks",
    "plan_result_figures",
    "plan_results",
    "public_lookup",
    "public_plan",
    "publish",
    "published_on",
    "record_violation",
    "register",
    "registration_files",
    "registration_photo",
    "registration_proof",
    "registration_results",
    "report_lines",
    "request_recheck",
    "review",
    "revoke_certificate",
    "room_sheet",
    "rooms_of",
    "score_context",
    "seat_one",
    "serve_violation",
    "society_options",
    "start_score_import",
    "subjects_of",
    "submit_statement",
    "update_plan",
    "update_registration",
    "update_subject",
    "verify_certificate",
    "violation_case",
    "violation_evidence",
    "violations_of_registration",
    "violations_on_record",
    "void_clashing_registration",
    "write_scores",
]

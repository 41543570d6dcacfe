"""Exam pages, one module per area (templates in `exams/templates/exams/`):
- `_shared`: role guards, the labels and choices every template gets, form and upload helpers.
- `plans`: The plan list and new-plan form; a plan's page with its subjects, rooms and actions.
- `plan_edit`: Editing a plan and its subjects, with what is locked and why.
- `plan_steps`: Seating, publishing the scores and issuing certificates, each confirmed once more.
- `registrations`: Staff: the registrations of a plan, one registration's review, fee and seat
  forms, the candidate's photo.
- `violations`: Violation cases: record with evidence, notify, statement, decision, service; the
  candidate's statement.
- `rooms`: Door lists and sign-in sheets of a room.
- `scores`: The score template, upload, the import's page and its commit.
- `results`: Results and statistics, certificates, re-checks and their decisions.
- `result_figures`: The result charts (score distribution per subject, pass rate per site) and
  their workbooks.
- `certificates`: One certificate: its notes (加注) and its revocation.
- `candidates`: Candidates sign up, register, correct, print tickets, ask for re-checks.
- `documents`: Printable documents (PDF): tickets, door lists and sign-in sheets, certificates;
  the public ticket check behind the ticket's QR code.
- `public`: The public result look-up and certificate verification.

Controllers stay thin: a form goes to a service through `xuehui.form_action.form_action`
(redirect on success, the same form again with the refusal beside its fields).
"""

from exams.pages import (
    candidates,
    certificates,
    clashes,
    documents,
    plan_edit,
    plan_steps,
    plans,
    public,
    registrations,
    result_figures,
    results,
    rooms,
    scores,
    violations,
)

ROUTES = [
    *plans.ROUTES,
    *plan_steps.ROUTES,
    *clashes.ROUTES,
    *plan_edit.ROUTES,
    *registrations.ROUTES,
    *rooms.ROUTES,
    *scores.ROUTES,
    *result_figures.ROUTES,
    *results.ROUTES,
    *certificates.ROUTES,
    *violations.ROUTES,
    *candidates.ROUTES,
    *documents.ROUTES,
    *public.ROUTES,
]

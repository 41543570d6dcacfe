"""The one submission workflow every kind of submission goes through (DESIGN.md "Shared machinery").

- `kind`: what a kind supplies: its table, history table, quota table, lifecycle and words.
- `drafts`: create and update a draft, guarded against a concurrent submission.
- `submit`: submit with an idempotency key, the kind's window and rules, a quota slot taken by one
  conditional update, and the snapshot, all in one transaction.
- `review`: formal review (pass, return for correction with a working-day deadline, reject),
  withdrawal, the outcome of an upheld objection, and the history steps each leaves.

Project nominations and talent recommendations are kinds of it today; evaluation objects'
self-assessments and standards proposals are the next.
"""

from xuehui.submission.drafts import create_draft, update_draft
from xuehui.submission.kind import SubmissionKind, SubmissionState
from xuehui.submission.review import (
    FormalDecision,
    ObjectionOutcome,
    apply_objection_outcome,
    formal_review,
    history,
    record_step,
    withdraw,
)
from xuehui.submission.submit import Prepared, submit

__all__ = [
    "FormalDecision",
    "ObjectionOutcome",
    "Prepared",
    "SubmissionKind",
    "SubmissionState",
    "apply_objection_outcome",
    "create_draft",
    "formal_review",
    "history",
    "record_step",
    "submit",
    "update_draft",
    "withdraw",
]

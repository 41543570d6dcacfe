"""What a kind of submission supplies to the shared workflow, and the states every kind shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from accounts.rules import Actor
from xuehui.errors import Conflict, Reason
from xuehui.lifecycle import Lifecycle


class SubmissionState:
    """The state codes the workflow itself moves between; each kind's lifecycle enum has them
    (with its own labels) beside the states only that kind knows."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PASSED = "passed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


Loader = Callable[[Actor, int], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class SubmissionKind:
    """One kind of submission.

    `table` has the columns the workflow writes: status, society_id, quota, snapshot,
    idempotency_key, submitted_at, updated_at, return_reasons, correction_deadline. `steps` is
    its history table with stage, outcome, note, decided_by, decided_at and a foreign key to
    `table` named as the record is (`subject`, also the audit object type and the noun of
    refusals). `load(actor, id)` reads one record as `actor` may see it (or raises the kind's
    not-found). Codes of refusals and audit actions start with `code`; the editable states are
    those from which the lifecycle allows a submission."""

    code: str
    subject: str
    table: type[Table]
    steps: type[Table]
    quota_table: str
    lifecycle: Lifecycle[Any]
    load: Loader
    page: str = ""  # the record's page, `{id}` standing for its id (the link of its messages)
    title_field: str = "title"  # the column that names the record in messages

    @property
    def editable(self) -> frozenset[str]:
        return frozenset(self.lifecycle.sources(SubmissionState.SUBMITTED))

    def column(self, name: str) -> Column:
        return self.table._meta.get_column_by_name(name)

    def changed(self) -> Conflict:
        return Conflict(
            Reason(f"{self.code}.changed", "推荐状态已变化，请刷新", f"the {self.subject} changed meanwhile; reload it")
        )

    def locked(self) -> Conflict:
        return Conflict(
            Reason(f"{self.code}.locked", "已提交的推荐材料不能修改", f"a submitted {self.subject} cannot be changed")
        )

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
    its history table with a foreign key `step_owner` to `table` and stage, outcome, note,
    decided_by, decided_at. `load(actor, id)` reads one record as `actor` may see it (or raises
    the kind's not-found). Codes of refusals and audit actions start with `code`."""

    code: str
    subject: str
    noun_zh: str
    noun_en: str
    table: type[Table]
    steps: type[Table]
    step_owner: str
    quota_table: str
    lifecycle: Lifecycle[Any]
    editable: frozenset[str]
    load: Loader

    def column(self, name: str) -> Column:
        return self.table._meta.get_column_by_name(name)

    def changed(self) -> Conflict:
        return Conflict(
            Reason(f"{self.code}.changed", "推荐状态已变化，请刷新", f"the {self.noun_en} changed meanwhile; reload it")
        )

    def locked(self) -> Conflict:
        return Conflict(
            Reason(f"{self.code}.locked", "已提交的推荐材料不能修改", f"a submitted {self.noun_en} cannot be changed")
        )

"""What several nomination pages share: the guards, the current cycle, the small forms and
limits used on more than one page, and reading numbers and JSON documents typed into a form."""

from __future__ import annotations

import json
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from nominations import services
from nominations.pages._vocabulary import vocabulary
from nominations.rules.formal_checklist import ITEM_REASON_MAX, ChecklistItem, Marks, mark_field, reason_field
from societies import services as societies
from xuehui.db import json_value
from xuehui.errors import InvalidInput, Reason
from xuehui.i18n import gettext as _
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
nominators = [requires_role("society")]

# Longest free text a page form takes (reasons, responses, decisions), as the services store it.
TEXT_MAX = 5000
# Longest short note (what changed in a version, a stage's note).
NOTE_MAX = 2000
# Longest title of a notice or a review batch.
TITLE_MAX = 200
# Highest quota the association can give one society (far above any real quota: a typo guard).
QUOTA_MAX = 1000
# Random bytes of the idempotency key a form carries, so a resubmitted form submits once.
IDEMPOTENCY_KEY_BYTES = 16


def idempotency_key() -> str:
    return secrets.token_hex(IDEMPOTENCY_KEY_BYTES)


async def cycle_id_for(year: int | None = None) -> int:
    """The cycle of `year`; 0 or None: the current cycle."""
    return await services.find_cycle(year)


def int_field(form: Any, key: str) -> int:
    """A whole number from a form field; 0 when it is missing or not a number."""
    raw = str(form.get(key, ""))
    return int(raw) if raw.isdigit() else 0


def require_valid(problems: list[Reason]) -> None:
    """Refuse a form whose fields could not be read, each message beside its field."""
    if problems:
        raise InvalidInput(problems)


def json_document(raw: str, code: str) -> Any:
    """The JSON document an administrator typed into the settings box; a syntax error is a
    refusal naming the line and column, beside the `config` field."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            Reason(
                code,
                f"设置格式错误：第{error.lineno}行第{error.colno}列",
                f"the settings are not valid JSON: line {error.lineno}, column {error.colno}",
                "config",
            )
        ) from error


def json_text(stored: Any) -> str:
    """A stored JSON column as the indented text the settings box shows."""
    return json.dumps(json_value(stored), ensure_ascii=False, indent=2)


async def review_page_context(
    key: str, record: dict[str, Any], snapshot: Any, steps: Any, objections: Any
) -> dict[str, Any]:
    """A submitted record as the association reviews it (a nomination, a recommendation): the
    record under `key`, its snapshot, decisions, objections and the nominating society's name."""
    society_id = record["society_id"]
    return {
        key: record,
        "snapshot": snapshot,
        "steps": steps,
        "objections": objections,
        "society": (await societies.society_names([society_id])).get(society_id, ""),
        "evidence_files": evidence_files,
        **vocabulary(),
    }


def evidence_files(objection: dict[str, Any]) -> list[dict[str, Any]]:
    """An objection's evidence as the record sections list files: kind, name and size."""
    kind = _("Evidence")
    return [
        {"kind": kind, "filename": f.get("filename", ""), "size": f.get("size")}
        for f in json_value(objection.get("evidence")) or []
    ]


class SubmitForm(BaseModel):
    idempotency_key: str = Field(default="", max_length=64)


class ReviewForm(BaseModel):
    decision: str = Field(default="", max_length=20)
    reasons: str = Field(default="", max_length=TEXT_MAX)


class ChecklistReviewForm(ReviewForm):
    """The formal-review form: the decision, a general remark, and for each checklist item its
    mark (`check_<code>`: pass or fail) and the reason it failed (`reason_<code>`)."""

    model_config = ConfigDict(extra="allow")

    def marks(self, items: tuple[ChecklistItem, ...]) -> Marks:
        typed = self.model_extra or {}

        def value(name: str, limit: int) -> str:
            return str(typed.get(name, ""))[:limit]

        return Marks(
            {i.code: value(mark_field(i.code), 10) for i in items},
            # one character over the limit, so that the rule says it is too long
            {i.code: value(reason_field(i.code), ITEM_REASON_MAX + 1) for i in items},
        )

"""The messages of the formal review to the society that submitted: returned for correction
(with the deadline), passed, not passed. Queued inside the review's write transaction, one per
nominating staff member of the society, each in their language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.services import society_recipients
from xuehui.i18n import gettext as _
from xuehui.notify import enqueue
from xuehui.submission.kind import SubmissionKind, SubmissionState


async def tell_society(
    kind: SubmissionKind,
    current: dict[str, Any],
    status: str,
    reasons: str,
    deadline: dt.date | None,
    step_id: int,
) -> None:
    """Queue the message of a review step that moved the record to `status`."""
    title = str(current.get(kind.title_field) or "")
    deadline_text = deadline.isoformat() if deadline else ""

    def compose() -> tuple[str, str]:
        if status == SubmissionState.RETURNED:
            return _("Returned for correction: %(title)s", title=title), _(
                "“%(title)s” was returned for correction.\n\nReasons: %(reasons)s\n\nCorrect it and submit it"
                " again by %(deadline)s (Beijing time); after that day it can no longer be submitted.",
                title=title,
                reasons=reasons,
                deadline=deadline_text,
            )
        if status == SubmissionState.PASSED:
            return _("Formal review passed: %(title)s", title=title), _(
                "“%(title)s” passed the formal review.", title=title
            )
        return _("Formal review not passed: %(title)s", title=title), _(
            "“%(title)s” did not pass the formal review.\n\nReasons: %(reasons)s", title=title, reasons=reasons
        )

    recipients = await society_recipients(int(current["society_id"]))
    link = kind.page.format(id=current["id"]) if kind.page else ""
    await enqueue(recipients, f"{kind.code}.review:{step_id}", compose, link=link)

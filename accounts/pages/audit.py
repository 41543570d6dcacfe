"""The audit log view (admin) and its export: every entry's action, object, role and details
in words, filtered by an action chosen by its label."""

from __future__ import annotations

import datetime as dt

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from accounts import services
from accounts.pages.audit_text import action_choices, entry_view, object_label
from accounts.rules import Actor
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import xlsx_response
from xuehui.i18n import gettext as _
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
# Entries on one page of the view, and the most one export holds.
PAGE_SIZE = 100
EXPORT_LIMIT = 100_000


def _audit_filter(action: str, object_type: str, user: str, since: str, until: str) -> services.AuditFilter:
    def parse_day(raw: str, field: str) -> dt.date | None:
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as error:
            raise InvalidInput(
                Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
            ) from error

    return services.AuditFilter(
        action=action.strip(),
        object_type=object_type.strip(),
        actor=user.strip(),
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
    )


@get("/admin/audit", include_in_schema=False, guards=admin_only)
async def audit_page(
    actor: NamedDependency[Actor],
    action: FromQuery[str] = "",
    object_type: FromQuery[str] = "",
    user: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    filters = _audit_filter(action, object_type, user, since, until)
    page = max(page, 1)
    entries = await services.list_audit(actor, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    objects = await services.audit_object_types(actor)
    query = {"action": action, "object_type": object_type, "user": user, "since": since, "until": until}
    return Template(
        "accounts/audit.html",
        context={
            "entries": [entry_view(entry) for entry in entries],
            "q": query,
            "page": page,
            "page_size": PAGE_SIZE,
            "action_groups": action_choices(),
            "object_choices": [(code, object_label(code)) for code in objects],
        },
    )


@get("/admin/audit.xlsx", include_in_schema=False, guards=admin_only)
async def export_audit(
    actor: NamedDependency[Actor],
    action: FromQuery[str] = "",
    object_type: FromQuery[str] = "",
    user: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
) -> Response[bytes]:
    filters = _audit_filter(action, object_type, user, since, until)
    entries = [entry_view(entry) for entry in await services.list_audit(actor, filters, limit=EXPORT_LIMIT)]
    return xlsx_response(
        "audit.xlsx",
        _("Audit log"),
        [_("Time"), _("User"), _("Role"), _("Action"), _("Object"), _("Object id"), _("Summary"), _("Address")],
        (
            [
                e["at"],
                e["actor_name"],
                e["role_label"],
                e["action_label"],
                e["object_label"],
                e["object_id"],
                e["details"],
                e["ip"],
            ]
            for e in entries
        ),
    )


ROUTES = [audit_page, export_audit]

"""The messages to candidates: their registration reviewed, their admission ticket ready, the
results of their exam published, their re-check decided. Queued inside the write transaction of
the change; each in the candidate's language, to their inbox and their account's address."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from accounts.services import user_recipients
from exams.rules.lifecycles import RegistrationStatus
from exams.rules.rechecks import RecheckOutcome
from exams.tables import Registration
from xuehui.i18n import gettext as _
from xuehui.notify import enqueue


def _page(registration_id: int) -> str:
    return f"/candidate/registrations/{registration_id}"


async def _tell(
    registrations: Iterable[dict[str, Any]], key: str, compose: Callable[[dict[str, Any]], tuple[str, str]]
) -> None:
    """One message per registration that belongs to a candidate account."""
    regs = [r for r in registrations if r.get("user_id")]
    recipients = {r.user_id: r for r in await user_recipients(int(r["user_id"]) for r in regs)}
    for reg in regs:
        recipient = recipients.get(int(reg["user_id"]))
        if recipient is not None:
            await enqueue([recipient], f"{key}:r{reg['id']}", partial(compose, reg), link=_page(reg["id"]))


async def tell_reviewed(reg: dict[str, Any], plan_name: str, status: str, note: str, key: str) -> None:
    def compose(_reg: dict[str, Any]) -> tuple[str, str]:
        label = RegistrationStatus(status).label()
        body = _("Your registration for “%(plan)s” was reviewed: %(status)s.", plan=plan_name, status=label)
        if note:
            body += "\n\n" + _("Note from the exam office: %(note)s", note=note)
        return _("Registration reviewed: %(plan)s", plan=plan_name), body

    await _tell([reg], key, compose)


async def tell_tickets(plan: dict[str, Any], registration_ids: Iterable[int]) -> None:
    ids = sorted(set(registration_ids))
    if not ids:
        return
    regs = await Registration.select(Registration.id, Registration.user_id, Registration.ticket_no).where(
        Registration.id.is_in(ids)
    )

    def compose(reg: dict[str, Any]) -> tuple[str, str]:
        return _("Admission ticket ready: %(plan)s", plan=plan["name"]), _(
            "Your admission ticket for “%(plan)s” is ready (ticket number %(ticket)s). Print it from your"
            " registration page and bring it with your identity card.",
            plan=plan["name"],
            ticket=reg["ticket_no"],
        )

    await _tell(regs, f"exam.ticket:{plan['id']}", compose)


async def tell_published(plan: dict[str, Any]) -> None:
    regs = await Registration.select(Registration.id, Registration.user_id).where(
        (Registration.plan == plan["id"]) & Registration.ticket_no.is_not_null() & (Registration.ticket_no != "")
    )

    def compose(_reg: dict[str, Any]) -> tuple[str, str]:
        return _("Results published: %(plan)s", plan=plan["name"]), _(
            "The results of “%(plan)s” are published. See your scores on your registration page.", plan=plan["name"]
        )

    await _tell(regs, f"exam.published:{plan['id']}", compose)


async def tell_recheck(reg: dict[str, Any], plan_name: str, subject: str, outcome: str, key: str) -> None:
    def compose(_reg: dict[str, Any]) -> tuple[str, str]:
        return _("Re-check decided: %(plan)s", plan=plan_name), _(
            "Your re-check of %(subject)s in “%(plan)s” was decided: %(outcome)s.",
            subject=subject,
            plan=plan_name,
            outcome=RecheckOutcome(outcome).label(),
        )

    await _tell([reg], key, compose)

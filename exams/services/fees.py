"""Fees from an Excel list (缴费名单): every identity number in the sheet must be an approved
registration of the plan; all are marked paid, or none."""

from __future__ import annotations

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import RegistrationStatus
from exams.services._shared import plan_for_staff, require_staff
from exams.tables import Registration
from xuehui import idcard, jobs
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import import ExcelLimits, read_table, upload_limits

FEE_ALIASES = {
    "id_number": ("身份证号", "身份证号码", "证件号码", "id number", "identity number"),
    "name": ("姓名", "name"),
}


def _problem(code: str, zh: str, en: str, row_no: int, column: str) -> Reason:
    return Reason(code, zh, en, "id_number", row_no, column)


async def mark_paid_from_excel(actor: Actor | None, plan_id: int, data: bytes) -> int:
    """Every identity number in the sheet must be an approved registration of the plan; all or none."""
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    table = await jobs.run_in_process(_read_fee_table, data, upload_limits())
    if table and isinstance(table[0], Reason):
        raise InvalidInput(table)
    rows = await Registration.select(Registration.id, Registration.id_number, Registration.status).where(
        Registration.plan == plan_id
    )
    by_number = {r["id_number"]: r for r in rows}
    problems: list[Reason] = []
    ids: list[int] = []
    for number, raw, row_no, column in table:
        reg = by_number.get(idcard.normalise(number)) if number else None
        if number is None:
            problems.append(
                _problem(
                    "fee.number_cell", "身份证号须为文本格式", "the identity number must be a text cell", row_no, column
                )
            )
        elif reg is None:
            problems.append(
                _problem(
                    "fee.unknown",
                    f"身份证号{raw}未报名本考试",
                    f"identity number {raw} is not registered",
                    row_no,
                    column,
                )
            )
        elif reg["status"] != RegistrationStatus.APPROVED:
            problems.append(
                _problem("fee.not_approved", "该考生未审核通过", "this candidate is not approved", row_no, column)
            )
        else:
            ids.append(reg["id"])
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        if ids:
            await Registration.update({Registration.paid: True, Registration.paid_at: now()}).where(
                Registration.id.is_in(ids) & (Registration.paid == False)  # noqa: E712 - Piccolo expression
            )
        await audit(actor, ExamAction.FEES_IMPORTED, "exam_plan", plan_id, {"rows": len(ids)}, plan["society_id"])
    return len(ids)


def _read_fee_table(data: bytes, limits: ExcelLimits) -> list[tuple[str | None, str, int, str]] | list[Reason]:
    """Run in the process pool: the rows, or the reasons the file is refused.

    A refusal comes back as a value, not as the raised `InvalidInput`: a `DomainError` does not
    survive pickling between processes (it is rebuilt from its message, and its reasons are lost).
    """
    from xuehui.excel_import import CellKind, column_letter

    try:
        table = read_table(data, FEE_ALIASES, required=("id_number",), limits=limits)
    except InvalidInput as refused:
        return refused.reasons
    index = table.header.columns["id_number"]
    out = []
    for row in table.rows:
        kind = row.kind(index)
        value = row.value(index)
        out.append((str(value) if kind is CellKind.TEXT else None, str(value), row.number, column_letter(index)))
    return out

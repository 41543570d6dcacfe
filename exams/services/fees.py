"""Fees from an Excel list (缴费名单): every identity number in the sheet must be an approved
registration of the plan, and a name beside it must be that registration's; all rows are taken,
or none. With a payment-status column (a payment system's export), only the rows it says are
paid are marked paid; unpaid and refunded rows are counted and left as they are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
from xuehui.excel_import import (
    CellKind,
    CellValue,
    ExcelLimits,
    column_letter,
    date_in_code_cell,
    normalise_header,
    read_table,
    upload_limits,
)

FEE_ALIASES = {
    "id_number": ("身份证号", "身份证号码", "证件号码", "id number", "identity number"),
    "name": ("姓名", "考生姓名", "缴费人", "name"),
    "payment": ("缴费状态", "支付状态", "付款状态", "交易状态", "状态", "payment status", "status"),
}
PAID, UNPAID, REFUNDED = "paid", "unpaid", "refunded"
# A payment status as payment systems write it (compared after header-style folding).
PAYMENT_WORDS: Mapping[str, str] = {
    normalise_header(word): state
    for words, state in (
        (("已支付", "已缴费", "已付款", "支付成功", "交易成功", "paid", "success"), PAID),
        (("未支付", "未缴费", "未付款", "待支付", "unpaid", "not paid", "pending"), UNPAID),
        (("已退款", "退款", "退款成功", "refunded", "refund"), REFUNDED),
    )
    for word in words
}


@dataclass(frozen=True, slots=True)
class FeeRow:
    number: str | None  # None when the cell is not text (a number has lost digits)
    raw: str
    raw_value: CellValue
    is_date: bool  # Excel turned what was typed into a date
    row: int
    column: str
    name: str  # "" when the sheet has no name column or the cell is empty
    name_column: str | None
    payment: str | None  # PAID, UNPAID, REFUNDED; PAID without a status column; None if unreadable
    payment_raw: str
    payment_column: str | None


@dataclass(frozen=True, slots=True)
class FeeImport:
    marked_paid: int
    not_paid: int  # unpaid or refunded rows, left as they are


def _problem(code: str, zh: str, en: str, row_no: int, column: str | None, field: str = "id_number") -> Reason:
    return Reason(code, zh, en, field, row_no, column)


def _row_problems(fee: FeeRow, reg: dict[str, object] | None) -> list[Reason]:
    if fee.number is None and fee.is_date:
        return [
            _problem(
                "fee.date_cell", *date_in_code_cell(fee.raw_value, "身份证号", "identity number"), fee.row, fee.column
            )
        ]
    if fee.number is None:
        return [
            _problem(
                "fee.number_cell",
                "身份证号须为文本格式",
                "the identity number must be a text cell",
                fee.row,
                fee.column,
            )
        ]
    if reg is None:
        return [
            _problem(
                "fee.unknown",
                f"身份证号{fee.raw}未报名本考试",
                f"identity number {fee.raw} is not registered",
                fee.row,
                fee.column,
            )
        ]
    problems = []
    if fee.payment is None:
        problems.append(
            _problem(
                "fee.payment_status",
                f"缴费状态“{fee.payment_raw}”无法识别，应为 已支付、未支付 或 已退款",
                f"payment status {fee.payment_raw!r} is not recognised; use paid, unpaid or refunded",
                fee.row,
                fee.payment_column,
                "payment",
            )
        )
    if fee.name and "".join(fee.name.split()) != "".join(str(reg["name"]).split()):
        problems.append(
            _problem(
                "fee.name_mismatch",
                f"姓名“{fee.name}”与该身份证号的报名人“{reg['name']}”不一致",
                f"the name {fee.name!r} does not match the registration of this identity number ({reg['name']})",
                fee.row,
                fee.name_column,
                "name",
            )
        )
    if fee.payment == PAID and reg["status"] != RegistrationStatus.APPROVED:
        problems.append(
            _problem("fee.not_approved", "该考生未审核通过", "this candidate is not approved", fee.row, fee.column)
        )
    return problems


async def mark_paid_from_excel(actor: Actor | None, plan_id: int, data: bytes) -> FeeImport:
    """Every row must be a registration of the plan (and its name, if given); all or none."""
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    read = await jobs.run_in_process(_read_fee_table, data, upload_limits())
    if isinstance(read, list):
        raise InvalidInput(read)
    table, cell_problems = read
    rows = await Registration.select(
        Registration.id, Registration.id_number, Registration.name, Registration.status
    ).where(Registration.plan == plan_id)
    by_number = {r["id_number"]: r for r in rows}
    problems: list[Reason] = []
    ids: list[int] = []
    not_paid = 0
    flagged = {(p.row, p.column) for p in cell_problems}  # an error cell is reported once, beside the rest
    for fee in table:
        if (fee.row, fee.column) in flagged:
            continue
        reg = by_number.get(idcard.normalise(fee.number)) if fee.number else None
        found = [p for p in _row_problems(fee, reg) if (p.row, p.column) not in flagged]
        problems += found
        if not found and reg is not None:
            if fee.payment == PAID:
                ids.append(int(str(reg["id"])))
            else:
                not_paid += 1
    if problems or cell_problems:
        raise InvalidInput(sorted([*cell_problems, *problems], key=lambda p: (p.row or 0, p.column or "")))
    async with write_transaction():
        if ids:
            await Registration.update({Registration.paid: True, Registration.paid_at: now()}).where(
                Registration.id.is_in(ids) & (Registration.paid == False)  # noqa: E712 - Piccolo expression
            )
        await audit(
            actor,
            ExamAction.FEES_IMPORTED,
            "exam_plan",
            plan_id,
            {"rows": len(ids), "not_paid": not_paid},
            plan["society_id"],
        )
    return FeeImport(len(ids), not_paid)


def _read_fee_table(data: bytes, limits: ExcelLimits) -> tuple[list[FeeRow], list[Reason]] | list[Reason]:
    """Run in the process pool: the rows and the reader's cell problems (error cells, formulas in the
    identity column), reported beside the rows' own; or the reasons the whole file is refused.

    A refusal comes back as a value, not as the raised `InvalidInput`: a `DomainError` does not
    survive pickling between processes (it is rebuilt from its message, and its reasons are lost).
    """
    try:
        table = read_table(
            data,
            FEE_ALIASES,
            required=("id_number",),
            no_formula_fields=("id_number",),
            limits=limits,
            keep_cell_problems=True,
        )
    except InvalidInput as refused:
        return refused.reasons
    columns = table.header.columns
    index = columns["id_number"]
    name_at, payment_at = columns.get("name"), columns.get("payment")
    out = []
    for row in table.rows:
        kind = row.kind(index)
        value = row.value(index)
        name = str(row.value(name_at) or "").strip() if name_at is not None else ""
        payment_raw = str(row.value(payment_at) or "").strip() if payment_at is not None else ""
        payment = PAYMENT_WORDS.get(normalise_header(payment_raw)) if payment_at is not None else PAID
        out.append(
            FeeRow(
                number=str(value) if kind is CellKind.TEXT else None,
                raw=str(value),
                raw_value=value,
                is_date=kind is CellKind.DATE,
                row=row.number,
                column=column_letter(index),
                name=name,
                name_column=column_letter(name_at) if name_at is not None else None,
                payment=payment,
                payment_raw=payment_raw,
                payment_column=column_letter(payment_at) if payment_at is not None else None,
            )
        )
    return out, list(table.problems)

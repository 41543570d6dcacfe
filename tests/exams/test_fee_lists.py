"""Fee lists honour a payment-status column: only paid rows are marked paid; a name that is not
the registration's of that identity number, or a status not understood, refuses the whole list."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from exams import services
from exams.tables import Registration
from tests.exams.exam_support import exam_society, plan_in, registered
from tests.support import csrf, login
from xuehui.errors import InvalidInput


def fee_list(header: list[str], *rows: list[object]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def unpaid_plan() -> tuple[int, object, list[dict[str, object]]]:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    ids = [(await registered(plan_id, examadmin, n, pay=False))[1] for n in range(4)]
    return plan_id, examadmin, [await services.get_registration(examadmin, i) for i in ids]


async def paid_names() -> list[str]:
    rows = await Registration.select(Registration.name).where(Registration.paid == True).order_by(Registration.name)  # noqa: E712
    return [r["name"] for r in rows]


async def test_only_the_rows_a_payment_export_says_are_paid_are_marked_paid() -> None:
    plan_id, examadmin, (a, b, c, d) = await unpaid_plan()
    data = fee_list(
        ["考生姓名", "身份证号", "支付状态"],
        [a["name"], a["id_number"], "已支付"],
        [b["name"], b["id_number"], "未支付"],
        [c["name"], c["id_number"], "已退款"],
        [d["name"], d["id_number"], "Paid"],
    )
    assert await services.mark_paid_from_excel(examadmin, plan_id, data) == services.FeeImport(2, 2)  # type: ignore[arg-type]
    assert await paid_names() == ["考生0", "考生3"]


async def test_a_wrong_name_or_an_unknown_status_refuses_the_list_and_marks_nobody() -> None:
    plan_id, examadmin, (a, b, c, _d) = await unpaid_plan()
    data = fee_list(
        ["姓名", "身份证号", "缴费状态"],
        ["考生0", a["id_number"], "paid"],
        ["王五", b["id_number"], "已支付"],
        [c["name"], c["id_number"], "处理中"],
    )
    with pytest.raises(InvalidInput) as refused:
        await services.mark_paid_from_excel(examadmin, plan_id, data)  # type: ignore[arg-type]
    assert [(r.code, r.row, r.column, r.zh) for r in refused.value.reasons] == [
        ("fee.name_mismatch", 3, "A", "姓名“王五”与该身份证号的报名人“考生1”不一致"),
        ("fee.payment_status", 4, "C", "缴费状态“处理中”无法识别，应为 已支付、未支付 或 已退款"),
    ]
    assert await paid_names() == []


async def test_the_page_says_unpaid_and_refunded_rows_were_left_as_they_were(client) -> None:
    plan_id, examadmin, (a, b, _c, _d) = await unpaid_plan()
    await login(client, examadmin.username)  # type: ignore[attr-defined]
    token = await csrf(client, f"/exams/{plan_id}")
    data = fee_list(["身份证号", "状态"], [a["id_number"], "已支付"], [b["id_number"], "refunded"])
    done = await client.post(
        f"/exams/{plan_id}/fees",
        data={"_csrf_token": token},
        files={"file": ("fees.xlsx", data, "application/octet-stream")},
        follow_redirects=False,
    )
    page = await client.get(done.headers["location"])
    assert "只有状态为已支付的考生标记为已缴费，未支付和已退款的考生保持不变" in page.text
    assert await paid_names() == ["考生0"]

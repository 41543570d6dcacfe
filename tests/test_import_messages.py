"""Messages a clerk understands, for the expert, fee and official-results importers as for scores:
an error or formula cell is reported beside the other problems instead of hiding them, a date
where a code belongs is said to be a date, and English messages name headers, not field names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from exams import services as exam_services
from exams.score_work import validate_score_file
from exams.tables import Registration
from expert_pool import excel
from expert_pool.tables import Expert
from nominations import services as nomination_services
from nominations.tables import OfficialResult
from tests.exams.exam_support import exam_society, plan_in, registered
from tests.expert_pool.support import id_number
from tests.nominations.support import nominating_society
from tests.support import make_user
from xuehui import idcard
from xuehui.errors import InvalidInput
from xuehui.excel_import import ExcelLimits, read_table


def book(*rows: list[object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def shown(refused: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[int | None, str | None, str]]:
    return [(r.row, r.column, r.zh) for r in refused.value.reasons]


TYPED_AS_DATE = dt.date(2026, 1, 2)  # "2026-1-2" typed into a cell Excel formats as it likes
DATE_ZH = "单元格是日期（2026年1月2日），不是{0}；Excel 可能把输入的内容自动转成了日期，请把该列设为文本后重新填写"


async def test_experts_an_error_cell_and_a_date_do_not_hide_the_other_problems() -> None:
    admin = await make_user("root", "admin")
    data = book(
        ["姓名", "身份证号", "主学科代码", "性别", "工作单位"],
        ["王伟", id_number(21), "520.20", "男", "#N/A"],
        ["李娜", id_number(22), TYPED_AS_DATE, "", "浙江大学"],
        ["赵强", id_number(23), "520.20", "未知", "浙江大学"],
    )
    with pytest.raises(InvalidInput) as refused:
        await excel.import_experts(admin, data)
    assert shown(refused) == [
        (2, "E", "工作表“Sheet”第2行E列（工作单位）是错误值 #N/A，不能当作空白读取；请改正后重新上传"),
        (3, "C", "主学科代码" + DATE_ZH.format("主学科代码")),
        (4, "D", "无法识别的值“未知”"),
    ]
    assert "discipline code cell holds a date (2 January 2026)" in refused.value.reasons[1].en
    assert await Expert.count() == 0


async def test_fees_an_error_cell_and_a_date_do_not_hide_the_other_problems() -> None:
    _a, examadmin = await exam_society()
    plan_id = await exam_services.create_plan(examadmin, plan_in())
    reg_id = (await registered(plan_id, examadmin, 0, pay=False))[1]
    reg = await exam_services.get_registration(examadmin, reg_id)
    unknown = idcard.make("110105", dt.date(1980, 1, 1), 9, "male")
    data = book(
        ["姓名", "身份证号", "缴费状态"],
        [reg["name"], "#REF!", "已支付"],
        [reg["name"], TYPED_AS_DATE, "已支付"],
        ["某人", unknown, "已支付"],
    )
    with pytest.raises(InvalidInput) as refused:
        await exam_services.mark_paid_from_excel(examadmin, plan_id, data)
    assert shown(refused) == [
        (2, "B", "工作表“Sheet”第2行B列（身份证号）是错误值 #REF!，不能当作空白读取；请改正后重新上传"),
        (3, "B", "身份证号" + DATE_ZH.format("身份证号")),
        (4, "B", f"身份证号{unknown}未报名本考试"),
    ]
    assert await Registration.count().where(Registration.paid == True) == 0  # noqa: E712


async def test_official_results_an_error_cell_and_a_date_do_not_hide_the_other_problems() -> None:
    cycle_id, admin, _nominator, _society = await nominating_society()
    data = book(
        ["项目名称", "奖励类别", "等级", "结果"],
        ["精密机床", "技术发明奖", "#VALUE!", "获奖"],
        ["智能焊接", TYPED_AS_DATE, "", "未获奖"],
        ["数控系统", "不存在的奖", "", "未获奖"],
    )
    with pytest.raises(InvalidInput) as refused:
        await nomination_services.preview_official_results(admin, cycle_id, data)
    assert shown(refused) == [
        (2, "C", "工作表“Sheet”第2行C列（等级）是错误值 #VALUE!，不能当作空白读取；请改正后重新上传"),
        (3, "B", "奖励类别" + DATE_ZH.format("奖励类别")),
        (4, "B", "奖励类别“不存在的奖”无法识别"),
    ]
    assert await OfficialResult.count() == 0


def test_a_date_in_a_ticket_or_subject_cell_is_said_to_be_a_date() -> None:
    number = idcard.make("320102", dt.date(1990, 5, 17), 3, "male")
    candidates = [(1, "2026010010101", number, "张三", ("01",))]
    subjects = [("01", "基础", "100", "60", 1, False)]
    data = book(
        ["准考证号", "身份证号", "姓名", "科目代码", "成绩"],
        [TYPED_AS_DATE, number, "张三", "01", 70],
        ["2026010010101", number, "张三", TYPED_AS_DATE, 70],
    )
    result = validate_score_file(data, candidates, subjects, ExcelLimits())
    assert [(p["row"], p["column"], p["zh"]) for p in result["problems"]] == [
        (2, "A", "准考证号" + DATE_ZH.format("准考证号")),
        (3, "D", "科目代码" + DATE_ZH.format("科目代码")),
    ]


def test_a_missing_column_in_english_names_its_header_not_a_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_table(
            book(["姓名", "成绩"], ["张三", 70]), {"ticket_no": ("准考证号", "ticket number")}, required=["ticket_no"]
        )
    assert [r.en for r in refused.value.reasons] == [
        "required column missing: ticket number (accepted headers: 准考证号, ticket number)"
    ]

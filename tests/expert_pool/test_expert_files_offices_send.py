"""Expert files as offices send them: 正高级/副高级/中级/初级 title levels, and discipline codes Excel
turned from 520.20 into the number 520.2 (the one shipped code it stands for, else refused saying so)."""

from __future__ import annotations

import pytest

from expert_pool import excel
from expert_pool.tables import Expert
from tests.expert_pool.support import id_number
from tests.expert_pool.test_expert_reimport import sheet
from tests.support import make_user
from xuehui.db import json_value
from xuehui.errors import InvalidInput

HEADERS = ["姓名", "身份证号", "主学科代码", "其他学科代码", "职称级别"]


@pytest.mark.parametrize(
    ("level", "rank"),
    [("正高级", "senior"), ("副高级", "associate_senior"), ("中级", "intermediate"), ("初级", "other")],
)
async def test_title_levels_as_offices_write_them(level: str, rank: str) -> None:
    admin = await make_user("root", "admin")
    number = id_number(11)
    assert (await excel.import_experts(admin, sheet(HEADERS, ["王伟", number, "520.20", "", level])))[:2] == (1, 0)
    row = await Expert.select(Expert.rank).where(Expert.id_number == number).first()
    assert row == {"rank": rank}


async def test_a_discipline_code_excel_turned_into_a_number_is_the_shipped_code_it_stands_for() -> None:
    admin = await make_user("root", "admin")
    number = id_number(12)
    assert (await excel.import_experts(admin, sheet(HEADERS, ["王伟", number, 520.2, 520.4, "正高级"])))[:2] == (1, 0)
    row = await Expert.select(Expert.primary_discipline, Expert.secondary_disciplines).where(Expert.id_number == number)
    assert [(r["primary_discipline"], json_value(r["secondary_disciplines"])) for r in row] == [("520.20", ["520.40"])]


async def test_a_number_that_matches_no_shipped_code_is_refused_saying_why() -> None:
    admin = await make_user("root", "admin")
    with pytest.raises(InvalidInput) as refused:
        await excel.import_experts(admin, sheet(HEADERS, ["王伟", id_number(13), 520.7, "", "中级"]))
    assert [(r.row, r.column, r.zh) for r in refused.value.reasons] == [
        (
            2,
            "C",
            "学科代码被Excel存为数字520.7，末尾的0已丢失，无法唯一对应到已收录的学科代码；请把该列设为文本后重新填写（如520.20）",
        )
    ]
    assert await Expert.count() == 0

"""Exports write instants in Beijing time, as the pages show them, not UTC."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from accounts.tables import User
from tests.support import login, make_user
from xuehui.clock import CHINA
from xuehui.excel_export import workbook_bytes

# A cell holds no time zone: the export writes the wall-clock time in Beijing.
IN_BEIJING = dt.datetime(2026, 3, 2, 2, 30, tzinfo=CHINA).replace(tzinfo=None)


def test_an_instant_is_written_in_beijing_time() -> None:
    at = dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)  # 02:30 on 2 March in Beijing
    naive_utc = at.replace(tzinfo=None)  # as SQLite gives it back
    sheet = load_workbook(io.BytesIO(workbook_bytes("t", ["a", "b"], [[at, naive_utc]]))).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [IN_BEIJING] * 2


async def test_the_users_export_shows_when_each_was_created_in_beijing_time(client) -> None:
    await make_user("root", "admin")
    await User.update({User.created_at: dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)}).where(User.username == "root")
    await login(client, "root")
    response = await client.get("/admin/users.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(r[0], r[6]) for r in rows[1:]] == [("root", IN_BEIJING)]

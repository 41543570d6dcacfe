"""The audit log view and export show every entry in words: the action's label, the object's
kind, the details with their fields named and their codes labelled; the filter chooses an
action by its label. Any package's registered vocabulary is used, here one made by the test."""

import datetime as dt
import io
import json

from openpyxl import load_workbook

from accounts.pages.audit_text import details_text, entry_view
from accounts.services import audit
from accounts.tables import AuditEntry
from tests.support import login, make_user
from xuehui.db import write_transaction
from xuehui.vocabulary import Labelled


class WidgetAudit(Labelled, vocabulary="audit.widgets"):
    POLISHED = "widget.polished", "擦亮小部件", "Widget polished"
    SCRAPPED = "widget.scrapped", "报废小部件", "Widget scrapped"


class WidgetState(Labelled, vocabulary="widgets.widget_state"):
    DULL = "dull", "暗淡", "Dull"
    SHINY = "shiny", "锃亮", "Shiny"


class WidgetObject(Labelled, vocabulary="audit_object.widgets"):
    WIDGET = "widget", "小部件", "Widget"


async def _write_entries() -> None:
    admin = await make_user("root", "admin")
    async with write_transaction():
        await audit(
            admin,
            WidgetAudit.POLISHED,
            WidgetObject.WIDGET,
            7,
            {"from": "dull", "to": "shiny", "polished_at": dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC), "cloths": 3},
        )
        await audit(admin, WidgetAudit.SCRAPPED, "gadget_box", 8, {"reason": "shiny dull", "kept": False})


async def test_the_view_shows_labels_and_words_never_codes_or_raw_details(client) -> None:
    await _write_entries()
    await login(client, "root")
    page = await client.get("/admin/audit")
    assert page.status_code == 200
    table = page.text.split('id="audit"', 1)[1]
    assert "擦亮小部件" in table and "报废小部件" in table
    assert "原状态: 暗淡 → " not in table  # not a change map: from and to are two fields
    assert "原状态: 暗淡" in table and "新状态: 锃亮" in table
    assert "polished at: 2026-03-01 10:30" in table  # China time, not an ISO timestamp
    assert "cloths: 3" in table and "kept: 否" in table
    assert "理由: shiny dull" in table  # free text is never read as codes
    assert "小部件 7" in table and "gadget box 8" in table
    for raw in ("widget.polished", "widget.scrapped", "gadget_box", "{", "2026-03-01T", ">admin<"):
        assert raw not in table, raw
    assert "省科协管理员" in table  # the role by its name


async def test_the_filter_offers_every_registered_action_by_label_and_applies_it(client) -> None:
    await _write_entries()
    await login(client, "root")
    page = await client.get("/admin/audit")
    form = page.text.split('id="audit-action"', 1)[1].split("</select>", 1)[0]
    assert '<option value="widget.polished" >擦亮小部件</option>' in form
    assert '<option value="account.login" >登录</option>' in form
    assert '<option value="pilot.submit" >提交任务书</option>' in form
    chosen = await client.get("/admin/audit", params={"action": "widget.polished"})
    table = chosen.text.split('id="audit"', 1)[1]
    assert "擦亮小部件" in table and "报废小部件" not in table
    assert '<option value="widget.polished" selected>擦亮小部件</option>' in chosen.text
    objects = chosen.text.split('id="audit-object"', 1)[1].split("</select>", 1)[0]
    assert ">小部件</option>" in objects and ">gadget box</option>" in objects and ">用户</option>" in objects


async def test_the_export_holds_the_same_words(client) -> None:
    await _write_entries()
    await login(client, "root")
    response = await client.get("/admin/audit.xlsx", params={"action": "widget"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[2:7] for row in rows[1:]] == [
        ("省科协管理员", "报废小部件", "gadget box", "8", "kept: 否；理由: shiny dull"),
        (
            "省科协管理员",
            "擦亮小部件",
            "小部件",
            "7",
            "cloths: 3；原状态: 暗淡；polished at: 2026-03-01 10:30；新状态: 锃亮",
        ),
    ]


async def test_changes_read_as_before_and_after_and_unknown_codes_stay_visible() -> None:
    changes = {"name_zh": ["旧名", "新名"], "status": ["active", "suspended"]}
    assert details_text(changes, "societies", "society") == "中文名称: 旧名 → 新名；状态: 正常 → 已暂停"
    row = {
        "action": "nobody.knows",
        "object_type": "thing",
        "actor_role": "public",
        "summary": json.loads('{"mystery": "zzz_code"}'),
    }
    view = entry_view(row)
    assert (view["action_label"], view["object_label"], view["role_label"], view["details"]) == (
        "nobody.knows",
        "thing",
        "公众",
        "mystery: zzz_code",
    )
    assert await AuditEntry.count() == 0

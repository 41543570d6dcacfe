"""Pilot projects through the API and the pages, on a real database."""

import asyncio
import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from accounts.tables import AuditEntry
from societies import services
from societies.schemas import ActionIn, AgreementDoc, PilotIn
from societies.tables import PilotProject
from tests.support import api, login, make_society, make_user, post_form
from xuehui.clock import today

TODAY = today()


def agreement(rank: str = "secretary_general") -> dict[str, Any]:
    return {
        "goals": "有序承接科技奖励推荐职能",
        "key_tasks": "建立制度；组建专家库",
        "quality_requirements": "公开透明",
        "stages": [
            {
                "stage": "mobilisation",
                "start": str(TODAY - dt.timedelta(days=30)),
                "end": str(TODAY + dt.timedelta(days=30)),
            },
            {
                "stage": "implementation",
                "start": str(TODAY + dt.timedelta(days=31)),
                "end": str(TODAY + dt.timedelta(days=300)),
            },
            {
                "stage": "summary",
                "start": str(TODAY + dt.timedelta(days=301)),
                "end": str(TODAY + dt.timedelta(days=360)),
            },
        ],
        "milestones": [{"title": "动员会", "due": str(TODAY)}],
        "kpis": [{"name": "推荐项目数", "unit": "项", "target": "20"}],
        "funding": [{"source": "财政", "amount": "100000"}],
        "team": ["王建国 秘书长"],
        "leader": {
            "name": "王建国",
            "rank": rank,
            "approved_by": "council",
            "approval_date": str(TODAY - dt.timedelta(days=10)),
            "resolution_ref": "理字〔2026〕1号",
        },
    }


def pilot_body(rank: str = "secretary_general") -> dict[str, Any]:
    return {
        "title": "科技奖励推荐试点",
        "function_type": "award_nomination",
        "department": "省科学技术厅",
        "agreement": agreement(rank),
    }


async def setup_society_user(client: Any, code: str = "CMES", username: str = "nominator") -> int:
    society_id = await make_society(code, f"{code}学会")
    await make_user(username, "society", society_id)
    await login(client, username)
    return society_id


async def test_society_creates_and_submits_a_pilot_that_admin_signs_and_the_public_sees(client, other_client) -> None:
    society_id = await setup_society_user(client)
    created = await api(client, "POST", "/api/pilots", pilot_body())
    assert created.status_code == 201
    project = created.json()
    assert (project["society_id"], project["status"], project["agreement"]["kpis"][0]["key"]) == (
        society_id,
        "draft",
        "k1",
    )
    submitted = await api(client, "POST", f"/api/pilots/{project['id']}/actions", {"action": "submit"})
    assert submitted.json()["status"] == "submitted"
    signed = await api(client, "POST", f"/api/pilots/{project['id']}/actions", {"action": "sign_society"})
    assert signed.json()["signed_society_on"] == str(TODAY)

    await make_user("root", "admin")
    await login(other_client, "root")
    for party in ("department", "association"):
        response = await api(other_client, "POST", f"/api/pilots/{project['id']}/actions", {"action": f"sign_{party}"})
    assert response.json()["status"] == "signed"

    public = await other_client.get("/api/public/pilots")
    assert [(p["title"], p["status"], p["current_stage"]) for p in public.json()] == [
        ("科技奖励推荐试点", "signed", "mobilisation")
    ]
    actions = [
        r["action"] for r in await AuditEntry.select(AuditEntry.action).where(AuditEntry.object_type == "pilot_project")
    ]
    assert actions == [
        "pilot.created",
        "pilot.submit",
        "pilot.sign_society",
        "pilot.sign_department",
        "pilot.sign_association",
    ]


async def test_submission_with_a_leader_below_secretary_general_is_refused_and_nothing_changes(client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body("deputy_secretary_general"))).json()
    refused = await api(client, "POST", f"/api/pilots/{project['id']}/actions", {"action": "submit"})
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json()["errors"]] == ["leader.rank_too_low"]
    assert refused.json()["errors"][0]["field"] == "leader_rank"
    assert (await PilotProject.select(PilotProject.status).first())["status"] == "draft"


async def test_another_society_can_neither_see_nor_change_the_project(client, other_client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    await setup_society_user(other_client, "CCF", "intruder")
    assert (await other_client.get(f"/api/pilots/{project['id']}")).status_code == 404
    assert (await other_client.get(f"/pilots/{project['id']}")).status_code == 404
    changed = await api(other_client, "PUT", f"/api/pilots/{project['id']}", {**pilot_body(), "title": "hijacked"})
    assert changed.status_code == 404
    assert (await other_client.get("/api/pilots")).json() == []
    assert (await PilotProject.select(PilotProject.title).first())["title"] == "科技奖励推荐试点"


async def test_signed_agreement_is_locked_and_changes_go_through_an_approved_amendment(client, other_client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    url = f"/api/pilots/{project['id']}"
    await api(client, "POST", f"{url}/actions", {"action": "submit"})
    locked = await api(client, "PUT", url, {**pilot_body(), "title": "changed"})
    assert locked.status_code == 409
    assert locked.json()["errors"][0]["code"] == "pilot.locked"

    await make_user("root", "admin")
    await login(other_client, "root")
    for party in ("society", "department", "association"):
        await api(other_client, "POST", f"{url}/actions", {"action": f"sign_{party}"})
    new_text = agreement()
    new_text["goals"] = "扩大承接范围"
    proposed = await api(client, "POST", f"{url}/amendments", {"reason": "增加任务", "agreement": new_text})
    assert [a["status"] for a in proposed.json()] == ["proposed"]
    assert (await client.get(url)).json()["agreement"]["goals"] == "有序承接科技奖励推荐职能"
    amendment_id = proposed.json()[0]["id"]
    decided = await api(
        other_client, "POST", f"/api/pilots/amendments/{amendment_id}/decision", {"approve": True, "note": "同意"}
    )
    assert decided.status_code == 200
    assert (await client.get(url)).json()["agreement"]["goals"] == "扩大承接范围"


async def test_only_published_reports_reach_the_public_page(client, other_client) -> None:
    await setup_society_user(client)
    await make_user("root", "admin")
    await login(other_client, "root")
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    url = f"/api/pilots/{project['id']}"
    await api(client, "POST", f"{url}/actions", {"action": "submit"})
    for party in ("society", "department", "association"):
        await api(other_client, "POST", f"{url}/actions", {"action": f"sign_{party}"})
    await api(
        client, "POST", f"{url}/reports", {"period": "2026Q1", "title": "公开进展", "body": "已完成", "published": True}
    )
    await api(
        client,
        "POST",
        f"{url}/reports",
        {"period": "2026Q2", "title": "内部草稿", "body": "未公开", "published": False},
    )
    public = (await other_client.get(f"/api/public/pilots/{project['id']}")).json()
    assert [r["title"] for r in public["reports"]] == ["公开进展"]
    page = await other_client.get(f"/public/pilots/{project['id']}")
    assert "公开进展" in page.text and "内部草稿" not in page.text


async def test_two_simultaneous_signatures_by_the_same_party_record_one(client) -> None:
    society_id = await make_society()
    admin = await make_user("root", "admin")
    project_id = await services.create_pilot(
        admin, PilotIn(society_id=society_id, **{**pilot_body(), "agreement": AgreementDoc.model_validate(agreement())})
    )
    await services.act(admin, project_id, ActionIn(action="submit"))
    results = await asyncio.gather(
        *(services.act(admin, project_id, ActionIn(action="sign_department")) for _ in range(5)), return_exceptions=True
    )
    assert sum(1 for r in results if r == "submitted") == 1
    assert await AuditEntry.count().where(AuditEntry.action == "pilot.sign_department") == 1


async def test_pilot_page_form_shows_every_problem_and_keeps_the_input(client) -> None:
    await setup_society_user(client)
    response = await post_form(
        client,
        "/pilots",
        {
            "title": "",
            "function_type": "award_nomination",
            "department": "厅",
            "stage_mobilisation_start": "2026-13-01",
            "kpi_name_0": "指标",
            "kpi_target_0": "abc",
        },
        "/pilots/new",
    )
    assert response.status_code == 422
    assert "日期“2026-13-01”格式不正确" in response.text
    assert "“abc”不是有效数字" in response.text
    assert "请填写项目名称" in response.text
    assert 'value="指标"' in response.text
    assert await PilotProject.count() == 0


async def test_pilot_list_downloads_as_xlsx(client) -> None:
    await setup_society_user(client)
    await api(client, "POST", "/api/pilots", {**pilot_body(), "title": "=cmd|' /C calc'!A0"})
    response = await client.get("/pilots.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["学会", "项目名称"]
    assert rows[1][:2] == ["CMES学会", "'=cmd|' /C calc'!A0"]
    assert sheet.cell(2, 2).data_type == "s"

"""Nominations go to remote review through the expert pool; the society sees the scores of its
nominations and never who reviewed them."""

from accounts.rules import Actor
from expert_pool import services as pool
from expert_pool.schemas import ReviewIn
from nominations import services
from tests.expert_pool.support import make_expert
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login


async def test_passed_nominations_are_reviewed_and_the_society_never_sees_an_expert(client) -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    first = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    second = await services.create_nomination(nominator, cycle_id, demo_nomination("焊接机器人", 3, start=10))
    for nomination_id in (first, second):
        await services.submit(nominator, nomination_id)
        await services.formal_review(admin, nomination_id, "pass", "")
    for seq, name in enumerate(["评审甲", "评审乙", "评审丙"]):
        await make_expert(admin, seq, name=name, discipline="460", username=f"reviewer{seq}")
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=2, max_load=2)
    run = await pool.run_assignment(admin, batch_id)
    assert run.pairs == 4

    for seq in range(3):
        reviewer = await _as_expert(f"reviewer{seq}")
        for assignment in await pool.my_assignments(reviewer):
            await pool.respond(reviewer, assignment["id"], "accept")
            score = 90 if assignment["title"] == "精密机床" else 70
            await pool.save_review(
                reviewer,
                assignment["id"],
                ReviewIn(
                    scores={"innovation": score, "technical_level": score, "benefits": score},
                    recommendation="recommend",
                    submit=True,
                ),
            )
    scores = await services.remote_review_scores(nominator, [first, second])
    assert (scores[first].raw_mean, scores[second].raw_mean) == (90.0, 70.0)

    await login(client, "nominator")
    pages = [await client.get(path) for path in ("/nominations", f"/nominations/{first}", f"/nominations/{second}")]
    api = await client.get(f"/api/nominations/{first}")
    for text in [p.text for p in pages] + [api.text]:
        assert [
            name for name in ("评审甲", "评审乙", "评审丙", "reviewer0", "reviewer1", "reviewer2") if name in text
        ] == []


async def _as_expert(username: str) -> Actor:
    from accounts.tables import User

    row = await User.select().where(User.username == username).first()
    assert row is not None
    return Actor(row["id"], username, row["display_name"], "expert")


async def test_passed_recommendations_go_to_expert_review_through_the_pool_avoiding_the_candidates_unit() -> None:
    import datetime as dt

    from tests.nominations.support import complete, demo_person, recommending_society
    from xuehui.clock import today

    programme_id, admin, nominator, society_id = await recommending_society()
    person = demo_person("张青", dt.date(today().year - 35, 3, 3), 1).model_copy(update={"discipline": "460"})
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    await complete(nominator, programme_id, recommendation_id)
    await services.submit_recommendation(nominator, recommendation_id)
    await services.review_recommendation(admin, recommendation_id, "pass", "")
    await make_expert(admin, 1, name="同单位专家", discipline="460", unit="山东大学", username="colleague")
    await make_expert(admin, 2, name="外单位专家", discipline="460", unit="浙江大学", username="outsider")

    batch_id = await services.send_recommendations_to_review(admin, programme_id, "青年奖评审", required=1, max_load=1)
    items = await pool.batch_items(admin, batch_id)
    assert [(i["kind"], i["external_id"], i["title"], i["units"], i["society_id"]) for i in items] == [
        ("recommendation", str(recommendation_id), "张青", ["山东大学"], society_id)
    ]
    run = await pool.run_assignment(admin, batch_id)
    assert run.pairs == 1
    assert await pool.my_assignments(await _as_expert("colleague")) == []
    reviewer = await _as_expert("outsider")
    (assignment,) = await pool.my_assignments(reviewer)
    await pool.respond(reviewer, assignment["id"], "accept")
    await pool.save_review(
        reviewer,
        assignment["id"],
        ReviewIn(scores={"achievements": 88, "innovation": 88, "impact": 88}, recommendation="recommend", submit=True),
    )
    scores = await services.recommendation_review_scores(nominator, [recommendation_id])
    assert scores[recommendation_id].raw_mean == 88.0


async def test_the_batch_page_names_the_items_kind_category_and_grade_in_words(client) -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=1, max_load=1)
    await login(client, "root-cmes")
    page = (await client.get(f"/admin/review-batches/{batch_id}")).text
    row = next(r for r in page.split("<tr") if "精密机床" in r)
    assert "推荐项目" in row and "技术发明奖" in row
    assert "technological_invention" not in row and "nomination" not in row


async def test_an_expert_reads_the_whole_material_with_identity_numbers_masked(client) -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    body = (await services.get_nomination(admin, nomination_id))["body"]
    first = body.contributors[0].id_number
    await make_expert(admin, 0, name="评审甲", discipline="460", username="reviewer0")
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=1, max_load=1)
    await pool.run_assignment(admin, batch_id)
    assignment = (await pool.my_assignments(await _as_expert("reviewer0")))[0]
    await login(client, "reviewer0")
    material = (await client.get(f"/expert/assignments/{assignment['id']}")).text.split('id="material"')[1]
    material = material.split("</div>")[0]
    assert f"1. 张伟（{first[:6]}********{first[-4:]}）山东大学 教授：总体设计与关键技术攻关" in material
    assert first not in material
    for heading in ("【主要创新点】", "【推广应用及经济社会效益】", "【代表性论文】", "精密机床的关键技术"):
        assert heading in material

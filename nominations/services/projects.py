"""Project nominations (项目推荐): drafts, the live check, submission, withdrawal, snapshots."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from accounts.rules import Actor
from nominations.rules import eligibility as rules
from nominations.rules.cycle.model import CATEGORY_NAMES, Category, CycleConfig
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.official_results import OfficialOutcome
from nominations.schemas import ContributorIn, NominationIn
from nominations.services._shared import _running_award_pilot
from nominations.services.attachments import missing_on_submit
from nominations.services.cycles import cycle_config, cycle_row
from nominations.services.kinds import PROJECT
from nominations.services.queries import get_nomination
from nominations.tables import AwardRecord, Nomination, NominationContributor, OfficialResult, Quota
from societies import services as societies
from xuehui import submission
from xuehui.clock import today
from xuehui.db import json_value
from xuehui.errors import Conflict, Forbidden, InvalidInput, Reason
from xuehui.idcard import IdCard, normalise, parse
from xuehui.text import require_clean


def _headline_problems(data: NominationIn) -> list[Reason]:
    problems = []
    if not data.title.strip():
        problems.append(Reason("nomination.title", "请填写项目名称", "the title is required", "title"))
    if data.category not in set(Category):
        problems.append(Reason("nomination.category", "请选择奖励类别", "choose the award category", "category"))
    return problems


def _refused_on_save(data: NominationIn, config: CycleConfig) -> list[Reason]:
    """What a draft may not even be saved with: more excluded experts than the cycle allows."""
    facts = data.facts()
    return [r for r in rules.rule_exclusions(facts, config, rules.EligibilityContext()) if r.code != rules.INCOMPLETE]


async def create_nomination(actor: Actor, cycle_id: int, data: NominationIn) -> int:
    require_clean(data)
    _society_id, pilot = await _running_award_pilot(actor, "nomination")
    if problems := _headline_problems(data):
        raise InvalidInput(problems)
    await cycle_row(cycle_id)
    if problems := _refused_on_save(data, await cycle_config(cycle_id)):
        raise InvalidInput(problems)
    values = {"cycle": cycle_id, "pilot_project_id": pilot["id"], **_document(data)}
    return await submission.create_draft(PROJECT, actor, values, {"title": data.title})


def _filled_from_id(person: ContributorIn) -> ContributorIn:
    """A contributor whose blank birth date and sex are read from a valid identity-card number
    (digits 7-14 and the parity of digit 17); what the user typed is kept, and the rules compare it."""
    card = parse(person.id_number) if person.id_number.strip() else None
    if not isinstance(card, IdCard):
        return person
    return person.model_copy(update={"birth_date": person.birth_date or card.birth_date, "sex": person.sex or card.sex})


def _document(data: NominationIn) -> dict[str, Any]:
    """The columns a draft's form writes."""
    body = data.body.model_copy(update={"contributors": [_filled_from_id(c) for c in data.body.contributors]})
    return {
        "title": data.title.strip(),
        "category": data.category,
        "grade": data.grade,
        "discipline_code": data.discipline_code.strip(),
        "body": body.model_dump_json(),
    }


async def update_nomination(actor: Actor, nomination_id: int, data: NominationIn) -> None:
    require_clean(data)
    current = await get_nomination(actor, nomination_id)
    if current["status"] not in PROJECT.editable:
        raise PROJECT.locked()
    if problems := _headline_problems(data):
        raise InvalidInput(problems)
    config = await cycle_config(current["cycle"])
    if problems := _refused_on_save(data, config):
        raise InvalidInput(problems)
    if current["status"] == N.RETURNED and config.fixed_grade and data.grade != current["grade"]:
        raise InvalidInput(
            Reason(
                "nomination.fixed_grade",
                "提名等级提交后不能更改（定标定额）",
                "the nominated grade is fixed once submitted",
                "grade",
            )
        )
    await submission.update_draft(PROJECT, actor, current, _document(data), {"title": data.title})


async def _context(
    cycle_id: int, society_id: int, data: NominationIn, own_id: int | None, association: bool = False
) -> tuple[CycleConfig, rules.EligibilityContext]:
    """The cycle's rules and what they need from outside the nomination, read narrowly (only
    these people) and concurrently (on SQLite every query has its own connection). Another
    society's nominations stay private unless the association itself checks."""
    ids = [normalise(c.id_number) for c in data.body.contributors if c.id_number.strip()] or ["-"]
    config, claims, winners, past, quota, suspended = await asyncio.gather(
        cycle_config(cycle_id),
        NominationContributor.select(
            NominationContributor.id_number,
            NominationContributor.nomination,
            NominationContributor.nomination.society_id,
        ).where((NominationContributor.cycle_id == cycle_id) & NominationContributor.id_number.is_in(ids)),
        AwardRecord.select(AwardRecord.id_number, AwardRecord.year).where(AwardRecord.id_number.is_in(ids)),
        # Losses of the same project under any society; a formal-review rejection is no loss.
        Nomination.select(Nomination.id, Nomination.fingerprint, Nomination.cycle.year).where(
            (Nomination.status == N.NOT_AWARDED) & (Nomination.cycle != cycle_id)
        ),
        Quota.select(Quota.quota)
        .where((Quota.cycle == cycle_id) & (Quota.society_id == society_id) & (Quota.category == data.category))
        .first(),
        societies.nominating_suspended(society_id, today()),
    )
    awarded = await _awarded_projects(own_id)
    lookback = config.year - config.years_per_cycle * config.eligibility.repeat_lookback_cycles
    by_nomination: dict[str, list[str]] = {}
    private = set()
    for claim in claims:
        if claim["nomination"] != own_id:
            by_nomination.setdefault(str(claim["nomination"]), []).append(claim["id_number"])
            if not association and claim["nomination.society_id"] != society_id:
                private.add(str(claim["nomination"]))
    unsuccessful = []
    for row in past:
        if not lookback <= row["cycle.year"] < config.year:
            continue
        key = rules.MaterialFingerprint.from_json(json_value(row["fingerprint"]))
        unsuccessful.append(rules.PastUnsuccessful(str(row["id"]), row["cycle.year"], key))
    context = rules.build_context(
        society_allowed=bool(quota and quota["quota"] > 0),
        society_suspended=suspended,
        cycle_contributors=list(by_nomination.items()),
        private_nominations=private,
        past_winners=[(w["id_number"], w["year"]) for w in winners],
        past_unsuccessful=unsuccessful,
        awarded=awarded,
        today=today(),
    )
    return config, context


async def _awarded_projects(own_id: int | None) -> list[tuple[str, int, str, rules.MaterialFingerprint]]:
    """The awarded projects whose papers and patents a new nomination may not use again: our own
    awarded nominations and those the official results list as awarded (any cycle, any society)."""
    officially = await OfficialResult.select(OfficialResult.nomination).where(
        (OfficialResult.outcome == OfficialOutcome.AWARDED.value) & OfficialResult.nomination.is_not_null()
    )
    ids = {row["nomination"] for row in officially} - {own_id}
    query = Nomination.select(Nomination.id, Nomination.title, Nomination.fingerprint, Nomination.cycle.year)
    rows = await query.where((Nomination.status == N.AWARDED) | Nomination.id.is_in(sorted(ids) or [0]))
    return [
        (str(r["id"]), r["cycle.year"], r["title"], rules.MaterialFingerprint.from_json(json_value(r["fingerprint"])))
        for r in rows
        if r["id"] != own_id
    ]


async def check(actor: Actor, cycle_id: int, data: NominationIn, nomination_id: int | None = None) -> rules.DraftCheck:
    """Run every rule on what the form says now (live, while it is edited)."""
    society_id = actor.society_id
    if nomination_id is not None:
        society_id = (await get_nomination(actor, nomination_id))["society_id"]
    if society_id is None:
        raise Forbidden(
            Reason("nomination.society_only", "只有学会填报人可以推荐项目", "only society nominators nominate projects")
        )
    config, context = await _context(cycle_id, society_id, data, nomination_id, actor.is_admin)
    return rules.check_draft(data.facts(nomination_id), config, context)


def stored_input(view: dict[str, Any]) -> NominationIn:
    """The form's fields as the nomination has them saved."""
    return NominationIn(
        title=view["title"],
        category=view["category"],
        grade=view["grade"],
        discipline_code=view["discipline_code"],
        body=view["body"],
    )


async def submit(actor: Actor, nomination_id: int, idempotency_key: str = "") -> str:
    """Submit (or resubmit after correction): the window while a draft, every rule, and a quota
    slot of the nomination's category on a first submission."""
    return await submission.submit(PROJECT, actor, nomination_id, idempotency_key, _prepare_submission)


async def _prepare_submission(current: dict[str, Any]) -> submission.Prepared:
    nomination_id = int(current["id"])
    config = await cycle_config(current["cycle"])
    dates = config.dates
    if current["status"] == N.DRAFT and not (dates.nomination_opens <= today() <= dates.nomination_closes):
        raise Conflict(
            Reason(
                "nomination.window_closed",
                f"推荐时间为{dates.nomination_opens}至{dates.nomination_closes}",
                f"nominations are accepted from {dates.nomination_opens} to {dates.nomination_closes}",
            )
        )
    data = stored_input(current)
    _, context = await _context(current["cycle"], current["society_id"], data, nomination_id)
    facts = data.facts(nomination_id)
    problems = rules.check_nomination(facts, config, context)
    if problems := [*problems, *await missing_on_submit(config, nomination_id, data.category)]:
        raise InvalidInput(problems)
    fp = rules.fingerprint(facts)
    quota = (
        await Quota.select(Quota.id)
        .where(
            (Quota.cycle == current["cycle"])
            & (Quota.society_id == current["society_id"])
            & (Quota.category == data.category)
        )
        .first()
    )
    category = CATEGORY_NAMES[Category(data.category)]

    async def index_contributors() -> None:
        # The contributor index the one-nomination-per-person rule reads, rebuilt on each submission.
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)
        for contributor in facts.contributors:
            await NominationContributor.insert(
                NominationContributor(
                    nomination=nomination_id,
                    cycle_id=current["cycle"],
                    id_number=normalise(contributor.id_number),
                    name=contributor.name,
                )
            )

    return submission.Prepared(
        quota_id=int(quota["id"]) if quota else None,
        quota_refusal=Reason(
            "quota.exhausted",
            f"本学会{category[0]}推荐名额已用完",
            f"your society's quota for {category[1]} is used up",
            "category",
        ),
        snapshot=data.model_dump(mode="json"),
        details={"category": data.category, "grade": data.grade},
        values={"fingerprint": json.dumps(fp.as_json(), ensure_ascii=False)},
        write=index_contributors,
    )


async def withdraw(actor: Actor, nomination_id: int) -> None:
    """Withdraw a submitted nomination where the cycle allows it: its quota place comes back."""

    async def allowed(current: dict[str, Any]) -> bool:
        return (await cycle_config(current["cycle"])).withdrawal_allowed

    async def unindex() -> None:
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)

    await submission.withdraw(PROJECT, actor, nomination_id, allowed, unindex)


async def snapshot(actor: Actor, nomination_id: int) -> dict[str, Any]:
    await get_nomination(actor, nomination_id)
    row = await Nomination.select(Nomination.snapshot).where(Nomination.id == nomination_id).first()
    return dict(json_value(row["snapshot"]) or {}) if row else {}

"""What an expert reads of an assigned item (its material): everything the submitted record
holds that bears on the merits, laid out as the nomination book's sections, with identity
numbers masked (an expert needs to know who, never the number) and nothing of any other
review. Pure: the services pass the submitted content in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuehui.idcard import mask

if TYPE_CHECKING:
    from nominations.schemas import NominationBody, RecommendationIn


def _section(heading: str, lines: list[str]) -> str:
    return "\n".join([f"【{heading}】", *(lines or ["—"])])


def nomination_material(title: str, body: NominationBody) -> str:
    """A nomination's material: title, summary, innovations, application and benefit, the
    contributors (masked identity numbers) and units, papers and patents."""
    people = [
        f"{n}. {c.name}（{mask(c.id_number)}）{c.unit} {c.title}：{c.contribution}".rstrip("：")
        for n, c in enumerate(body.contributors, start=1)
        if c.name
    ]
    papers = [
        f"{p.title}（{p.published_on.isoformat() if p.published_on else ''}；{'、'.join(p.authors)}）"
        for p in body.papers
        if p.title
    ]
    patents = [
        f"{p.number} {p.title}（{p.granted_on.isoformat() if p.granted_on else ''}）" for p in body.patents if p.number
    ]
    parts = [
        _section("项目名称", [title]),
        _section("项目简介", [body.summary] if body.summary else []),
        _section("主要创新点", [body.innovations] if body.innovations else []),
        _section("推广应用及经济社会效益", [body.application_benefits] if body.application_benefits else []),
        _section("主要完成人", people),
        _section("主要完成单位", [f"{n}. {u.name}" for n, u in enumerate(body.units, start=1) if u.name]),
        _section("代表性论文", papers),
        _section("知识产权", patents),
    ]
    return "\n\n".join(parts)


def recommendation_material(person: RecommendationIn, unit: str) -> str:
    """A recommended person's material: who (masked identity number), career, achievements,
    works and honours."""
    who = f"{person.name}（{mask(person.id_number)}）{unit} {person.title}".rstrip()
    parts = [
        _section("被推荐人", [who]),
        _section("学科领域", [person.discipline] if person.discipline else []),
        _section("工作经历", [person.career] if person.career else []),
        _section("主要成就与贡献", [person.achievements] if person.achievements else []),
        _section("代表性论著", [person.works] if person.works else []),
        _section("所获荣誉", [person.honours] if person.honours else []),
    ]
    return "\n\n".join(parts)

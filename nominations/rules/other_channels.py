"""The candidate lists of the other channels of an academician programme (其他渠道候选人名单): the
people a national society (全国学会), academicians or another provincial association put forward
in the same edition. CAE admits one channel per candidate, so a person on one of these lists
cannot also be recommended here. Pure parsing of the rows an admin imports (`.xlsx`: name,
identity number, channel, through whom), each bad cell reported with its row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nominations.rules.eligibility_facts import normalise_text
from nominations.rules.list_rows import RawRow, parse_list
from xuehui.errors import Reason
from xuehui.idcard import parse
from xuehui.vocabulary import Labelled

# The headers of a list, with the variants offices use.
CHANNEL_HEADERS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名", "候选人姓名", "候选人", "name", "candidate"),
    "id_number": ("身份证号码", "身份证号", "证件号码", "id number", "identity number"),
    "channel": ("推荐渠道", "渠道", "channel"),
    "via": ("推荐单位", "推荐单位或提名人", "提名人", "recommended by", "via"),
}
REQUIRED_HEADERS = ("name", "id_number", "channel")
# The template's header row, in column order.
TEMPLATE_HEADERS = ("姓名", "身份证号码", "推荐渠道", "推荐单位")
VIA_MAX = 100


class OtherChannel(Labelled, vocabulary="nominations.other_channel"):
    NATIONAL_SOCIETY = "national_society", "全国学会推荐", "Recommended by a national society"
    ACADEMICIANS = "academicians", "院士提名", "Nominated by academicians"
    PROVINCIAL_ASSOCIATION = (
        "provincial_association",
        "其他省级科协推荐",
        "Recommended by another provincial association",
    )


# Words offices write for each channel (after `normalise_text`), besides the labels.
CHANNEL_WORDS: Mapping[str, OtherChannel] = {
    "全国学会": OtherChannel.NATIONAL_SOCIETY,
    "学会推荐": OtherChannel.NATIONAL_SOCIETY,
    "院士": OtherChannel.ACADEMICIANS,
    "院士推荐": OtherChannel.ACADEMICIANS,
    "院士直接提名": OtherChannel.ACADEMICIANS,
    "省级科协": OtherChannel.PROVINCIAL_ASSOCIATION,
    "省科协": OtherChannel.PROVINCIAL_ASSOCIATION,
}
CHANNEL_LOOKUP: Mapping[str, OtherChannel] = {
    **{normalise_text(word): c for c in OtherChannel for word in (c.value, c.zh, c.en)},
    **{normalise_text(word): c for word, c in CHANNEL_WORDS.items()},
}


@dataclass(frozen=True, slots=True)
class ChannelRow:
    row: int  # as Excel shows it
    name: str
    id_number: str  # normalised
    channel: OtherChannel
    via: str


def _bad(field: str, row: int, column: str, zh: str, en: str) -> Reason:
    return Reason(f"other_channels.{field}", zh, en, field, row, column)


def parse_row(raw: RawRow) -> ChannelRow | list[Reason]:
    """One row, or every problem of it."""
    problems: list[Reason] = []
    text = {field: value.strip() for field, (value, _) in raw.cells.items()}
    column = {field: letter for field, (_, letter) in raw.cells.items()}
    name = text.get("name", "")
    if not name:
        problems.append(_bad("name", raw.row, column["name"], "姓名为空", "the name is empty"))
    card = parse(text.get("id_number", ""))
    if isinstance(card, Reason):
        problems.append(_bad("id_number", raw.row, column["id_number"], card.zh, card.en))
    shown = text.get("channel", "")
    channel = CHANNEL_LOOKUP.get(normalise_text(shown))
    if channel is None:
        problems.append(
            _bad(
                "channel",
                raw.row,
                column["channel"],
                f"推荐渠道“{shown}”无法识别，应为全国学会推荐、院士提名或其他省级科协推荐",
                f"unknown channel {shown!r}: write national society, academicians or provincial association",
            )
        )
    via = text.get("via", "")
    if len(via) > VIA_MAX:
        problems.append(
            _bad("via", raw.row, column["via"], f"推荐单位不能超过{VIA_MAX}个字", f"at most {VIA_MAX} characters")
        )
    if problems:
        return problems
    assert channel is not None and not isinstance(card, Reason)
    return ChannelRow(raw.row, name, card.number, channel, via)


def parse_rows(raws: Iterable[RawRow]) -> tuple[list[ChannelRow], list[Reason]]:
    """Every row parsed, and every problem of the file: bad cells and one person listed twice."""

    def listed_before(raw: RawRow, first: int) -> Reason:
        zh, en = f"此人在第{first}行已列出", f"this person is already listed on row {first}"
        return _bad("id_number", raw.row, raw.cells["id_number"][1], zh, en)

    return parse_list(raws, parse_row, lambda r: r.id_number, listed_before)


def channel_words(channel: str, via: str) -> tuple[str, str]:
    """How a refusal names the channel a person came through: "全国学会推荐（中国机械工程学会）"."""
    label = OtherChannel(channel)
    if not via:
        return label.zh, label.en
    return f"{label.zh}（{via}）", f"{label.en} ({via})"

"""What a score import changes: it replaces exactly the (candidate, subject) pairs it contains.

Compared with the plan's current scores, each pair of the file is added (no current score),
changed (old → new) or unchanged; a current score the file does not contain is kept, and is
removed (no longer current; its version stays) only when the office ticks it, and then only in the
subjects the file contains, so a subject-02 file never touches subject 01.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exams.rules.score_model import ScoreStatus

# (registration id, subject code, status, score as text or None): an import's record or a current score
ScoreRow = tuple[int, str, str, str | None]
# registration id -> (ticket number, name): how a change is shown
Who = Mapping[int, tuple[str, str]]
SHOWN_ROWS = 20  # changed and kept rows listed in the preview; the counts cover them all


@dataclass(frozen=True, slots=True)
class ScoreChanges:
    added: int
    unchanged: int
    changed: tuple[dict[str, Any], ...]  # the first SHOWN_ROWS: ticket, name, subject, old and new [status, score]
    changed_count: int
    kept_by_subject: Mapping[str, int]  # current scores not in the file, per subject
    kept: tuple[dict[str, Any], ...]  # the first SHOWN_ROWS of them
    removable: int  # those of the file's subjects: removed when the office ticks it
    removable_pairs: tuple[tuple[int, str], ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "changed": list(self.changed),
            "changed_count": self.changed_count,
            "kept_by_subject": dict(self.kept_by_subject),
            "kept": list(self.kept),
            "kept_count": sum(self.kept_by_subject.values()),
            "removable": self.removable,
        }


def shown_score(status: str, score: str | None, lang: str) -> str:
    """A score as the preview shows it: the number, the status label beside it when it is not present."""
    member = ScoreStatus.parse(status)
    label = member.label(lang) if member is not None else status
    if score is None:
        return label
    return score if status == ScoreStatus.PRESENT else f"{score} ({label})"


def score_changes(records: Sequence[ScoreRow], current: Iterable[ScoreRow], who: Who) -> ScoreChanges:
    now = {(reg, subject): (status, _same(score)) for reg, subject, status, score in current}
    in_file: set[tuple[int, str]] = set()
    added = unchanged = changed_count = 0
    changed: list[dict[str, Any]] = []
    for reg, subject, status, score in records:
        pair = (reg, subject)
        in_file.add(pair)
        old = now.get(pair)
        if old is None:
            added += 1
        elif old == (status, _same(score)):
            unchanged += 1
        else:
            changed_count += 1
            if len(changed) < SHOWN_ROWS:
                changed.append({**_who(who, reg, subject), "old": list(old), "new": [status, _same(score)]})
    subjects = {subject for _reg, subject in in_file}
    kept_by_subject: Counter[str] = Counter()
    kept: list[dict[str, Any]] = []
    removable: list[tuple[int, str]] = []
    for pair in sorted(set(now) - in_file, key=lambda p: (p[1], who.get(p[0], ("", ""))[0])):
        kept_by_subject[pair[1]] += 1
        if pair[1] in subjects:
            removable.append(pair)
        if len(kept) < SHOWN_ROWS:
            kept.append({**_who(who, *pair), "score": list(now[pair])})
    return ScoreChanges(
        added=added,
        unchanged=unchanged,
        changed=tuple(changed),
        changed_count=changed_count,
        kept_by_subject=dict(sorted(kept_by_subject.items())),
        kept=tuple(kept),
        removable=len(removable),
        removable_pairs=tuple(removable),
    )


def _same(score: str | None) -> str | None:
    """Scores compared as numbers: the database gives 75.0 where the file gave 75."""
    if score is None:
        return None
    text = str(score)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _who(who: Who, reg: int, subject: str) -> dict[str, Any]:
    ticket, name = who.get(reg, ("", ""))
    return {"ticket": ticket, "name": name, "subject": subject}

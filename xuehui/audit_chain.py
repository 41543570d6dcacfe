"""The audit log's hash chain: each entry carries the keyed hash (HMAC-SHA256 with the instance's
secret key) of its own content and of the entry written before it, so that a rewritten, removed
or forged entry shows when the log is verified, even by someone who could get round the
database's append-only triggers. Pure: the accounts package writes the entries, `xuehui audit
verify` and the backup check read them.

Under concurrent writers two entries may name the same predecessor (each saw the same last
entry); the chain is then a tree and stays verifiable: every named predecessor must be an earlier
entry, intact. Entries written before the chain began (no hash) are counted, not judged; once it
has begun every entry must carry one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The columns an entry's hash covers, in this order (all but the id and the hashes themselves).
CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "society_id",
    "summary",
    "ip",
    "note",
)
HASH_LENGTH = 64  # hex SHA-256


def _moment(value: dt.datetime | str) -> str:
    """The entry's time in one spelling, whether read through the ORM or straight from SQLite."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _canonical(name: str, value: Any) -> Any:
    if name == "at" and value is not None:
        return _moment(value)
    if isinstance(value, dict | list):  # a JSON column the driver decoded
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def entry_hash(key: str, previous: str, entry: Mapping[str, Any]) -> str:
    """The keyed hash of one entry's content after `previous` (the predecessor's hash)."""
    content = [previous, *(_canonical(name, entry.get(name)) for name in CHAINED_FIELDS)]
    message = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass
class ChainReport:
    entries: int = 0
    unchained: int = 0  # written before the chain began
    broken: list[tuple[int, str]] = field(default_factory=list)  # (entry id, what is wrong)

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_chain(key: str, entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Check every entry, in id order: its hash matches its content, and the predecessor it
    names is an earlier intact entry (or none, for the first entry of the chain)."""
    report = ChainReport()
    seen: set[str] = set()
    for entry in entries:
        report.entries += 1
        own, previous = entry.get("entry_hash") or "", entry.get("prev_hash") or ""
        if not own:
            if seen:
                report.broken.append((int(entry["id"]), "entry without a hash after the chain began"))
            else:
                report.unchained += 1
            continue
        if own != entry_hash(key, previous, entry):
            report.broken.append((int(entry["id"]), "content does not match its hash (rewritten or forged)"))
        elif previous and previous not in seen:
            report.broken.append((int(entry["id"]), "the entry it follows is missing or was rewritten"))
        elif not previous and seen:
            report.broken.append((int(entry["id"]), "a second start of the chain (forged)"))
        seen.add(own)
    return report

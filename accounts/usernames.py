"""Pure user-name rules for public sign-up: the canonical form a name is stored in (NFKC,
case-folded), the skeleton two names that look alike share (Unicode confusables, from the
maintained `confusable-homoglyphs` data), and the refusal of names that mix alphabets."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import categories, confusables

from xuehui.errors import Reason

# Alphabets whose letters pass for one another; a name may use one of them, not several.
# Han, kana, Hangul, digits and punctuation (COMMON) never count as a second alphabet.
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU"})
# Runs of ASCII that read as another letter at a glance; both sides fold to the same text.
ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("|", "l"))

MIXED_SCRIPTS = Reason(
    "user.username_mixed",
    "用户名不能混用不同的字母表（如拉丁字母与西里尔字母）",
    "the user name may not mix alphabets (such as Latin and Cyrillic letters)",
    "username",
)


def canonical_username(name: str) -> str:
    """The form a signed-up name is stored and compared in: NFKC (full-width `ａ` is `a`),
    then case-folded (`Admin` is `admin`)."""
    return unicodedata.normalize("NFKC", name.strip()).casefold()


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The ASCII letter a character passes for, or the character itself."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            text = unicodedata.normalize("NFKC", glyph["c"]).casefold()
            if text.isascii() and text.isalnum():
                return text
    return char


def username_skeleton(name: str) -> str:
    """What a name looks like: two names with the same skeleton are look-alikes (`Admin`,
    Cyrillic `аdmin`, full-width `ａdmin` and `adrnin` all read as `admin`)."""
    text = canonical_username(name)
    text = "".join(c if c.isascii() else _latin_lookalike(c) for c in text)
    for run, letter in ASCII_LOOKALIKES:
        text = text.replace(run, letter)
    return text


def username_script_problems(name: str) -> list[Reason]:
    """Refuse a name whose letters come from more than one look-alike alphabet."""
    scripts = {categories.alias(c) for c in canonical_username(name) if c.isalpha()}
    return [MIXED_SCRIPTS] if len(scripts & LOOKALIKE_SCRIPTS) > 1 else []

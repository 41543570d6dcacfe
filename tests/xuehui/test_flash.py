"""The flash message: carried signed in a cookie, read back exactly, and nothing from a forged
or a mangled cookie."""

import pytest

from xuehui.flash import FLASH_MAX, decode_flash, encode_flash

pytestmark = pytest.mark.pure


def test_a_flash_reads_back_as_it_was_written() -> None:
    assert decode_flash(encode_flash("推荐已提交。")) == "推荐已提交。"
    assert decode_flash(encode_flash("x" * (FLASH_MAX + 50))) == "x" * FLASH_MAX


def test_a_forged_or_mangled_flash_shows_nothing() -> None:
    value = encode_flash("草稿已保存。")
    payload, _, signature = value.partition(".")
    forged = encode_flash("请立即转账").partition(".")[0] + "." + signature
    assert [decode_flash(v) for v in (forged, payload, "", ".", value + "x", "%%%." + signature)] == [""] * 6

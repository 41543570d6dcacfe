"""Forging a ZIP's central directory, for the tests of hostile workbooks."""

from __future__ import annotations


def directory_entry(buf: bytes | bytearray, name: str) -> int:
    """Offset of `name`'s entry in the central directory."""
    at = 0
    while (at := buf.find(b"PK\x01\x02", at)) >= 0:
        length = int.from_bytes(buf[at + 28 : at + 30], "little")
        if bytes(buf[at + 46 : at + 46 + length]) == name.encode():
            return at
        at += 4
    raise AssertionError(f"{name} not in the central directory")


def rename_in_directory(data: bytes, name: str, new_name: str) -> bytes:
    """Make the ZIP lie about a name: the directory says `new_name`, the part's own header `name`."""
    assert len(name) == len(new_name)
    buf = bytearray(data)
    at = directory_entry(buf, name) + 46
    buf[at : at + len(name)] = new_name.encode()
    return bytes(buf)

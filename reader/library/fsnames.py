"""File names that are not valid UTF-8, made storable in SQLite and back.

Python decodes such names with ``surrogateescape`` (byte 0xE9 becomes U+DCE9), and SQLite
refuses lone surrogates. Those 128 code points are moved to the last 128 code points of
plane 16 (private use, never seen in real file names) and back, so the mapping is exact.
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\udc80-\udcff]")
_PARKED = re.compile("[\U0010ff80-\U0010ffff]")
_SHIFT = 0x10FF80 - 0xDC80


def to_db(name: str) -> str:
    """A file name or key as SQLite can store it."""
    if not _SURROGATES.search(name):
        return name
    return _SURROGATES.sub(lambda m: chr(ord(m.group()) + _SHIFT), name)


def from_db(name: str) -> str:
    """The original (``os.fsdecode``) form of a stored file name."""
    if not _PARKED.search(name):
        return name
    return _PARKED.sub(lambda m: chr(ord(m.group()) - _SHIFT), name)

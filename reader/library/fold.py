"""Search folding: Traditional→Simplified, width/compatibility forms, Latin accents, case.

``fold(text)`` maps every character on its own (never a phrase), so a folded string is
the concatenation of the folded characters and :func:`fold_with_map` can say, for each
folded character, which original character it came from:

- Traditional → Simplified Chinese with OpenCC's ``t2s`` character data (``長沙`` → ``长沙``,
  ``網絡誠信`` → ``网络诚信``); the per-character table is built once per process by
  converting every Han code point in one ``OpenCC('t2s').convert`` call (newline-separated,
  so no phrase rule applies; ~0.13 s, cheaper than converting characters one by one, 0.37 s);
- NFKC compatibility forms: full-/half-width (``ＡＩ`` → ``ai``, ``２０２１`` → ``2021``,
  ``ｶ`` → ``カ``), ligatures and squared forms (``ﬁ`` → ``fi``, ``㍱`` → ``hpa``: one
  character may become several; the map repeats its index);
- Latin diacritics removed and lower case, as FTS5's ``unicode61 remove_diacritics 2``
  does (``É`` → ``e``); Greek and Cyrillic keep their accents, like unicode61.

The table is closed (``fold(fold(x)) == fold(x)``) and lengths never shrink.

Hooking it in (the lead):

- index time (``index.fts_text``): feed FTS5 ``to_index_text(fold(title))``,
  ``to_index_text(fold(plain))`` and ``unigram_text(fold(title), fold(plain))``; keep
  storing the *original* plain text (``pack_plain``) for snippets and the reader. Store
  ``FOLD_VERSION`` in ``meta`` and rebuild the full-text tables once when it differs.
- query time (``search.term_expression`` / ``uni_expression`` / field filters): fold each
  term's text before splitting it into pieces.
- highlights/snippets (``search.make_snippet``, the article view): run the matcher on
  ``folded, where = fold_with_map(text)`` and turn a folded span into an original one
  with :func:`original_span`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import marshal
import os
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from reader import paths

FOLD_VERSION = 1
"""Bump when the folding changes: an index built with another version must be rebuilt."""

_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0))
_SCAN_LIMIT = 0x323B0  # past the last assigned ideograph; nothing above folds


def _t2s_chars() -> dict[str, str]:
    """OpenCC ``t2s`` applied to each Han character alone: {traditional: simplified}."""
    import opencc  # imported lazily: only when a text needs folding

    chars = [chr(c) for lo, hi in _HAN_RANGES for c in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a changed OpenCC contract
        raise RuntimeError("OpenCC t2s did not convert characters one to one")
    return {c: s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1}


def _latin(cp: int) -> bool:
    return 0xC0 <= cp < 0x250 or 0x1E00 <= cp < 0x1F00


def _strip_latin_accent(ch: str) -> str:
    if _latin(ord(ch)):
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii():
            return base
    return ch


def _step(ch: str, t2s: dict[str, str]) -> str:
    """One round of folding of one character (may return several characters)."""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        c = t2s.get(c, c)
        out.append(_strip_latin_accent(c).lower())
    return "".join(out)


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """The translate table of every character that folds."""
    table = _load_table()
    if table is None:
        table = _build_table()
        _save_table(table)
    return table


@lru_cache(maxsize=1)
def _odd_marks() -> _Identity:
    """Translate table marking every character that does not fold 1:1 with ``\x01`` (a regex
    of those ~1,200 characters took ~25 ms to compile; a table is built in ~1 ms)."""
    return _Identity({cp: "\x01" for cp, out in _table().items() if len(out) != 1})


def _table_file() -> Path | None:
    """Where the built table is kept between processes (the user's cache dir), keyed by
    everything it depends on: this module's version, Unicode's, OpenCC's installed data."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return None
    try:
        stamp = os.stat(Path(spec.origin).parent).st_mtime_ns
    except OSError:
        return None
    key = f"{FOLD_VERSION}-{unicodedata.unidata_version}-{sys.version_info[0]}-{stamp}"
    return paths.cache_dir() / f"fold-table-{key}.marshal"


def _load_table() -> dict[int, str] | None:
    """The cached table (≈ 130 KB, a few ms to load instead of ≈ 1 s to build), or None."""
    file = _table_file()
    if file is None:
        return None
    try:
        table = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    # Written whole by _save_table (temporary file, then rename), so a sample of its items
    # tells a table from something else; checking all ~10,000 cost 12 ms per process.
    if not isinstance(table, dict) or not table:
        return None
    sample = itertools.islice(table.items(), 0, None, max(1, len(table) // 64))
    if not all(isinstance(k, int) and isinstance(v, str) and v for k, v in sample):
        return None
    return table


def _save_table(table: dict[int, str]) -> None:
    """Best effort: an unwritable cache dir only costs the next process the build."""
    file = _table_file()
    if file is None:
        return
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(table))
        os.replace(tmp, file)
    except OSError:
        return
    # Tables of other versions (an upgrade, a new virtualenv) are never read again.
    for old in file.parent.glob("fold-table-*.marshal"):
        if old != file:
            with contextlib.suppress(OSError):
                old.unlink()


def _build_table() -> dict[int, str]:
    """Every character that folds → what it folds to (built from OpenCC and unicodedata)."""
    t2s = _t2s_chars()
    table: dict[int, str] = {}
    # Quick check in bulk: normalise and lower-case all characters in one call each
    # ("\n" never composes with a neighbour and no character folds to it). Unified
    # ideographs only fold through OpenCC; control characters and surrogates never fold.
    cps = [*range(0x20, 0x3400), *range(0x4DC0, 0x4E00), *range(0xA000, 0xD800)]
    cps += [*range(0xE000, 0x20000), *range(0x2F800, 0x2FA20)]
    chars = [chr(cp) for cp in cps]
    joined = "\n".join(chars)
    nfkc = unicodedata.normalize("NFKC", joined).split("\n")
    lower = joined.lower().split("\n")
    todo = {ord(c) for c, n, lo in zip(chars, nfkc, lower, strict=True) if n != c or lo != c}
    todo.update(map(ord, t2s))
    todo.update(range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for cp in sorted(todo):
        ch = chr(cp)
        out = _step(ch, t2s)
        for _ in range(4):  # iterate to a fixed point so that folding is idempotent
            again = "".join(_step(c, t2s) for c in out)
            if again == out:
                break
            out = again
        if out != ch:
            table[cp] = out
    return table


class _Identity(dict[int, "str | int"]):
    """Translate table that remembers misses (a miss would raise inside ``str.translate``)."""

    def __missing__(self, cp: int) -> int:
        self[cp] = cp
        return cp


@lru_cache(maxsize=1)
def _translate_table() -> _Identity:
    return _Identity(_table())


@lru_cache(maxsize=1)
def _arrays() -> tuple[Any, Any, Any, Any]:
    """numpy look-up tables: (1:1 code points, output lengths, row in ``odd``, ``odd``)."""
    import numpy as np

    table = _table()
    lut = np.arange(_SCAN_LIMIT + 1, dtype=np.uint32)
    lens = np.ones(_SCAN_LIMIT + 1, dtype=np.int64)
    rows = np.zeros(_SCAN_LIMIT + 1, dtype=np.int64)
    multi = {cp: out for cp, out in table.items() if len(out) > 1}
    odd = np.zeros((len(multi) + 1, max(map(len, multi.values()))), dtype=np.uint32)
    for cp, out in table.items():
        lut[cp] = ord(out[0])
    for row, (cp, out) in enumerate(multi.items(), 1):
        lens[cp] = len(out)
        rows[cp] = row
        odd[row, : len(out)] = [ord(c) for c in out]
    return lut, lens, rows, odd


_NUMPY_MIN = 50_000
"""Below this many characters ``str.translate`` (numpy is faster per character, but its
import costs a short-lived CLI process more than it saves)."""


def _fold_numpy(text: str, want_map: bool) -> tuple[str, list[int] | None]:
    import numpy as np

    lut, lens, rows, odd = _arrays()
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    high = cps >= _SCAN_LIMIT
    clipped = np.where(high, _SCAN_LIMIT, cps) if high.any() else cps
    n = lens[clipped]
    if int(n.max()) == 1:
        out = lut[clipped]
        where = list(range(len(text))) if want_map else None
    else:
        src = np.repeat(np.arange(len(cps)), n)
        offset = np.arange(len(src)) - (np.cumsum(n) - n)[src]
        from_cp = clipped[src]
        out = lut[from_cp]
        many = n[src] > 1
        out[many] = odd[rows[from_cp[many]], offset[many]]
        where = src.tolist() if want_map else None
    if high.any():
        kept = cps[src] if int(n.max()) > 1 else cps
        out = np.where(kept >= _SCAN_LIMIT, kept, out)
    folded = out.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return folded, where


def fold(text: str) -> str:
    """``text`` folded for search (see the module docstring); never shorter than ``text``."""
    if text.isascii():
        return text.lower()
    if len(text) < _NUMPY_MIN:
        return text.translate(_translate_table())
    return _fold_numpy(text, False)[0]


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``(fold(text), where)``: ``where[j]`` is the index in ``text`` of folded char ``j``.

    ``where`` is non-decreasing, has one entry per folded character and every entry is a
    valid index of ``text``.
    """
    folded, where = fold_mapped(text)
    return folded, list(range(len(text))) if where is None else where


def fold_mapped(text: str) -> tuple[str, list[int] | None]:
    """:func:`fold_with_map`, with None for the map when every character folded to one."""
    if len(text) >= _NUMPY_MIN and not text.isascii():
        return _fold_numpy(text, True)
    folded = fold(text)
    if len(folded) == len(text):  # folding never shrinks, so nothing expanded
        return folded, None
    table = _table()
    marked = text.translate(_odd_marks())
    positions: list[int] = []
    pos = 0
    i = marked.find("\x01")
    while i >= 0:
        out = table.get(ord(text[i]))
        if out is not None and len(out) != 1:  # not a literal \x01 of the text
            positions.extend(range(pos, i))
            positions.extend([i] * len(out))
            pos = i + 1
        i = marked.find("\x01", i + 1)
    positions.extend(range(pos, len(text)))
    return folded, positions


def original_span(where: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of original characters that folded span ``[start, end)`` came from."""
    if end <= start:
        pos = where[start] if start < len(where) else (where[-1] + 1 if where else 0)
        return pos, pos
    return where[start], where[end - 1] + 1


def warm() -> None:
    """Build the folding table now (it is built on first use otherwise, ~0.5 s)."""
    _table()

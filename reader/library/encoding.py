"""Bytes → text: BOMs, UTF-8, UTF-16/32, GB18030, Western code pages; binary files refused."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from reader.library.model import SkipFile

__all__ = ["decode_bytes"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 8192
# Control bytes that never appear in text (tab, newlines, form feed and ESC excluded).
_BINARY_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1A), 0x1C, 0x1D, 0x1E, 0x1F])
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_GB_ALIASES = {"gbk", "gb2312", "cp936", "ms936", "hz", "gb18030", "euc_cn", "euc-cn"}
_DETECT_MIN_HIGH = 200  # below this many non-ASCII bytes charset-normalizer guesses poorly


def decode_bytes(data: bytes, path: Path | None = None) -> str:
    """Decode file contents to ``str``; raise ``SkipFile("binary file")`` for binary data.

    ``path`` is only used to make the skip reason clearer; detection looks at the bytes.
    """
    if not data:
        return ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        utf16 = _bomless_utf16(sample)
        if utf16 is None:
            raise SkipFile("binary file (NUL bytes)")
        return data.decode(utf16, errors="replace")
    if len(sample.translate(None, _BINARY_BYTES)) < len(sample) * 0.9:
        raise SkipFile("binary file (control bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _bomless_utf16(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit at every other position, as in ASCII-heavy text."""
    half = len(sample) // 2
    if half < 2:
        return None
    odd_nuls = sample[1::2].count(0) / half
    even_nuls = sample[0::2].count(0) / half
    if odd_nuls > 0.3 and even_nuls < 0.02:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.02:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> str:
    """Decode data that is not valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if bad * 50 <= good:  # UTF-8 with a few broken bytes (e.g. a cut-off file)
        return text
    runs = _HIGH_RUN.findall(data)
    high_bytes = sum(map(len, runs))
    paired = sum(len(r) for r in runs if len(r) >= 2)
    if paired < high_bytes * 0.5:
        # Accented letters between ASCII ones: a Western single-byte code page. Detectors
        # confuse these with Central European pages, so decide directly.
        return _western(data)
    if high_bytes >= _DETECT_MIN_HIGH:
        detected = _detect(data)
        if detected:
            return data.decode(detected, errors="replace")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    detected = _detect(data)
    if detected:
        return data.decode(detected, errors="replace")
    return _western(data)


def _western(data: bytes) -> str:
    """Windows-1252 when every byte is defined there, else Latin-1 (which never fails)."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best guess, GB18030 instead of its subsets."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # the detector is a heuristic: never let it break a parse
        return None
    if best is None:
        return None
    encoding = best.encoding.lower()
    return "gb18030" if encoding in _GB_ALIASES else encoding

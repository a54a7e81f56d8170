"""Strip terminal escape sequences and control characters from untrusted text.

Article files are untrusted: a title holding ``ESC]52;…`` or ``ESC[2J`` must not reach the
terminal. Everything the library hands out passes through :func:`clean_text` or
:func:`clean_line`.
"""

from __future__ import annotations

import re

__all__ = ["clean_line", "clean_text", "printable"]

# Escape sequences (7-bit and 8-bit forms). Unterminated string sequences (OSC, DCS, …) end at
# a newline so that a stray ESC cannot swallow a whole article.
_ESCAPES = re.compile(
    r"""
      \x1b\[ [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # CSI
    | \x9b   [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # 8-bit CSI
    | [\x1b][\]PX^_] [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?  # OSC, DCS, SOS, PM, APC
    | [\x90\x98\x9d\x9e\x9f] [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?  # their 8-bit forms
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                       # other ESC sequences (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)
# C0 controls except \t and \n, DEL, C1 controls, lone surrogates.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]+")
_ESCAPE_STARTS = ("\x1b", "\x9b", "\x90", "\x98", "\x9d", "\x9e", "\x9f")


def clean_text(s: str) -> str:
    """Remove escape sequences and control characters; keep tabs and newlines.

    ``\\r\\n`` and lone ``\\r`` become ``\\n``. Never raises.
    """
    if not isinstance(s, str):
        s = str(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if any(ch in s for ch in _ESCAPE_STARTS):
        s = _ESCAPES.sub("", s)
    return _CONTROLS.sub("", s)


def clean_line(s: str) -> str:
    """:func:`clean_text`, then every whitespace run collapsed to one space, stripped."""
    return " ".join(clean_text(s).split())


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a raw byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(s: object) -> str:
    """Show untrusted text (a file name) on one line with every control character visible.

    Unlike :func:`clean_line` nothing is dropped: ``ESC`` becomes ``\\x1b``, a newline
    ``\\x0a`` and a raw byte of a non-UTF-8 name ``\\xe9``, so the name stays recognisable.
    """
    text = s if isinstance(s, str) else str(s)
    return _UNPRINTABLE.sub(_escape_char, text)

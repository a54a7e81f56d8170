"""CJK-aware line breaking by terminal cell width.

Text is cut into unbreakable *atoms* by one regular expression: a space run, a Latin word (kept
whole unless longer than the line), a number with a following CJK unit (``3万``, ``2021年``), a
single CJK character or emoji cluster — each with any opening punctuation glued to its front and
closing punctuation glued to its back, so no line starts with ``，`` or ends with ``「``.
Lines are then filled greedily. Styled text is handled as a plain string plus a span list and
only turned into :class:`rich.text.Text` once per output line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.text import Span, Text

from reader.render.cells import cells, chop

__all__ = ["CLOSING", "OPENING", "StyledText", "wrap_plain", "wrap_styled", "wrap_text"]

OPENING = "（「『【《〈“‘〔〖〘〚｛［＜([{"
CLOSING = "，。、；：？！）」』】》〉”’…—～·〕〗〙〛｝］＞％‰℃・ー々〆ゝゞ,.;:!?)]}%"
_UNITS = "万亿千百年月日号时分秒元个岁倍次位名"
_WIDE = (
    "\u1100-\u115f\u2e80-\u2fff\u3001-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f000-\U0001faff\U00020000-\U0003fffd"
)
_MOD = "\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff"
_RI = "\U0001f1e6-\U0001f1ff"


def _cls(chars: str) -> str:
    return "".join(re.escape(c) for c in chars)


_O, _C = _cls(OPENING), _cls(CLOSING)
_CLOSING_SET = frozenset(CLOSING)
_MARKER = re.compile(r"\[\d{1,6}\]")
_O_WIDE = _cls(c for c in OPENING if not c.isascii())  # type: ignore[arg-type]
_C_WIDE = _cls(c for c in CLOSING if not c.isascii())  # type: ignore[arg-type]
_LATIN = f"[^\\s{_WIDE}{_O_WIDE}{_C_WIDE}{_RI}]"
_LATIN_END = f"[^\\s{_WIDE}{_O_WIDE}{_C_WIDE}{_RI}{_cls('([{')}]"
_HAN = "\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
# Closing punctuation is glued to what precedes it, across spaces too (``FP64 、``, ``Greco 。``).
# A link marker ``[n]`` stays with the text or image placeholder it follows.
_TAIL = (
    f"(?:[{_C}{_MOD}]|\\[\\d{{1,6}}\\]"
    f"|[ \\t\\u3000]+(?=[{_cls(c for c in CLOSING if c != '.')}]))*"  # type: ignore[arg-type]
)
_RULE_RUN = r"(?:-{3,}|\*{3,}|_{3,}|={3,}|\+{3,}|~{3,})"
_ATOM = re.compile(
    f"(?P<sp>[ \\t\\u3000]+)"
    # ``--- ruby-1.8.2/…`` wrapped after its ``---`` would leave a line that reads as a rule.
    f"|(?P<rule>{_RULE_RUN}[ \\t]+(?:{_LATIN}*{_LATIN_END}|\\S){_TAIL})"
    f"|(?P<run>[{_O}]*(?P<letters>[{_HAN}]{{2,}}){_TAIL})"
    f"|[{_O}]*(?:[{_RI}]{{1,2}}|[{_WIDE}][{_MOD}]*(?:\\u200d\\S[{_MOD}]*)*"
    f"|{_LATIN}*{_LATIN_END}(?:(?<=\\d)[{_UNITS}])?|\\S){_TAIL}",
    re.S,
)
_WIDTHS: dict[str, int] = {}


def _width(atom: str) -> int:
    w = _WIDTHS.get(atom)
    if w is None:
        if len(_WIDTHS) > 50_000:
            _WIDTHS.clear()
        w = _WIDTHS[atom] = cells(atom)
    return w


def _hard_split(piece: str, offset: int, width: int) -> list[tuple[int, int]]:
    """Cut an atom longer than the line; no piece opens with closing punctuation if avoidable."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(len(piece)):
        if i > start and cells(piece[start : i + 1]) > width:  # clusters measured whole
            cut = i
            while cut - 1 > start and piece[cut:].lstrip(" \t\u3000")[:1] in _CLOSING_SET:
                cut -= 1
            for m in _MARKER.finditer(piece, max(start, cut - 8), cut + 8):
                if start < m.start() < cut < m.end():
                    cut = m.start()  # never inside a link marker
            out.append((start, cut))
            start = cut
    out.append((start, len(piece)))
    fixed: list[tuple[int, int]] = []
    for s, e in out:  # clusters measured wider than their characters: cut by cells
        if cells(piece[s:e]) <= width:
            fixed.append((s, e))
            continue
        for chunk in chop(piece[s:e], width):
            fixed.append((s, s + len(chunk)))
            s += len(chunk)
    return [(offset + s, offset + e) for s, e in fixed if e > s] or [(offset, offset + len(piece))]


class _Filler:
    """Greedy line filling over atoms; a run of CJK letters is placed arithmetically."""

    __slots__ = ("end", "lines", "pending", "start", "used", "width")

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[tuple[int, int]] = []
        self.start = -1  # start of the current line, -1 when empty
        self.end = 0
        self.used = 0
        self.pending = 0  # width of the spaces after ``end``

    def flush(self) -> None:
        if self.start >= 0:
            self.lines.append((self.start, self.end))
        self.start, self.used, self.pending = -1, 0, 0

    def atom(self, s: int, e: int, w: int, text: str) -> None:
        if self.start >= 0 and self.used + self.pending + w <= self.width:
            self.end, self.used, self.pending = e, self.used + self.pending + w, 0
            return
        self.flush()
        if w <= self.width:
            self.start, self.end, self.used = s, e, w
            return
        pieces = _hard_split(text, s, self.width)
        self.lines.extend(pieces[:-1])
        self.start, self.end = pieces[-1]
        self.used = cells(text[self.start - s : self.end - s])

    def run(self, s: int, ls: int, le: int, e: int, lead_w: int, tail_w: int) -> None:
        """Letters ``ls:le`` (2 cells each) with opening punctuation before, closing after.

        A break may fall between any two letters, never inside the glued punctuation.
        """
        n = le - ls
        pos = 0  # next letter to place
        while pos < n:
            lead = lead_w if pos == 0 else 0
            avail = self.width - (self.used + self.pending if self.start >= 0 else 0)
            k = min(n - pos, (avail - lead) // 2)
            if k == n - pos and lead + 2 * k + tail_w > avail:
                k -= 1
            if k <= 0:
                if self.start >= 0:
                    self.flush()
                    continue
                k = 1  # too narrow even for one letter: the safety net cuts the line
            done = pos + k == n
            first = s if pos == 0 else ls + pos
            width = lead + 2 * k + (tail_w if done else 0)
            if self.start < 0:
                self.start, self.used = first, width
            else:
                self.used += self.pending + width
            self.end, self.pending = (e if done else ls + pos + k), 0
            pos += k
            if not done:
                self.flush()


_RULE = re.compile(_RULE_RUN)


def _last_break(plain: str, start: int, end: int) -> int:
    """Where the last atom (or the last letter of a CJK run) of ``plain[start:end]`` begins."""
    last = None
    for m in _ATOM.finditer(plain, start, end):
        if m.lastgroup != "sp":
            last = m
    if last is None:
        return start
    if last.lastgroup == "run" and last.end("letters") - 1 > last.start():
        return last.end("letters") - 1
    return last.start()


def _no_lone_rules(plain: str, lines: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """A wrapped line that is only ``---`` (or ``***``, ``===``…) reads as a rule: give it a word.

    A rule-like run is glued to the word after it (``_ATOM``), so only a final one can be left
    alone: the word before it moves down when it fits. A paragraph that is only a rule is kept.
    """
    if len(lines) < 2 or not _RULE.search(plain):
        return lines
    out = list(lines)
    for i in range(1, len(out)):
        s, e = out[i]
        if _RULE.fullmatch(plain[s:e]):
            ps, pe = out[i - 1]
            cut = _last_break(plain, ps, pe)
            if cut > ps and cells(plain[cut:e]) <= width:
                out[i - 1], out[i] = (ps, ps + len(plain[ps:cut].rstrip())), (cut, e)
    return out


def wrap_plain(plain: str, width: int) -> list[tuple[int, int]]:
    """Line ranges ``(start, end)`` into ``plain`` (one line, no ``\\n``), each ≤ ``width`` cells.

    Spaces at a break are dropped; an empty or blank string gives one empty line.
    """
    width = max(1, width)
    if plain.isascii() and len(plain) <= width:
        return [(0, len(plain.rstrip()))]
    filler = _Filler(width)
    for m in _ATOM.finditer(plain):
        kind = m.lastgroup
        if kind == "sp":
            if filler.start >= 0:
                filler.pending += _width(m.group())
        elif kind == "run":
            s, e = m.span()
            ls, le = m.span("letters")
            lead = _width(plain[s:ls]) if ls > s else 0
            tail = _width(plain[le:e]) if e > le else 0
            filler.run(s, ls, le, e, lead, tail)
        else:
            text = m.group()
            filler.atom(m.start(), m.end(), _width(text), text)
    filler.flush()
    if not filler.lines:
        return [(0, 0)]
    lines = _no_lone_rules(plain, filler.lines, width)
    # Safety net: grapheme rules may measure a joined line differently from its atoms.
    checked: list[tuple[int, int]] = []
    for s, e in lines:
        if cells(plain[s:e]) <= width:
            checked.append((s, e))
        else:
            checked.extend(_hard_split(plain[s:e], s, width))
    return checked


class StyledText:
    """A plain string being built with ``(start, end, style)`` spans; cheap to append to."""

    __slots__ = ("_parts", "length", "spans")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.spans: list[tuple[int, int, Style | str]] = []
        self.length = 0

    def append(self, text: str, style: Style | str | None = None) -> None:
        if not text:
            return
        if style:
            self.spans.append((self.length, self.length + len(text), style))
        self._parts.append(text)
        self.length += len(text)

    def stylize(self, start: int, end: int, style: Style | str) -> None:
        if end > start:
            self.spans.append((start, end, style))

    @property
    def plain(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    @classmethod
    def from_text(cls, text: Text) -> StyledText:
        st = cls()
        st.append(text.plain)
        st.spans = [(sp.start, sp.end, sp.style) for sp in text.spans]
        return st


def _slice_lines(
    plain: str,
    spans: Sequence[tuple[int, int, Style | str]],
    ranges: Iterable[tuple[int, int]],
    base: Style | str = "",
) -> list[Text]:
    """Build one Text per range with the spans clipped to it (sweep, no per-char slicing)."""
    order = sorted(spans, key=lambda sp: sp[0])
    k = 0
    active: list[tuple[int, int, Style | str]] = []
    out: list[Text] = []
    for s, e in ranges:
        while k < len(order) and order[k][0] < e:
            active.append(order[k])
            k += 1
        if active:
            active = [sp for sp in active if sp[1] > s]
        line_spans = [
            Span(max(a, s) - s, min(b, e) - s, st) for a, b, st in active if a < e and b > s
        ]
        out.append(Text(plain[s:e], style=base, spans=line_spans, end=""))
    return out


def wrap_styled(st: StyledText, width: int, base: Style | str = "") -> list[Text]:
    """Wrap a :class:`StyledText` (``\\n`` = forced break) into Text lines ≤ ``width`` cells."""
    plain = st.plain
    ranges: list[tuple[int, int]] = []
    pos = 0
    for segment in plain.split("\n"):
        ranges.extend((pos + s, pos + e) for s, e in wrap_plain(segment, width))
        pos += len(segment) + 1
    return _slice_lines(plain, st.spans, ranges, base)


def wrap_text(text: Text, width: int) -> list[Text]:
    """CJK-aware wrapping of a rich Text by cell width; styles and the base style preserved."""
    return wrap_styled(StyledText.from_text(text), width, text.style)

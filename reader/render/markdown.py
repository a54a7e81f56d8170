"""Terminal Markdown (the dialect of :mod:`reader.library.convert`) → wrapped rich Text lines.

markdown-it parses; this module walks its flat token stream keeping a stack of containers
(blockquotes, list items) that supply line prefixes, and wraps every block with the CJK-aware
breaker. Article text only ever enters ``Text`` as plain strings: it can never act as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.style import Style
from rich.text import Text

from reader.library.mdparser import markdown_parser
from reader.library.sanitize import clean_line, clean_text
from reader.render import styles
from reader.render.cells import cells, chop
from reader.render.highlight import apply_highlight
from reader.render.linebreak import StyledText, wrap_plain, wrap_styled

__all__ = ["layout_markdown"]

_MARKER = re.compile(r"\[(\d{1,6})\]")
_IMAGE = re.compile(r"\[image(?::[^\]\n]*)?\]")
_BULLETS = ("• ", "◦ ", "▪ ")
_QUOTE = "▌ "


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = markdown_parser()
    md.disable("text_join")  # keep escapes apart, so ``\[1\]`` is never a link marker
    return md


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in "WF"


@dataclass(slots=True)
class _Container:
    kind: str  # "quote" or "item"
    marker: str = ""
    tight: bool = False
    used: bool = False


class _Renderer:
    def __init__(self, width: int, link_count: int | None) -> None:
        self.width = max(1, width)
        self.link_count = link_count
        self.lines: list[Text] = []
        self.stack: list[_Container] = []
        self.lists: list[list[int]] = []  # per open list: [next number, is_ordered, tight]
        self.want_gap = False

    # -- prefixes and emission -----------------------------------------------------------
    def _indent(self) -> int:
        return sum(cells(c.marker) if c.kind == "item" else 2 for c in self.stack)

    def _prefixed(self) -> bool:
        """Containers draw prefixes only while they take at most half the width."""
        return bool(self.stack) and self._indent() <= self.width // 2

    def _avail(self) -> int:
        return self.width - self._indent() if self._prefixed() else self.width

    def _prefix(self, blank: bool = False) -> Text:
        prefix = Text(end="")
        for c in self.stack:
            if c.kind == "quote":
                prefix.append(_QUOTE, styles.QUOTE_BAR)
            elif not c.used and not blank:
                prefix.append(c.marker, styles.BULLET)
            else:
                prefix.append(" " * cells(c.marker))
        return prefix

    def emit(self, lines: Sequence[Text], strip: bool = True) -> None:
        for line in lines:
            if self._prefixed():
                text = self._prefix()
                text.append_text(line)
                for c in self.stack:
                    c.used = True
            else:
                text = line
            if strip:
                text.rstrip()
            self.lines.append(text)

    def gap(self) -> None:
        if self.lines and self.want_gap:
            blank = self._prefix(blank=True) if self._prefixed() else Text(end="")
            blank.rstrip()
            self.lines.append(blank)
        self.want_gap = False

    # -- inline ----------------------------------------------------------------------------
    def inline(self, tokens: Sequence[Token] | None) -> StyledText:
        st = StyledText()
        opened: list[tuple[int, Style]] = []
        style_for = {
            "strong_open": styles.STRONG,
            "em_open": styles.EMPHASIS,
            "s_open": styles.STRIKE,
            "link_open": styles.LINK_TEXT,
        }
        for i, tok in enumerate(tokens or ()):
            kind = tok.type
            if kind == "text":
                start = st.length
                st.append(tok.content)
                if "[" in tok.content:
                    self._markers(st, start, tok.content)
            elif kind == "text_special" or kind == "html_inline":
                st.append(tok.content)
            elif kind == "code_inline":
                st.append(tok.content, styles.CODE_INLINE)
            elif kind == "softbreak":
                before = tokens[i - 1].content[-1:] if i else ""  # type: ignore[index]
                after = tokens[i + 1].content[:1] if i + 1 < len(tokens) else ""  # type: ignore[arg-type,index]
                st.append("" if _wide(before) and _wide(after) else " ")
            elif kind == "hardbreak":
                st.append("\n")
            elif kind == "image":
                alt = tok.content or "".join(c.content for c in tok.children or ())
                st.append(f"[image: {alt}]" if alt else "[image]", styles.IMAGE)
            elif kind in style_for:
                opened.append((st.length, style_for[kind]))
            elif kind.endswith("_close") and opened:
                start, style = opened.pop()
                st.stylize(start, st.length, style)
        return st

    def _markers(self, st: StyledText, start: int, content: str) -> None:
        for m in _MARKER.finditer(content):
            n = int(m.group(1))
            if self.link_count is None or 1 <= n <= self.link_count:
                st.stylize(start + m.start(), start + m.end(), styles.LINK_MARKER)
        for m in _IMAGE.finditer(content):
            st.stylize(start + m.start(), start + m.end(), styles.IMAGE)

    # -- blocks ----------------------------------------------------------------------------
    def paragraph(self, inline: Token, hidden: bool, base: Style | str = "") -> None:
        if not hidden:
            self.gap()
        if any(c.kind == "quote" for c in self.stack):
            extra = Style.parse(base) if isinstance(base, str) else base
            base = styles.QUOTE_TEXT + extra if base else styles.QUOTE_TEXT
        self.emit(wrap_styled(self.inline(inline.children), self._avail(), base))
        self.want_gap = True

    def code(self, content: str, lang: str = "") -> None:
        """A code block: optional language label, lines padded to the width in the code
        style; a line too long is cut and its continuation rows start with a ``↪`` mark."""
        self.gap()
        avail = self._avail()
        pad = "  " if avail > 8 else ""
        inner = max(1, avail - len(pad))
        out: list[Text] = []
        lang = clean_line(lang).split()[0] if lang.strip() else ""
        if lang:
            out.append(Text(("── " + lang)[:avail], styles.CODE_LABEL, end=""))
        for raw in content.rstrip("\n").split("\n"):
            line = raw.expandtabs(4).rstrip()
            chunks = [line] if cells(line) <= inner else chop(line, inner)
            indent = line[: len(line) - len(line.lstrip())]
            if cells(indent) > inner // 2:
                indent = ""
            more = max(1, inner - cells(indent) - (0 if pad else 1))
            rest = chop("".join(chunks[1:]), more) if chunks[1:] else []
            out.append(self._code_row(pad, chunks[0], avail, False))
            out.extend(self._code_row(pad, indent + chunk, avail, True) for chunk in rest)
        self.emit(out, strip=False)
        self.want_gap = True

    @staticmethod
    def _code_row(pad: str, code: str, avail: int, more: bool) -> Text:
        lead = ("↪" + pad[1:] if pad else "↪") if more else pad
        fill = " " * max(0, avail - cells(lead + code))
        text = Text(lead + code + fill, styles.CODE_BLOCK, end="")
        if more:
            text.stylize(styles.CODE_MORE, 0, 1)
        return text

    def plain_block(self, content: str) -> None:
        self.gap()
        avail = self._avail()
        out: list[Text] = []
        for line in content.rstrip("\n").split("\n"):
            out.extend(Text(line[s:e], end="") for s, e in wrap_plain(line, avail))
        self.emit(out)
        self.want_gap = True

    def rule(self) -> None:
        self.gap()
        self.emit([Text("─" * self._avail(), styles.RULE, end="")])
        self.want_gap = True

    def table(self, rows: list[tuple[bool, list[StyledText]]]) -> None:
        self.gap()
        from reader.render.table import layout_table

        self.emit(layout_table(rows, self._avail()))
        self.want_gap = True

    # -- driver ----------------------------------------------------------------------------
    def render(self, tokens: list[Token]) -> list[Text]:
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            kind = tok.type
            if kind == "paragraph_open":
                self.paragraph(tokens[i + 1], tok.hidden)
                i += 3
                continue
            if kind == "heading_open":
                level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
                self.gap()
                self.want_gap = True
                self.paragraph(tokens[i + 1], True, styles.HEADINGS[min(level, 6) - 1])
                i += 3
                continue
            if kind in ("fence", "code_block"):
                self.code(tok.content, tok.info if kind == "fence" else "")
            elif kind == "html_block":
                self.plain_block(tok.content)
            elif kind == "hr":
                self.rule()
            elif kind == "blockquote_open":
                self.gap()
                self.stack.append(_Container("quote"))
            elif kind == "blockquote_close":
                if self.stack:
                    self.stack.pop()
                self.want_gap = True
            elif kind in ("bullet_list_open", "ordered_list_open"):
                parent_tight = bool(self.stack) and self.stack[-1].kind == "item"
                if not parent_tight:
                    self.gap()
                start = int(tok.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 0
                tight = (
                    i + 2 < n and tokens[i + 2].type == "paragraph_open" and tokens[i + 2].hidden
                )
                self.lists.append([start, kind == "ordered_list_open", tight])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
                self.want_gap = True
            elif kind == "list_item_open":
                number, ordered, item_tight = self.lists[-1] if self.lists else [0, 0, 1]
                if ordered:
                    marker = f"{tok.info or number}. "
                    self.lists[-1][0] = number + 1
                else:
                    depth = sum(1 for lst in self.lists if not lst[1]) - 1
                    marker = _BULLETS[max(0, depth) % len(_BULLETS)]
                if not item_tight:
                    self.gap()
                self.stack.append(_Container("item", marker, bool(item_tight)))
            elif kind == "list_item_close":
                if self.stack and not self.stack[-1].used:
                    self.emit([Text(end="")])  # an empty item still shows its marker
                if self.stack:
                    self.stack.pop()
                self.want_gap = not (self.lists and self.lists[-1][2])
            elif kind == "table_open":
                i = self._table(tokens, i)
                continue
            i += 1
        return self.lines

    def _table(self, tokens: list[Token], i: int) -> int:
        rows: list[tuple[bool, list[StyledText]]] = []
        header = False
        n = len(tokens)
        i += 1
        while i < n and tokens[i].type != "table_close":
            kind = tokens[i].type
            if kind == "thead_open":
                header = True
            elif kind == "thead_close":
                header = False
            elif kind == "tr_open":
                rows.append((header, []))
            elif kind in ("th_open", "td_open") and rows:
                inline = tokens[i + 1] if i + 1 < n and tokens[i + 1].type == "inline" else None
                rows[-1][1].append(self.inline(inline.children if inline else None))
            i += 1
        self.table(rows)
        return i + 1


def layout_markdown(
    md: str,
    width: int,
    *,
    highlight: Sequence[str] = (),
    link_count: int | None = None,
) -> list[Text]:
    """Render Markdown to Text lines no wider than ``width`` cells.

    ``link_count`` (when known) limits which ``[n]`` markers are styled as link references.
    """
    text = clean_text(md).replace("\t", "    ")
    renderer = _Renderer(width, link_count)
    try:
        tokens = _parser().parse(text)
        lines = renderer.render(tokens)
    except Exception:  # never fail to show an article: fall back to wrapped plain text
        renderer = _Renderer(width, link_count)
        renderer.plain_block(text)
        lines = renderer.lines
    if highlight:
        apply_highlight(lines, highlight)
    return lines

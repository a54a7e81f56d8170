"""Article bodies (HTML, or Markdown holding HTML) → terminal Markdown plus a numbered link list.

The produced dialect (see docs/ARCHITECTURE.md): no hard wrapping; links are ``text[n]`` and
images ``[image: alt or 600×400][n]`` where ``n`` is the 1-based position in the returned link
list; literal brackets, ``*``, ``_`` and backticks from the article are backslash-escaped so they
can never pose as markers; emphasis always uses ``*``/``**`` placed so that CommonMark renders it
even next to CJK punctuation; ``<br>`` becomes a backslash hard break; code blocks are fenced.

html2text does the heavy lifting. :class:`_Converter` intercepts links, images, emphasis,
tables, ``<pre>`` and unwanted elements and writes private-use sentinel characters that
:func:`_finish` turns into the final syntax once the whole text is known.

(About 650 lines, kept whole on purpose: the converter subclass and :func:`_finish` share
the sentinel protocol, which is private to this module; generator code blocks are normalised
before it, in :mod:`.codeblocks`, and the Markdown parser set-up lives in :mod:`.mdparser`.)
"""

from __future__ import annotations

import functools
import html
import re

import html2text

from reader.library.codeblocks import normalize_code_blocks
from reader.library.mdparser import is_punct_or_space, markdown_html
from reader.library.sanitize import clean_line, clean_text
from reader.library.sniff import looks_like_html

__all__ = [
    "html_to_markdown",
    "markdown_to_markdown",
    "markdown_to_plain",
    "to_markdown",
]

# Sentinels (private-use characters, removed from the input first).
_LINK = "\ue000"  # _LINK + number + _END  → "[n]"
_END = "\ue001"
_S_OPEN, _S_CLOSE = "\ue002", "\ue003"  # strong
_E_OPEN, _E_CLOSE = "\ue004", "\ue005"  # emphasis
_T_OPEN, _T_CLOSE = "\ue006", "\ue007"  # outermost table
_ESC = {"\ue008": "\\|", "\ue009": "\\*", "\ue00a": "\\_", "\ue00b": "\\[", "\ue00c": "\\]"}
_ESC_IN = {"*": "\ue009", "[": "\ue00b", "]": "\ue00c", "`": "\ue00d"}
_ESC["\ue00d"] = "\\`"
_PUA_RE = re.compile("[\ue000-\ue00f]")
_SENTINEL_RE = re.compile("[\ue000-\ue00f]")

_DROP_TAGS = frozenset(
    {"script", "style", "iframe", "noscript", "svg", "math", "button", "select"}
    | {"textarea", "object", "embed", "video", "audio", "canvas", "template", "head", "title"}
    | {"nav"}
)
_VOID_DROP = frozenset({"input"})
_LAZY_ATTRS = ("data-original", "data-src", "data-lazy-src", "data-actualsrc", "data-url", "src")
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "about:")
_PLACEHOLDER_IMG = re.compile(
    r"(?:^|/)(?:blank|spacer|pixel|1x1|transparent|grey|gray|loading|lazy|placeholder)"
    r"[^/]*\.(?:gif|png|svg)(?:[?#].*)?$",
    re.I,
)
_FILENAME_ALT = re.compile(r"^[\w.-]+\.(?:jpe?g|png|gif|webp|bmp|svg|avif|tiff?)$", re.I)
_INT_RE = re.compile(r"\s*(\d{1,6})(?:\.\d+)?\s*(?:px)?\s*$", re.I)
_UNDERSCORE_RE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def _clean_url(value: str | None, *, image: bool = False) -> str | None:
    """A usable URL, or None for empty, fragment-only, script/data or placeholder URLs."""
    if not value:
        return None
    url = clean_line(value)
    compact = re.sub(r"[\s\x00-\x20]+", "", url).lower()
    if not url or url.startswith("#") or compact.startswith(_BAD_SCHEMES):
        return None
    if image and _PLACEHOLDER_IMG.search(url):
        return None
    if url.startswith("//"):
        url = "https:" + url
    return url.replace(" ", "%20")


def _to_int(value: str | None) -> int | None:
    m = _INT_RE.match(value) if value else None
    return int(m.group(1)) if m else None


def _image_size(attrs: dict[str, str | None]) -> tuple[int | None, int | None]:
    """Width and height from data-size="600,400", data-width/height or width/height."""
    size = attrs.get("data-size")
    if size:
        parts = re.split(r"[,x×*\s]+", size.strip())
        if len(parts) == 2:
            w, h = _to_int(parts[0]), _to_int(parts[1])
            if w and h:
                return w, h
    for wk, hk in (("data-width", "data-height"), ("width", "height")):
        w, h = _to_int(attrs.get(wk)), _to_int(attrs.get(hk))
        if w is not None and h is not None:
            return w, h
    return None, None


def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]*_`])", r"\\\1", text)


_CODE_TAGS = frozenset({"code", "kbd", "tt"})


class _Converter(html2text.HTML2Text):
    """html2text with our own handling of links, images, emphasis, tables, code and junk."""

    def __init__(self, ignore: frozenset[str] = frozenset()) -> None:
        super().__init__(bodywidth=0)
        self._ignore = _VOID_DROP | ignore  # tags skipped without dropping their content
        self.unclosed: str | None = None  # a dropped element still open at the end
        self.body_width = 0
        self.unicode_snob = True
        self.ul_item_mark = "-"
        self.emphasis_mark = "*"
        self.strong_mark = "**"
        self.use_automatic_links = False
        self.links: list[str] = []
        self._numbers: dict[str, int] = {}
        self._drop = 0
        self._pre_depth = 0
        self._pre_buf: list[str] = []
        self._pre_lang = ""
        self._astack: list[tuple[str | None, int]] = []
        self._last_image: tuple[str, int] | None = None
        self._emph_count = {"s": 0, "e": 0}
        self._active: str | None = None
        self._table_depth = 0
        self._cell_depth = 0
        self._li_outcount = -1
        self._inline_code: list[str] | None = None  # text of an open <code> outside <pre>

    # -- helpers -------------------------------------------------------------------------
    def _number(self, url: str) -> int:
        n = self._numbers.get(url)
        if n is None:
            self.links.append(url)
            n = self._numbers[url] = len(self.links)
        return n

    def _open_emph(self, kind: str) -> None:
        self._active = kind
        self.o(_S_OPEN if kind == "s" else _E_OPEN)

    def _outside_emphasis(self, data: str) -> None:
        """Write ``data`` (a marker) outside any open emphasis run, reopening it afterwards."""
        kind = self._active
        if kind is None:
            self.o(data)
            return
        self.o(_S_CLOSE if kind == "s" else _E_CLOSE)
        self.o(data)
        self.o(_S_OPEN if kind == "s" else _E_OPEN)

    def _emphasis(self, kind: str, start: bool) -> None:
        if start:
            self._emph_count[kind] += 1
            if self._active is None and not (self.code or self.inheader):
                self._open_emph(kind)
            return
        self._emph_count[kind] = max(0, self._emph_count[kind] - 1)
        if self._active == kind and self._emph_count[kind] == 0:
            self.o(_S_CLOSE if kind == "s" else _E_CLOSE)
            self._active = None
            other = "e" if kind == "s" else "s"
            if self._emph_count[other] and not (self.code or self.inheader):
                self._open_emph(other)

    def _anchor(self, attrs: dict[str, str | None], start: bool) -> None:
        if start:
            self._astack.append((_clean_url(attrs.get("href")), self.outcount))
            return
        if not self._astack:
            return
        url, count = self._astack.pop()
        if url is None or self.outcount == count:
            return
        if self._last_image == (url, self.outcount):
            return  # a link that only wraps the same image
        self._outside_emphasis(f"{_LINK}{self._number(url)}{_END}")

    def _image(self, attrs: dict[str, str | None]) -> None:
        url = None
        for key in _LAZY_ATTRS:
            url = _clean_url(attrs.get(key), image=True)
            if url:
                break
        w, h = _image_size(attrs)
        if w is not None and h is not None and w <= 2 and h <= 2:
            return  # tracking pixel
        alt = clean_line(attrs.get("alt") or attrs.get("title") or "")
        if _FILENAME_ALT.match(alt):
            alt = ""
        if not url and not alt:
            return
        label = alt or (f"{w}×{h}" if w and h else "")
        text = "[" + _escape_label(f"image: {label}" if label else "image") + "]"
        if url:
            text += f"[{self._number(url)}]"
        self._outside_emphasis(text)
        if url:
            self._last_image = (url, self.outcount)

    def _line_prefix(self) -> str:
        bq = (">" * self.blockquote + " ") if self.blockquote else ""
        return bq + (self.list_code_indent if self.list else "")

    def _emit_pre(self) -> None:
        code = "".join(self._pre_buf).replace("\xa0", " ").expandtabs(4)
        code = code.removeprefix("\r\n").removeprefix("\n").rstrip()
        lines = [line.rstrip() for line in code.split("\n")]
        runs = re.findall(r"`{3,}", code)
        fence = "`" * max([3, *(len(r) + 1 for r in runs)])
        indent = self.list_code_indent if self.list else ""
        prefix = self._line_prefix()
        body = [fence + self._pre_lang, *lines, fence]
        self.p()
        self.o(indent + ("\n" + prefix).join(body))
        self.p()

    def _code_span(self, tag: str, start: bool) -> None:
        """Inline code, written once closed with a backtick run longer than any inside it.

        html2text writes a single backtick on each side, so ``<code>```{r}</code>`` came out
        as ``````{r}``` and read as broken fences. Tags inside the span only give a space
        (``<br>``) or nothing.
        """
        if tag not in _CODE_TAGS:
            if tag == "br" and start and self._inline_code is not None:
                self._inline_code.append(" ")
            return
        if start:
            if self._inline_code is None:
                self._inline_code = []
            return
        if self._inline_code is None:
            return
        content = " ".join("".join(self._inline_code).split())
        self._inline_code = None
        if not content:
            return
        ticks = "`" * (max((len(r) for r in re.findall("`+", content)), default=0) + 1)
        pad = " " if content[0] == "`" or content[-1] == "`" else ""
        self.code = True  # html2text escapes nothing in code
        super().handle_data(f"{ticks}{pad}{content}{pad}{ticks}")
        self.code = False

    # -- html2text hooks -----------------------------------------------------------------
    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        if tag in self._ignore:
            return
        if self._drop:
            if tag in _DROP_TAGS:
                self._drop += 1 if start else -1
            return
        if tag in _DROP_TAGS:
            if start:
                self._drop = 1
                self.unclosed = tag
            return
        if self._pre_depth:
            if tag == "pre":
                self._pre_depth += 1 if start else -1
                if not self._pre_depth:
                    self._emit_pre()
            elif tag == "br" and start:
                self._pre_buf.append("\n")
            elif tag == "code" and start and not self._pre_lang:
                m = re.search(r"(?:lang(?:uage)?-)([\w+#.-]+)", attrs.get("class") or "")
                self._pre_lang = m.group(1) if m else ""
            return
        if tag == "pre":
            if start:
                self._pre_depth, self._pre_buf, self._pre_lang = 1, [], ""
            return
        if tag in _CODE_TAGS or self._inline_code is not None:
            self._code_span(tag, start)
            return
        if tag == "a":
            self._anchor(attrs, start)
        elif tag == "img":
            if start:
                self._image(attrs)
        elif tag in ("strong", "b"):
            self._emphasis("s", start)
        elif tag in ("em", "i"):
            self._emphasis("e", start)
        elif tag in ("s", "del", "strike"):
            if not (self.code or self.inheader):
                self.o("~~")  # html2text would add a space after the closing run
        elif tag in ("u", "abbr", "font", "span"):
            pass
        elif tag == "br":
            if start:
                self.o(" " if self._cell_depth else "  \n" + self._line_prefix())
        elif tag == "table":
            if start:
                self._table_depth += 1
                if self._table_depth == 1:
                    self.p()
                    self.o(_T_OPEN)
                super().handle_tag(tag, attrs, start)
            else:
                super().handle_tag(tag, attrs, start)
                self._table_depth = max(0, self._table_depth - 1)
                if self._table_depth == 0:
                    self.pbr()
                    self.o(_T_CLOSE)
                    self.p()
        elif tag in ("td", "th"):
            self._cell_depth = max(0, self._cell_depth + (1 if start else -1))
            super().handle_tag(tag, attrs, start)
        elif tag in ("p", "div") and self.list and not self._cell_depth:
            if start and self.outcount > self._li_outcount:
                self.o("  \n" + self.list_code_indent)
        else:
            super().handle_tag(tag, attrs, start)
            if tag == "li" and start:
                self._li_outcount = self.outcount

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if self._drop:
            return
        if self._pre_depth:
            self._pre_buf.append(data)
            return
        if self._inline_code is not None:
            self._inline_code.append(data.replace("|", "\ue008") if self._cell_depth else data)
            return
        if self._cell_depth:
            data = data.replace("|", "\ue008")
        if not self.code:
            for ch, sub in _ESC_IN.items():
                if ch in data:
                    data = data.replace(ch, sub)
            if "_" in data:
                data = _UNDERSCORE_RE.sub("\ue00a", data)
        super().handle_data(data, entity_char)

    def finish(self) -> str:
        if self._pre_depth:  # unclosed <pre>
            self._pre_depth = 0
            self._emit_pre()
        return super().finish()


# -- post-processing ---------------------------------------------------------------------

_RUN_RE = {
    kind: re.compile(f"{o}([^{o}{c}]*){c}")
    for kind, o, c in (("**", _S_OPEN, _S_CLOSE), ("*", _E_OPEN, _E_CLOSE))
}
_PREFIX_RE = re.compile(
    r"^(?:[ \t]*(?:>[ \t]?)+|[ \t]*(?:[-+]|\d{1,9}[.)])[ \t]+|[ \t]*#{1,6}[ \t]+|[ \t]+)*"
)
_LINK_RE = re.compile(f"(?<![ \t])[ \t]*{_LINK}(\\d+){_END}([ \t]*)")
_TABLE_RE = re.compile(f"{_T_OPEN}([^{_T_OPEN}{_T_CLOSE}]*){_T_CLOSE}")
_SEP_ROW = re.compile(r"^[ \t]*-{3}(?:\|-{3})*[ \t]*$")
_FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_BLANKISH = re.compile(r"^[ \t]*(?:>[ \t]?)*$")


def _movable(ch: str) -> bool:
    """Characters that may sit outside emphasis markers: whitespace, punctuation, escapes."""
    return "\ue008" <= ch <= "\ue00d" or (ch != "`" and is_punct_or_space(ch))


def _wrap_emphasis(content: str, mark: str) -> str:
    """``mark``+content+``mark`` with whitespace/punctuation moved outside so CommonMark renders it."""
    if "\n" in content:
        out = []
        for line in content.split("\n"):
            m = _PREFIX_RE.match(line)
            prefix = m.group(0) if m else ""
            rest = line[len(prefix) :]
            out.append(prefix + _wrap_emphasis(rest, mark) if rest else line)
        return "\n".join(out)
    i, j = 0, len(content)
    while i < j:
        if content[i] == "`":  # a code span cannot carry the marker: move it outside too
            run = len(content[i:]) - len(content[i:].lstrip("`"))
            end = content.find("`" * run, i + run)
            if end < 0:
                break
            i = end + run
        elif _movable(content[i]):
            i += 1
        else:
            break
    while j > i:
        if content[j - 1] == "`":
            run = len(content[:j]) - len(content[:j].rstrip("`"))
            start = content.rfind("`" * run, i, j - run)
            if start < 0:
                break
            j = start
        elif _movable(content[j - 1]):
            j -= 1
        else:
            break
    if i >= j:
        return content
    return content[:i] + mark + content[i:j] + mark + content[j:]


def _table(block: str) -> str:
    rows: list[list[str]] = []
    for n, line in enumerate(block.split("\n")):
        line = line.strip()
        if not line or (n and len(rows) == 1 and _SEP_ROW.match(line)):
            continue
        rows.append([cell.strip() for cell in line.split("|")])
    rows = [r for r in rows if any(r)]
    if not rows:
        return ""
    cols = max(len(r) for r in rows)
    if cols == 1:  # a layout table: plain paragraphs
        return "\n\n" + "\n\n".join(r[0] for r in rows) + "\n\n"
    out = []
    for n, r in enumerate(rows):
        r = r + [""] * (cols - len(r))
        out.append("| " + " | ".join(c or " " for c in r) + " |")
        if n == 0:
            out.append("|" + "---|" * cols)
    return "\n\n" + "\n".join(out) + "\n\n"


def _tidy_lines(text: str) -> str:
    """Trim, turn two-space breaks into backslash breaks, squeeze blank lines (not in code)."""
    out: list[str] = []
    fence: str | None = None
    lines = text.split("\n")
    blank = True
    for idx, raw in enumerate(lines):
        m = _FENCE_RE.match(raw)
        if fence is not None:
            out.append(raw.rstrip())
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
        hard = raw.endswith("  ") or raw.endswith("\t")
        line = raw.rstrip()
        m_prefix = _PREFIX_RE.match(line)
        prefix = m_prefix.group(0) if m_prefix else ""
        rest = _SPACES.sub(" ", line[len(prefix) :].lstrip("\u3000 "))
        line = prefix + rest
        if _BLANKISH.match(line):
            if not blank:
                out.append(line)
            blank = True
            continue
        if hard and not m:
            nxt = lines[idx + 1] if idx + 1 < len(lines) else ""
            if nxt.strip() and not _BLANKISH.match(nxt):
                line += "\\"
        out.append(line)
        blank = False
    while out and _BLANKISH.match(out[-1]):
        out.pop()
    return "\n".join(out)


def _wrap_run(m: re.Match[str], mark: str) -> str:
    return _wrap_emphasis(m.group(1), mark)


_FENCE_AFTER_MARKER = re.compile(
    r"^(?P<lead>[ \t]*(?:[-*+]|\d{1,9}[.)])) +(?P<fence>`{3,})(?P<info>.*)$"
)


def _fence_after_marker(text: str) -> str:
    """A ``<pre>`` that opens a list item comes out of html2text as ``-       ` + fence`` with its
    lines and closing fence indented less than the item's content: CommonMark would read an
    indented code block holding the fence and end the item. Put the fence one space after
    the marker and indent the block to the item's content column."""
    if "```" not in text:
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE_AFTER_MARKER.match(lines[i])
        end = None
        if m:
            fence = m.group("fence")
            for j in range(i + 1, len(lines)):
                if lines[j].lstrip().startswith(fence) and not lines[j].strip().strip("`"):
                    end = j
                    break
        if m is None or end is None:
            i += 1
            continue
        column = len(m.group("lead")) + 1
        cut = len(lines[end]) - len(lines[end].lstrip())  # the indentation html2text gave
        lines[i] = m.group("lead") + " " + fence + m.group("info")
        for j in range(i + 1, end + 1):
            body = lines[j][cut:] if lines[j][:cut].strip() == "" else lines[j].lstrip()
            lines[j] = " " * column + body if body else ""
        i = end + 1
    return "\n".join(lines)


def _finish(raw: str) -> str:
    text = raw.replace("\xa0", " ").replace("\u200b", "")
    text = _TABLE_RE.sub(lambda m: _table(m.group(1)), text)
    # Adjacent runs of the same kind merge; then each run gets its markers.
    text = text.replace(_S_CLOSE + _S_OPEN, "").replace(_E_CLOSE + _E_OPEN, "")
    for mark, rx in _RUN_RE.items():
        text = rx.sub(functools.partial(_wrap_run, mark=mark), text)
    text = _LINK_RE.sub(
        lambda m: f"[{m.group(1)}]" + (" " if m.group(0)[0] in " \t" or m.group(2) else ""), text
    )
    for sentinel, esc in _ESC.items():
        if sentinel in text:
            text = text.replace(sentinel, esc)
    text = _SENTINEL_RE.sub("", text)
    return clean_text(_tidy_lines(_fence_after_marker(text)))


# -- fallback ----------------------------------------------------------------------------

_FB_DROP = re.compile(r"<(script|style|noscript|iframe|svg|template)\b.*?</\1\s*>", re.I | re.S)
_FB_BLOCK = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|tr|blockquote|pre|table|ul|ol|section|article)\b|br\b)[^>]*>", re.I
)
_FB_TAG = re.compile(r"<[^>]*>")


def _fallback_plain(markup: str) -> str:
    text = _FB_DROP.sub(" ", markup)
    text = _FB_BLOCK.sub("\n\n", text)
    text = html.unescape(_FB_TAG.sub("", text)).replace("\xa0", " ")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    paras = [_escape_label(p.strip()) for p in re.split(r"\n\s*\n|\n", text)]
    return clean_text("\n\n".join(p for p in paras if p))


# -- public API --------------------------------------------------------------------------


_PRE_BLOCK = re.compile(r"(<(pre|script|style|textarea)\b.*?</\2\s*>)", re.I | re.S)
_BLANK_RUN = re.compile(r"\n[ \t]*\n\s*")


def _blank_lines_to_paragraphs(markup: str) -> str:
    """Blank lines between text (outside <pre>) end a paragraph, as authors of the
    "HTML wrapper around plain paragraphs" bodies intended."""
    if "\n" not in markup:
        return markup
    parts = _PRE_BLOCK.split(markup)
    # split() with two groups yields: text, whole match, tag name, text, …
    for i in range(0, len(parts), 3):
        parts[i] = _BLANK_RUN.sub("\n<p>\n", parts[i])
    return "".join(parts[i] for i in range(len(parts)) if i % 3 != 2)


def html_to_markdown(html_text: str) -> tuple[str, tuple[str, ...]]:
    """HTML → (terminal Markdown, link list). Never raises; falls back to stripped text."""
    try:
        source = normalize_code_blocks(_PUA_RE.sub("", clean_text(html_text)))
        source = _blank_lines_to_paragraphs(source)
        conv = _Converter()
        raw = conv.handle(source)
        if conv._drop and conv.unclosed not in ("script", "style"):
            # An unclosed <iframe>/<svg>/… swallowed the rest: keep the content this time.
            conv = _Converter(frozenset({conv.unclosed or ""}))
            raw = conv.handle(source)
        return _finish(raw), tuple(conv.links)
    except Exception:
        try:
            return _fallback_plain(html_text), ()
        except Exception:
            return "", ()


def markdown_to_markdown(text: str) -> tuple[str, tuple[str, ...]]:
    """Markdown that may hold HTML → (terminal Markdown, link list), via HTML. Never raises."""
    try:
        rendered = markdown_html().render(clean_text(text))
    except Exception:
        return _fallback_plain(text), ()
    return html_to_markdown(rendered)


def to_markdown(body: str, *, is_html: bool | None = None) -> tuple[str, tuple[str, ...]]:
    """Convert an article body; sniffs HTML vs Markdown when ``is_html`` is None."""
    if is_html is None:
        is_html = looks_like_html(body)
    return html_to_markdown(body) if is_html else markdown_to_markdown(body)


# -- plain text --------------------------------------------------------------------------

_P_FENCE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,}).*$", re.M)
_P_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_P_IMAGE = re.compile(r"\[image(?:: ([^\]\n]*))?\](?:\[\d+\])?")
_P_MDIMG = re.compile(r"!\[([^\[\]\n]*)\]\([^()\n]*\)")
_P_MDLINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")
_P_MARKER = re.compile(r"\[\d+\]")
_P_REFDEF = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]+\S.*$", re.M)
_P_PREFIX = re.compile(r"^[ \t>]*(?:#{1,6}[ \t]+|[-+*][ \t]+)?", re.M)
_P_TABLE_SEP = re.compile(r"^(?=[ \t|:-]*---)[ \t|:-]+$", re.M)
_P_EMPH = re.compile(r"[*`]+|~~")
_P_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_P_HARD = re.compile(r"\\$", re.M)
_P_HR = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_P_BLANKS = re.compile(r"\n\s*")
_SIZE_LABEL = re.compile(r"^\d+×\d+$")
_PROTECT = 0xE100  # escaped ASCII punctuation is parked here while markup is removed
_PROTECTED = re.compile("[\ue121-\ue17e]")


def _image_alt(m: re.Match[str]) -> str:
    label = m.group(1) or ""
    return "" if _SIZE_LABEL.match(label) else label


def markdown_to_plain(md: str) -> str:
    """Drop Markdown markup, keeping every visible word; paragraphs separated by ``\\n``."""
    text = _P_HARD.sub("", md)
    escaped = "\\" in text
    if escaped:
        text = _P_ESCAPE.sub(lambda m: chr(_PROTECT + ord(m.group(1))), text)
    text = _P_FENCE.sub("", text)
    text = _P_REFDEF.sub("", text)
    text = _P_HR.sub("", text)
    text = _P_TABLE_SEP.sub("", text)
    if "[" in text:
        text = _P_IMAGE.sub(_image_alt, text)
        if "](" in text:
            text = _P_MDIMG.sub(r"\1", text)
            text = _P_MDLINK.sub(r"\1", text)
        text = _P_MARKER.sub("", text)
    text = _P_PREFIX.sub("", text)
    text = _P_EMPH.sub("", text)
    if "_" in text:
        text = _P_UNDERSCORE.sub("", text)
    text = text.replace("|", " ")
    if escaped:
        text = _PROTECTED.sub(lambda m: chr(ord(m.group()) - _PROTECT), text)
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return clean_text(_P_BLANKS.sub("\n", text).strip())

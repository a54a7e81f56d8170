"""Static-site generator code-block markup → one plain ``<pre><code class="language-x">``.

Highlighters wrap code in tables with a line-number gutter and per-line spans, which html2text
turns into tables of fences and numbers. Recognised (outermost element first):

- Hexo: ``<figure class="highlight LANG"><table><td class="gutter">…<td class="code"><pre>``
  with ``<span class="line">`` lines and ``<br>``;
- Jekyll/rouge: ``<div class="language-x highlighter-rouge">`` … ``<table class="rouge-table">``
  with a ``<td class="gutter gl">`` line-number cell (also inside ``<figure class="highlight">``);
- Hugo/chroma: ``<div class="highlight"><pre class="chroma"><code class="language-go">`` with
  ``<span class="line"><span class="cl">`` lines, ``<span class="ln">`` numbers or an
  ``<table class="lntable">`` gutter;
- highlight.js (``hljs``, its ``hljs-ln`` line-number table) and Prism (``line-numbers-rows``);
- WordPress ``<pre class="wp-block-code">`` and SyntaxHighlighter ``<pre class="brush: php">``.

Each becomes one code block: every source line once, indentation kept, no gutter, the
language kept where given. Documents without such markup are returned unchanged.
"""

from __future__ import annotations

import html
import re

__all__ = ["normalize_code_blocks"]

_SNIFF = re.compile(
    r"class=[\"']?[^\"'>]*\b(?:highlight|rouge-table|chroma|lntable|hljs|wp-block-code|"
    r"line-numbers|brush:|gutter)",
    re.I,
)
_ROOTS = (
    "figure.highlight, div.highlighter-rouge, div.highlight, table.rouge-table, "
    "table.lntable, table.hljs-ln, pre.wp-block-code, pre.chroma, pre[class*='brush:']"
)
_GUTTERS = (
    "td.gutter, td.gl, td.lineno, pre.lineno, span.ln, span.lnt, td.hljs-ln-numbers, "
    "span.line-numbers-rows, figcaption"
)
_LANG = re.compile(r"\b(?:lang(?:uage)?-|brush:\s*)([\w+#.-]+)", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")
_MARK = "\ue0f0{}\ue0f1"
_MARK_RE = re.compile("\ue0f0(\\d+)\ue0f1")
_NOT_LANG = frozenset({"highlight", "plain", "plaintext", "text", "nohighlight", "hljs", "chroma"})


def _language(root) -> str:
    """The language named on the root or any element inside it, else ''."""
    for node in [root, *root.css("[class], [data-lang]")]:
        cls = node.attributes.get("class") or ""
        m = _LANG.search(cls)
        lang = m.group(1) if m else (node.attributes.get("data-lang") or "")
        if not lang and node.tag == "figure":  # Hexo: class="highlight LANG"
            lang = next((t for t in cls.split() if t.lower() not in _NOT_LANG), "")
        if lang and lang.lower() not in _NOT_LANG:
            return lang
    return ""


def _markup_text(markup: str) -> str:
    return html.unescape(_TAG.sub("", _BR.sub("\n", markup)))


def _code(root) -> str:
    """The source text inside ``root`` with gutters and captions removed."""
    for gutter in root.css(_GUTTERS):
        gutter.decompose()
    for table in root.css("table.lntable"):
        cells = table.css("td.lntd")
        if len(cells) > 1:
            cells[0].decompose()
    rows = root.css("td.hljs-ln-code")
    if rows:
        return "\n".join(_markup_text(row.inner_html or "") for row in rows)
    cell = root.css_first("td.code, td.rouge-code")
    pres = (cell or root).css("pre") if root.tag != "pre" else [root]
    if not pres:
        return _markup_text((cell or root).inner_html or "")
    return "\n".join(_markup_text(pre.inner_html or "") for pre in pres if pre.text().strip())


def normalize_code_blocks(markup: str) -> str:
    """Rewrite generator code blocks in ``markup`` as plain ``<pre><code>``; else unchanged."""
    if not _SNIFF.search(markup):
        return markup
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    body = tree.body
    if body is None:
        return markup
    blocks: list[str] = []
    roots = body.css(_ROOTS)
    ids = {root.mem_id for root in roots}
    for root in roots:
        if any(a.mem_id in ids for a in _ancestors(root)):
            continue  # handled with its outermost block
        if root.tag not in ("pre", "table") and root.css_first("pre") is None:
            continue  # e.g. a <div class="highlight"> note: not code
        lang = _language(root)
        code = _code(root).replace("\r\n", "\n").rstrip("\n").removeprefix("\n")
        attr = f' class="language-{html.escape(lang)}"' if lang else ""
        escaped = html.escape(code, quote=False)
        in_pre = any(a.tag == "pre" for a in _ancestors(root))
        blocks.append(escaped if in_pre else f"<pre><code{attr}>{escaped}</code></pre>")
        root.replace_with(_MARK.format(len(blocks) - 1))
    if not blocks:
        return markup
    out = body.inner_html or ""
    return _MARK_RE.sub(lambda m: blocks[int(m.group(1))], out)


def _ancestors(node):
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        yield parent
        parent = parent.parent

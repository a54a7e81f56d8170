"""reader.library.convert: HTML / Markdown-with-HTML → terminal Markdown, and plain text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader.library.convert import (
    html_to_markdown,
    markdown_to_markdown,
    markdown_to_plain,
    to_markdown,
)
from reader.library.mdparser import markdown_parser

# A body in the shape of the scraped news posts (written for this test).
SEED_LIKE = """<div>
<p>　　小镇今年新建了3万多个停车位，增长7.5%，共投入1.2亿元。</p>
<p><img src="https://img.example.com/a.jpeg" data-size="600,400" referrerpolicy="no-referrer"></p>
<p>图为新建的停车场。</p>
<p><strong>停车难的问题，正在一步步得到解决。</strong>居民普遍表示满意。</p>
<div id="ad-1"></div><div class="empty"><div></div></div>
<p>详情请见<a href="https://news.example.com/park" target="_blank">官方公告</a>，
或<a href="javascript:void(0)">点此分享</a>。</p>
<img class="lazy" data-original="https://img.example.com/real.jpg"
     src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-width="640" data-height="427">
<img src="https://track.example.com/p.gif" width="1" height="1">
<script>document.write("<p>广告</p>")</script><style>p { color: red }</style>
<iframe src="//video.example.com/player">视频加载中</iframe>
<noscript>请启用脚本</noscript>
<p>再次见<a href="https://news.example.com/park">公告</a>。</p>
</div>"""


def _parse(md: str) -> list:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.disable("text_join")
    return parser.parse(md)


def _inline_children(md: str) -> list:
    return [c for tok in _parse(md) if tok.type == "inline" for c in tok.children or ()]


def _visible_text(md: str) -> str:
    """Concatenated text tokens, as a standard CommonMark renderer would show them."""
    return "".join(c.content for c in _inline_children(md) if c.type in ("text", "text_special"))


def _unescaped_stars(md: str) -> list[str]:
    """Text tokens still holding * or ** (emphasis that failed to parse)."""
    return [c.content for c in _inline_children(md) if c.type == "text" and "*" in c.content]


# -- the seed-shaped article ------------------------------------------------------------------


def test_seed_like_body() -> None:
    md, links = html_to_markdown(SEED_LIKE)
    assert links == (
        "https://img.example.com/a.jpeg",
        "https://news.example.com/park",
        "https://img.example.com/real.jpg",
    )
    assert "[image: 600×400][1]" in md
    assert "[image: 640×427][3]" in md
    assert "官方公告[2]" in md and "公告[2]。" in md  # the duplicate URL keeps its number
    assert "点此分享" in md and "javascript" not in md
    for junk in ("document.write", "广告", "color: red", "视频加载中", "请启用脚本", "data:image"):
        assert junk not in md
    assert "track.example.com" not in md and "p.gif" not in md
    assert "**停车难的问题，正在一步步得到解决**。居民" in md
    assert "小镇今年新建了3万多个停车位，增长7.5%" in md  # ideographic indent dropped
    assert "\n\n\n" not in md
    assert all(line == line.rstrip() for line in md.split("\n"))
    assert not md.startswith("\n") and not md.endswith("\n")
    assert _unescaped_stars(md) == []


def test_links_are_numbered_and_not_appended() -> None:
    md, links = html_to_markdown(
        '<p><a href="https://a.example/">A</a> <a href="https://b.example/">B</a> '
        '<a href="https://a.example/">A2</a> <a href="#top">top</a> <a>none</a> '
        '<a href="data:text/html,x">D</a> <a href="  JavaScript:alert(1)">J</a></p>'
    )
    assert md == "A[1] B[2] A2[1] top none D J"
    assert links == ("https://a.example/", "https://b.example/")


def test_link_text_spacing_moves_after_marker() -> None:
    md, _ = html_to_markdown('<p>运行 <a href="https://w.example/"> Windows </a>游戏</p>')
    assert md == "运行 Windows[1] 游戏"


def test_image_variants() -> None:
    md, links = html_to_markdown(
        '<p><img src="https://i.example/cat.png" alt="一只猫"></p>'
        '<p><img src="https://i.example/x.webp" alt="kncjpbbu.webp" width="300px" height="200"></p>'
        '<p><img data-src="https://i.example/lazy.jpg" src="https://i.example/blank.gif"></p>'
        '<p><img src="data:image/png;base64,AAAA" alt="内嵌"></p>'
        '<p><a href="https://i.example/cat.png"><img src="https://i.example/cat.png"></a></p>'
        '<p><img src="//cdn.example/p.jpg" data-size="10x20"></p>'
    )
    assert "[image: 一只猫][1]" in md
    assert "[image: 300×200][2]" in md  # a file name is not a useful alt text
    assert "[image][3]" in md
    assert "[image: 内嵌]" in md and "base64" not in md
    assert links == (
        "https://i.example/cat.png",
        "https://i.example/x.webp",
        "https://i.example/lazy.jpg",
        "https://cdn.example/p.jpg",
    )
    assert md.count("[1]") == 2  # the link that only wraps the image adds no marker


def test_tables() -> None:
    md, _ = html_to_markdown(
        "<table><thead><tr><th>城市</th><th>人口</th></tr></thead>"
        "<tbody><tr><td>长沙<br>湖南</td><td>1,000万</td><td>多余</td></tr>"
        "<tr><td>a|b</td><td><p>段落</p></td></tr></tbody></table>"
    )
    assert md.split("\n") == [
        "| 城市 | 人口 | |",
        "|---|---|---|",
        "| 长沙 湖南 | 1,000万 | 多余 |",
        "| a\\|b | 段落 | |",
    ]
    tokens = _parse(md)
    assert sum(t.type == "td_open" for t in tokens) == 6


def test_layout_table_of_one_column_becomes_paragraphs() -> None:
    md, _ = html_to_markdown(
        "<table><tr><td><p>正文一</p></td></tr><tr><td>正文二</td></tr></table>"
    )
    assert md == "正文一\n\n正文二"


def test_pre_code_kept_verbatim_in_a_fence() -> None:
    html = (
        '<pre><code class="language-python">def f(x):\n    if x &lt; 2:\n'
        '        return "**no**"\n\n\n    return [1](2)</code></pre>'
        "<p>用 <code>a_b*c</code> 调用</p>"
        '<pre class="prettyprint">第一行<br>  第二行<br><span class="k">第三</span>行</pre>'
    )
    md, links = html_to_markdown(html)
    assert (
        '```python\ndef f(x):\n    if x < 2:\n        return "**no**"\n\n\n    return [1](2)\n```'
        in md
    )
    assert "用 `a_b*c` 调用" in md
    assert "```\n第一行\n  第二行\n第三行\n```" in md
    assert links == ()
    assert [t.type for t in _parse(md) if t.type == "fence"] == ["fence", "fence"]


def test_lists_and_blockquotes() -> None:
    md, _ = html_to_markdown(
        "<ul><li>一</li><li><p>二</p><p>二续</p></li><li>三<ul><li>三点一</li></ul></li></ul>"
        "<ol><li>甲</li><li>乙</li></ol>"
        "<blockquote><p>引文一</p><blockquote>引文二<br>引文三</blockquote></blockquote>"
    )
    tokens = _parse(md)
    assert sum(t.type == "bullet_list_open" for t in tokens) == 2
    assert sum(t.type == "ordered_list_open" for t in tokens) == 1
    assert sum(t.type == "blockquote_open" for t in tokens) == 2
    assert sum(t.type == "hardbreak" for c in tokens if c.children for t in c.children) == 2
    assert "二续" in _visible_text(md)
    assert ">> 引文二\\\n>> 引文三" in md


def test_headings_and_rules() -> None:
    md, _ = html_to_markdown("<h1>大标题</h1><p>文</p><hr><h3>小<b>标题</b></h3>")
    assert md.split("\n\n")[0] == "# 大标题"
    assert "### 小标题" in md
    assert any(t.type == "hr" for t in _parse(md))


def test_br_hard_breaks_and_whitespace() -> None:
    md, _ = html_to_markdown(
        "<p>一行<br>二行<br></p><p>a&nbsp;b\u00a0c   d\t e</p><p></p><p> </p><p>尾</p>"
    )
    assert md == "一行\\\n二行\n\na b c d e\n\n尾"


def test_literal_markdown_characters_are_escaped() -> None:
    md, _ = html_to_markdown("<p>*注：价格 [1] 按 `元` 计 a_b _c_ 2*3*4</p>")
    assert _unescaped_stars(md) == []
    assert _visible_text(md) == "*注：价格 [1] 按 `元` 计 a_b _c_ 2*3*4"
    assert not re.search(r"(?<!\\)\[1\]", md)


@pytest.mark.parametrize(
    ("html", "bold"),
    [
        ("<p><strong>加粗。</strong>后文</p>", "加粗"),
        ("<p>前文<strong>“引用”</strong>后文</p>", "引用"),
        ("<p>前文<b>（括号）</b>后文</p>", "括号"),
        ("<p><strong> 空格 </strong>后文</p>", "空格"),
        ("<p><b>问句？！</b>答</p>", "问句"),
        ("<p>我<strong>用<code>x()</code></strong>调用</p>", "用"),
        ("<p><strong><a href='https://l.example/'>链接</a>：说明</strong>后</p>", "链接"),
        ("<p><strong>一段</strong><strong>相连</strong>后</p>", "一段相连"),
        ("<p><b>外<i>内</i>外</b>后</p>", "外内外"),
        ("<p><strong>Bold, </strong>then text</p>", "Bold"),
    ],
)
def test_emphasis_survives_cjk_punctuation(html: str, bold: str) -> None:
    md, _ = html_to_markdown(html)
    assert _unescaped_stars(md) == [], md
    children = _inline_children(md)
    inside, strong = [], False
    for c in children:
        if c.type == "strong_open":
            strong = True
        elif c.type == "strong_close":
            strong = False
        elif strong and c.type == "text":
            inside.append(c.content)
    assert bold in "".join(inside) or bold == "".join(inside), md


def test_italic_uses_asterisks_between_cjk() -> None:
    md, _ = html_to_markdown("<p>中文<em>斜体</em>中文</p>")
    assert md == "中文*斜体*中文"
    assert [c.type for c in _inline_children(md)][:4] == ["text", "em_open", "text", "em_close"]


def test_control_characters_and_escapes_are_removed() -> None:
    md, links = html_to_markdown(
        '<p>危险\x1b]52;c;ZXZpbA==\x07文本\x1b[2J\x07\x9b31m</p><a href="https://x.example/\x1b[31m">链</a>'
    )
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", md)
    assert "危险文本" in md
    assert all("\x1b" not in url for url in links)


def test_private_use_sentinels_in_input_do_not_leak() -> None:
    md, links = html_to_markdown("<p>a\ue0001\ue001b\ue002c\ue003</p>")
    assert md == "a1bc" and links == ()


def test_twenty_thousand_nested_divs() -> None:
    html = "<div>" * 20000 + "<p>深处的文字</p>" + "</div>" * 20000
    md, _ = html_to_markdown(html)
    assert md == "深处的文字"


def test_unclosed_and_broken_markup() -> None:
    md, _ = html_to_markdown("<p>开始<b>粗<i>斜</p><pre>代码")
    assert "开始" in md and "粗" in md and "代码" in md
    assert _unescaped_stars(md) == []
    md, _ = html_to_markdown("<<>><p <a href=>x</a></><!-- c --><![CDATA[y]]>z")
    assert "z" in md


def test_fallback_when_html2text_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.library import convert

    def boom(self: object, data: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(convert._Converter, "handle", boom)
    md, links = html_to_markdown("<p>第一段 [注]</p><script>x()</script><p>第二&amp;段</p>")
    assert md == "第一段 \\[注\\]\n\n第二&段"
    assert links == ()


def test_one_megabyte_article_converts_whole() -> None:
    """A 1 MB article converts completely (timing belongs in the benchmark, not here)."""
    para = "<p>这是一段用于测试的中文文字，包含<strong>加粗</strong>和<a href='https://e.example/{}'>链接</a>。</p>\n"
    html = "<div>" + "".join(para.format(i % 50) for i in range(9000)) + "</div>"
    assert len(html.encode()) > 1_000_000
    md, links = html_to_markdown(html)
    assert len(links) == 50
    assert md.count("**加粗**") == 9000
    plain = markdown_to_plain(md)
    assert plain.count("加粗") == 9000


# -- Markdown bodies --------------------------------------------------------------------------


def test_markdown_with_html_blocks() -> None:
    md_in = (
        "# 标题\n\n正文有[链接](https://a.example/)和![图](https://i.example/p.png)。\n\n"
        '<div class="box"><p>HTML 段落<a href="https://b.example/">B</a></p></div>\n\n'
        "```js\nconst a = '<b>not bold</b>'; // [x](y)\n```\n\n"
        "再次[链接](https://a.example/)。\n\n[ref]: https://r.example/\n\n见[参考][ref]。"
    )
    md, links = markdown_to_markdown(md_in)
    assert links == (
        "https://a.example/",
        "https://i.example/p.png",
        "https://b.example/",
        "https://r.example/",
    )
    assert "正文有链接[1]和[image: 图][2]。" in md
    assert "HTML 段落B[3]" in md
    assert "```js\nconst a = '<b>not bold</b>'; // [x](y)\n```" in md
    assert "再次链接[1]。" in md and "见参考[4]。" in md
    assert md.startswith("# 标题")


def test_markdown_source_line_breaks_join_cjk_without_spaces() -> None:
    md, _ = markdown_to_markdown("第一行中文\n第二行中文\nand English\nwords")
    assert md == "第一行中文第二行中文 and English words"


def test_markdown_cjk_emphasis_from_authors_is_bold() -> None:
    md, _ = markdown_to_markdown("**夫人之相与。**虽取舍万殊，*静躁不同，*快然自足。")
    assert _unescaped_stars(md) == []
    types = [c.type for c in _inline_children(md)]
    assert "strong_open" in types and "em_open" in types


def test_markdown_parser_is_cjk_friendly_but_standard_otherwise() -> None:
    parser = markdown_parser()
    assert "<strong>加粗。</strong>后文" in parser.render("**加粗。**后文")
    assert "<strong>“引用”</strong>后" in parser.render("**“引用”**后")
    assert parser.render("a ** b **") == "<p>a ** b **</p>\n"
    assert "<em>" not in parser.render("snake_case_name")


@pytest.mark.parametrize(
    ("body", "is_html"),
    [
        ("<div>\n<p>段落</p></div>", True),
        ("\n<p>一</p><p>二</p>", True),
        ("正文<br>第二行</p><p>三</p><p>四</p>", True),
        ("# 标题\n\n正文", False),
        ("<img src='x.png'>\n\n## 标题\n\n- 列表", False),
        ("普通文本，没有标记。", False),
    ],
)
def test_to_markdown_sniffs(body: str, is_html: bool) -> None:
    from reader.library.sniff import looks_like_html as _looks_like_html

    assert _looks_like_html(body) is is_html
    assert to_markdown(body) == (html_to_markdown(body) if is_html else markdown_to_markdown(body))


def test_to_markdown_explicit_flag() -> None:
    assert to_markdown("# x", is_html=True)[0] == "# x"  # as HTML text, "#" stays literal text
    assert to_markdown("<b>粗</b>", is_html=False)[0] == "**粗**"


# -- plain text -------------------------------------------------------------------------------


def test_markdown_to_plain_keeps_every_visible_word() -> None:
    html = (
        "<h2>标题 Title</h2><p><strong>加粗</strong>和<em>斜体</em>，"
        "<a href='https://l.example/'>链接文字</a>，<code>code_span</code>。</p>"
        "<p><img src='https://i.example/a.png' alt='图片说明'><img src='https://i.example/b.png' width=5 height=6></p>"
        "<table><tr><th>表头</th><th>列二</th></tr><tr><td>单元</td><td>格子</td></tr></table>"
        "<ul><li>条目一</li><li>条目二</li></ul><blockquote>引用语</blockquote>"
        "<pre>print('代码')</pre><p>a*b [注] snake_case 1. x</p>"
    )
    md, _ = html_to_markdown(html)
    plain = markdown_to_plain(md)
    for word in (
        "标题 Title",
        "加粗和斜体",
        "链接文字",
        "code_span",
        "图片说明",
        "表头",
        "列二",
        "单元",
        "格子",
        "条目一",
        "条目二",
        "引用语",
        "print('代码')",
        "a*b [注] snake_case",
    ):
        assert word in plain, word
    for markup in ("**", "##", "[1]", "](", "```", "|", "5×6", "\\"):
        assert markup not in plain, markup
    assert "\n\n" not in plain
    assert plain.split("\n")[0] == "标题 Title"


def test_markdown_to_plain_on_author_markdown() -> None:
    plain = markdown_to_plain(
        "# T\n\nSee [the docs](https://d.example/) and ![alt](x.png).\n\n> quote\n\n---\n"
    )
    assert plain == "T\nSee the docs and alt.\nquote"


# -- properties -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_html_fragments = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div>",
                "</div>",
                "<b>",
                "</b>",
                "<strong>",
                "</strong>",
                "<em>",
                "</em>",
                "<i>",
                "<br>",
                "<pre>",
                "</pre>",
                "<code>",
                "</code>",
                "<table>",
                "<tr>",
                "<td>",
                "</td>",
                "</tr>",
                "</table>",
                "<ul>",
                "<li>",
                "</ul>",
                "<ol>",
                "</ol>",
                "<blockquote>",
                "</blockquote>",
                "<a href='https://x.example/'>",
                "<a href='javascript:x'>",
                "</a>",
                "<img src='https://i.example/a.png' data-size='6,4'>",
                "<h2>",
                "</h2>",
                "<script>",
                "</script>",
                "<iframe>",
                "</iframe>",
                "&nbsp;",
                "&lt;",
                "。",
                "，",
                "「",
                "」",
                "*",
                "_",
                "[1]",
                "`",
                "|",
                "\\",
                "\x1b[31m",
                "\x07",
                "\n",
                "  ",
            ]
        ),
        st.text(max_size=12),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html_fragments)
def test_html_to_markdown_never_raises_and_is_clean(html: str) -> None:
    md, links = html_to_markdown(html)
    assert not _CONTROL.search(md)
    assert "\t" not in md or "```" in md
    assert not re.search(r"[\ue000-\ue00f]", md)
    assert all(not _CONTROL.search(url) for url in links)
    assert not _CONTROL.search(markdown_to_plain(md))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_markdown_paths_never_raise(text: str) -> None:
    md, _ = markdown_to_markdown(text)
    assert not _CONTROL.search(md)
    assert not _CONTROL.search(markdown_to_plain(text))
    assert isinstance(to_markdown(text)[0], str)


def test_form_controls_dropped_but_form_content_kept() -> None:
    md, _ = html_to_markdown(
        "<form><p>表单里的正文</p><input name=q><button>提交</button>"
        "<select><option>选项</option></select><textarea>输入</textarea></form>"
    )
    assert md == "表单里的正文"


def test_unclosed_dropped_element_does_not_swallow_the_article() -> None:
    md, _ = html_to_markdown(
        "<p>前</p><iframe src='https://v.example/'><p>后面的正文</p><p>更多</p>"
    )
    assert md == "前\n\n后面的正文\n\n更多"
    md, _ = html_to_markdown("<p>前</p><script>var a = '<p>x</p>';")
    assert md == "前"


def test_blank_lines_in_html_wrapper_separate_paragraphs_but_not_in_pre() -> None:
    md, _ = html_to_markdown(
        "<div>\n第一段文字。\n\n第二段文字。\n<pre>代码一\n\n代码二</pre>\n</div>"
    )
    assert md == "第一段文字。\n\n第二段文字。\n\n```\n代码一\n\n代码二\n```"


def test_markdown_with_a_few_html_lists_is_not_taken_for_html() -> None:
    from reader.library.sniff import looks_like_html as _looks_like_html

    body = "First paragraph\nof text.\n\nSecond one.\n\n<ul>\n<li>a</li>\n<li>b</li>\n<li>c</li>\n</ul>\n\nEnd."
    assert not _looks_like_html(body)
    md, _ = to_markdown(body)
    assert md.startswith("First paragraph of text.\n\nSecond one.")


def test_code_block_opening_a_list_item_stays_one_code_block() -> None:
    """``<li><pre>`` (Markdown: a list item starting with indented code) keeps its fence
    after the marker and its lines inside the item, so nothing leaks as a literal fence."""
    source = "* item\n\n  -      first(line)\n  -      second(line)\n"
    md, _ = markdown_to_markdown(source)
    assert "-       ```" not in md
    from reader.render import layout_markdown

    for width in (40, 60, 77):
        lines = [line.plain for line in layout_markdown(md, width)]
        assert not any(line.strip().endswith("```") for line in lines), lines
        assert any("first(line)" in line for line in lines), lines
        assert any("second(line)" in line for line in lines), lines


def test_inline_code_holding_backticks_keeps_its_delimiters() -> None:
    # yihui-blog 2021 "unbalanced delimiters": html2text wrote one backtick on each side, so
    # ```` ```{r} ```` came out as ````{r}` and read as a leaked fence.
    source = "the delimiters ```` ```{r} ```` and ```` ``` ```` match; ``a`b`` and `x*y`"
    md, _ = to_markdown(source, is_html=False)
    assert md == "the delimiters ```` ```{r} ```` and ```` ``` ```` match; ``a`b`` and `x*y`"
    html_md, _ = to_markdown("<p>run <code>``x``</code> or <kbd>Ctrl</kbd></p>", is_html=True)
    assert html_md == "run ``` ``x`` ``` or `Ctrl`"

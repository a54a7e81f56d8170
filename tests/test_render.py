"""reader.render: CJK-aware wrapping and the article layout (plain output and styles)."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text

from reader.library.convert import html_to_markdown
from reader.library.model import Article
from reader.render import (
    article_to_plain,
    find_matches,
    layout_article,
    layout_markdown,
    styles,
    wrap_text,
)
from reader.render.linebreak import CLOSING, OPENING

PARA = (
    "今年一季度全市新增就业岗位3万多个，同比增长7.5%，其中（服务业）占比超过六成。"
    "记者走访发现，不少企业正在加快数字化转型，“上云用数赋智”成为新的关键词。"
    "一位负责人表示：“我们计划在2025年前完成全部产线改造，投入约1.2亿元。”"
    "与此同时，《促进中小企业发展条例》的修订也在推进之中……"
)


def _plain(lines: list[Text]) -> list[str]:
    return [line.plain for line in lines]


def _spans_with(line: Text, attr: str) -> list[str]:
    out = []
    for span in line.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if getattr(style, attr, None):
            out.append(line.plain[span.start : span.end])
    return out


def _article(body_html: str, **kw: object) -> Article:
    md, links = html_to_markdown(body_html)
    fields: dict[str, object] = {
        "path": Path("news/a.md"),
        "title": "测试标题",
        "body": md,
        "links": links,
        "date": datetime(2021, 7, 10, 3, 7, 14, tzinfo=timezone.utc),
        "authors": ("记者甲", "记者乙"),
        "categories": (("新媒体", "本地", "民生"), ("专题",)),
        "tags": ("就业", "企业"),
        "url": "https://news.example.com/a",
    }
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


# -- line breaking -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [10, 17, 24, 40, 60, 61, 99])
def test_wrap_properties(width: int) -> None:
    lines = _plain(wrap_text(Text(PARA * 3), width))
    assert "".join(lines) == PARA * 3  # nothing lost, no spaces added between CJK
    for i, line in enumerate(lines):
        assert cell_len(line) <= width
        if i:
            assert line[0] not in CLOSING, (i, line)
        if i < len(lines) - 1:
            assert line[-1] not in OPENING, (i, line)
    joints = [(a[-1], b[0]) for a, b in itertools.pairwise(lines)]
    for left, right in joints:
        assert not (left.isdigit() and right in "%.万亿元个年月日"), (left, right)
    assert not any(line.endswith("7.") or line.startswith("5%") for line in lines)


def test_fill_ratio_of_chinese_paragraph() -> None:
    lines = _plain(wrap_text(Text(PARA * 4), 60))
    body = lines[:-1]
    assert min(cell_len(line) for line in body) >= 56
    assert sum(cell_len(line) for line in body) / len(body) >= 58.5
    plain_han = "中文字符" * 100
    assert [cell_len(x) for x in _plain(wrap_text(Text(plain_han), 60))][:-1] == [60] * 13


def test_latin_words_are_not_split_and_mixed_lines_fill() -> None:
    text = "Mesa 的 TURNIP Vulkan 驱动为 Adreno 618 提供加速支持，可运行 Windows 游戏 " * 3
    lines = _plain(wrap_text(Text(text), 30))
    words = {"Mesa", "TURNIP", "Vulkan", "Adreno", "618", "Windows"}
    for line in lines:
        for token in line.split():
            assert not (token[:1].isascii() and token.isalnum() and token not in words), token
        assert cell_len(line) <= 30
        assert line == line.strip()
    assert sum(cell_len(x) for x in lines[:-1]) / (len(lines) - 1) >= 25


def test_long_words_and_urls_are_cut_at_width() -> None:
    url = "https://cors.example.workers.dev/?http://static.example.com/img/2021/07/10/abcdef.jpeg"
    lines = _plain(wrap_text(Text(url), 20))
    assert "".join(lines) == url
    assert all(cell_len(x) <= 20 for x in lines)


def test_emoji_and_wide_widths() -> None:
    text = "表情👍👨‍👩‍👧❤️🇨🇳混排ｶﾀｶﾅ和ＡＢＣ全角" * 5
    for width in (3, 7, 12, 31):
        lines = _plain(wrap_text(Text(text), width))
        assert all(cell_len(x) <= width for x in lines)
        assert "".join(lines) == text
    assert "👨‍👩‍👧" in "".join(_plain(wrap_text(Text(text), 7)))
    assert not any(line.startswith("\u200d") for line in _plain(wrap_text(Text(text), 7)))


def test_wrap_text_preserves_styles() -> None:
    text = Text("前文", style="italic")
    text.append("加粗的一段很长很长的文字", style="bold")
    text.append("后文结束")
    lines = wrap_text(text, 8)
    assert all(line.style == "italic" for line in lines)
    bold = "".join("".join(_spans_with(line, "bold")) for line in lines)
    assert bold == "加粗的一段很长很长的文字"


# -- Markdown rendering ------------------------------------------------------------------------


def test_cjk_emphasis_renders_bold_without_asterisks() -> None:
    md, _ = html_to_markdown(
        "<p><strong>加粗。</strong>后文<strong>“引号”</strong>后，<em>斜体！</em>尾</p>"
    )
    lines = layout_markdown(md, 80)
    assert _plain(lines) == ["加粗。后文“引号”后，斜体！尾"]
    assert "*" not in lines[0].plain
    assert "".join(_spans_with(lines[0], "bold")) == "加粗引号"
    assert "".join(_spans_with(lines[0], "italic")) == "斜体"


def test_markdown_blocks_layout() -> None:
    md = (
        "# 一级标题\n\n段落文字[1]和`代码`。\\\n第二行\n\n"
        "- 条目一\n- 条目二很长很长很长很长很长很长很长很长\n  - 嵌套\n\n"
        "1. 第一\n2. 第二\n\n> 引用一\n>\n> > 引用二\n\n---\n\n"
        "```\n    indented code that is quite long and must be wrapped hard\n```\n"
    )
    lines = layout_markdown(md, 24, link_count=1)
    plain = _plain(lines)
    assert plain[0] == "一级标题"
    assert lines[0].style and "bold" in str(lines[0].style)
    assert plain[2] == "段落文字[1]和代码。"
    assert _spans_with(lines[2], "underline") == ["[1]"]
    assert plain[3] == "第二行"
    assert "• 条目一" in plain
    i = plain.index("• 条目二很长很长很长很长")
    assert plain[i + 1] == "  很长很长很长很长" and plain[i + 2] == "  ◦ 嵌套"
    assert "1. 第一" in plain and "2. 第二" in plain
    assert "▌ 引用一" in plain and "▌ ▌ 引用二" in plain and "▌" in plain
    assert "─" * 24 in plain
    code = [x for x in plain if x[:2] in ("  ", "↪ ") and ("code" in x or "wrapped" in x)]
    assert code[0].startswith("      indented")
    assert all(c.startswith("↪     ") for c in code[1:])  # continuation rows are marked
    assert all(cell_len(x) <= 24 for x in plain)
    prose = [line.plain for line in lines if not styles.is_code_line(line)]
    assert all(x == x.rstrip() for x in prose)
    assert all(cell_len(line.plain) == 24 for line in lines if styles.is_code_line(line))


def test_numbered_markers_only_styled_for_known_links() -> None:
    lines = layout_markdown("引用[1]和[7]以及\\[2\\]", 80, link_count=2)
    assert _spans_with(lines[0], "underline") == ["[1]"]
    assert lines[0].plain == "引用[1]和[7]以及[2]"


def test_tables_fit_or_fall_back() -> None:
    md, _ = html_to_markdown(
        "<table><tr><th>城市</th><th>人口（万）</th></tr><tr><td>长沙</td><td>1,000</td></tr>"
        "<tr><td>株洲</td><td>390</td></tr></table>"
    )
    wide = _plain(layout_markdown(md, 40))
    assert wide == ["城市 │ 人口（万）", "─────┼───────────", "长沙 │ 1,000", "株洲 │ 390"]
    long_md, _ = html_to_markdown(
        "<table><tr><th>项目</th><th>说明</th></tr>"
        "<tr><td>甲</td><td>" + "很长的说明文字" * 6 + "</td></tr></table>"
    )
    shrunk = _plain(layout_markdown(long_md, 30))
    assert all(cell_len(x) <= 30 for x in shrunk)
    assert all("│" in x for x in shrunk if x and not x.startswith("─"))
    narrow = _plain(layout_markdown(md, 7))
    assert all(cell_len(x) <= 7 for x in narrow)
    assert "长沙 │" in "".join(narrow)


def test_html_blocks_in_markdown_are_shown_as_text() -> None:
    lines = _plain(layout_markdown("<div>[b]raw[/b]</div>\n\n正文", 40))
    assert lines == ["<div>[b]raw[/b]</div>", "", "正文"]


# -- the article layout ------------------------------------------------------------------------


def test_layout_article_plain_output() -> None:
    art = _article(
        "<p>第一段有<a href='https://l.example/1'>链接</a>。</p>"
        "<p><img src='https://i.example/p.jpg' data-size='600,400'></p>"
    )
    text = article_to_plain(art, 40)
    assert text.split("\n") == [
        "测试标题",
        "2021-07-10 03:07  记者甲, 记者乙",
        "新媒体 › 本地 › 民生 · 专题",
        "#就业 #企业",
        "https://news.example.com/a",
        "─" * 40,
        "",
        "第一段有链接[1]。",
        "",
        "[image: 600×400][2]",
        "",
        "Links",
        "[1] https://l.example/1",
        "[2] https://i.example/p.jpg",
    ]


def test_layout_article_minimal_metadata() -> None:
    art = Article(path=Path("x.md"), title="", body="正文")
    assert article_to_plain(art, 20).split("\n") == ["x.md", "─" * 20, "", "正文"]


def test_markup_in_article_text_is_never_interpreted() -> None:
    evil = "[b]x[/i] [@click=app.quit]x[/] [link=https://e.example]y[/link]"
    art = _article(f"<p>{evil}</p>", title=evil, authors=("[red]作者[/red]",), tags=("[bold]t",))
    lines = layout_article(art, 120)
    plain = _plain(lines)
    assert plain[0] == evil
    assert evil in plain
    assert "[red]作者[/red]" in plain[1] and "#[bold]t" in plain[3]
    for line in lines:
        for span in line.spans:
            style = span.style
            assert not getattr(style, "link", None) and not getattr(style, "meta", None)
    console = Console(width=120, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    for line in lines:
        console.print(line)
    assert evil in console.export_text()


def test_control_characters_never_reach_lines() -> None:
    art = Article(
        path=Path("x.md"),
        title="标题\x1b]0;pwned\x07\x1b[2J",
        body="正文\x1b[31m红\x9b0m\x07",
        url="https://e.example/\x1b[1m",
    )
    for line in layout_article(art, 40):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line.plain)


def test_highlight_and_find_matches() -> None:
    art = _article("<p>Python 与 python 以及 PYTHON 都算。</p><p>无关段落。</p><p>长沙新闻</p>")
    lines = layout_article(art, 60, highlight=["python", "长沙", " "])
    hits = [i for i, line in enumerate(lines) if _spans_with(line, "bgcolor")]
    assert hits == find_matches(lines, ["python", "长沙"])
    python_line = next(line for line in lines if "PYTHON" in line.plain)
    assert _spans_with(python_line, "bgcolor") == ["Python", "python", "PYTHON"]
    assert any(_spans_with(line, "bgcolor") == ["长沙"] for line in lines)
    assert find_matches(lines, []) == [] and find_matches(lines, ["  "]) == []
    assert find_matches(lines, ["测试"]) == [0]  # the title counts


def test_big_articles_lay_out_within_the_width() -> None:
    """50 kB and 1 MB articles (how long they take is measured in bench/, not here)."""
    para = "<p>" + PARA + "<strong>加粗部分。</strong><a href='https://e.example/'>链接</a></p>"
    for size in (50_000, 1_000_000):
        reps = size // len(para.encode()) + 1
        md, links = html_to_markdown("".join([para] * reps))
        art = Article(path=Path("big.md"), title="大文章", body=md, links=links)
        lines = layout_article(art, 100)
        assert all(cell_len(x.plain) <= 100 for x in lines)
        assert sum(x.plain.count("加粗部分") for x in lines) == reps


# -- properties --------------------------------------------------------------------------------

_wrap_alphabet = st.sampled_from(
    [
        *list("中文字，。、；：？！（）「」《》“”…—%7.5万 abcXYZ,.;:!?()[]"),
        "👍",
        "❤️",
        "\u200d",
        "ｶ",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_wrap_alphabet, max_size=120).map("".join), st.integers(min_value=2, max_value=50))
def test_wrap_never_raises_and_respects_width(text: str, width: int) -> None:
    lines = _plain(wrap_text(Text(text), width))
    assert lines
    assert all(cell_len(x) <= width for x in lines)
    assert all("\n" not in x for x in lines)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=2, max_value=80))
def test_layout_markdown_never_raises(md: str, width: int) -> None:
    for line in layout_markdown(md, width):
        assert cell_len(line.plain) <= width
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line.plain)

"""parse_file / parse_text on real files written to tmp_path: every metadata rule."""

from __future__ import annotations

import codecs
import os
import re
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library import parse as parse_module
from reader.library.model import Article, SkipFile
from reader.library.parse import MAX_TITLE, parse_file, parse_text

UTC = timezone.utc
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Our own text in the exact format of the target corpus (blank line before the fence, quoted
# title, three-level categories, headimg/thumbnail, RFC 2822 date, raw HTML body; the
# trailing spaces of the original are kept as \x20).
SEED_FORMAT = """
---
title: '湘江边的_夜市_，今年格外热闹'
categories:\x20
 - 新媒体
 - 趣头条
 - 分类
headimg: 'https://img.example.test/2021/07/10/cover.jpeg'
author: 趣头条
comments: false
date: Sat, 10 Jul 2021 03:07:14 GMT
thumbnail: 'https://img.example.test/2021/07/10/cover.jpeg'
---

<div>\x20\x20\x20
<p>入夜以后，湘江边的小吃摊陆续亮起了灯。</p><p><img src="https://img.example.test/a.jpeg" data-size="600,400" referrerpolicy="no-referrer"></p><p>摊主说，今年的客流比去年多了三成。</p><p><strong>夜经济正在成为城市的新名片。</strong></p><div id="comments"></div>
</div>
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def parse(tmp_path: Path, name: str, content: str | bytes) -> Article:
    return parse_file(write(tmp_path, name, content))


# -- the typical article ------------------------------------------------------------------


def test_seed_format_article(tmp_path: Path) -> None:
    a = parse(tmp_path, "news/2021/0710-night.md", SEED_FORMAT)
    assert a.title == "湘江边的_夜市_，今年格外热闹"
    assert a.categories == (("新媒体", "趣头条", "分类"),)
    assert a.authors == ("趣头条",) and a.author == "趣头条"
    assert a.date == datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)
    assert a.cover == "https://img.example.test/2021/07/10/cover.jpeg"
    assert a.url is None and a.tags == () and a.warnings == ()
    assert "入夜以后，湘江边的小吃摊陆续亮起了灯。" in a.body
    assert "摊主说，今年的客流比去年多了三成。" in a.body
    assert "<p>" not in a.body and "<div" not in a.body
    assert a.links == ("https://img.example.test/a.jpeg",)


def test_seed_format_with_yaml_datetime(tmp_path: Path) -> None:
    text = SEED_FORMAT.replace("Sat, 10 Jul 2021 03:07:14 GMT", "2021-10-28 14:08:07")
    a = parse(tmp_path, "a.md", text)
    assert a.date == datetime(2021, 10, 28, 14, 8, 7, tzinfo=UTC)


def test_seed_format_as_txt_with_bom_and_crlf(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + SEED_FORMAT.replace("\n", "\r\n").encode()
    a = parse(tmp_path, "seed.txt", data)
    assert a.title == "湘江边的_夜市_，今年格外热闹"
    assert a.categories == (("新媒体", "趣头条", "分类"),)
    assert "\r" not in a.body and a.warnings == ()


# -- other front matter formats -----------------------------------------------------------


def test_toml_with_extra_and_taxonomies(tmp_path: Path) -> None:
    text = """+++
path = "2025/06/26/Release-notes"
title = "Announcing Widget 2.0"
authors = ["The Release Team", "Ana"]
description = "What is new."

[taxonomies]
tags = ["release", "tooling"]
categories = ["news", "announcements"]

[extra]
team = "Release"
cover = "https://example.test/c.png"
+++

Widget 2.0 is *out*.
"""
    a = parse(tmp_path, "Release-notes.md", text)
    assert a.title == "Announcing Widget 2.0"
    assert a.authors == ("The Release Team", "Ana")
    assert a.date == datetime(2025, 6, 26, tzinfo=UTC)  # from the path key
    assert a.tags == ("release", "tooling")
    assert a.categories == (("news",), ("announcements",))
    assert a.summary == "What is new."
    assert a.cover == "https://example.test/c.png"
    assert "Widget 2.0 is *out*." in a.body


def test_toml_native_date(tmp_path: Path) -> None:
    a = parse(tmp_path, "x.md", '+++\ntitle = "T"\ndate = 2021-07-10\n+++\nbody')
    assert a.date == datetime(2021, 7, 10, tzinfo=UTC)


def test_json_front_matter(tmp_path: Path) -> None:
    text = '{\n  "title": "JSON 文章",\n  "date": "2021-10-28T14:08:07+08:00",\n  "tags": "甲，乙、丙"\n}\n\n正文内容。\n'
    a = parse(tmp_path, "j.md", text)
    assert a.title == "JSON 文章"
    assert a.date == datetime(2021, 10, 28, 14, 8, 7, tzinfo=timezone(timedelta(hours=8)))
    assert a.tags == ("甲", "乙", "丙")
    assert "正文内容。" in a.body


# -- damaged front matter -----------------------------------------------------------------


def test_broken_yaml_keeps_the_file(tmp_path: Path) -> None:
    text = "---\ntitle: 坏掉的: YAML: 标题\nauthor: 小王\n---\n# 正文标题\n\n正文。\n"
    a = parse(tmp_path, "broken.md", text)
    assert a.title == "坏掉的: YAML: 标题"  # recovered line by line
    assert a.authors == ("小王",)
    assert len(a.warnings) == 1 and a.warnings[0].startswith("malformed YAML front matter:")
    assert "正文。" in a.body


def test_hopeless_yaml_falls_back_to_heading(tmp_path: Path) -> None:
    a = parse(tmp_path, "hopeless.md", "---\n[[[{{{\n---\n# 真正的标题\n\n正文。\n")
    assert a.title == "真正的标题"
    assert a.warnings[0].startswith("malformed YAML front matter")


def test_unclosed_yaml(tmp_path: Path) -> None:
    a = parse(tmp_path, "unclosed.md", "---\ntitle: 没有结尾\n\n正文第一段。\n")
    assert a.title == "没有结尾"
    assert "正文第一段。" in a.body
    assert a.warnings == ("unclosed YAML front matter",)


def test_alias_bomb_is_never_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bomb never reaches the YAML constructor, so tags/categories are never expanded
    (quick without a clock to prove it)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\ntags: *i\ncategories: *i\n---\nbody text\n"

    reached: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        reached.append(args)
        raise ValueError("the alias bomb reached yaml.load")  # the parser recovers from it

    monkeypatch.setattr(yaml, "load", refuse)
    a = parse(tmp_path, "bomb.md", text)
    assert reached == []
    assert len(a.tags) < 100 and len(a.categories) < 100
    assert a.title == "bomb"
    assert "alias" in a.warnings[0]
    assert "body text" in a.body


def test_non_string_values(tmp_path: Path) -> None:
    text = """---
title: 2021
author:
  name: 李雷
  email: li@example.test
categories: 42
tags: [1, 2.5, true, [nested]]
summary: {text: 不是字符串}
lang: 7
---
body
"""
    a = parse(tmp_path, "odd.md", text)
    assert a.title == "2021"
    assert a.authors == ("李雷",)
    assert a.categories == (("42",),)
    assert a.tags == ("1", "2.5", "true", "nested")
    assert a.summary is None
    assert a.language == "7"


def test_title_that_is_a_mapping_falls_back_with_warning(tmp_path: Path) -> None:
    a = parse(tmp_path, "m.md", "---\ntitle: {a: 1}\n---\n## 小标题\n\n文字")
    assert a.title == "小标题"
    assert a.warnings == ("front matter title is not text",)


def test_date_like_title(tmp_path: Path) -> None:
    assert parse(tmp_path, "d.md", "---\ntitle: 2021-10-28\n---\nx").title == "2021-10-28"


def test_list_of_authors_and_mapping_authors(tmp_path: Path) -> None:
    text = "---\nauthors:\n - 张三\n - {name: 李四}\n - 张三\n - 99\n---\nx"
    assert parse(tmp_path, "a.md", text).authors == ("张三", "李四", "99")


# -- categories and tags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("categories: [新媒体, 趣头条, 分类]", (("新媒体", "趣头条", "分类"),)),
        ("categories: [[日记, 游戏], [生活]]", (("日记", "游戏"), ("生活",))),
        ("categories: [[a], b]", (("a",), ("b",))),
        ("categories: 随笔", (("随笔",),)),
        ("categories: 技术 > Python > 异步", (("技术", "Python", "异步"),)),
        ("categories: 技术 / 网络", (("技术", "网络"),)),
        ("categories: TCP/IP", (("TCP/IP",),)),
        ("category: 新闻", (("新闻",),)),
        ("categories: []", ()),
        ("categories: ['', '  ']", ()),
        ("categories: [a, a]\ncategory: a", (("a", "a"), ("a",))),
    ],
)
def test_categories(tmp_path: Path, yaml: str, expected: tuple[tuple[str, ...], ...]) -> None:
    assert parse(tmp_path, "c.md", f"---\n{yaml}\n---\nx").categories == expected


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("tags: [科技, 互联网]", ("科技", "互联网")),
        ("tags: 科技，互联网,手机", ("科技", "互联网", "手机")),
        ("tags: 科技、互联网", ("科技", "互联网")),
        ("tags: ruby release security", ("ruby", "release", "security")),
        ("tags: [a, b, a]", ("a", "b")),
        ("tags: ['a, b']", ("a, b",)),
        ("keywords: 关键词1, 关键词2", ("关键词1", "关键词2")),
        ("tags: [x]\nkeywords: y", ("x",)),
    ],
)
def test_tags(tmp_path: Path, yaml: str, expected: tuple[str, ...]) -> None:
    assert parse(tmp_path, "t.md", f"---\n{yaml}\n---\nx").tags == expected


# -- other fields -------------------------------------------------------------------------


def test_url_summary_cover_language(tmp_path: Path) -> None:
    text = """---
title: t
permalink: /2021/07/10/relative/
source: https://news.example.test/a/1
description: "一句话\\n摘要"
cover:
  image: https://example.test/cover.png
language: zh-CN
---
x
"""
    a = parse(tmp_path, "f.md", text)
    assert a.url == "https://news.example.test/a/1"
    assert a.summary == "一句话 摘要"
    assert a.cover == "https://example.test/cover.png"
    assert a.language == "zh-CN"


def test_relative_url_only_is_none(tmp_path: Path) -> None:
    assert parse(tmp_path, "f.md", "---\nurl: /en/2017/post/\n---\nx").url is None


def test_updated_fields(tmp_path: Path) -> None:
    a = parse(tmp_path, "u.md", "---\ndate: 2021-01-01\nlastmod: 2021-02-03T04:05:06Z\n---\nx")
    assert a.updated == datetime(2021, 2, 3, 4, 5, 6, tzinfo=UTC)
    b = parse(tmp_path, "u2.md", "---\nupdated: 2022-01-01 10:00:00\n---\nx")
    assert b.updated == datetime(2022, 1, 1, 10, tzinfo=UTC)


# -- dates --------------------------------------------------------------------------------


def test_unparseable_date_warns_and_uses_file_name(tmp_path: Path) -> None:
    a = parse(tmp_path, "2020-05-06-post.md", "---\ntitle: t\ndate: 明天早上\n---\nx")
    assert a.date == datetime(2020, 5, 6, tzinfo=UTC)
    assert a.warnings == ("unparseable date: '明天早上'",)


def test_year_one_date_is_absent(tmp_path: Path) -> None:
    a = parse(tmp_path, "zero.md", "---\ntitle: t\ndate: 0001-01-01T00:00:00Z\n---\nx")
    assert a.date is None
    assert a.warnings and a.warnings[0].startswith("unparseable date")


def test_epoch_date(tmp_path: Path) -> None:
    a = parse(tmp_path, "e.md", "---\ndate: 1625886434\n---\nx")
    assert a.date == datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)


def test_no_date_anywhere(tmp_path: Path) -> None:
    a = parse(tmp_path, "plain.md", "# 标题\n\n正文")
    assert a.date is None and a.warnings == ()


# -- titles -------------------------------------------------------------------------------


def test_title_from_markdown_heading(tmp_path: Path) -> None:
    text = "```\n# not a heading\n```\n\n## **真正**的标题 ##\n\n正文"
    assert parse(tmp_path, "h.md", text).title == "真正的标题"


def test_title_from_setext_heading(tmp_path: Path) -> None:
    assert parse(tmp_path, "h.md", "Big Title\n=========\n\ntext").title == "Big Title"


def test_title_from_html_heading(tmp_path: Path) -> None:
    assert (
        parse(tmp_path, "h.md", "<div><h2>网页 <em>标题</em></h2><p>正文</p></div>").title
        == "网页 标题"
    )


def test_title_from_file_name(tmp_path: Path) -> None:
    assert parse(tmp_path, "我的笔记.txt", "只有一段文字。").title == "我的笔记"


def test_huge_title_is_truncated(tmp_path: Path) -> None:
    a = parse(tmp_path, "long.md", "---\ntitle: " + "长" * 30_000 + "\n---\nx")
    assert len(a.title) == MAX_TITLE and a.title.endswith("…")


def test_escape_sequences_are_stripped_everywhere(tmp_path: Path) -> None:
    text = (
        '---\ntitle: "\\e]0;pwned\\a标题\\e[31m红\\e[0m"\nauthor: "a\\x9b2Jb"\n'
        'tags: ["x\\ty"]\n---\n正文\x1b[2J清屏\x07\n'
    )
    a = parse(tmp_path, "esc.md", text)
    assert a.title == "标题红"
    assert a.authors == ("ab",)
    assert a.tags == ("x y",)
    for value in (a.title, a.body, *a.authors, *a.tags):
        assert not CONTROL.search(value) and "\x1b" not in value
    assert "正文清屏" in a.body


# -- standalone HTML pages ----------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>网页标题 - 某某网</title>
<meta property="og:title" content="开放图谱标题">
<meta name="author" content="王五">
<meta property="article:published_time" content="2021-10-28T14:08:07+08:00">
<meta name="description" content="页面摘要">
<meta name="keywords" content="新闻,科技">
<meta property="og:image" content="https://example.test/og.png">
<link rel="canonical" href="https://example.test/page.html">
<script>var x = "<title>not this</title>";</script>
</head>
<body>
<nav>导航栏不应出现</nav>
<article><h1>文章标题</h1><p>第一段正文。</p></article>
<footer>页脚</footer>
</body>
</html>
"""


def test_standalone_html_page(tmp_path: Path) -> None:
    a = parse(tmp_path, "page.html", HTML_PAGE)
    assert a.title == "开放图谱标题"
    assert a.authors == ("王五",)
    assert a.date == datetime(2021, 10, 28, 14, 8, 7, tzinfo=timezone(timedelta(hours=8)))
    assert a.summary == "页面摘要"
    assert a.tags == ("新闻", "科技")
    assert a.cover == "https://example.test/og.png"
    assert a.url == "https://example.test/page.html"
    assert a.language == "zh-CN"
    assert "第一段正文。" in a.body
    assert "导航栏" not in a.body and "页脚" not in a.body and "var x" not in a.body


def test_html_page_title_fallbacks(tmp_path: Path) -> None:
    page = HTML_PAGE.replace('<meta property="og:title" content="开放图谱标题">', "")
    assert parse(tmp_path, "p1.htm", page).title == "文章标题"
    page = page.replace("<h1>文章标题</h1>", "")
    assert parse(tmp_path, "p2.htm", page).title == "网页标题 - 某某网"


def test_html_page_without_article_uses_body(tmp_path: Path) -> None:
    page = "<html><head><title>T</title></head><body><p>只有正文</p></body></html>"
    a = parse(tmp_path, "p.html", page)
    assert a.title == "T" and "只有正文" in a.body and a.warnings == ()


def test_html_fragment_file(tmp_path: Path) -> None:
    a = parse(tmp_path, "frag.html", "<p>片段 <b>加粗</b></p>")
    assert a.title == "frag" and "片段" in a.body and "<p>" not in a.body


# -- conversion failures and pathological bodies --------------------------------------------


def test_conversion_error_falls_back_to_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(body: str, *, is_html: bool | None = None) -> tuple[str, tuple[str, ...]]:
        raise RecursionError("too deep")

    monkeypatch.setattr(parse_module, "to_markdown", explode)
    a = parse(
        tmp_path, "x.md", "---\ntitle: t\n---\n<div><p>第一段</p><p>第二段 &amp; 更多</p></div>"
    )
    assert a.title == "t"
    assert a.body == "第一段\n\n第二段 & 更多"
    assert a.warnings == ("body conversion failed (RecursionError); showing plain text",)


def test_deeply_nested_divs(tmp_path: Path) -> None:
    body = "<div>" * 20_000 + "<p>深处的文字</p>" + "</div>" * 20_000
    a = parse(tmp_path, "deep.html", body)
    assert a.title == "deep"
    assert "深处的文字" in a.body


def test_internal_error_never_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(parse_module, "parse_front_matter", explode)
    a = parse_text("<p>text</p>", tmp_path / "bug.md")
    assert a.title == "bug" and a.body == "text"
    assert a.warnings == ("could not be parsed (ValueError); showing raw text",)


# -- files that are not articles ----------------------------------------------------------


def test_binary_md_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    with pytest.raises(SkipFile, match="binary"):
        parse_file(path)


def test_empty_file(tmp_path: Path) -> None:
    a = parse(tmp_path, "empty.md", b"")
    assert a.title == "empty" and a.body == "" and a.warnings == ()


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.md", "x" * 2000)
    with pytest.raises(SkipFile, match="too large"):
        parse_file(path, max_bytes=1000)
    assert parse_file(path, max_bytes=2000).body.startswith("x")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="unreadable"):
        parse_file(tmp_path / "nope.md")


def test_directory_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="not a regular file"):
        parse_file(tmp_path)


def _in_thread(fn: object, timeout: float = 10) -> list[BaseException]:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), "parse_file blocked"
    return errors


def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    errors = _in_thread(lambda: parse_file(fifo))
    assert len(errors) == 1 and isinstance(errors[0], SkipFile)
    assert errors[0].reason == "not a regular file"


def test_fifo_swapped_in_after_stat_is_caught_by_fstat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = write(tmp_path, "regular.md", "x")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(
        parse_module.os, "stat", lambda p, *a, **k: real_stat(regular if p == fifo else p)
    )
    errors = _in_thread(lambda: parse_file(fifo))
    assert len(errors) == 1 and isinstance(errors[0], SkipFile)
    assert errors[0].reason == "not a regular file"


# -- encodings through parse_file -----------------------------------------------------------

ZH_DOC = "---\ntitle: 编码测试\ncategories: [新闻, 本地]\n---\n\n这是一篇用旧编码保存的中文文章，内容不多。\n"


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_encodings(tmp_path: Path, codec: str) -> None:
    a = parse(tmp_path, f"{codec}.md", ZH_DOC.encode(codec))
    assert a.title == "编码测试"
    assert a.categories == (("新闻", "本地"),)
    assert "这是一篇用旧编码保存的中文文章" in a.body


def test_latin1_file(tmp_path: Path) -> None:
    doc = "---\ntitle: Crème brûlée\nauthor: José\n---\n\nUn café à Zürich.\n"
    a = parse(tmp_path, "latin.md", doc.encode("latin-1"))
    assert a.title == "Crème brûlée" and a.authors == ("José",)
    assert "Un café à Zürich." in a.body


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_parse_text_never_raises_and_output_is_clean(text: str) -> None:
    a = parse_text(text, Path("/tmp/prop.md"))
    assert a.title
    for value in (a.title, *a.authors, *a.tags, *(s for p in a.categories for s in p)):
        assert not CONTROL.search(value) and "\n" not in value and "\t" not in value
    assert not CONTROL.search(a.body)
    assert a.date is None or a.date.tzinfo is not None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "---\n",
                "+++\n",
                "title: ",
                "date: ",
                "tags: ",
                "[",
                "]",
                "{",
                "}",
                "\x1b[31m",
                "中文",
                "\n",
                "- ",
                "&a ",
                "*a",
                "'",
                '"',
                "2021-10-28",
                "<p>",
                "</p>",
                "# ",
                "=",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_parse_text_structured_noise(text: str) -> None:
    a = parse_text(text, Path("/tmp/noise.md"))
    assert a.title and "\x1b" not in a.title and "\x1b" not in a.body

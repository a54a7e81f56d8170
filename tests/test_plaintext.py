"""Plain text for the full-text index (lexbor): words intact, hidden content out, never raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.library import plaintext
from reader.library.parse import parse_file, read_plain
from reader.paths import sample_collection


def test_inline_markup_never_splits_a_word() -> None:
    assert plaintext.html_to_plain("<p>诚信<b>长</b>沙，<i>Dock</i>er</p>") == "诚信长沙，Docker"


def test_blocks_become_lines() -> None:
    html = "<div><p>第一段</p>尾巴<ul><li>一</li><li>二</li></ul><h2>标题</h2>正文<br>下一行</div>"
    assert plaintext.html_to_plain(html).split("\n") == [
        "第一段",
        "尾巴",
        "一",
        "二",
        "标题",
        "正文",
        "下一行",
    ]


def test_hidden_content_is_dropped_and_entities_decoded() -> None:
    html = (
        "<head><title>页面</title><style>p{color:red}</style></head>"
        "<p>A&amp;B&nbsp;&lt;tag&gt;</p><script>alert('x')</script>"
        "<iframe src='x'>frame text</iframe><noscript>ns</noscript><!-- comment -->"
    )
    assert plaintext.html_to_plain(html) == "A&B <tag>"


def test_image_alt_text_is_kept_but_not_sizes() -> None:
    html = '<p>前<img src="a.jpg" alt="长沙夜景">后<img src="b.jpg" alt="600x400"></p>'
    assert plaintext.html_to_plain(html) == "前 长沙夜景 后"


def test_markdown_bodies_lose_their_markup() -> None:
    md = "# 标题\n\n**加粗。**后文 [链接](https://example.invalid) `code`\n\n- 项目\n"
    assert plaintext.markdown_to_plain_fast(md) == "标题\n加粗。后文 链接 code\n项目"


def test_sniffing_html_and_markdown() -> None:
    assert plaintext.body_to_plain("<div><p>一</p><p>二</p><p>三</p></div>") == "一\n二\n三"
    assert plaintext.body_to_plain("*强调*文字") == "强调文字"


def test_regex_fallback_reads_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    html = "<div><p>诚信<b>长</b>沙</p><script>x()</script><p>A&amp;B</p></div>"
    expected = plaintext.html_to_plain(html)

    def broken(_markup: str) -> str:
        raise RuntimeError("parser unavailable")

    monkeypatch.setattr(plaintext, "_lexbor_plain", broken)
    assert plaintext.html_to_plain(html) == expected == "诚信长沙\nA&B"


def test_deep_nesting_finishes() -> None:
    html = "<div>" * 20_000 + "深处" + "</div>" * 20_000
    assert plaintext.html_to_plain(html) == "深处"


def test_read_plain_matches_the_parser_on_the_sample_collection() -> None:
    files = [p for p in sorted(sample_collection().rglob("*")) if p.is_file()]
    assert len(files) >= 40
    for path in files:
        assert read_plain(path) == parse_file(path, body="plain").body, path


def test_metadata_pass_gives_the_same_metadata_as_a_full_parse() -> None:
    """The list (metadata pass, no conversion) and the article view (full parse) agree."""
    for path in sorted(p for p in sample_collection().rglob("*") if p.is_file()):
        quick, full = parse_file(path, body="none"), parse_file(path)
        assert quick.body == "" and quick.links == ()
        assert (quick.title, quick.date, quick.categories, quick.tags, quick.authors) == (
            full.title,
            full.date,
            full.categories,
            full.tags,
            full.authors,
        ), path


def test_title_from_heading_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "no-title.html"
    path.write_text("<h1>只有<b>标题</b></h1><p>正文</p>", encoding="utf-8")
    assert parse_file(path, body="none").title == parse_file(path).title == "只有标题"

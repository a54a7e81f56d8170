"""Front matter splitting and parsing: every format, every kind of damage, never an exception."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.frontmatter import parse_front_matter, split_front_matter


def test_yaml_with_leading_blank_line_and_blank_lines_inside() -> None:
    fm = parse_front_matter("\n\n---\ntitle: '标题'\n\ncategories:\n - 一\n - 二\n---\n\n正文")
    assert fm.format == "yaml"
    assert fm.meta == {"title": "标题", "categories": ["一", "二"]}
    assert fm.body == "\n正文"
    assert fm.warnings == ()


def test_bom_and_crlf() -> None:
    fm = parse_front_matter("\ufeff---\r\ntitle: t\r\ndate: 2021-10-28 14:08:07\r\n---\r\nbody\r\n")
    assert fm.meta == {"title": "t", "date": datetime(2021, 10, 28, 14, 8, 7)}
    assert fm.body == "body\n"


def test_yaml_document_end_marker_closes() -> None:
    assert parse_front_matter("---\ntitle: t\n...\nbody").body == "body"


def test_toml() -> None:
    fm = parse_front_matter(
        '+++\ntitle = "T"\ndate = 2021-07-10T03:07:14Z\n[extra]\nx = 1\n+++\nbody'
    )
    assert fm.format == "toml"
    assert fm.meta["title"] == "T"
    assert fm.meta["date"] == datetime(2021, 7, 10, 3, 7, 14, tzinfo=timezone.utc)
    assert fm.meta["extra"] == {"x": 1}
    assert fm.body == "body"


def test_json() -> None:
    fm = parse_front_matter('{\n  "title": "J",\n  "tags": ["a", "b"]\n}\n\nbody')
    assert fm.format == "json"
    assert fm.meta == {"title": "J", "tags": ["a", "b"]}
    assert fm.body == "\nbody"


def test_liquid_tag_is_not_json() -> None:
    fm = parse_front_matter("{% include note.html %}\ntext")
    assert fm.format is None and fm.body.startswith("{% include")


def test_no_front_matter() -> None:
    fm = parse_front_matter("# Heading\n\ntext")
    assert (fm.format, fm.meta, fm.body, fm.warnings) == (None, {}, "# Heading\n\ntext", ())


def test_markdown_rules_are_not_front_matter() -> None:
    text = "---\nJust a paragraph between two rules.\n---\nmore"
    fm = parse_front_matter(text)
    assert fm.meta == {} and fm.body == text and fm.warnings == ()


def test_broken_yaml_recovers_fields_with_a_warning() -> None:
    fm = parse_front_matter("---\ntitle: a: b: c\nauthor: 张三\ntags:\n - x\n - y\n---\nbody")
    assert fm.meta == {"title": "a: b: c", "author": "张三", "tags": ["x", "y"]}
    assert fm.body == "body"
    assert len(fm.warnings) == 1
    assert fm.warnings[0].startswith("malformed YAML front matter:")


def test_yaml_tabs_and_garbage() -> None:
    fm = parse_front_matter("---\n\t- [ {\n---\nbody")
    assert fm.body == "body"
    assert fm.warnings and fm.warnings[0].startswith("malformed YAML front matter")


def test_bad_timestamp_does_not_sink_the_block() -> None:
    fm = parse_front_matter("---\ntitle: t\ndate: 2021-02-30 10:00:00\n---\nx")
    assert fm.meta == {"title": "t", "date": "2021-02-30 10:00:00"}
    assert fm.warnings == ()


def test_unclosed_fence() -> None:
    fm = parse_front_matter("---\ntitle: 未闭合\nauthor: me\n\n正文第一段\n\n第二段")
    assert fm.meta == {"title": "未闭合", "author": "me"}
    assert fm.body == "正文第一段\n\n第二段"
    assert fm.warnings == ("unclosed YAML front matter",)


def test_unclosed_fence_without_fields_keeps_everything() -> None:
    text = "---\nsome text after a rule"
    fm = parse_front_matter(text)
    assert fm.body == text
    assert fm.warnings == ("unclosed YAML front matter",)


def test_broken_toml() -> None:
    fm = parse_front_matter('+++\ntitle = "ok"\nbroken = [\n+++\nbody')
    assert fm.meta["title"] == "ok"
    assert fm.body == "body"
    assert fm.warnings[0].startswith("malformed TOML front matter")


def test_broken_json() -> None:
    fm = parse_front_matter('{\n"title": "x",\n\nbody')
    assert fm.format == "json" and fm.warnings == ("malformed JSON front matter",)
    assert "body" in fm.body


def test_non_mapping_yaml_list() -> None:
    fm = parse_front_matter("---\n- a\n- b\n---\nbody")
    assert fm.meta == {}


def test_non_string_keys_are_stringified() -> None:
    fm = parse_front_matter("---\n2021: year\ntrue: yes\n---\n")
    assert fm.meta == {"2021": "year", "True": True}


def test_alias_bomb_is_refused_before_it_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused from parser events alone: the bomb never reaches the YAML constructor (so
    it is quick without a clock to prove it)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\ntitle: bomb\n" + "\n".join(lines) + "\n---\nbody"

    reached: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        reached.append(args)
        raise ValueError("the alias bomb reached yaml.load")  # the parser recovers from it

    monkeypatch.setattr(yaml, "load", refuse)
    fm = parse_front_matter(text)
    assert reached == []
    assert fm.body == "body"
    assert fm.meta["title"] == "bomb"
    assert "alias" in fm.warnings[0]


def test_a_few_aliases_are_fine() -> None:
    fm = parse_front_matter("---\nbase: &b [x, y]\ntags: *b\n---\n")
    assert fm.meta["tags"] == ["x", "y"] and fm.warnings == ()


def test_split_reports_unclosed() -> None:
    assert split_front_matter("+++\ntitle = 1\n") == ("toml", "title = 1\n", "", False)
    assert split_front_matter("text") == (None, "", "text", True)


FM_ALPHABET = st.sampled_from(
    [
        "---",
        "+++",
        "\n",
        "\r\n",
        "{",
        "}",
        '"',
        ":",
        " ",
        "-",
        "&a",
        "*a",
        "[",
        "]",
        "\t",
        "title",
        "中",
        "\ufeff",
        "=",
        "...",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FM_ALPHABET, max_size=40).map("".join))
def test_structured_noise_never_raises(text: str) -> None:
    fm = parse_front_matter(text)
    assert isinstance(fm.meta, dict) and isinstance(fm.body, str)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    fm = parse_front_matter("---\n" + text)
    assert isinstance(fm.meta, dict)

"""The query language parser: never raises, malformed input becomes text or an error note."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.query import Term, parse_query


def utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=timezone.utc)


def test_words_are_anded() -> None:
    q = parse_query("Docker 容器")
    assert [t.text for t in q.terms] == ["Docker", "容器"]
    assert q.highlight_terms() == ("Docker", "容器")
    assert not q.errors


def test_or_groups_bind_tighter_than_and() -> None:
    q = parse_query("a OR b c")
    assert q.any_of == [(Term("a"), Term("b"))]
    assert q.terms == [Term("c")]
    q = parse_query("a OR b OR c")
    assert q.any_of == [(Term("a"), Term("b"), Term("c"))]


def test_stray_or_is_literal() -> None:
    for text in ("OR", "OR a", "a OR", "a OR OR b"):
        q = parse_query(text)
        assert any(t.text == "OR" for t in q.terms), text
    assert parse_query("a or b").terms == [Term("a"), Term("or"), Term("b")]


def test_exclusion_and_phrases() -> None:
    q = parse_query('"exact phrase" -spam -"bad words" x')
    assert q.phrases == [Term("exact phrase", phrase=True)]
    assert q.excluded == [Term("spam"), Term("bad words", phrase=True)]
    assert q.terms == [Term("x")]


def test_lone_dash_and_unbalanced_quote() -> None:
    q = parse_query("-")
    assert [t.text for t in q.terms] == ["-"]
    q = parse_query('"unbalanced phrase')
    assert q.phrases == [Term("unbalanced phrase", phrase=True)]


def test_prefix() -> None:
    assert parse_query("dock*").terms == [Term("dock", prefix=True)]
    assert parse_query("*").terms == [Term("*")]


def test_fields() -> None:
    q = parse_query(
        "title:长沙 author:张三 category:新媒体/趣头条 tag:AI is:unread is:starred Title:x"
    )
    assert q.title == [Term("长沙", field="title"), Term("x", field="title")]
    assert q.author == ["张三"]
    assert q.category == ["新媒体/趣头条"]
    assert q.tag == ["AI"]
    assert q.unread and q.starred
    assert q.has_filters and q.has_text


def test_quoted_field_values() -> None:
    q = parse_query('author:"Yihui Xie" title:"two words"')
    assert q.author == ["Yihui Xie"]
    assert q.title == [Term("two words", phrase=True, field="title")]


def test_dates() -> None:
    q = parse_query("after:2021-07-01 before:2021-08")
    assert q.after == utc(2021, 7, 1) and q.before == utc(2021, 8, 1)
    q = parse_query("date:2021-07")
    assert (q.after, q.before) == (utc(2021, 7, 1), utc(2021, 8, 1))
    q = parse_query("date:2021")
    assert (q.after, q.before) == (utc(2021, 1, 1), utc(2022, 1, 1))
    q = parse_query("date:2021-12-31")
    assert (q.after, q.before) == (utc(2021, 12, 31), utc(2022, 1, 1))
    q = parse_query("date:2021/7/5")
    assert q.after == utc(2021, 7, 5)


def test_bad_values_are_reported() -> None:
    assert parse_query("after:yesterday").errors
    assert parse_query("date:2021-13").errors
    assert parse_query("is:weird").errors
    assert parse_query("author:").errors
    assert parse_query("after:yesterday").after is None


def test_unknown_field_is_text() -> None:
    q = parse_query("http://example.com foo:bar")
    assert [t.text for t in q.terms] == ["http://example.com", "foo:bar"]


def test_filter_only_query() -> None:
    q = parse_query("category:x after:2021-01-01")
    assert not q.has_text and q.has_filters and not q.is_empty


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_parse_never_raises(text: str) -> None:
    q = parse_query(text)
    assert isinstance(q.highlight_terms(), tuple)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "-",
                "OR",
                "*",
                "(",
                ")",
                ":",
                "^",
                "title:",
                "is:",
                "after:",
                "a",
                "网",
                " ",
                "NEAR",
            ]
        )
    ).map("".join)
)
def test_parse_syntax_soup_never_raises(text: str) -> None:
    parse_query(text)

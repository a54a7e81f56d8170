"""Property tests: arbitrary input never raises and never yields control characters.

Covers the front-matter/article parser, the HTML and Markdown converters (for reading and
for the index), the sanitizer, the
query parser and ``Collection.search`` on a tiny index.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import assert_search_ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CONTROL, CONTROL_NO_WS, xdg_env

FRAGMENTS = [
    "\x1b[2J",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x1b",
    "\x9b",
    "\x90",
    "\x07",
    "\x08",
    "\r",
    "\r\n",
    "\x00",
    "\x7f",
    "\ud800",
    "\u202e",
    "\ufeff",
    "[b]",
    "[/]",
    "[@click=app.quit]",
    "---\n",
    "+++\n",
    "{",
    "}",
    "title: ",
    "date: ",
    "&#x1b;",
    "&#27;",
    "&#0;",
    "&#xD800;",
    "<script>",
    "</script>",
    "<style>",
    "<div>",
    "</div>",
    "<a href='javascript:x'>",
    "</a>",
    "<img src=x>",
    "<p>",
    "<br>",
    "<pre>",
    "<table><tr><td>",
    "*",
    "_",
    "`",
    "```",
    "[",
    "](",
    ")",
    "![",
    "#",
    "> ",
    "- ",
    "1. ",
    "|",
    "\\",
    "\n",
    "\t",
    "  ",
    "中文",
    "长沙",
    "😀",
    "\u200b",
    "&amp;",
    "&#x9b;",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(), max_size=8)), max_size=40
).map("".join)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _clean(value: str, *, lines: bool) -> None:
    pattern = CONTROL if lines else CONTROL_NO_WS
    match = pattern.search(value)
    assert match is None, (match.group(), value)


@SETTINGS
@given(hostile_text)
def test_sanitizer(text: str) -> None:
    from reader.library.sanitize import clean_line, clean_text

    cleaned = clean_text(text)
    _clean(cleaned, lines=True)
    assert "\r" not in cleaned
    line = clean_line(text)
    _clean(line, lines=False)
    assert line == line.strip() and "  " not in line
    assert clean_text(cleaned) == cleaned  # idempotent


@SETTINGS
@given(front=hostile_text, body=hostile_text, fence=st.sampled_from(["---", "+++", "", "{"]))
def test_parse_text(front: str, body: str, fence: str) -> None:
    from reader.library.parse import parse_text

    text = f"{fence}\n{front}\n{fence}\n{body}" if fence in ("---", "+++") else fence + front + body
    for name in ("a.md", "a.html", "a.txt"):
        article = parse_text(text, Path("/c") / name)
        _clean(article.title, lines=False)
        assert article.title.strip()
        _clean(article.body, lines=True)
        for value in (
            *article.authors,
            *article.tags,
            *article.links,
            *article.warnings,
            *(c for cat in article.categories for c in cat),
            article.url or "",
            article.cover or "",
            article.language or "",
        ):
            _clean(value, lines=False)
        _clean(article.summary or "", lines=True)


@SETTINGS
@given(hostile_text)
def test_converters(text: str) -> None:
    from reader.library.convert import (
        html_to_markdown,
        markdown_to_markdown,
        markdown_to_plain,
        to_markdown,
    )

    for convert in (html_to_markdown, markdown_to_markdown, to_markdown):
        md, links = convert(text)
        _clean(md, lines=True)
        for link in links:
            _clean(link, lines=False)
        _clean(markdown_to_plain(md), lines=True)
    _clean(markdown_to_plain(text), lines=True)

    from reader.library.plaintext import body_to_plain, html_to_plain, markdown_to_plain_fast

    for to_plain in (html_to_plain, markdown_to_plain_fast, body_to_plain):
        _clean(to_plain(text), lines=True)


@SETTINGS
@given(hostile_text)
def test_query_parser(text: str) -> None:
    from reader.library.query import parse_query

    query = parse_query(text)
    for term in query.highlight_terms():
        assert isinstance(term, str)
    for error in query.errors:
        _clean(error, lines=False)


@pytest.fixture(scope="module")
def tiny_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    import os

    from reader.library.index import Collection
    from reader.library.state import StateStore

    base = tmp_path_factory.mktemp("tiny")
    root = base / "c"
    root.mkdir()
    bodies = [
        "长沙的网络诚信建设 [b]x[/i]",
        "plain words and more words",
        "clear \x1b[2J osc52",
        "<p>html <b>bold</b></p>",
        'quoted "phrase" here',
    ]
    for n, body in enumerate(bodies):
        (root / f"p{n}.md").write_text(f"---\ntitle: 'Post {n} [b]'\n---\n\n{body}\n")
    env = xdg_env(base / "xdg")
    state = StateStore(Path(env["XDG_DATA_HOME"]) / "state.sqlite3")
    collection = Collection([root], cache_dir=Path(env["XDG_CACHE_HOME"]), state=state)
    collection.refresh(workers=1)
    assert os.path.exists(collection.db_path)
    yield collection
    collection.close()
    state.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(hostile_text)
def test_search_never_raises(tiny_collection: object, text: str) -> None:
    result = tiny_collection.search(text, limit=5)  # type: ignore[attr-defined]
    assert_search_ok(result.error, text)
    if result.error is not None:
        _clean(result.error, lines=False)
    for hit in result.hits:
        _clean(hit.snippet, lines=True)
        for start, end in hit.highlights:
            assert 0 <= start <= end <= len(hit.snippet)
    ids, _terms, error = tiny_collection.search_ids(text)  # type: ignore[attr-defined]
    assert_search_ok(error, text)
    assert len(ids) == result.total

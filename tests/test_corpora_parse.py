"""Every file of the real corpora parses, with titles, dates and categories where they belong.

Skipped when ../shared/corpora is absent. The corpora are parsed once per session.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from reader.library.discover import discover
from reader.library.model import Article, FoundFile, SkipFile
from reader.library.parse import parse_file

pytestmark = pytest.mark.corpus

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
Parsed = tuple[tuple[Article, ...], tuple[tuple[Path, str], ...]]


@cache
def parse_set(folder: Path) -> Parsed:
    """(articles, (path, reason) for every discovery or parse skip)."""
    articles: list[Article] = []
    skipped: list[tuple[Path, str]] = []
    for item in discover([folder]):
        if not isinstance(item, FoundFile):
            skipped.append((item.path, item.reason))
            continue
        try:
            articles.append(parse_file(item.path))
        except SkipFile as exc:
            skipped.append((item.path, exc.reason))
    return tuple(articles), tuple(skipped)


def report(name: str, parsed: Parsed) -> None:
    articles, skipped = parsed
    warnings = Counter(w.split(":")[0] for a in articles for w in a.warnings)
    dated = sum(a.date is not None for a in articles)
    print(
        f"\n{name}: {len(articles)} articles, {len(skipped)} skipped {Counter(r for _, r in skipped)},"
        f" {dated} dated, warnings {dict(warnings)}"
    )


@pytest.mark.parametrize("name", ["seedlike", "ruby-lang-news", "rust-blog-toml", "yihui-blog"])
def test_every_file_parses_with_a_clean_title(corpora: Path, name: str) -> None:
    folder = corpora / name
    if not folder.is_dir():
        pytest.skip(f"{name} absent")
    parsed = parse_set(folder)
    report(name, parsed)
    articles, skipped = parsed
    files = sum(1 for p in folder.rglob("*.md") if p.is_file())
    assert len(articles) + len(skipped) == files
    assert skipped == ()
    for a in articles:
        assert a.title.strip(), a.path
        assert not CONTROL.search(a.title) and "\n" not in a.title, a.path
        assert not CONTROL.search(a.body), a.path
        assert a.date is None or a.date.tzinfo is not None, a.path
        assert a.warnings == (), (a.path, a.warnings)


def test_seedlike(corpora: Path) -> None:
    articles, _ = parse_set(corpora / "seedlike")
    assert len(articles) == 57
    for a in articles:
        assert len(a.categories) == 1 and len(a.categories[0]) == 3, a.path
        assert a.date is not None and 2015 <= a.date.year <= 2030, a.path
        assert a.authors and a.cover and a.cover.startswith("http"), a.path
        assert a.body.strip() and "<p>" not in a.body, a.path


def test_rust_blog_dates_from_path_key(corpora: Path) -> None:
    articles, _ = parse_set(corpora / "rust-blog-toml")
    posts = [a for a in articles if a.path.name not in ("_index.md", "latest.md")]
    assert len(posts) >= 740
    assert all(a.date is not None for a in posts), [a.path for a in posts if a.date is None]
    assert sum(bool(a.authors) for a in posts) >= len(posts) * 0.99
    assert all(not a.title.startswith("+++") for a in articles)


def test_yihui_blog(corpora: Path) -> None:
    articles, _ = parse_set(corpora / "yihui-blog")
    assert sum(a.date is not None for a in articles) >= len(articles) * 0.98
    cn = [a for a in articles if "/cn/" in a.path.as_posix()]
    assert cn and sum(bool(re.search(r"[\u4e00-\u9fff]", a.title)) for a in cn) >= len(cn) * 0.8


def test_ruby_news(corpora: Path) -> None:
    articles, _ = parse_set(corpora / "ruby-lang-news")
    assert all(a.date is not None for a in articles)  # front matter or the file name
    assert sum(a.language is not None for a in articles) >= len(articles) * 0.99
    assert sum(bool(a.authors) for a in articles) >= len(articles) * 0.99
    zh = [a for a in articles if "/zh_cn/" in a.path.as_posix()]
    assert zh and all(a.title for a in zh)

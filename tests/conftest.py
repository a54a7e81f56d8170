"""Shared fixtures: every test runs with its own cache, data, config and state directories."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_content"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point every XDG directory at a fresh temporary folder so tests never touch the user's."""
    base = tmp_path_factory.mktemp("xdg")
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"XDG_{name}_HOME", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return base


@pytest.fixture
def corpora() -> Path:
    """The real collections in ../shared/corpora; the test is skipped when they are absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present (a fresh clone has no shared material)")
    return CORPORA


@pytest.fixture
def seed_article() -> Path:
    """The original article the product was designed from (skipped when absent)."""
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if not seeds:
        pytest.skip("../shared/seeds is not present")
    return seeds[0]


def write_post(
    root: Path,
    name: str,
    title: str = "Untitled",
    body: str = "Body text.",
    *,
    date: str | None = "2021-07-10 12:00:00",
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
    author: str = "",
    url: str = "",
) -> Path:
    """Write a Hexo-style Markdown post with YAML front matter (values quoted safely);
    ``date=None`` leaves the date out. The one post writer every test uses."""

    def q(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    lines = ["---", f"title: {q(title)}"]
    if date is not None:
        lines.append(f"date: {date}")
    if categories:
        lines.append("categories:")
        lines += [f"  - {q(c)}" for c in categories]
    if tags:
        lines.append("tags:")
        lines += [f"  - {q(t)}" for t in tags]
    if author:
        lines.append(f"author: {q(author)}")
    if url:
        lines.append(f"url: {q(url)}")
    lines += ["---", "", body, ""]
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# The query language's own notes (reader/library/query.py and search.py); anything else in
# a search's ``error`` (above all "Search failed: <SQLite error>") means search broke.
_QUERY_NOTES = re.compile(
    r"(?:\s*(?:"
    r"Nothing to search for: the search words hold no letters or digits\."
    r"|The query was cut to its first \d+ characters\."
    r"|\w+: needs a value"
    r"|could not read the date in \w+:.*? \(use YYYY, YYYY-MM or YYYY-MM-DD\)"
    r"|unknown is:.*? \(use is:unread, is:read or is:starred\)"
    r"|-\w+: is not supported; the filter was applied as written"
    r"))+\s*",
    re.S,
)


def assert_search_ok(error: str | None, query: str = "") -> None:
    """A search answered: no error, or only the query language's notes about the query."""
    if error is None:
        return
    assert not error.startswith("Search failed"), (query, error)
    assert _QUERY_NOTES.fullmatch(error), (query, error)

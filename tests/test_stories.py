"""Duplicate groups and related articles through the real index and the CLI (issue #14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_duplicates import (
    BODIES,
    CHANGED,
    DISCLAIMER,
    FOOTER_A,
    FOOTER_B,
    HEADER_A,
    HEADER_B,
    STORY,
)
from test_related import ARTICLES

from reader.library.index import Collection, Filter
from reader.library.state import StateStore


def write(root: Path, name: str, title: str, body: str, date: str, author: str = "") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = ["---", f"title: '{title}'", f"date: {date}"] + (
        [f"author: '{author}'"] if author else []
    )
    path.write_text("\n".join([*head, "---", "", body, ""]), encoding="utf-8")
    return path


def open_collection(root: Path, tmp_path: Path) -> Collection:
    return Collection([root], cache_dir=tmp_path / "cache", state=StateStore(tmp_path / "s.db"))


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """One story from three apps (one a byte-identical copy), unrelated articles sharing a
    disclaimer, and one unrelated article."""
    r = tmp_path / "news"
    write(
        r, "a/story.md", "老街改造完成", HEADER_A + STORY + FOOTER_A, "2021-07-02 08:00", "晨光日报"
    )
    write(
        r,
        "b/story.md",
        "岳麓区老街变样",
        HEADER_B + CHANGED + FOOTER_B,
        "2021-07-03 09:00",
        "城市新闻",
    )
    write(r, "c/copy.md", "老街改造完成", HEADER_A + STORY + FOOTER_A, "2021-07-04 10:00", "转载站")
    for i, body in enumerate(BODIES):
        write(r, f"d/other{i}.md", f"其他新闻{i}", body + DISCLAIMER, f"2021-06-{10 + i} 08:00")
    return r


def test_groups_found_boilerplate_not_grouped(news: Path, tmp_path: Path) -> None:
    with open_collection(news, tmp_path) as coll:
        report = coll.refresh(workers=1)
        assert report.dup_groups == 1
        groups = coll.duplicate_groups()
        assert [[r.path.relative_to(news).as_posix() for r in g] for g in groups] == [
            ["a/story.md", "b/story.md", "c/copy.md"]
        ]
        assert all(r.dups == 3 for r in groups[0])
        earliest = groups[0][0]
        assert [r.path.name for r in coll.duplicates_of(earliest.id)] == ["story.md", "copy.md"]
        others = coll.rows(coll.ids(Filter(category=None)))
        assert {r.dups for r in others if r.path.parent.name == "d"} == {1}


def test_hide_duplicates_keeps_the_earliest(news: Path, tmp_path: Path) -> None:
    with open_collection(news, tmp_path) as coll:
        coll.refresh(workers=1)
        total = coll.count()
        shown = coll.rows(coll.ids(Filter(hide_duplicates=True)))
        assert coll.count(Filter(hide_duplicates=True)) == total - 2 == len(shown)
        kept = [r for r in shown if r.dups > 1]
        assert [r.path.relative_to(news).as_posix() for r in kept] == ["a/story.md"]
        hidden = coll.hidden_duplicates()
        assert {r.path.relative_to(news).as_posix() for r in coll.rows(sorted(hidden))} == {
            "b/story.md",
            "c/copy.md",
        }


def test_groups_follow_changes(news: Path, tmp_path: Path) -> None:
    with open_collection(news, tmp_path) as coll:
        coll.refresh(workers=1)
        (news / "c" / "copy.md").unlink()
        (news / "b" / "story.md").unlink()
        report = coll.refresh(workers=1)
        assert report.dup_groups == 0
        assert coll.duplicate_groups() == []
        write(news, "e/again.md", "老街", STORY, "2021-07-09 08:00")
        assert coll.refresh(workers=1).dup_groups == 1
        assert [r.path.name for r in coll.duplicate_groups()[0]] == ["story.md", "again.md"]
        assert coll.refresh(workers=1).dup_groups is None  # nothing changed: not regrouped


def test_added_articles_are_grouped_from_their_pairs_only(news: Path, tmp_path: Path) -> None:
    with open_collection(news, tmp_path) as coll:
        first = coll.refresh(workers=1)
        assert (first.dup_groups, first.grouped_added) == (1, False)
        # A new copy of the story and a new pair of copies: only additions since last time.
        write(news, "e/third.md", "老街改造", HEADER_B + STORY + FOOTER_A, "2021-07-05 08:00")
        write(news, "f/one.md", "图书馆讲座", BODIES[5] * 2, "2021-07-06 08:00")
        write(news, "g/two.md", "图书馆讲座", BODIES[5] * 2, "2021-07-07 08:00")
        added = coll.refresh(workers=1)
        assert (added.dup_groups, added.grouped_added) == (2, True)
        grown = [[r.path.relative_to(news).as_posix() for r in g] for g in coll.duplicate_groups()]
        assert grown == [
            ["f/one.md", "g/two.md"],
            ["a/story.md", "b/story.md", "c/copy.md", "e/third.md"],
        ]
        # A removal is not an addition (the copy gone, the other one may now pair with an
        # article it shared text with): everything is grouped again, as from scratch.
        (news / "g" / "two.md").unlink()
        removed = coll.refresh(workers=1)
        assert removed.grouped_added is False
        after = [[r.path.relative_to(news).as_posix() for r in g] for g in coll.duplicate_groups()]
    with open_collection(news, tmp_path / "fresh") as scratch:
        scratch.refresh(workers=1)
        assert after == [
            [r.path.relative_to(news).as_posix() for r in g] for g in scratch.duplicate_groups()
        ]
        assert ["a/story.md", "b/story.md", "c/copy.md", "e/third.md"] in after


def test_an_edit_groups_everything_again(news: Path, tmp_path: Path) -> None:
    with open_collection(news, tmp_path) as coll:
        coll.refresh(workers=1)
        copy = news / "c" / "copy.md"
        write(news, "c/copy.md", "老街改造完成", BODIES[4] * 3, "2021-07-04 10:00")
        os.utime(copy, ns=(1, 1))  # an in-place edit: only a full walk sees it
        report = coll.refresh(workers=1, full=True)
        assert (report.updated, report.dup_groups, report.grouped_added) == (1, 1, False)
        assert [r.path.name for r in coll.duplicate_groups()[0]] == ["story.md", "story.md"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_cli_duplicates_json_and_text(news: Path, tmp_path: Path) -> None:
    groups = json.loads(run("duplicates", str(news), "--json").stdout)
    assert [[Path(a["path"]).relative_to(news).as_posix() for a in g] for g in groups] == [
        ["a/story.md", "b/story.md", "c/copy.md"]
    ]
    assert groups[0][0]["source"] == "晨光日报"
    assert groups[0][0]["date"].startswith("2021-07-02")
    lines = run("duplicates", str(news)).stdout.splitlines()
    assert len(lines) == 3 and all(line.endswith(".md") for line in lines)
    lonely = tmp_path / "lonely"
    write(lonely, "one.md", "独一无二", BODIES[5], "2021-01-01 08:00")
    assert run("duplicates", str(lonely)).stdout == "no duplicates\n"
    assert json.loads(run("duplicates", str(lonely), "--json").stdout) == []


@pytest.fixture
def topics(tmp_path: Path) -> Path:
    r = tmp_path / "topics"
    for i, (_, title, body) in ARTICLES.items():
        write(r, f"{i}.md", title, body, f"2021-05-{i:02d} 08:00")
    return r


@pytest.mark.parametrize("article", sorted(ARTICLES))
def test_related_same_topic_first(topics: Path, tmp_path: Path, article: int) -> None:
    with open_collection(topics, tmp_path) as coll:
        coll.refresh(workers=1)
        id_ = coll.id_for_path(topics / f"{article}.md")
        assert id_ is not None
        topic = ARTICLES[article][0]
        same = {str(i) for i, (t, _, _) in ARTICLES.items() if t == topic and i != article}
        related = coll.related(id_, limit=10)
        assert id_ not in {r.id for r in related}
        assert {r.path.stem for r in related[: len(same)]} == same
        assert len(coll.related(id_, limit=1)) == 1


def test_cli_related(topics: Path) -> None:
    out = json.loads(run("related", str(topics / "1.md"), str(topics), "--json").stdout)
    stems = [Path(a["path"]).stem for a in out]
    assert "1" not in stems
    same = {str(i) for i, (t, _, _) in ARTICLES.items() if t == "food" and i != 1}
    assert set(stems[: len(same)]) == same

"""The scriptable CLI, run as a real process: JSON shapes, exit codes, plain output when piped."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE
from rich.cells import cell_len

TYPICAL = """
---
title: '_诚信长沙_的金字招牌，是这样擦亮的'
categories:
 - 新媒体
 - 趣头条
 - 分类
headimg: 'https://img.example.org/cover.jpeg'
author: 趣头条
comments: false
date: Sat, 10 Jul 2021 03:07:14 GMT
---
<div><p>长沙的网络诚信建设走在前列，<a href="https://example.com/a">详见报道</a>。</p><p><img src="https://img.example.org/1.jpeg" data-size="600,400"></p><p><strong>织密一张网。</strong>管住“互联网”</p><script>alert(1)</script></div>
"""


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def typical(tmp_path: Path) -> Path:
    path = tmp_path / "news" / "2021-07-10-changsha.md"
    path.parent.mkdir()
    path.write_text(TYPICAL, encoding="utf-8")
    return path


def test_show_json_of_the_typical_article(typical: Path) -> None:
    record = json.loads(run("show", str(typical), "--format", "json").stdout)
    assert record["path"] == str(typical)
    assert record["title"] == "_诚信长沙_的金字招牌，是这样擦亮的"
    assert record["date"] == "2021-07-10T03:07:14+00:00"
    assert record["author"] == "趣头条"
    assert record["categories"] == [["新媒体", "趣头条", "分类"]]
    assert record["tags"] == []
    assert "url" in record
    text = record["text"]
    assert "长沙的网络诚信建设走在前列" in text and "织密一张网" in text
    assert not re.search(r"<[a-zA-Z/][^>]*>", text), text
    assert "alert(1)" not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "https://example.com/a" in record["links"]


def test_show_text_wraps_to_width_and_never_shows_stray_asterisks(typical: Path) -> None:
    out = run("show", str(typical), "--format", "text", "--width", "30").stdout
    lines = out.splitlines()
    assert lines[0].startswith("_诚信长沙_")
    assert all(cell_len(line) <= 30 for line in lines), lines
    assert "**" not in out
    assert "织密一张网" in out.replace("\n", "")
    assert any(line.startswith("[1]") and "example.com/a" in line for line in lines)


def test_index_then_incremental_refresh(tmp_path: Path, typical: Path) -> None:
    first = json.loads(run("index", str(typical.parent), "--json").stdout)
    assert set(first) >= {
        "collection",
        "articles",
        "added",
        "updated",
        "removed",
        "skipped",
        "seconds",
    }
    assert (first["articles"], first["added"]) == (1, 1)
    (typical.parent / "second.md").write_text("---\ntitle: Second\n---\nhello", encoding="utf-8")
    second = json.loads(run("index", str(typical.parent), "--json").stdout)
    assert (second["articles"], second["added"], second["updated"]) == (2, 1, 0)
    typical.unlink()
    third = json.loads(run("index", str(typical.parent), "--json").stdout)
    assert (third["articles"], third["removed"]) == (1, 1)


def test_search_json_on_sample_finds_only_matching_articles() -> None:
    hits = json.loads(run("search", "长沙", str(SAMPLE), "--json", "--limit", "0").stdout)
    assert len(hits) >= 3
    for hit in hits:
        assert {
            "path",
            "title",
            "date",
            "author",
            "categories",
            "tags",
            "url",
            "score",
            "snippet",
        } <= set(hit)
        shown = json.loads(run("show", hit["path"], "--format", "json").stdout)
        assert "长沙" in shown["title"] + shown["text"]


def test_search_sorted_by_date_is_newest_first() -> None:
    hits = json.loads(run("search", "长沙", str(SAMPLE), "--json", "--sort", "date").stdout)
    dates = [h["date"] for h in hits if h["date"]]
    assert dates == sorted(dates, reverse=True)


def test_list_and_categories_agree_with_the_index() -> None:
    rows = json.loads(run("list", str(SAMPLE), "--json", "--limit", "0").stdout)
    files = [p for p in SAMPLE.rglob("*") if p.is_file()]
    assert len(rows) == len(files)
    cats = json.loads(run("categories", str(SAMPLE), "--json").stdout)
    top = {tuple(c["path"]): c["total"] for c in cats}
    root = next(path for path in top if len(path) == 1)
    in_root = [r for r in rows if any(c[:1] == list(root) for c in r["categories"])]
    assert top[root] == len(in_root)
    one = json.loads(run("list", str(SAMPLE), "--json", "--category", root[0]).stdout)
    assert len(one) == min(50, len(in_root))


def test_piped_list_is_plain_tab_separated_text() -> None:
    out = run("list", str(SAMPLE), "--limit", "5").stdout
    lines = out.splitlines()
    assert len(lines) == 5
    assert all(line.count("\t") == 3 for line in lines)
    assert "\x1b" not in out


def test_bad_usage_exits_2_with_one_line() -> None:
    result = run("search", check=False)
    assert result.returncode == 2
    result = run("list", "/definitely/not/here", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "newsreader: /definitely/not/here: no such file or directory"
    assert "Traceback" not in result.stderr


def test_malformed_config_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("collections = [unclosed", encoding="utf-8")
    result = run("list", "--config", str(config), check=False)
    assert result.returncode == 2
    assert str(config) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_configured_collections_are_the_default(
    tmp_path: Path, typical: Path, isolated_dirs: Path
) -> None:
    config = isolated_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"collections = [{str(typical.parent)!r}]\n", encoding="utf-8")
    rows = json.loads(run("list", "--json").stdout)
    assert [r["title"] for r in rows] == ["_诚信长沙_的金字招牌，是这样擦亮的"]


def test_version() -> None:
    assert run("--version").stdout.startswith("newsreader ")

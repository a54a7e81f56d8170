"""Search folding through the real index (issue #14): Traditional/Simplified, full-width
forms, field filters, exact-substring precision, highlights on the original characters,
and the one-time rebuild of an index built with another folding version."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library.index import Collection
from reader.library.model import Progress
from reader.library.state import StateStore
from reader.library.stories import text_outdated


def write(root: Path, name: str, title: str, body: str, **meta: str) -> Path:
    lines = ["---", f"title: '{title}'", "date: 2021-07-10 08:00:00"]
    lines += [f"{k}: '{v}'" for k, v in meta.items()]
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*lines, "---", "", body, ""]), encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "news"
    write(r, "trad.md", "長沙夜市", "網絡誠信建設在長沙推進。", author="臺灣日報")
    write(r, "simp.md", "长沙米粉", "长沙的网络诚信建设走在前列。", author="湖南日报")
    write(r, "apart.md", "城市之间", "长江边的小城，沙滩上很热闹。长 沙分开写。")
    write(
        r,
        "wide.md",
        "ＡＩ芯片２０２１年報告",
        "全角的ＡＩ和２０２１出现在这里。",
        categories="科技",
    )
    write(r, "narrow.md", "AI report 2021", "Plain AI text from 2021.", categories="科技")
    return r


@pytest.fixture
def coll(root: Path, tmp_path: Path) -> Collection:
    c = Collection([root], cache_dir=tmp_path / "cache", state=StateStore(tmp_path / "s.db"))
    c.refresh(workers=1)
    return c


def names(coll: Collection, query: str) -> set[str]:
    result = coll.search(query, limit=0)
    assert result.error is None, result.error
    return {hit.row.path.name for hit in result.hits}


def test_simplified_finds_traditional_and_the_reverse(coll: Collection) -> None:
    assert names(coll, "长沙") == {"trad.md", "simp.md"}
    assert names(coll, "長沙") == {"trad.md", "simp.md"}
    assert names(coll, "网络诚信") == {"trad.md", "simp.md"}
    assert names(coll, "網絡誠信") == {"trad.md", "simp.md"}
    assert names(coll, "title:長沙") == {"trad.md", "simp.md"}
    assert names(coll, "夜市") == {"trad.md"}


def test_precision_is_kept_after_folding(coll: Collection) -> None:
    # apart.md holds 长 and 沙, but never 长沙 (nor 長沙) together
    assert "apart.md" not in names(coll, "长沙")
    assert "apart.md" not in names(coll, "長沙")
    assert names(coll, "米粉") == {"simp.md"}


def test_width_forms_fold_in_text_titles_and_both_directions(coll: Collection) -> None:
    assert names(coll, "ＡＩ") == {"wide.md", "narrow.md"}
    assert names(coll, "AI") == {"wide.md", "narrow.md"}
    assert names(coll, "２０２１") == {"wide.md", "narrow.md"}
    assert names(coll, "title:2021") == {"wide.md", "narrow.md"}
    assert names(coll, "title:ａｉ") == {"wide.md", "narrow.md"}


def test_field_filters_fold(coll: Collection) -> None:
    assert names(coll, "author:台湾日报") == {"trad.md"}
    assert names(coll, "author:湖南日報") == {"simp.md"}
    assert names(coll, "category:科技 ＡＩ") == {"wide.md", "narrow.md"}
    assert names(coll, "author:臺灣") == {"trad.md"}


def test_highlights_mark_the_original_characters(coll: Collection) -> None:
    hits = {h.row.path.name: h for h in coll.search("长沙", limit=0).hits}
    trad = hits["trad.md"]
    marked = [trad.snippet[s:e] for s, e in trad.highlights]
    assert marked == ["長沙"]
    wide = {h.row.path.name: h for h in coll.search("AI 2021", limit=0).hits}["wide.md"]
    assert sorted(wide.snippet[s:e] for s, e in wide.highlights) == ["２０２１", "ＡＩ"]


def test_stored_text_stays_original(coll: Collection) -> None:
    (id_,) = [h.row.id for h in coll.search("夜市").hits]
    body = coll.conn.execute(
        "SELECT b.text FROM articles a JOIN bodies b ON b.no = a.body WHERE a.id = ?", (id_,)
    ).fetchone()[0]
    from reader.library.records import unpack_plain

    assert "網絡誠信" in unpack_plain(body)


def test_old_folding_version_is_rebuilt_once_with_progress(
    coll: Collection, root: Path, tmp_path: Path
) -> None:
    db = sqlite3.connect(coll.db_path)
    db.execute("UPDATE meta SET value = 'fold 0, signature 0' WHERE key = 'text_version'")
    db.commit()
    assert text_outdated(db)
    db.close()
    events: list[Progress] = []
    report = coll.refresh(events.append, workers=1)
    assert report.fts_indexed == 5
    assert any(p.phase == "write" and p.total == 5 for p in events)
    assert not text_outdated(coll.conn)
    assert names(coll, "長沙") == {"trad.md", "simp.md"}
    again = coll.refresh(workers=1)
    assert again.fts_indexed == 0


def test_cli_search_folds(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "search", "網絡誠信", str(root), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {Path(h["path"]).name for h in hits} == {"trad.md", "simp.md"}
    trad = next(h for h in hits if h["path"].endswith("trad.md"))
    assert [trad["snippet"][s:e] for s, e in trad["highlights"]] == ["網絡誠信"]

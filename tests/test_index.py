"""Collection: build, incremental refresh, lists, counts, crash safety, corruption, concurrency."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import write_post

from reader import paths
from reader.library import search as search_module
from reader.library.index import SCHEMA_VERSION, Collection, Filter, collection_key
from reader.library.parse import parse_file
from reader.library.query import Term
from reader.library.state import StateStore

REPO = Path(__file__).resolve().parent.parent


def bump(path: Path, text: str) -> None:
    """Rewrite a file so mtime and size both change."""
    st = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    write_post(
        folder,
        "a.md",
        "Alpha 长沙",
        "Alpha body about Docker.",
        date="2021-07-01 10:00:00",
        categories=["新媒体", "趣头条", "分类"],
        tags=["AI"],
        author="张三",
    )
    write_post(
        folder,
        "b.md",
        "Beta",
        "诚信长沙建设。",
        date="2021-08-01 10:00:00",
        categories=["新媒体", "cnBeta"],
        author="李四",
    )
    write_post(
        folder,
        "sub/c.md",
        "Gamma",
        "Nothing here.",
        date="2020-01-01 00:00:00",
        categories=["编程"],
    )
    write_post(folder, "d.md", "Undated", "No date at all.", date=None)
    return folder


def test_build_lists_and_article(root: Path) -> None:
    with Collection([root]) as coll:
        report = coll.refresh()
        assert (report.articles, report.added, report.parsed) == (4, 4, 4)
        assert coll.db_path.parent == paths.cache_dir()
        assert coll.db_path.name == f"{collection_key([root])}.sqlite3"
        ids = coll.ids()
        rows = coll.rows(ids)
        titles = [r.title for r in rows]
        assert titles[:3] == ["Beta", "Alpha 长沙", "Gamma"]
        assert rows[0].key == "posts/b.md" and rows[0].path == root / "b.md"
        assert rows[1].categories == (("新媒体", "趣头条", "分类"),)
        assert rows[1].tags == ("AI",) and rows[1].author == "张三"
        assert not rows[0].read and not rows[0].starred
        assert coll.rows(list(reversed(ids))) == list(reversed(rows))
        assert [r.title for r in coll.rows(coll.ids(sort="title"))] == [
            "Alpha 长沙",
            "Beta",
            "Gamma",
            "Undated",
        ]
        # Opening reads the file: the article is exactly what the parser makes of it now.
        expected = parse_file(root / "a.md")
        assert coll.article(ids[1]) == expected
        # A file gone since indexing: the indexed metadata and plain text, with a warning.
        (root / "a.md").unlink()
        got = coll.article(ids[1])
        assert (got.title, got.date, got.categories, got.tags, got.authors) == (
            expected.title,
            expected.date,
            expected.categories,
            expected.tags,
            expected.authors,
        )
        assert got.body == "Alpha body about Docker."
        assert got.warnings[-1].startswith("the file could not be read (unreadable")
        assert coll.count() == 4 and coll.count(Filter(category=("新媒体",))) == 2


def test_undated_sorts_last_and_month_filter(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        assert coll.rows(coll.ids()[-1:])[0].title == "Undated"
        assert [r.title for r in coll.rows(coll.ids(Filter(month="2021-07")))] == ["Alpha 长沙"]


def test_ids_follow_date_even_when_added_later(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        write_post(root, "e.md", "Middle", "正文内容。", date="2021-07-15 00:00:00")
        write_post(root, "f.md", "Newest", "正文内容。", date="2030-01-01 00:00:00")
        coll.refresh()
        titles = [r.title for r in coll.rows(coll.ids())]
        assert titles == ["Newest", "Beta", "Middle", "Alpha 长沙", "Gamma", "Undated"]
        # "Middle" reached the full-text index after newer articles: search must still
        # return date order (the fast rowid-order path is switched off).
        assert not coll.fts_ordered()
        hits = coll.search("正文 OR 诚信", sort="date", limit=0).hits
        assert [h.row.title for h in hits] == ["Newest", "Beta", "Middle"]
        ids, _, _ = coll.search_ids("正文 OR 诚信", sort="date")
        assert ids == [h.row.id for h in hits]


def test_edits_keep_id_and_fast_order(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        assert coll.fts_ordered()
        before = coll.id_for_key("posts/a.md")
        bump(root / "a.md", (root / "a.md").read_text().replace("Alpha body", "Edited body"))
        write_post(root, "f.md", "Newest", "正文内容。", date="2030-01-01 00:00:00")
        coll.refresh()
        assert coll.id_for_key("posts/a.md") == before
        assert coll.fts_ordered()
        assert [h.row.title for h in coll.search("body", sort="date").hits] == ["Alpha 长沙"]
        assert coll.search("Alpha").total == 1


def test_incremental_add_change_delete(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        write_post(root, "new.md", "New one", "Fresh text 新内容")
        bump(root / "b.md", (root / "b.md").read_text().replace("Beta", "Beta two"))
        (root / "sub" / "c.md").unlink()
        report = coll.refresh()
        assert (report.added, report.updated, report.removed, report.parsed) == (1, 1, 1, 2)
        assert report.articles == 4
        titles = {r.title for r in coll.rows(coll.ids())}
        assert titles == {"Alpha 长沙", "Beta two", "Undated", "New one"}
        assert coll.search("新内容").total == 1
        assert coll.search("Gamma").total == 0
        assert coll.search("Beta").hits[0].row.title == "Beta two"
        assert coll.fts_pending() == 0


def test_no_change_refresh_parses_nothing(root: Path) -> None:
    (root / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    with Collection([root]) as coll:
        first = coll.refresh()
        assert any(s.path.name == "binary.md" for s in first.skipped)
        again = coll.refresh()
        assert (again.parsed, again.added, again.updated, again.removed) == (0, 0, 0, 0)
        assert again.fts_indexed == 0 and again.articles == 4
        assert any(s.path.name == "binary.md" for s in again.skipped)


def test_never_writes_inside_the_collection(root: Path) -> None:
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with Collection([root]) as coll:
        coll.refresh()
        coll.search("长沙")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_progress_phases(root: Path) -> None:
    seen: list[str] = []
    with Collection([root]) as coll:
        report = coll.refresh(lambda p: seen.append(p.phase))
    assert seen[0] == "scan" and seen[-1] == "done"
    assert "parse" in seen and "write" in seen
    assert 0 < report.list_seconds <= report.fts_seconds <= report.seconds


def test_category_counts_every_level_with_unread(root: Path) -> None:
    write_post(root, "slash.md", "Slash", "正文内容。", categories=["A/B", "C"])
    with Collection([root]) as coll:
        coll.refresh()
        counts = {path: (total, unread) for path, total, unread in coll.category_counts()}
        assert counts[("新媒体",)] == (2, 2)
        assert counts[("新媒体", "趣头条")] == (1, 1)
        assert counts[("新媒体", "趣头条", "分类")] == (1, 1)
        assert counts[("新媒体", "cnBeta")] == (1, 1)
        assert counts[("编程",)] == (1, 1)
        assert counts[("A/B", "C")] == (1, 1) and counts[("A/B",)] == (1, 1)
        coll.state.set_read(["posts/a.md"], True)
        counts = {path: (total, unread) for path, total, unread in coll.category_counts()}
        assert counts[("新媒体",)] == (2, 1)
        assert counts[("新媒体", "趣头条", "分类")] == (1, 0)
        assert counts[("新媒体", "cnBeta")] == (1, 1)
        paths_in_order = [p for p, _, _ in coll.category_counts()]
        assert paths_in_order.index(("新媒体",)) < paths_in_order.index(("新媒体", "cnBeta"))
        assert coll.ids(Filter(category=("新媒体", "趣头条"))) == [coll.id_for_key("posts/a.md")]
        assert len(coll.ids(Filter(category=("新媒体",), unread=True))) == 1


def test_facet_counts(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        coll.state.set_read(["posts/b.md"], True)
        assert ("李四", 1, 0) in coll.facet_counts("author")
        assert coll.facet_counts("tag") == [("AI", 1, 1)]
        months = coll.facet_counts("month")
        assert months[0] == ("2021-08", 1, 0) and ("2020-01", 1, 1) in months
        assert coll.ids(Filter(author="张三")) == coll.ids(Filter(tag="ai"))


def test_state_survives_index_rebuild_and_edits(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        coll.state.set_read(["posts/a.md"], True)
        coll.state.toggle_starred("posts/b.md")
        db = coll.db_path
    db.unlink()
    bump(root / "a.md", (root / "a.md").read_text() + "\nMore text.\n")
    with Collection([root]) as coll:
        coll.refresh()
        rows = {r.key: r for r in coll.rows(coll.ids())}
        assert rows["posts/a.md"].read and not rows["posts/a.md"].starred
        assert rows["posts/b.md"].starred
        assert coll.ids(Filter(starred=True)) == [rows["posts/b.md"].id]
        assert len(coll.ids(Filter(unread=True))) == 3


def test_corrupt_index_is_rebuilt_with_warning(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        db = coll.db_path
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"garbage, not SQLite " * 500)
    with Collection([root]) as coll:
        assert coll.warnings and "rebuilding" in coll.warnings[0]
        assert coll.refresh().articles == 4
        assert coll.search("长沙").total == 2


def test_damaged_pages_are_rebuilt(root: Path) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        db = coll.db_path
        coll.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 2, len(data), 97):
        data[offset] = 0xAB
    db.write_bytes(bytes(data))
    with Collection([root]) as coll:
        coll.refresh()
        assert len(coll.ids()) == 4
        assert coll.warnings


@pytest.mark.parametrize("older", [1, 2])
def test_old_schema_version_is_rebuilt(root: Path, older: int) -> None:
    """An older version is rebuilt; so is one that claims the upgradable version but does
    not hold its tables (``older=1`` on a current file: the column to add is there)."""
    with Collection([root]) as coll:
        coll.refresh()
        db = coll.db_path
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - older}")
    conn.close()
    with Collection([root]) as coll:
        assert any("schema version" in w for w in coll.warnings)
        assert coll.ids() == []
        assert coll.refresh().added == 4


def _category_hits(coll: Collection) -> dict[str, list[int]]:
    """Newest-first ids of every ``category:X term`` search, for each category name."""
    names = [r[0] for r in coll.conn.execute("SELECT DISTINCT name FROM article_nodes")]
    assert names
    return {
        f"category:{name} {term}": [
            h.row.id
            for h in coll.search(
                f"category:{name} {term}", sort="date", limit=0, snippets=False
            ).hits
        ]
        for name in names
        for term in ("长沙", "body", "内容")
    }


def _category_oracle(coll: Collection) -> dict[str, list[int]]:
    """The same searches answered by joining each match to its row (no node docnos)."""
    out = {}
    for query in _category_hits(coll):
        name, term = query.removeprefix("category:").split()
        expr = search_module.term_expression(Term(term))
        out[query] = [
            r[0]
            for r in coll.conn.execute(
                "SELECT a.id FROM fts JOIN articles a ON a.docno = fts.rowid "
                "WHERE fts MATCH ? AND a.id IN (SELECT id FROM article_nodes WHERE name = ?) "
                "ORDER BY a.id DESC",
                (expr, name),
            )
        ]
    return out


def _node_docnos_agree(coll: Collection) -> None:
    stale = coll.conn.execute(
        "SELECT count(*) FROM article_nodes n JOIN articles a ON a.id = n.id "
        "WHERE a.indexed != 0 AND n.docno IS NOT a.docno"
    ).fetchone()[0]
    assert stale == 0
    assert _category_hits(coll) == _category_oracle(coll)


def test_category_docnos_follow_every_change(root: Path) -> None:
    """``article_nodes.docno`` (the docno set of a ``category:`` search) stays the article's
    docno through additions, edits, a new date (new id and docno), removals and a redone
    full-text pass; category searches equal the join of each match to its row."""
    with Collection([root]) as coll:
        coll.refresh()
        _node_docnos_agree(coll)
        assert any(_category_hits(coll).values())
        write_post(root, "new.md", "新的", "长沙内容 body", categories=["新媒体", "cnBeta"])
        bump(root / "a.md", (root / "a.md").read_text().replace("Alpha body", "长沙 body"))
        coll.refresh()
        _node_docnos_agree(coll)
        text = (root / "b.md").read_text().replace("2021-08-01", "2019-03-01")
        bump(root / "b.md", text.replace("cnBeta", "趣头条"))
        (root / "sub" / "c.md").unlink()
        coll.refresh()
        _node_docnos_agree(coll)
        assert coll.search("category:趣头条 诚信长沙").total == 1
        assert coll.search("category:cnBeta 诚信长沙").total == 0
        coll.conn.execute("UPDATE meta SET value = 'fold 0' WHERE key = 'text_version'")
        coll.refresh()  # the full-text pass is redone: docnos handed out anew
        _node_docnos_agree(coll)
        assert coll.search("category:新媒体 长沙", limit=0).total == 3


def test_schema_11_index_is_upgraded_in_place(root: Path) -> None:
    """An index without ``article_nodes.docno`` gets the column filled from ``articles``
    when opened: nothing is re-parsed and category searches are right at once."""
    with Collection([root]) as coll:
        coll.refresh()
        ids = coll.ids()
        db = coll.db_path
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE article_nodes DROP COLUMN docno")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Collection([root]) as coll:
        assert coll.warnings == []
        assert coll.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert coll.ids() == ids
        _node_docnos_agree(coll)
        assert coll.search("category:新媒体 长沙", limit=0).total == 2
        report = coll.refresh()
        assert (report.parsed, report.fts_indexed) == (0, 0)


def test_two_collections_on_one_index(root: Path) -> None:
    with Collection([root]) as one, Collection([root]) as two:
        one.refresh()
        assert len(two.ids()) == 4
        assert two.refresh().parsed == 0
        write_post(root, "z.md", "Zeta", "正文内容。")
        two.refresh()
        assert len(one.ids()) == 5
        assert one.search("Zeta").total == 1


def _generate(root: Path, n: int) -> None:
    words = [
        "长沙",
        "网络",
        "诚信",
        "建设",
        "科技",
        "Docker",
        "Python",
        "search",
        "index",
        "reader",
    ]
    for i in range(n):
        body = " ".join(words[(i * 7 + k) % len(words)] for k in range(60)) + f" 编号{i}"
        write_post(
            root,
            f"d{i // 500}/p{i}.md",
            f"Post {i} {words[i % len(words)]}",
            body,
            date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10} 12:00:00",
            categories=["新媒体", f"c{i % 5}"],
        )


_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reader.library.index import Collection

    coll = Collection([Path(sys.argv[1])])
    def progress(p):
        print(p.phase, p.done, p.total, flush=True)
    coll.refresh(progress, workers=2)
    print("finished", flush=True)
    """
)


def _run_child(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(root)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )


@pytest.mark.parametrize("kill_in", ["parse", "write"])
def test_sigkill_mid_refresh_leaves_usable_index(tmp_path: Path, kill_in: str) -> None:
    root = tmp_path / "many"
    _generate(root, 3000)
    env = dict(os.environ)
    child = _run_child(root, env)
    assert child.stdout is not None
    for line in child.stdout:
        phase, done, _total = line.split()[:3]
        if phase == kill_in and int(done) >= 1000:
            break
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    with Collection([root]) as coll:
        assert not coll.warnings
        partial = len(coll.ids())
        assert partial >= 1000
        coll.search("长沙")  # usable while incomplete
        report = coll.refresh(workers=2)
        assert report.articles == 3000
        assert report.parsed == 3000 - partial
        assert coll.fts_pending() == 0
        assert coll.search("编号2999").total == 1
        assert coll.search("网络").total == 3000


def test_concurrent_refresh_and_search_processes(tmp_path: Path) -> None:
    root = tmp_path / "many"
    _generate(root, 1500)
    child = _run_child(root, dict(os.environ))
    errors: list[str] = []
    seen_done = False
    deadline = time.monotonic() + 120
    with Collection([root]) as coll:
        while time.monotonic() < deadline:
            try:
                result = coll.search("长沙 Docker", sort="date")
                coll.rows(coll.ids()[:50])
                coll.category_counts()
                if result.error:
                    errors.append(result.error)
            except sqlite3.Error as exc:  # pragma: no cover - the failure being tested
                errors.append(repr(exc))
            if child.poll() is not None:
                if seen_done:
                    break
                seen_done = True
        assert child.wait() == 0
        assert not errors
        assert coll.search("编号1499").total == 1
        assert len(coll.ids()) == 1500


def test_state_store_shared_with_collection(tmp_path: Path, root: Path) -> None:
    store = StateStore(tmp_path / "mystate.sqlite3")
    with Collection([root], state=store, cache_dir=tmp_path / "cache") as coll:
        coll.refresh()
        assert coll.db_path.parent == tmp_path / "cache"
        store.set_read(["posts/b.md"], True)
        assert coll.rows([coll.id_for_key("posts/b.md")])[0].read
    store.set_read(["posts/a.md"], True)  # still open: the collection did not close it
    store.close()


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_pool_workers_exit_when_the_indexer_is_killed(tmp_path: Path) -> None:
    root = tmp_path / "many"
    _generate(root, 3000)
    child = _run_child(root, dict(os.environ))
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("parse") and int(line.split()[1]) >= 500:
            break
    helpers = _children(child.pid)
    workers = [w for h in helpers for w in _children(h)]
    assert workers
    child.kill()  # only the indexer: its workers must notice on their own
    child.wait()
    deadline = time.monotonic() + 300  # a hang guard: they notice within seconds
    while time.monotonic() < deadline:
        alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)]
        if not alive:
            break
        time.sleep(0.2)
    assert not alive
    for h in helpers:  # tidy up the forkserver and resource tracker
        with contextlib.suppress(ProcessLookupError):
            os.kill(h, signal.SIGTERM)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_opening_reads_the_current_file_and_search_uses_the_indexed_text(root: Path) -> None:
    """The view shows the file as it is now; search keeps the indexed text until a refresh."""
    with Collection([root]) as coll:
        coll.refresh()
        (id_,) = [r.id for r in coll.rows(coll.ids()) if r.title == "Beta"]
        write_post(root, "b.md", "Beta", "改写后的正文：湘江。")
        assert coll.article(id_).body == "改写后的正文：湘江。"
        assert [h.row.title for h in coll.search("长沙").hits] == ["Alpha 长沙", "Beta"]
        assert coll.search("湘江").total == 0
        report = coll.refresh()
        assert (report.updated, report.added) == (1, 0)
        assert [h.row.title for h in coll.search("湘江").hits] == ["Beta"]
        assert [h.row.title for h in coll.search("长沙").hits] == ["Alpha 长沙"]


def test_collection_key_is_the_sha256_of_the_real_roots(tmp_path: Path) -> None:
    # The index file's name: it must not change with the Python or the hash module used.
    import hashlib

    a, b = tmp_path / "b", tmp_path / "a"
    a.mkdir()
    b.mkdir()
    joined = "\0".join(sorted(os.path.realpath(p) for p in (a, b)))
    assert collection_key([a, b]) == hashlib.sha256(joined.encode()).hexdigest()[:20]


@pytest.mark.parametrize("full", [False, True])
def test_many_removals_and_edits_find_their_rows(tmp_path: Path, full: bool) -> None:
    """The walk keeps one stamp per row and looks up the ids of rows that changed or went
    afterwards, in chunks: 520 removals and 3 in-place edits, with a quick and a full walk."""
    root = tmp_path / "many"
    _generate(root, 700)
    with Collection([root], cache_dir=tmp_path / "cache") as coll:
        coll.refresh(workers=2)
        files = sorted(root.rglob("*.md"))
        gone, edited = files[:520], files[600:603]
        before = {coll.rows([i])[0].key: i for i in coll.ids()}
        gone_keys = {f"many/{p.relative_to(root).as_posix()}" for p in gone}
        assert gone_keys <= set(before)  # keys as the index writes them
        for path in gone:
            path.unlink()
        for n, path in enumerate(edited):
            bump(path, path.read_text(encoding="utf-8") + f"\n\n改过的段落 edited{n}\n")
        report = coll.refresh(workers=2, full=full)
        assert report.removed == 520
        assert report.updated == 3  # the removals changed both directories' stamps
        assert len(coll.ids()) == 180
        keys = {coll.rows([i])[0].key for i in coll.ids()}
        assert keys == set(before) - gone_keys
        assert coll.search("edited1").total == 1
        kept = [i for k, i in before.items() if k in keys]
        assert sorted(kept) == sorted(coll.ids())  # edits keep their ids (same date)

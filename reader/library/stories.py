"""The index side of issue #14: near-duplicate groups and related articles.

- **Text version.** The full-text pass folds text (:mod:`.fold`) and computes duplicate
  signatures (:mod:`.duplicates`); ``meta.text_version`` (:data:`.store.TEXT_VERSION`)
  names both versions. :func:`text_outdated` tells the refresh to redo that pass.
- **Groups.** After a refresh that changed articles, :func:`regroup` groups every stored
  signature (:func:`reader.library.duplicates.group`) and replaces ``dup_groups(id, grp)``:
  one row per article in a group, ``grp`` the id of the article kept when duplicates are
  hidden, the group's *earliest* dated article (ids sort by date; undated articles only
  when the whole group is undated). ``meta.grouped`` is ``'0'`` from the first write of a
  changing refresh until the groups are stored again, so an interrupted refresh regroups
  next time. When the only change since the groups were stored is new articles,
  ``meta.grouped`` is ``'added'`` and only pairs with a new article or inside an old group
  are decided (:func:`reader.library.duplicates.grow`: the same groups; 2.1–2.3 s instead
  of 2.9–3.4 s at 100,000 articles, 22 s instead of 80–83 s at 1,000,000); new articles
  are those whose docno is above ``meta.grouped_docno`` (new rows take the next docno;
  changed rows keep theirs).
- **Related.** :func:`related_ids` runs :func:`reader.library.related.related_query` (the
  article's rarest characteristic terms, an OR query) with BM25 over ``fts``.
"""

from __future__ import annotations

import sqlite3

from reader.library.records import SLOT_BITS, unpack_plain
from reader.library.store import TEXT_VERSION, Store

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0


# ---------------------------------------------------------------- write side (refresh)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def text_outdated(conn: sqlite3.Connection) -> bool:
    """True when the FTS text and signatures were built by another folding/signature version."""
    return _meta(conn, "text_version") != TEXT_VERSION


def set_text_version(conn: sqlite3.Connection) -> None:
    """Record the current version (inside the transaction that reset the full-text index)."""
    _set_meta(conn, "text_version", TEXT_VERSION)


def mark_ungrouped(conn: sqlite3.Connection) -> None:
    """Groups must be computed again (articles are about to change)."""
    _set_meta(conn, "grouped", "0")


def mark_added(conn: sqlite3.Connection) -> None:
    """Articles are about to be added, none changed or removed: unless a whole grouping is
    due anyway, the next one only needs to look at the new articles."""
    if _meta(conn, "grouped") == "1":
        _set_meta(conn, "grouped", "added")


def needs_grouping(conn: sqlite3.Connection) -> bool:
    return _meta(conn, "grouped") != "1"


def kept_id(ids: list[int]) -> int:
    """The article a group keeps when duplicates are hidden: its earliest dated one."""
    dated = [i for i in ids if i >> SLOT_BITS]
    return min(dated or ids)


def regroup(conn: sqlite3.Connection) -> tuple[int, bool]:
    """Group every stored signature and replace ``dup_groups`` (inside the caller's
    transaction); returns the number of groups and whether only new articles' pairs were
    looked at."""
    from reader.library.duplicates import group, grow  # numpy: only when grouping

    signatures = (
        (int(i), bytes(m))
        for i, m in conn.execute("SELECT id, minhash FROM articles WHERE length(minhash) > 0")
    )
    since = _meta(conn, "grouped_docno")
    added_only = False
    if since is not None and _meta(conn, "grouped") == "added":
        added_only = True
        new = conn.execute(
            "SELECT id FROM articles WHERE docno > ? AND length(minhash) > 0", (int(since),)
        )
        old = conn.execute("SELECT grp, id FROM dup_groups ORDER BY grp").fetchall()
        old_groups: dict[int, list[int]] = {}
        for grp, id_ in old:
            old_groups.setdefault(grp, []).append(id_)
        groups = grow(signatures, old_groups.values(), [i for (i,) in new])
    else:
        groups = group(signatures)
    conn.execute("DELETE FROM dup_groups")
    rows: list[tuple[int, int]] = []
    for ids in groups:
        grp = kept_id(ids)
        rows.extend((i, grp) for i in ids)
    conn.executemany("INSERT INTO dup_groups(id, grp) VALUES (?, ?)", rows)
    top = conn.execute("SELECT coalesce(max(docno), 0) FROM articles").fetchone()[0]
    _set_meta(conn, "grouped_docno", str(top))
    _set_meta(conn, "grouped", "1")
    return len(groups), added_only


# ------------------------------------------------------------------------- read side


def duplicate_groups(store: Store) -> list[list[int]]:
    """Every group of near-duplicates: ids earliest first; groups newest story first."""
    rows = store.query("SELECT grp, id FROM dup_groups ORDER BY grp DESC, id")
    out: dict[int, list[int]] = {}
    for grp, id_ in rows:
        out.setdefault(grp, []).append(id_)
    return [sorted(ids, key=lambda i: (i != grp, i)) for grp, ids in out.items()]


def duplicates_of(store: Store, id_: int) -> list[int]:
    """The other articles of ``id_``'s group (kept one first, then by date)."""
    rows = store.query(
        "SELECT d2.id, d2.grp FROM dup_groups d1 JOIN dup_groups d2 ON d2.grp = d1.grp "
        "WHERE d1.id = ? AND d2.id != ?",
        (id_, id_),
    )
    return [i for i, _ in sorted(rows, key=lambda r: (r[0] != r[1], r[0]))]


def hidden_duplicates(store: Store) -> set[int]:
    """Ids that "hide duplicates" leaves out (for filtering search results)."""
    return {r[0] for r in store.query("SELECT id FROM dup_groups WHERE id != grp")}


def related_ids(store: Store, id_: int, limit: int = 10) -> list[int]:
    """Up to ``limit`` ids of the articles most related to ``id_`` (best first), never
    ``id_`` itself; empty when it is not in the full-text index or has no characteristic
    term shared with another article."""
    if limit <= 0:
        return []
    with store.lock:
        row = store.conn.execute(
            "SELECT a.title, b.text, a.docno FROM articles a JOIN bodies b ON b.no = a.body "
            "WHERE a.id = ? AND a.indexed != 0",
            (id_,),
        ).fetchone()
        if row is None:
            return []
        title, text_z, docno = row
        n_docs = store.conn.execute("SELECT count(*) FROM articles WHERE indexed != 0")
        from reader.library.related import related_query, vocab_df  # ~10 ms of regexes

        expr = related_query(
            title, unpack_plain(text_z), vocab_df(store.conn), int(n_docs.fetchone()[0])
        )
        if expr is None:
            return []
        found = store.conn.execute(
            f"SELECT rowid FROM fts WHERE fts MATCH ? "
            f"ORDER BY bm25(fts, {TITLE_WEIGHT}, {BODY_WEIGHT}), rowid DESC LIMIT ?",
            (expr, limit + 1),
        ).fetchall()
        docmap = store.docno_map()
    ids = [docmap[d] for (d,) in found if d != docno and d in docmap]
    return ids[:limit]

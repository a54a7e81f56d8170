"""Full-text search over a Collection: query → FTS5 expression + SQL filters, BM25, snippets.

Every user string reaches FTS5 inside double quotes (``""`` escaped), so no query text can
be FTS syntax; CJK runs become bigram phrases (see :mod:`reader.library.cjk`). Terms and
field values are folded (:mod:`reader.library.fold`) as the indexed text is, so ``长沙``
finds ``長沙`` and ``ＡＩ`` finds ``AI``; a 2+ character CJK term is still one phrase of
consecutive bigrams, so folding keeps exact-substring precision. Snippets
are cut in Python from the stored body, with character spans of the matched terms.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Literal, NamedTuple

from reader.library.cjk import TITLE_MARK, cjk_runs, cjk_tokens
from reader.library.fold import fold
from reader.library.model import Record
from reader.library.query import Query, Term, parse_query
from reader.library.records import SEP, ArticleRow, SearchSort, Where, unpack_plain
from reader.library.sanitize import clean_line
from reader.library.snippets import make_snippet, matcher
from reader.library.store import Store

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
MAX_QUERY_CHARS = 1000
RANK_CANDIDATES = 20_000
"""Relevance order ranks at most this many full-text matches, the newest (highest docnos);
older matches follow them newest first. BM25 costs ~1.6 µs a match: a term found in 94,000
of 100,000 articles took 166–170 ms (p50) to rank in full, 54–61 ms capped; at 1M, 1.5 s
against 146 ms (most of it the exact total)."""


class Hit(NamedTuple):
    """One search result: its row, BM25 score (lower is better; 0 for date order), snippet."""

    row: ArticleRow
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    """Character spans ``(start, end)`` of matched terms in ``snippet``."""


class SearchResult(Record):
    """Hits, the total, ``terms`` (texts to highlight in the article view), an error for the
    user, ``incomplete``: the full-text index is still being built (hits may be missing), and
    ``ranked``: in relevance order with more than :data:`RANK_CANDIDATES` full-text matches,
    how many (the newest) were ranked by BM25 before the rest, newest first; else None.
    """

    __slots__ = ("error", "hits", "incomplete", "ranked", "terms", "total")

    def __init__(
        self,
        hits: list[Hit],
        total: int,
        terms: tuple[str, ...],
        error: str | None = None,
        incomplete: bool = False,
        ranked: int | None = None,
    ) -> None:
        self.hits = hits
        self.total = total
        self.terms = terms
        self.error = error
        self.incomplete = incomplete
        self.ranked = ranked


# ------------------------------------------------------------------ FTS expressions

_HAS_WORD = re.compile(r"[^\W_]")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _pieces(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, text) pieces of a term, without pieces that hold nothing searchable."""
    pieces: list[tuple[bool, str]] = []
    pos = 0
    for start, end in cjk_runs(text):
        if start > pos:
            pieces.append((False, text[pos:start]))
        pieces.append((True, text[start:end]))
        pos = end
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return [(cjk, s) for cjk, s in pieces if cjk or _HAS_WORD.search(s)]


def uni_expression(term: Term) -> str | None:
    """Expression on the ``uni`` table when the term is exactly one CJK character."""
    pieces = _pieces(fold(term.text))
    if len(pieces) != 1 or not pieces[0][0] or len(pieces[0][1]) != 1:
        return None
    ch = pieces[0][1]
    return _quote(TITLE_MARK + ch if term.field == "title" else ch)


def term_expression(term: Term) -> str | None:
    """FTS5 expression (``fts`` table) for one term, or None when it holds nothing searchable."""
    pieces = _pieces(fold(term.text))
    if not pieces:
        return None
    tokens: list[str] = []
    for i, (cjk, piece) in enumerate(pieces):
        if cjk:
            tokens.extend(cjk_tokens(piece, last=i == len(pieces) - 1))
        else:
            tokens.append(piece)
    last_cjk, last = pieces[-1]
    prefix = (last_cjk and len(last) == 1) or (term.prefix and not last_cjk)
    expr = _quote(" ".join(tokens)) + ("*" if prefix else "")
    return f"title : {expr}" if term.field == "title" else expr


class Plan(Record):
    """A query split over the two FTS tables plus SQL conditions on ``articles a``."""

    __slots__ = ("fts", "searchable", "uni", "where")

    def __init__(self) -> None:
        self.fts: list[str] = []
        self.uni: list[str] = []
        self.where = Where()
        self.searchable = False


_IN_FTS = "coalesce(a.docno, 0) IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
_IN_UNI = "coalesce(a.docno, 0) IN (SELECT rowid FROM uni WHERE uni MATCH ?)"


def _split(terms: tuple[Term, ...] | list[Term]) -> tuple[list[str], list[str]]:
    """(fts expressions, uni expressions) of terms; unsearchable terms are dropped."""
    fts, uni = [], []
    for term in terms:
        u = uni_expression(term)
        if u is not None:
            uni.append(u)
        elif (e := term_expression(term)) is not None:
            fts.append(e)
    return fts, uni


def _any(exprs: list[str]) -> str:
    return exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")"


def plan_query(q: Query) -> Plan:
    """Turn a parsed query into FTS expressions and SQL conditions."""
    plan = Plan()
    fts, uni = _split(q.positive)
    plan.fts += fts
    plan.uni += uni
    for group in q.any_of:
        fts, uni = _split(group)
        if fts and uni:
            plan.where.add(f"({_IN_FTS} OR {_IN_UNI})", " OR ".join(fts), " OR ".join(uni))
            plan.searchable = True
        elif fts:
            plan.fts.append(_any(fts))
        elif uni:
            plan.uni.append(_any(uni))
    plan.searchable = plan.searchable or bool(plan.fts or plan.uni)
    fts, uni = _split(q.excluded)
    if fts:
        plan.where.add(f"NOT {_IN_FTS}", " OR ".join(fts))
    if uni:
        plan.where.add(f"NOT {_IN_UNI}", " OR ".join(uni))
    return plan


# ------------------------------------------------------------------------- filters


def _match_values(values: list[str], wanted: str) -> list[str]:
    """Exact matches after folding (case, width, Traditional/Simplified), else substrings."""
    w = fold(wanted)
    folded = [(v, fold(v)) for v in values]
    exact = [v for v, f in folded if f == w]
    return exact or [v for v, f in folded if w in f]


def _match_nodes(nodes: list[str], wanted: str) -> list[str]:
    """Category nodes for ``category:x``: a node named x, or a path x/y from any level."""
    w = fold(wanted).strip("/")
    joined = SEP.join(p.strip() for p in w.split("/"))
    out = []
    for node in nodes:
        n = fold(node)
        name = n.rsplit(SEP, 1)[-1]
        if n == joined or n.endswith(SEP + joined) or name == w:
            out.append(node)
    return out


def filter_sql(store: Store, q: Query, *, categories: bool = True) -> Where:
    """WHERE clauses on ``articles a`` for the query's field filters (``categories=False``:
    without ``category:``, which full-text queries apply to docnos, :func:`_in_categories`)."""
    where = Where()
    for wanted in q.category if categories else ():
        where.nodes(_match_nodes(store.category_nodes(), wanted))
    facets: tuple[tuple[Literal["author", "tag"], list[str]], ...] = (
        ("author", q.author),
        ("tag", q.tag),
    )
    for kind, wanted_list in facets:
        if not wanted_list:
            continue
        values = store.facet_values(kind)
        for wanted in wanted_list:
            where.facet(kind, _match_values(values, wanted))
    where.days(
        q.after.date().isoformat() if q.after is not None else None,
        q.before.date().isoformat() if q.before is not None else None,
    )
    if q.unread:
        where.read(False)
    if q.read:
        where.read(True)
    if q.starred:
        where.starred()
    return where


# -------------------------------------------------------------------------- running


_NOTHING = "Nothing to search for: the search words hold no letters or digits."


class _Page(NamedTuple):
    rows: list[tuple[int, float]]
    """(id, score) pairs in display order."""
    total: int
    error: str | None = None
    ranked: int | None = None
    """See :attr:`SearchResult.ranked`."""


def _ranked(
    store: Store,
    q: Query,
    sort: SearchSort,
    limit: int = -1,
    offset: int = 0,
    *,
    count: bool = False,
) -> _Page:
    """A page of matching (id, score) pairs in display order, the total, and an error.

    ``limit=-1`` returns every match. Without filters on rows, full-text matches come from
    the FTS tables alone (docnos) and are mapped to ids with :meth:`Store.docno_map` (a page
    alone: :meth:`Store.docno_ids`): joining every match to ``articles`` in SQL costs ~1 µs
    per match, too much for terms found in most articles. ``category:`` filters are sets of
    docnos (:func:`_in_categories`): applied inside the FTS query for a newest-first page,
    and to each match before it is joined to its row otherwise. Other filters join the
    matches in SQL (:func:`_joined`): they must look at each match's row anyway, and one
    pass scores, sorts and counts. Relevance ranks at most :data:`RANK_CANDIDATES` matches
    (:func:`_rank_cut`), the newest matches of the words with or without filters, so a
    filtered search is always the unfiltered one narrowed.
    """
    plan = plan_query(q)
    if (q.has_text and not plan.searchable) or (q.is_empty and q.text.strip()):
        return _Page([], 0, _NOTHING)
    if not plan.fts and not plan.uni:
        where = filter_sql(store, q)
        where.conditions += plan.where.conditions
        where.args += plan.where.args
        return _Page(*_filtered_only(store, where, limit, offset, count))
    where = filter_sql(store, q, categories=False)
    where.conditions += plan.where.conditions
    where.args += plan.where.args
    if plan.fts:
        table, match = "fts", [" AND ".join(plan.fts)]
        cond = "fts MATCH ?"
        if plan.uni:
            cond += " AND fts.rowid IN (SELECT rowid FROM uni WHERE uni MATCH ?)"
            match.append(" AND ".join(plan.uni))
    else:
        table, match, cond = "uni", [" AND ".join(plan.uni)], "uni MATCH ?"
    relevance = sort == "relevance" and table == "fts"
    score = f"bm25(fts, {TITLE_WEIGHT}, {BODY_WEIGHT})" if relevance else "0.0"
    total = None
    if relevance and not q.category and not where.conditions and count:
        # the total tells whether a cut is needed
        total = store.conn.execute(f"SELECT count(*) FROM fts WHERE {cond}", match).fetchone()[0]
    cut = None
    if relevance and (total is None or total > RANK_CANDIDATES):
        cut = _rank_cut(store, cond, match)  # of the words' matches, as without filters
    ranked = None if cut is None else RANK_CANDIDATES
    in_nodes = [_match_nodes(store.category_nodes(), wanted) for wanted in q.category]
    # A category-filtered search in relevance order, or all its ids: joined in SQL below
    # (one pass scores, sorts and counts; ids come with the join) rather than paged in FTS5
    # and mapped from docnos in chunks (all ids of 18,955 matches: 82–88 against 32–64 ms).
    in_fts = relevance or store.fts_ordered()
    joined = bool(where.conditions) or (bool(in_nodes) and (limit < 0 or relevance or not in_fts))
    if not joined and in_fts:
        for nodes in in_nodes:  # from here on, the matches are those in the categories
            cond += " AND " + _in_categories("rowid", len(nodes))
            match += nodes
        # Order and page inside FTS5: rowid (= date) order, or BM25 with a top-N sort.
        rows: Iterable[tuple[int, float]]
        if cut is not None:
            rows = _capped(store, cond, match, score, cut, limit, offset)
        else:
            order = "2, rowid DESC" if relevance else "rowid DESC"
            rows = store.conn.execute(
                f"SELECT rowid, {score} FROM {table} WHERE {cond} "
                f"ORDER BY {order} LIMIT ? OFFSET ?",
                [*match, limit, offset],
            )
        page, found = _with_ids(store, rows)
        if total is None:
            if count and not (offset == 0 and (limit < 0 or found < limit)):
                total = store.conn.execute(
                    f"SELECT count(*) FROM {table} WHERE {cond}", match
                ).fetchone()[0]
            else:  # the whole result is on this page (or no total was asked for)
                total = found if count else len(page)
        return _Page(page, total, None, ranked)
    if joined:
        if cut is None:
            matches = f"SELECT rowid AS docno, {score} AS score FROM {table} WHERE {cond}"
            args: list[str | int] = [*match]
        else:  # BM25 for the newest matches only; the rest sort after them (0.0 > BM25)
            matches = (
                f"SELECT rowid AS docno, {score} AS score FROM fts WHERE {cond} AND rowid > ? "
                f"UNION ALL SELECT rowid, 0.0 FROM fts WHERE {cond} AND rowid <= ?"
            )
            args = [*match, cut, *match, cut]
        for nodes in in_nodes:  # on each match before it is joined to its row
            where.conditions.insert(0, _in_categories("f.docno", len(nodes)))
            where.args[:0] = nodes
        page, total = _joined(store, matches, args, where, relevance, limit, offset, count)
        return _Page(page, total, None, ranked)
    # Newest first while docno order is not date order, with no filters: sorted here.
    rows = store.conn.execute(f"SELECT rowid, {score} FROM {table} WHERE {cond}", match).fetchall()
    docmap = store.docno_map()
    hits = [(docmap[d], sc) for d, sc in rows if d in docmap]
    hits.sort(reverse=True)
    end = None if limit < 0 else offset + limit
    page = hits[offset:end]
    return _Page(page, len(hits) if count else len(page))


def _in_categories(docno: str, n: int) -> str:
    """The condition that the FTS row whose docno is the column ``docno`` is in one of
    ``n`` category nodes.

    ``article_nodes`` holds each article's docno, so the filter is one set of docnos built
    from the nodes' index range and probed once per match, before any match is joined to
    ``articles``. Counting ``category:新媒体 他们`` at 100k (49,959 matches of the word,
    18,955 in the category) took 23 ms joined to the rows, 12 ms this way (minimum of 15).
    The unary ``+`` keeps SQLite from handing the set to FTS5 as rowid lookups, which
    would run the MATCH once per docno.
    """
    if not n:
        return "0"
    marks = ",".join("?" * n)
    return f"+{docno} IN (SELECT docno FROM article_nodes WHERE node IN ({marks}))"


def _rank_cut(store: Store, cond: str, match: list[str]) -> int | None:
    """With more than :data:`RANK_CANDIDATES` matches, the docno of the newest match that
    is not ranked (matches above it are); None when every match can be ranked.

    Walking the newest matches in docno order is cheap (~2 ms for 20,000); BM25 is not.
    For a term in most articles BM25's IDF is ~0 anyway, so its order says little.
    """
    row = store.conn.execute(
        f"SELECT rowid FROM fts WHERE {cond} ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        [*match, RANK_CANDIDATES],
    ).fetchone()
    return None if row is None else int(row[0])


def _with_ids(
    store: Store, rows: Iterable[tuple[int, float]]
) -> tuple[list[tuple[int, float]], int]:
    """(id, score) for (docno, score) rows, in their order, and how many rows there were.

    Mapped a chunk at a time, so that every id of a word found in most articles is not
    held three times over: at 1M (969,463 matches) the rows, a docno map and the pairs
    together took ~220 MB, now ~20 MB. Scores of 0.0 share one object.
    """
    zero = 0.0
    page: list[tuple[int, float]] = []
    found = 0
    it = iter(rows)
    while chunk := list(islice(it, 2000)):
        found += len(chunk)
        ids = store.docno_ids([d for d, _ in chunk])
        page.extend((ids[d], sc or zero) for d, sc in chunk if d in ids)
    return page, found


def _capped(
    store: Store,
    cond: str,
    match: list[str],
    score: str,
    cut: int,
    limit: int,
    offset: int,
) -> Iterator[tuple[int, float]]:
    """A page of (docno, score) in capped relevance order: the matches above ``cut`` by
    BM25, then the others newest first (docno order) with score 0.0."""
    ranked = RANK_CANDIDATES
    rows: list[tuple[int, float]] = []
    if offset < ranked:
        n = ranked - offset if limit < 0 else min(limit, ranked - offset)
        rows = store.conn.execute(
            f"SELECT rowid, {score} FROM fts WHERE {cond} AND rowid > ? "
            "ORDER BY 2, rowid DESC LIMIT ? OFFSET ?",
            [*match, cut, n, offset],
        ).fetchall()
    yield from rows
    more = -1 if limit < 0 else limit - len(rows)
    if more:
        yield from store.conn.execute(
            f"SELECT rowid, 0.0 FROM fts WHERE {cond} AND rowid <= ? "
            "ORDER BY rowid DESC LIMIT ? OFFSET ?",
            [*match, cut, more, max(0, offset - ranked)],
        )


def _joined(
    store: Store,
    matches: str,
    args: list[str | int],
    where: Where,
    relevance: bool,
    limit: int,
    offset: int,
    count: bool,
) -> tuple[list[tuple[int, float]], int]:
    """A page of full-text matches that pass the SQL filters, joined to their rows in SQL.

    ``matches`` selects ``docno, score`` from an FTS table. Newest first in docno order
    (dates), FTS5 hands out matches newest first and the page stops early; BM25 is computed
    only for matches that pass the filters. The exact total is counted only when the page
    does not show it (a short first page is the whole result).
    """
    body = f" FROM ({matches}) f JOIN articles a ON a.docno = f.docno{where.sql()}"
    every = [*args, *where.args]
    if relevance:
        order = " ORDER BY f.score, a.id DESC"
    else:
        order = " ORDER BY f.docno DESC" if store.fts_ordered() else " ORDER BY a.id DESC"
    if relevance and count:  # every match is scored and sorted anyway: count in that pass
        counted = store.conn.execute(
            f"SELECT a.id, f.score, count(*) OVER (){body}{order} LIMIT ? OFFSET ?",
            [*every, limit, offset],
        ).fetchall()
        if counted or offset == 0:
            return [(id_, sc) for id_, sc, _ in counted], counted[0][2] if counted else 0
    rows: list[tuple[int, float]] = store.conn.execute(
        f"SELECT a.id, f.score{body}{order} LIMIT ? OFFSET ?", [*every, limit, offset]
    ).fetchall()
    if not count:
        return rows, len(rows)
    if offset == 0 and (limit < 0 or len(rows) < limit):
        return rows, len(rows)  # the whole result is on this page
    return rows, store.conn.execute(f"SELECT count(*){body}", every).fetchone()[0]


def _filtered_only(
    store: Store, where: Where, limit: int, offset: int, count: bool
) -> tuple[list[tuple[int, float]], int]:
    cond, args = where.sql(), where.args
    rows = store.conn.execute(
        f"SELECT a.id FROM articles a{cond} ORDER BY a.id DESC LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    page = [(r[0], 0.0) for r in rows]
    if not count:
        return page, len(page)
    return page, store.conn.execute(f"SELECT count(*) FROM articles a{cond}", args).fetchone()[0]


def _prepare(text: str) -> tuple[Query, str | None]:
    cleaned = clean_line(text or "")
    note = None
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS]
        note = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
    q = parse_query(cleaned)
    return q, note


def _combine(*messages: str | None) -> str | None:
    text = " ".join(m for m in messages if m)
    return text or None


def search(
    store: Store,
    text: str,
    *,
    sort: SearchSort = "relevance",
    limit: int = 50,
    offset: int = 0,
    snippets: bool = True,
    count: bool = True,
) -> SearchResult:
    """Run a query; ``limit=0`` means no limit. Never raises for any query text.

    ``count=False``: no exact total (``total`` = the hits on this page), one pass fewer.
    """
    q, note = _prepare(text)
    terms = q.highlight_terms()
    try:
        with store.lock:
            offset = max(0, offset)
            page, total, error, ranked = _ranked(
                store, q, sort, limit if limit > 0 else -1, offset, count=count
            )
            incomplete = store.fts_pending() > 0
            rows = {r.id: r for r in store.rows([i for i, _ in page])}
            packed = store.bodies([i for i, _ in page]) if snippets and terms else {}
        bodies = {id_: unpack_plain(blob) for id_, blob in packed.items()}
    except sqlite3.Error as exc:
        return SearchResult([], 0, terms, f"Search failed: {exc}")
    pattern = matcher(terms) if snippets else None
    hits = []
    for id_, score in page:
        row = rows.get(id_)
        if row is None:
            continue
        snippet, spans = make_snippet(bodies.get(id_), row.summary, pattern)
        hits.append(Hit(row, float(score), snippet, spans))
    message = _combine(note, error, *q.errors)
    return SearchResult(hits, total, terms, message, incomplete, ranked)


def search_ids(
    store: Store, text: str, *, sort: SearchSort = "relevance"
) -> tuple[list[int], tuple[str, ...], str | None]:
    """All matching ids in order, highlight terms and a message (or None)."""
    q, note = _prepare(text)
    try:
        with store.lock:
            page = _ranked(store, q, sort)
    except sqlite3.Error as exc:
        return [], q.highlight_terms(), f"Search failed: {exc}"
    return [i for i, _ in page.rows], q.highlight_terms(), _combine(note, page.error, *q.errors)

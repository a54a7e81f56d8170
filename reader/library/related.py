"""Related articles: an FTS5 query built from an article's rarest characteristic terms.

:func:`top_terms` scores the article's terms by tf-idf, with terms cut the way the index
cuts them (:func:`reader.library.cjk.to_index_text` on folded text): CJK bigrams and Latin
words (lower case, accents folded), English stop-words, one-letter words, short numbers and
terms of no other article dropped. :func:`related_query` turns the top ``k`` into an FTS5
MATCH expression, an OR of quoted terms, which BM25 then ranks: articles sharing more of
the rarer terms come first.

Running it against the index (the lead)::

    df = vocab_df(conn)  # fts5vocab 'row' table over ``fts``: documents per term
    n = conn.execute("SELECT count(*) FROM articles WHERE indexed").fetchone()[0]
    expr = related_query(title, plain, df, n)  # None: nothing characteristic
    rows = conn.execute(
        "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 1.0) LIMIT 11",
        (expr,),
    )  # rowid = articles.docno; drop the article itself, keep 10

In the TUI: a key in the article view runs this in a worker and lists the 10 results
(source, date); Enter opens one. Titles weigh ``TITLE_BOOST`` times body occurrences. The
``df`` look-ups are one index seek each (~30 per article); the query itself is a normal
BM25 search.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable

from reader.library.cjk import CJK_RANGES, to_index_text
from reader.library.fold import fold

TOP_K = 16
TITLE_BOOST = 3
MAX_DF_SHARE = 0.25
"""Terms in more than this share of all articles (and in more than ``MIN_DF_CAP``) are too
common to relate articles, and their long posting lists make the query slow."""
MIN_DF_CAP = 10

_STOP_WORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves one two new use used using get got make made like via per may might
    must shall many much every"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_TOKEN = re.compile(f"[^\\W_{CJK_RANGES}]+|[{CJK_RANGES}]{{2}}")
_CJK_BIGRAM = re.compile(f"[{CJK_RANGES}]{{2}}")


def terms(text: str) -> list[str]:
    """The index's tokens of ``text`` that can relate articles (CJK bigrams, Latin words)."""
    return [tok for tok in _TOKEN.findall(to_index_text(fold(text))) if _useful(tok)]


def _useful(tok: str) -> bool:
    if _CJK_BIGRAM.fullmatch(tok):
        return True
    return len(tok) > 1 and tok not in STOP_WORDS and not (tok.isdigit() and len(tok) < 4)


def top_terms(
    title: str, plain: str, df: Callable[[str], int], n_docs: int, k: int = TOP_K
) -> list[tuple[str, float]]:
    """The article's ``k`` best terms by tf-idf, best first: ``[(term, score), …]``.

    ``df(term)`` is the number of indexed articles holding ``term`` (this one included
    when it is indexed); ``n_docs`` the number of indexed articles.
    """
    tf: Counter[str] = Counter(terms(plain))
    for term in terms(title):
        tf[term] += TITLE_BOOST
    scored = []
    for term, count in tf.items():
        d = df(term)
        if d < 2 or d > max(MAX_DF_SHARE * n_docs, MIN_DF_CAP):
            continue  # found nowhere else, or everywhere
        idf = math.log(1 + (n_docs - d + 0.5) / (d + 0.5))
        scored.append((term, (1 + math.log(count)) * idf))
    scored.sort(key=lambda ts: (-ts[1], ts[0]))
    return scored[:k]


def match_expression(term_list: list[str]) -> str | None:
    """``"a" OR "b" …`` for FTS5 (each term quoted, so no term is query syntax)."""
    if not term_list:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in term_list)


def related_query(
    title: str, plain: str, df: Callable[[str], int], n_docs: int, k: int = TOP_K
) -> str | None:
    """FTS5 MATCH expression finding articles related to this one (None: no useful term)."""
    return match_expression([t for t, _ in top_terms(title, plain, df, n_docs, k)])


def vocab_df(conn: sqlite3.Connection, table: str = "fts") -> Callable[[str], int]:
    """A ``df(term)`` over an FTS5 table's ``fts5vocab`` 'row' table (created in ``temp``)."""
    vocab = f"{table}_vocab_row"
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {table}, row)"
    )
    sql = f"SELECT doc FROM temp.{vocab} WHERE term = ?"

    def df(term: str) -> int:
        row = conn.execute(sql, (term,)).fetchone()
        return int(row[0]) if row else 0

    return df

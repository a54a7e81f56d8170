"""Related articles: a tf-idf FTS5 query ranks same-topic articles first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from reader.library.cjk import to_index_text
from reader.library.fold import fold
from reader.library.related import match_expression, related_query, terms, top_terms, vocab_df

# Three topics: Changsha street food (zh, one in Traditional characters), Python packaging
# (en + zh sharing Latin terms), rainy-season weather (zh). Team-written.
ARTICLES: dict[int, tuple[str, str, str]] = {
    1: (
        "food",
        "长沙米粉地图",
        "长沙人的早晨从一碗米粉开始。扁粉还是圆粉，肉丝码子还是酸辣码子，"
        "每家米粉店都有自己的骨头汤。老街上的米粉店，凌晨五点就排起了队。",
    ),
    2: (
        "food",
        "長沙臭豆腐與米粉",
        "來長沙的遊客，總要嚐一嚐臭豆腐，再去老街吃一碗米粉。"
        "臭豆腐外焦裡嫩，配上辣椒和香菜；米粉店的骨頭湯熬了一整夜。",
    ),
    3: (
        "food",
        "夜宵在长沙",
        "长沙的夜宵摊从晚上十点热闹到凌晨：口味虾、臭豆腐、糖油粑粑，"
        "吃完再来一碗米粉，骨头汤里撒一把葱花。",
    ),
    4: (
        "python",
        "Packaging Python projects with pyproject.toml",
        "A pyproject.toml file declares the build backend, the project metadata and its "
        "dependencies. Tools such as pip build a wheel from it; hatchling and setuptools "
        "are common backends. Pin nothing in a library, pin everything in an application.",
    ),
    5: (
        "python",
        "Python 打包入门",
        "用 pyproject.toml 描述项目：构建后端 hatchling 或 setuptools，依赖写在 dependencies "
        "里，pip 会据此构建 wheel 并安装。",
    ),
    6: (
        "python",
        "Why your wheel is missing files",
        "If the wheel built by pip lacks data files, check the build backend configuration "
        "in pyproject.toml: hatchling includes only the package by default, setuptools "
        "needs package data declared.",
    ),
    7: (
        "rain",
        "梅雨季节的湿度与健康",
        "进入梅雨季节，连续降雨让空气湿度长期超过百分之八十。"
        "医生提醒，湿度过高容易引发关节不适，家里可以开除湿机，衣物尽量烘干。",
    ),
    8: (
        "rain",
        "梅雨何时结束？",
        "气象专家预计，今年梅雨季节还将持续三周，"
        "期间多强降雨，空气湿度大，沿江地区要防范洪水，居民应及时清理排水沟。",
    ),
    9: (
        "rain",
        "暴雨预警：梅雨带北抬",
        "气象台发布暴雨预警，梅雨带本周北抬，"
        "沿江地区降雨量大，湿度高，请注意防范城市内涝，出行避开低洼路段。",
    ),
}


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """An in-memory FTS5 table fed the way the index feeds it (folded, bigrammed)."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', detail=full, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
        [
            (i, to_index_text(fold(title)), to_index_text(fold(body)))
            for i, (_, title, body) in ARTICLES.items()
        ],
    )
    yield db
    db.close()


def related(conn: sqlite3.Connection, article: int, limit: int = 3) -> list[int]:
    _, title, body = ARTICLES[article]
    expr = related_query(title, body, vocab_df(conn), len(ARTICLES))
    assert expr is not None
    rows = conn.execute(
        "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 1.0)", (expr,)
    ).fetchall()
    return [r for (r,) in rows if r != article][:limit]


@pytest.mark.parametrize("article", sorted(ARTICLES))
def test_same_topic_articles_come_first(conn: sqlite3.Connection, article: int) -> None:
    topic = ARTICLES[article][0]
    same = {i for i, (t, _, _) in ARTICLES.items() if t == topic and i != article}
    assert set(related(conn, article, limit=len(same))) == same


def test_traditional_article_relates_to_simplified_ones(conn: sqlite3.Connection) -> None:
    assert set(related(conn, 2, limit=2)) == {1, 3}


def test_terms_are_index_tokens() -> None:
    assert terms("長沙的 Python 用戶組 and the pip") == [
        "长沙",
        "沙的",
        "python",
        "用户",
        "户组",
        "pip",
    ]


def test_top_terms_prefers_rare_terms(conn: sqlite3.Connection) -> None:
    _, title, body = ARTICLES[1]
    best = [t for t, _ in top_terms(title, body, vocab_df(conn), len(ARTICLES), k=5)]
    assert "米粉" in best
    assert all(vocab_df(conn)(t) >= 2 for t in best)  # a term of this article alone is useless


def test_no_shared_term_gives_no_query(conn: sqlite3.Connection) -> None:
    assert related_query("完全无关", "量子纠缠实验。", vocab_df(conn), len(ARTICLES)) is None
    assert match_expression([]) is None


def test_expression_quotes_terms() -> None:
    assert match_expression(['a"b', "长沙"]) == '"a""b" OR "长沙"'

"""CJK bigram pre-splitting for FTS5."""

from __future__ import annotations

import sqlite3

import pytest

from reader.library.cjk import (
    cjk_runs,
    cjk_tokens,
    is_cjk,
    to_index_text,
    word_count,
)
from reader.library.query import Term
from reader.library.search import term_expression


@pytest.mark.parametrize("ch", ["网", "あ", "カ", "ー", "한", "々", "𠀀", "Ａ", "ｶ"])
def test_is_cjk_letters(ch: str) -> None:
    assert is_cjk(ch)


@pytest.mark.parametrize("ch", ["a", "1", "，", "。", "・", "「", " ", "é", "😀", ""])
def test_is_cjk_rejects_latin_and_punctuation(ch: str) -> None:
    assert not is_cjk(ch)


def test_to_index_text_bigrams_plus_last_unigram() -> None:
    assert to_index_text("诚信长沙").split() == ["诚信", "信长", "长沙", "沙"]
    assert to_index_text("网").split() == ["网"]


def test_to_index_text_keeps_latin_and_separates_runs() -> None:
    assert to_index_text("Docker容器技术，Kubernetes").split() == [
        "Docker",
        "容器",
        "器技",
        "技术",
        "术",
        "，Kubernetes",
    ]
    assert to_index_text("plain English text") == "plain English text"


def test_late_emoji_does_not_glue_words() -> None:
    assert "think" in to_index_text("think🤔twice").split()


def test_term_expression_of_cjk_terms() -> None:
    assert term_expression(Term("网")) == '"网"*'
    assert term_expression(Term("长沙")) == '"长沙"'
    assert term_expression(Term("诚信长沙")) == '"诚信 信长 长沙"'


def test_cjk_tokens_inner_run_requires_run_end() -> None:
    assert cjk_tokens("长沙", last=False) == ["长沙", "沙"]
    assert cjk_tokens("长沙", last=True) == ["长沙"]


def test_runs_and_word_count() -> None:
    assert cjk_runs("ab中文cd日本") == [(2, 4), (6, 8)]
    assert word_count("Hello world 你好") == 4


def _fts_rowids(texts: list[str], expr: str) -> set[int]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, content='', tokenize='unicode61 remove_diacritics 2')"
    )
    for i, text in enumerate(texts, 1):
        conn.execute("INSERT INTO t(rowid, x) VALUES (?, ?)", (i, to_index_text(text)))
    return {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,))}


def test_phrase_queries_are_exact_substrings() -> None:
    texts = ["诚信长沙建设", "长沙", "沙长", "长 沙", "诚信 长沙", "网络", "互联网", "长沙诚信"]
    for term in ["网", "长沙", "诚信长沙", "沙", "信长"]:
        expected = {i for i, t in enumerate(texts, 1) if term in t}
        assert _fts_rowids(texts, str(term_expression(Term(term)))) == expected, term

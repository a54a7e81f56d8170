"""Search on real corpora against a brute-force scan: recall and precision must both be 1.0.

Indexes seedlike, yihui-blog and ruby-lang-news zh_cn/ja/en, then for a deterministic sample
of CJK 1-, 2- and 3-character terms and English words drawn from the corpus compares
``Collection.search_ids`` with a scan of the same title + plain text: CJK terms as plain
substrings, English words as whole words (case- and accent-insensitive, CJK characters and
non-alphanumerics as word boundaries, like unicode61 over the bigrammed text).
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from reader.library.cjk import CJK_RANGES
from reader.library.index import Collection, unpack_plain
from reader.library.snippets import fold

pytestmark = pytest.mark.corpus

CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# Sample from Han, kana and Hangul only (not full-width Latin, whose case folding differs).
SAMPLE_RUN = re.compile("[\u3041-\u309a\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
LATIN = f"[^\\W_{CJK_RANGES}]"
ASCII_WORD = re.compile(r"(?<![^\W_])[A-Za-z][A-Za-z0-9]{1,14}(?![^\W_])")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Collection, dict[int, str]]:
    from tests.conftest import CORPORA

    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    roots = [
        CORPORA / "seedlike",
        CORPORA / "yihui-blog",
        *(CORPORA / "ruby-lang-news" / lang for lang in ("zh_cn", "ja", "en")),
    ]
    cache = tmp_path_factory.mktemp("cache")
    from reader.library.state import StateStore

    coll = Collection(roots, cache_dir=cache, state=StateStore(cache / "state.sqlite3"))
    report = coll.refresh()
    assert report.articles > 3000
    assert coll.fts_pending() == 0
    texts = {
        id_: title + "\n" + unpack_plain(text)
        for id_, title, text in coll.conn.execute(
            "SELECT a.id, a.title, b.text FROM articles a JOIN bodies b ON b.no = a.body"
        )
    }
    return coll, texts


def _sample_cjk(texts: dict[int, str], rng: random.Random) -> list[str]:
    runs = [r for t in texts.values() for r in SAMPLE_RUN.findall(t)]
    chars = Counter(ch for r in runs for ch in r)
    common = [ch for ch, _ in chars.most_common(30)]
    singles = common + rng.sample(sorted(chars), 70)
    terms = list(singles)
    for size in (2, 3):
        long_runs = [r for r in runs if len(r) >= size]
        picked: set[str] = set()
        while len(picked) < 100:
            r = rng.choice(long_runs)
            i = rng.randrange(len(r) - size + 1)
            picked.add(r[i : i + size])
        terms += sorted(picked)
    return terms


def _sample_words(texts: dict[int, str], rng: random.Random) -> list[str]:
    counts = Counter(w.lower() for t in texts.values() for w in ASCII_WORD.findall(t))
    words = sorted(w for w in counts if w not in ("or", "and", "not", "near"))
    common = [w for w, _ in counts.most_common(25) if w in words][:20]
    rest = [w for w in words if w not in common]
    return common + rng.sample(rest, 150 - len(common))


def _word_hits(folded: dict[int, str], word: str) -> set[int]:
    pattern = re.compile(f"(?<!{LATIN}){re.escape(word)}(?!{LATIN})")
    return {i for i, t in folded.items() if word in t and pattern.search(t)}


def test_search_matches_brute_force(indexed: tuple[Collection, dict[int, str]]) -> None:
    coll, texts = indexed
    rng = random.Random(20240601)
    cjk_terms = _sample_cjk(texts, rng)
    words = _sample_words(texts, rng)
    assert len(cjk_terms) == 300 and len(words) == 150
    folded = {i: fold(t) for i, t in texts.items()}
    failures: list[str] = []
    checked: Counter[str] = Counter()
    for term in cjk_terms + words:
        if CJK_RUN.fullmatch(term):
            expected = {i for i, t in folded.items() if fold(term) in t}  # 個 finds 个
            kind = f"cjk{len(term)}"
        else:
            expected = _word_hits(folded, term)
            kind = "word"
        got, _, error = coll.search_ids(term)
        assert error is None, (term, error)
        found = set(got)
        assert len(got) == len(found)
        checked[kind] += 1
        if found != expected:
            failures.append(
                f"{term!r}: {len(found - expected)} false hits, {len(expected - found)} missed "
                f"(of {len(expected)})"
            )
    assert not failures, "\n".join(failures)
    assert checked == {"cjk1": 100, "cjk2": 100, "cjk3": 100, "word": 150}


def test_mixed_and_phrase_queries_on_corpus(indexed: tuple[Collection, dict[int, str]]) -> None:
    coll, texts = indexed
    ids, _, _ = coll.search_ids("Ruby 版本")
    expected = {
        i
        for i, t in texts.items()
        if "版本" in t and re.search(f"(?<!{LATIN})ruby(?!{LATIN})", fold(t))
    }
    assert set(ids) == expected and expected
    ids, _, _ = coll.search_ids('"R Markdown"')
    phrase = re.compile(f"(?<!{LATIN})r[\\W_]+markdown(?!{LATIN})")
    expected = {i for i, t in texts.items() if phrase.search(fold(t))}
    assert set(ids) == expected and expected

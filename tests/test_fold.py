"""Search folding: Traditional/Simplified, width forms, case, and the offset map."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.fold import _table, fold, fold_with_map, original_span

# Long enough to take the numpy path as well as the short str.translate path.
LONG = 250


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("長沙", "长沙"),
        ("網絡誠信", "网络诚信"),
        ("臺灣", "台湾"),
        ("說話", "说话"),
        ("學習", "学习"),
        ("國際新聞", "国际新闻"),
    ],
)
def test_traditional_and_simplified_fold_equal(traditional: str, simplified: str) -> None:
    assert fold(traditional) == fold(simplified) == simplified
    assert fold(traditional * LONG) == simplified * LONG


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＩ", "ai"),
        ("２０２１", "2021"),
        ("Ｈｅｌｌｏ，世界！", "hello,世界!"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("Crème Brûlée", "creme brulee"),
        ("ΆΣ", "άσ"),  # Greek keeps accents and never takes the final-sigma form
        ("Москва", "москва"),
    ],
)
def test_width_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(text * LONG) == folded * LONG


# Pairs of distinct characters that look or sound alike but are not variants.
NOT_VARIANTS = [
    ("长", "沙"),
    ("干", "千"),
    ("土", "士"),
    ("未", "末"),
    ("己", "已"),
    ("人", "入"),
    ("天", "夫"),
    ("后", "右"),
    ("著", "着"),
    ("台", "苔"),
    ("发", "髪"),
    ("里", "理"),
    ("于", "干"),
    ("只", "兄"),
    ("余", "佘"),
    ("面", "靣"),
    ("1", "l"),
    ("o", "0"),
    ("й", "и"),
    ("ё", "е"),
    ("ß", "ss"),
]


@pytest.mark.parametrize(("a", "b"), NOT_VARIANTS)
def test_precision_non_variants_stay_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


def test_simplified_text_is_left_alone() -> None:
    text = "网络诚信进社区：长沙一条街道的故事。著名的台湾作家于是发表了新的文章。"
    assert fold(text) == text.replace("：", ":")
    assert "著" in fold(text)
    assert "台" in fold(text)


def test_expanding_characters_map_to_their_source() -> None:
    text = "ﬁ㍱x…"
    folded, where = fold_with_map(text)
    assert folded == "fihpax..."
    assert where == [0, 0, 1, 1, 1, 2, 3, 3, 3]
    long_folded, long_where = fold_with_map(text * LONG)
    assert long_folded == folded * LONG
    assert long_where[: len(where)] == where
    assert long_where[-1] == len(text) * LONG - 1
    # A literal \x01 (the mark used to find expanding characters) is an ordinary character.
    folded, where = fold_with_map("a\x01ﬁ\x01")
    assert folded == "a\x01fi\x01" and where == [0, 1, 2, 2, 3]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aﬁ㍱…長沙\x01 ÄßＡ", max_size=60))
def test_the_map_has_one_entry_per_folded_character(text: str) -> None:
    folded, where = fold_with_map(text)
    assert folded == fold(text) and len(where) == len(folded)
    assert where == sorted(where) and all(0 <= i < len(text) for i in where)
    assert "".join(fold(text[i]) for i in sorted(set(where))) == folded


def test_original_span_marks_original_characters() -> None:
    text = "他說：「長沙網絡誠信」很好"
    folded, where = fold_with_map(text)
    start = folded.index("长沙")
    assert text[slice(*original_span(where, start, start + 2))] == "長沙"
    start = folded.index("网络诚信")
    assert text[slice(*original_span(where, start, start + 4))] == "網絡誠信"
    start = fold("ﬁ x").index("i")
    _, w = fold_with_map("ﬁ x")
    assert original_span(w, start, start + 1) == (0, 1)


def test_table_is_closed() -> None:
    """Every folded character folds to itself: fold is idempotent on every input."""
    table = _table()
    for out in table.values():
        assert out.translate(table) == out


def test_table_never_deletes() -> None:
    table = _table()
    assert min(map(len, table.values())) >= 1


def test_surrogates_and_high_planes_pass_through() -> None:
    text = "a\udcffＢ\U000f0000𠀀長" * LONG
    assert fold(text) == "a\udcffb\U000f0000𠀀长" * LONG


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.text(
    alphabet="長沙网網絡络ＡＩａ２０１ﬁ㍱…ΣÉé ，。", max_size=400
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@settings(max_examples=300, deadline=None)
@given(texts)
def test_map_is_monotone_in_range_and_exact(text: str) -> None:
    folded, where = fold_with_map(text)
    assert folded == fold(text)
    assert len(where) == len(folded) >= len(text)
    assert all(0 <= i < len(text) for i in where)
    assert all(a <= b for a, b in itertools.pairwise(where))
    # every original character is the source of at least one folded character
    assert sorted(set(where)) == list(range(len(text)))
    # each original character folds to exactly the folded characters mapped to it
    for i, ch in enumerate(text):
        assert "".join(c for c, j in zip(folded, where, strict=True) if j == i) == fold(ch)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), max_size=50))
def test_fold_is_lower_case(text: str) -> None:
    folded = fold(text)
    assert folded == folded.lower()


def test_a_damaged_table_cache_is_rebuilt_not_trusted(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import marshal

    from reader.library import fold as fold_module

    file = tmp_path / "fold-table.marshal"
    monkeypatch.setattr(fold_module, "_table_file", lambda: file)
    for junk in (b"not marshal", marshal.dumps([1, 2]), marshal.dumps({}), marshal.dumps({65: 1})):
        file.write_bytes(junk)
        assert fold_module._load_table() is None, junk
    fold_module._save_table({65: "a", 0x9577: "长"})
    assert fold_module._load_table() == {65: "a", 0x9577: "长"}


def test_saving_the_table_removes_tables_of_other_versions(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reader.library import fold as fold_module

    old = tmp_path / "fold-table-1-15.0.0-3-111.marshal"
    old.write_bytes(b"stale")
    other = tmp_path / "unrelated.marshal"
    other.write_bytes(b"keep")
    file = tmp_path / "fold-table-1-15.0.0-3-222.marshal"
    monkeypatch.setattr(fold_module, "_table_file", lambda: file)
    fold_module._save_table({65: "a"})
    assert fold_module._load_table() == {65: "a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [file.name, "unrelated.marshal"]

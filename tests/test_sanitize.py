"""Control characters and terminal escape sequences never survive sanitising."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.sanitize import clean_line, clean_text

BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("a\x1b[2J\x1b[Hb", "ab"),
        ("\x1b]0;evil title\x07text", "text"),
        ("\x1b]52;c;ZXZpbA==\x1b\\after", "after"),
        ("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1bP1;2qpayload\x1b\\ok", "ok"),
        ("\x9b31mC1 CSI", "C1 CSI"),
        ("\x9d0;t\x9cx", "x"),
        ("\x1b(Bplain", "plain"),
        ("bell\x07 nul\x00 del\x7f nel\x85", "bell nul del nel"),
        ("keep\ttab\nnewline", "keep\ttab\nnewline"),
        ("crlf\r\nand\rcr", "crlf\nand\ncr"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("中文，标点。", "中文，标点。"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_unterminated_osc_does_not_swallow_following_lines() -> None:
    assert clean_text("title\x1b]0;no end\nsecond line") == "title\nsecond line"


def test_clean_line_collapses_whitespace() -> None:
    assert clean_line("  标题\n第二行\t\u3000end \x1b[1m!\x1b[0m ") == "标题 第二行 end !"


@settings(max_examples=300)
@given(st.text())
def test_clean_text_never_leaves_controls(text: str) -> None:
    cleaned = clean_text(text)
    assert not BAD.search(cleaned)
    assert "\x1b" not in cleaned and "\r" not in cleaned


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(
            ["\x1b", "[", "]", "\x07", "\\", "a", "1", ";", "\n", "\x9b", "中"]
        )
    )
)
def test_clean_line_is_single_line(text: str) -> None:
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line
    assert not BAD.search(line)
    assert line == line.strip()

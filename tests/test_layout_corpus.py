"""The layout checker (bench/layout_faults.py) over every shared corpus: zero faults.

Counts lines opening with closing punctuation, Latin words split though they fit, lines
wider than the width (wcwidth), literal ``**``/``~~`` pairs and code blocks with gutters or
table borders, at widths 40, 60 and 77, on about 250 articles per corpus (the whole corpora:
``python -m bench.layout_faults ../shared/corpora/*``). Marked ``corpus``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from bench.layout_faults import corpus_faults, line_faults

pytestmark = pytest.mark.corpus

WIDTHS = (40, 60, 77)


def test_checker_finds_each_fault() -> None:
    lines = [
        Text("还有主打推理任务的 Goya / Greco"),
        Text("。"),
        Text("a" * 50),
        Text("数据增长了**95%**。"),
        Text("无性能S"),
        Text("LA保证"),
    ]
    unwrapped = (
        "还有主打推理任务的 Goya / Greco 。\n" + "a" * 50 + "\n数据增长了**95%**。\n无性能SLA保证"
    )
    faults = line_faults(lines, 40, unwrapped)
    assert faults == {"closing": 1, "too_wide": 1, "literal_marks": 1, "split_word": 1}


def test_checker_leaves_the_authors_own_lines_alone() -> None:
    # A hard break before "……" (a poem) and an escaped "\-\-\-" signature line are the source's.
    lines = [Text("▌ 点的还是那么丁点亮。"), Text("▌ ……"), Text("Yihui"), Text("---")]
    unwrapped = "▌ 点的还是那么丁点亮。\n▌ ……\nYihui\n---"
    assert line_faults(lines, 40, unwrapped, literal_rules=True) == {}
    assert line_faults(lines, 40, unwrapped) == {"gutter": 1}
    # Escaped asterisks the author meant literally (ruby: 2\*\*40), and a break at the space
    # of "preview 1" though "preview1" appears elsewhere in the article.
    math = [Text("0 << (2**40) is NoMemoryError but (2**80)")]
    assert line_faults(math, 60, math[0].plain, source=r"0 << (2\*\*40) is NoMemoryError") == {}
    assert line_faults(math, 60, math[0].plain, source=math[0].plain) == {"literal_marks": 1}
    split = [Text("Ruby 1.9.1-preview"), Text("1 is out")]
    assert line_faults(split, 20, "Ruby 1.9.1-preview 1 is out\nget preview1.tar") == {}
    assert line_faults(split, 20, "Ruby 1.9.1-preview1 is out") == {"split_word": 1}


@pytest.mark.parametrize(
    "name",
    ["seedlike", "ruby-lang-news", "rust-blog-toml", "yihui-blog"],
)
def test_no_layout_faults_on_corpus(corpora: Path, name: str) -> None:
    root = corpora / name
    if not root.is_dir():
        pytest.skip(f"{name} is not present")
    files = sum(1 for _ in root.rglob("*.md"))
    total, by_file = corpus_faults(root, WIDTHS, step=max(1, files // 250))  # ~250 articles each
    assert not total, (dict(total), dict(list(by_file.items())[:5]))

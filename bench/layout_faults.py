"""Count layout faults in rendered articles (the reading-fidelity checks of issue #9).

For every article file under the given roots and every width, the article is laid out with
:func:`reader.render.layout_article` and its lines are checked for:

- ``closing``: a prose line opening with closing punctuation (``，`` ``。`` ``）`` …);
- ``split_word``: a Latin word or number cut across two lines although it fits the width;
- ``too_wide``: a line wider than the width, measured with wcwidth as terminals do;
- ``literal_marks``: ``**``/``~~`` pairs around text left visible in prose;
- ``gutter``: a code block carrying line numbers, or table borders / fences leaking as text.

Run: ``python -m bench.layout_faults ../shared/corpora/seedlike … [--widths 40,60,77]``.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.text import Text
from wcwidth import width as wc_width

from reader.library.model import SkipFile
from reader.library.parse import parse_file
from reader.render import layout_article, styles

__all__ = ["FAULTS", "article_faults", "corpus_faults", "line_faults"]

FAULTS = ("closing", "split_word", "too_wide", "literal_marks", "gutter")
_CLOSING = "，。、；：？！）」』】》〉”’…,;"
_ITEM = re.compile(r"^(?:▌ )*(?:[•◦▪] |\d{1,9}\. )")
_PREFIX = re.compile(r"^(?:▌(?: |$)|[•◦▪] |\d{1,9}\. | {2})*")
_WORD_END = re.compile(r"\S*[A-Za-z0-9]$")
_WORD_START = re.compile(r"^[A-Za-z0-9]\S*")
_LATIN_END = re.compile(r"[^\s\u2e80-\uffff]+$")  # the whole unbreakable Latin atom
_LATIN_START = re.compile(r"^[^\s\u2e80-\uffff]+")
_MARKS = re.compile(r"\*\*[^*\s](?:[^*]*[^*\s])?\*\*|~~[^~\s](?:[^~]*[^~\s])?~~")
_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})")
_ESCAPED_RULE = re.compile(r"^[ \t>]*\\-\\?-\\?-", re.M)
_GUTTER_ROW = re.compile(r"^\s*(\d{1,5})(?:\s|$)")  # "1" or "1  code", not "1. item"
_ARTICLE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}


def _is_code(line: Text) -> bool:
    check = getattr(styles, "is_code_line", None)
    return check(line) if check else line.style == styles.CODE_BLOCK


def _prose(line: Text) -> str:
    """The line's text with inline code masked (it may hold ``**`` or open with ``,``)."""
    plain = line.plain
    for span in line.spans:
        if span.style == styles.CODE_INLINE:
            plain = plain[: span.start] + "x" * (span.end - span.start) + plain[span.end :]
    return plain


def _gutter_block(block: Sequence[str]) -> bool:
    """A code block whose rows start 1, 2, 3 … (three or more), or holding only numbers."""
    numbers = []
    for row in block:
        m = _GUTTER_ROW.match(row)
        numbers.append(int(m.group(1)) if m else None)
    run = 0
    for prev, cur in itertools.pairwise(numbers):
        run = run + 1 if prev is not None and cur == prev + 1 else 0
        if run >= 2 and numbers[0] == 1:
            return True
    return False


def _wrapped_here(prev: str, body: str, unwrapped: str) -> bool:
    """Whether ``prev`` and ``body`` stand on one line of ``unwrapped`` (a break we made)."""
    head, tail = body[:12], prev.rstrip()[-12:]
    pattern = re.escape(tail) + r"[ \t\u3000]*" + re.escape(head)
    return re.search(pattern, unwrapped) is not None


def line_faults(
    lines: Sequence[Text],
    width: int,
    unwrapped: str,
    *,
    literal_rules: bool = False,
    source: str | None = None,
) -> Counter[str]:
    r"""Faults in already laid-out lines; ``unwrapped`` = the text laid out without breaks.

    A line opening with closing punctuation counts only where the wrapping put the break
    (a hard break in the source, ``亮。  \n……``, is the author's). A bare ``---`` line counts
    unless ``literal_rules`` (the source writes ``\-\-\-``, an escaped rule, as text).
    ``**``/``~~`` pairs count unless ``source`` is given and lacks them unescaped (the
    author wrote ``2\*\*40``: literal asterisks are what they meant).
    """
    faults: Counter[str] = Counter()
    code: list[str] = []
    prev: str | None = None
    prev_body = ""
    for line in [*lines, Text("")]:
        plain = line.plain
        if wc_width(plain) > width:
            faults["too_wide"] += 1
        if _is_code(line):
            code.append(plain)
            prev = None
            continue
        if code:
            faults["gutter"] += _gutter_block(code)
            code = []
        prose = _prose(line)
        lead = _PREFIX.match(prose)
        body = prose[len(lead.group(0)) if lead else 0 :]
        # Only a continuation line counts: a paragraph may itself begin with "……".
        if (
            prev is not None
            and body[:1]
            and body[:1] in _CLOSING
            and not _ITEM.match(prose)
            and _wrapped_here(prev_body, body, unwrapped)
        ):
            faults["closing"] += 1
        marks = _MARKS.search(body)
        if marks and (source is None or marks.group()[:12] in source):
            faults["literal_marks"] += 1
        if _FENCE.match(body) or "│ ```" in body or (body.strip() == "---" and not literal_rules):
            faults["gutter"] += 1
        if prev is not None and body:
            # A split when the two halves stand together, without a space, in the unwrapped text.
            a, b = _WORD_END.search(prev), _WORD_START.match(body)
            # (When the text also holds them with a space between, the break was at that space:
            # "preview 1" wrapped, though "preview1" appears elsewhere.)
            joined, spaced = prev[-12:] + body[:12], prev[-12:] + " " + body[:12]
            if a and b and joined in unwrapped and spaced not in unwrapped:
                la, lb = _LATIN_END.search(a.group()), _LATIN_START.match(b.group())
                fits = width - (len(prose) - len(body)) - 6  # indent, glued punctuation
                if la and lb and wc_width(la.group() + lb.group()) <= fits:
                    faults["split_word"] += 1
        prev = prose if body.strip() else None  # a blank quote line "▌" is blank too
        prev_body = body
    return faults


def article_faults(path: Path, widths: Iterable[int]) -> Counter[str]:
    """Faults of one article file at every width (nothing when the file is skipped)."""
    try:
        article = parse_file(path)
    except (SkipFile, OSError):
        return Counter()
    wide = layout_article(article, 100_000)
    unwrapped = "\n".join(line.plain.rstrip() for line in wide)  # code lines are padded
    source = path.read_bytes()[:5_000_000].decode("utf-8", "replace")
    literal_rules = bool(_ESCAPED_RULE.search(source))
    total: Counter[str] = Counter()
    for width in widths:
        lines = layout_article(article, width)
        total += line_faults(lines, width, unwrapped, literal_rules=literal_rules, source=source)
    return total


def corpus_faults(
    root: Path, widths: Sequence[int], step: int = 1
) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Summed faults under ``root`` (every ``step``-th file) and the counts per faulty file."""
    total: Counter[str] = Counter()
    by_file: dict[str, Counter[str]] = {}
    paths = [p for p in sorted(root.rglob("*")) if p.suffix.lower() in _ARTICLE_SUFFIXES]
    for path in paths[::step]:
        if not path.is_file():
            continue
        faults = article_faults(path, widths)
        if faults:
            total += faults
            by_file[str(path)] = faults
    return total, by_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--widths", default="40,60,77")
    parser.add_argument("--examples", type=int, default=0, help="list N faulty files per root")
    parser.add_argument("--step", type=int, default=1, help="check every N-th file only")
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]
    bad = 0
    for root in args.roots:
        total, by_file = corpus_faults(root, widths, args.step)
        counts = "  ".join(f"{name}={total[name]}" for name in FAULTS)
        print(f"{root.name}: {counts}")
        for path, faults in list(by_file.items())[: args.examples]:
            print(f"    {path}: {dict(faults)}")
        bad += sum(total.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure folding, duplicate signatures and grouping on real collections (issue #14).

``python -m bench.extras [CORPORA_DIR]`` (default ``../shared/corpora``): reads every
Markdown/HTML file once with ``read_plain``, then prints fold speed, the per-article cost of
fold and of ``duplicates.signature`` next to the cost of reading the article, the grouping
time, the groups per corpus and how many groups hold byte-identical texts. ``--show N``
prints N groups (paths, titles, first difference) for reading. Prints no article text
beyond the first difference of a shown group.
"""

from __future__ import annotations

import argparse
import difflib
import random
import time
from collections import Counter
from pathlib import Path

from reader.library.duplicates import group, signature
from reader.library.fold import fold, warm
from reader.library.parse import parse_file, read_plain

_SUFFIXES = {".md", ".markdown", ".html", ".htm"}


def _load(root: Path) -> list[tuple[str, Path, str, str, float]]:
    """(corpus, path, title, plain text, seconds to read it) of every readable file."""
    out = []
    for corpus in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(corpus.rglob("*")):
            if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
                continue
            try:
                start = time.perf_counter()
                plain = read_plain(path)
                seconds = time.perf_counter() - start
                title = parse_file(path, body="none").title
            except Exception:  # skipped files are not what this measures
                continue
            out.append((corpus.name, path, title, plain, seconds))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="?", default="../shared/corpora")
    ap.add_argument("--show", type=int, default=0, help="print this many groups to read")
    args = ap.parse_args()
    rows = _load(Path(args.corpora))
    n = len(rows)
    read = sum(r[4] for r in rows)
    chars = sum(len(r[3]) for r in rows)
    start = time.perf_counter()
    warm()
    print(f"{n} articles, {chars:,} chars; read_plain {read * 1e3 / n:.2f} ms/article")
    print(f"fold table built in {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    for r in rows:
        fold(r[2])
        fold(r[3])
    spent = time.perf_counter() - start
    print(
        f"fold: {chars / spent / 1e6:.1f} M chars/s, {spent * 1e3 / n:.3f} ms/article "
        f"= {100 * spent / read:.1f} % of read_plain"
    )

    start = time.perf_counter()
    sigs = [signature(r[3], r[2]) for r in rows]
    spent = time.perf_counter() - start
    print(
        f"signature: {spent * 1e3 / n:.3f} ms/article = {100 * spent / read:.1f} % of "
        f"read_plain; {sum(1 for s in sigs if not s)} too short"
    )

    start = time.perf_counter()
    groups = group((i, s) for i, s in enumerate(sigs) if s)
    print(
        f"group: {time.perf_counter() - start:.2f} s, {len(groups)} groups, "
        f"{sum(map(len, groups))} articles"
    )
    per = Counter(rows[g[0]][0] for g in groups)
    identical = Counter(rows[g[0]][0] for g in groups if len({rows[i][3] for i in g}) == 1)
    for corpus in sorted({r[0] for r in rows}):
        print(f"  {corpus}: {per[corpus]} groups ({identical[corpus]} byte-identical texts)")

    random.seed(0)
    for g in random.sample(groups, min(args.show, len(groups))):
        print("-" * 80)
        for i in g:
            print(f"  {rows[i][1]} | {rows[i][2][:60]}")
        a, b = rows[g[0]][3], rows[g[1]][3]
        sm = difflib.SequenceMatcher(None, a[:5000], b[:5000], autojunk=False)
        diff = next((o for o in sm.get_opcodes() if o[0] != "equal"), None)
        print(f"  similarity {sm.ratio():.2f}", "identical" if a == b else "")
        if diff:
            print(
                f"  first difference: {a[diff[1] : diff[2]][:60]!r} -> {b[diff[3] : diff[4]][:60]!r}"
            )


if __name__ == "__main__":
    main()

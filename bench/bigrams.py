"""Bigram variety: distinct CJK bigrams in 1,000 articles, for any corpus.

``python -m bench.bigrams [PATH …]`` prints the figure for each folder, for 1,000 of
5,000 freshly generated synthetic and realistic articles, and for the Chinese parts of the
real corpora. The FTS index holds one term per distinct bigram, so this is the figure that says
whether a benchmark corpus is as varied as real Chinese.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.realistic import ZH_PARTS, default_root, document_paragraphs, is_chinese

SAMPLE = 1000
"""Articles per sample."""

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")


def article_files(roots: Iterable[Path]) -> list[Path]:
    """Article files under ``roots``, sorted."""
    out: list[Path] = []
    for root in roots:
        out.extend(p for p in root.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
    return sorted(out)


def bigram_variety(
    files: Sequence[Path], sample: int = SAMPLE, seed: int = 1, chinese_only: bool = False
) -> dict[str, Any]:
    """Distinct CJK bigrams in ``sample`` articles drawn from ``files`` (all when fewer).

    Also the CJK characters read and the distinct bigrams per 100,000 of them (a figure
    that does not depend on article length). ``chinese_only`` skips files whose text is
    not mostly Chinese (for mixed-language real collections).
    """
    rng = random.Random(seed)
    order = list(files)
    rng.shuffle(order)
    seen: set[str] = set()
    articles = chars = 0
    for path in order:
        if articles >= sample:
            break
        try:
            paragraphs = document_paragraphs(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue
        text = "\n".join(paragraphs)
        if chinese_only and not is_chinese(text):
            continue
        articles += 1
        for run in _CJK_RUN.findall(text):
            chars += len(run)
            seen.update(run[i : i + 2] for i in range(len(run) - 1))
    return {
        "articles": articles,
        "cjk_chars": chars,
        "distinct_bigrams": len(seen),
        "per_100k_chars": round(len(seen) * 100_000 / chars) if chars else None,
    }


def real_reference(corpora: Path | None = None, seed: int = 1) -> dict[str, Any] | None:
    """:func:`bigram_variety` of the Chinese parts of the real corpora; None when absent."""
    root = corpora or default_root()
    files = article_files(root / part for part in ZH_PARTS if (root / part).is_dir())
    if not files:
        return None
    return bigram_variety(files, seed=seed, chinese_only=True)


def compare(paths: Sequence[Path], seed: int = 1) -> dict[str, dict[str, Any] | None]:
    """Figures for each path, generated synthetic and realistic samples, and the real text.

    Each generated sample is 1,000 articles drawn from 5,000 (five generator chunks), as a
    sample of a large generated collection would be: one synthetic chunk alone shares a
    single clause pool and would understate the synthetic variety.
    """
    from bench import generate as gen

    out: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory(prefix="newsreader-bigrams-") as tmp:
        for mode in gen.MODES:
            rep = gen.generate(Path(tmp, mode), 5 * SAMPLE, seed=seed, mode=mode)
            label = mode if not rep.note else f"{mode} ({rep.note})"
            out[label] = bigram_variety(article_files([Path(tmp, mode)]), seed=seed)
    out["real corpora (zh parts)"] = real_reference(seed=seed)
    for path in paths:
        out[str(path)] = bigram_variety(article_files([path]), seed=seed)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.bigrams", description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="collections to measure as well")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(f"{'corpus':50} {'articles':>8} {'CJK chars':>10} {'distinct':>9} {'/100k ch':>9}")
    for label, fig in compare(args.paths, args.seed).items():
        if fig is None:
            print(f"{label:50} n/a (not found)")
            continue
        print(
            f"{label[:50]:50} {fig['articles']:>8} {fig['cjk_chars']:>10} "
            f"{fig['distinct_bigrams']:>9} {fig['per_100k_chars'] or 0:>9}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

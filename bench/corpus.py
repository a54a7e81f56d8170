"""The collection under test: its files and size, queries drawn from its text, the 1 % rewrite."""

from __future__ import annotations

import contextlib
import html
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.results import TOUCH_MARKER
from bench.vocab import EN_PHRASES, EN_TERMS, ZERO_HIT_TERMS, ZH_WORDS


def dir_bytes(path: Path) -> int:
    """Total size of the regular files under ``path``."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def corpus_files(root: Path) -> list[Path]:
    """Article files under ``root`` (sorted, for determinism)."""
    suffixes = {".md", ".markdown", ".html", ".htm", ".txt"}
    out = [
        Path(d, f)
        for d, _dirs, files in os.walk(root)
        for f in files
        if Path(f).suffix.lower() in suffixes and not f.startswith(".")
    ]
    out.sort()
    return out


_TAG = re.compile(r"<[^>]+>")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]{1,}")


def _body_text(text: str) -> tuple[str, list[str]]:
    """Plain body text of an article file and its category lines."""
    parts = text.split("\n---", 2)
    head, body = (parts[1], parts[2]) if len(parts) == 3 else ("", text)
    cats = [ln.strip()[2:].strip() for ln in head.splitlines() if ln.strip().startswith("- ")]
    return html.unescape(_TAG.sub(" ", body)), cats


def derive_queries(files: Sequence[Path], seed: int, per_class: int = 6) -> dict[str, list[str]]:
    """Queries for every class, drawn from a sample of the corpus's own text.

    Terms are spread over document-frequency tiers (very common to rare); words of the
    generator's vocabulary are preferred when the corpus uses it, so queries are real words.
    """
    rng = random.Random(seed)
    sample = rng.sample(list(files), min(400, len(files))) if files else []
    df: dict[int, Counter[str]] = {n: Counter() for n in (1, 2, 3, 4)}
    latin: Counter[str] = Counter()
    roots: Counter[str] = Counter()
    runs: list[str] = []
    latin_pairs: list[str] = []
    for path in sample:
        try:
            text, cats = _body_text(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue
        if cats:
            roots[cats[0]] += 1
        doc_runs = _CJK_RUN.findall(text)
        runs.extend(r for r in doc_runs if len(r) >= 6)
        for n in df:
            df[n].update({r[i : i + n] for r in doc_runs for i in range(len(r) - n + 1)})
        words = _LATIN.findall(text)
        latin.update({w for w in words if len(w) >= 2})
        latin_pairs.extend(m.group(0) for m in re.finditer(r"\b[a-z]{3,} [a-z]{3,}\b", text))
    vocab = set(ZH_WORDS)
    english = set(EN_TERMS)

    def tiers(counter: Counter[str], prefer: Callable[[str], bool]) -> list[str]:
        ranked = [t for t, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2]
        preferred = [t for t in ranked if prefer(t)]
        pool = preferred if len(preferred) >= per_class else ranked
        if len(pool) <= per_class:
            return pool
        # skip the very top (that is the "common" class) and spread over the rest
        marks = [0.02 + 0.9 * k / (per_class - 1) for k in range(per_class)]
        return list(dict.fromkeys(pool[min(len(pool) - 1, int(m * len(pool)))] for m in marks))

    zh34 = df[3] + df[4]
    queries: dict[str, list[str]] = {
        "zh-1": tiers(df[1], lambda t: True),
        "zh-2": tiers(df[2], lambda t: t in vocab),
        "zh-3-4": tiers(zh34, lambda t: t in vocab),
        "english": tiers(latin, lambda t: t in english),
    }
    top2 = [t for t, _ in sorted(df[2].items(), key=lambda kv: (-kv[1], kv[0]))[:40]]
    common2 = [t for t in top2 if t in vocab] or top2[:4]
    queries["common"] = common2[:per_class]
    phrases = [p for p in EN_PHRASES if any(p in lp for lp in latin_pairs)][: per_class // 2]
    if not phrases:
        phrases = list(dict.fromkeys(latin_pairs))[: per_class // 2]
    for r in rng.sample(runs, min(len(runs), per_class - len(phrases))):
        start = rng.randrange(0, len(r) - 5)
        phrases.append(r[start : start + rng.choice((5, 6))])
    queries["phrase"] = [f'"{p}"' for p in phrases]
    mid2 = queries["zh-2"] or ["数据"]
    cat_names = [c for c, _ in roots.most_common(per_class)] or ["新媒体"]
    queries["filtered"] = [
        f"category:{cat_names[k % len(cat_names)]} {mid2[k % len(mid2)]}" for k in range(per_class)
    ]
    queries["zero-hit"] = list(ZERO_HIT_TERMS)[:per_class]
    return queries


def touch_files(files: Sequence[Path], fraction: float, seed: int) -> list[Path]:
    """Save ``fraction`` of the files again with changed content (a marker paragraph added)."""
    rng = random.Random(seed + 7)
    chosen = rng.sample(list(files), max(1, int(len(files) * fraction))) if files else []
    for k, path in enumerate(chosen):
        text = path.read_text("utf-8", errors="surrogateescape")
        extra = f"<p>基准修改标记 {TOUCH_MARKER} 第{k}次修改。</p>"
        if "</div>" in text:
            head, _, tail = text.rpartition("</div>")
            text = f"{head}{extra}</div>{tail}"
        else:
            text += f"\n\n{extra}\n"
        # As editors save: a new file renamed over the old one, which changes the
        # directory's stamp (an in-place rewrite is only seen by a full walk).
        tmp = path.with_name(f".{path.name}.bench-tmp")
        tmp.write_text(text, "utf-8", errors="surrogateescape")
        os.replace(tmp, path)
    return chosen

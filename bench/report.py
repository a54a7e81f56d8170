"""The report: each target with its figure and verdict, and the printed tables."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.measure_cli import cli_summary
from bench.results import TARGETS, fmt, lookup


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its figure and met (True/False) or None when n/a."""
    rows = []
    for t in TARGETS:
        value = lookup(results, t.key)
        met = (
            None
            if value is None
            else (value >= t.limit if t.higher_is_better else value <= t.limit)
        )
        rows.append(
            {
                "name": t.name,
                "key": t.key,
                "target": t.limit,
                "unit": t.unit,
                "higher_is_better": t.higher_is_better,
                "value": value,
                "met": met,
            }
        )
    return rows


def print_report(results: dict[str, Any]) -> None:
    """Targets table, search-by-class table and other figures."""
    meta = results["meta"]
    print()
    print(
        f"newsreader benchmark — N={meta['n']} {(results.get('corpus') or {}).get('mode')} "
        f"({meta['corpus_files']} files, "
        f"{meta['corpus_bytes'] / 1e6:.1f} MB), Python {meta['python']}, SQLite {meta['sqlite']}, "
        f"{meta['cpus']} CPUs, load average {meta.get('loadavg_start')} at start, "
        f"{meta.get('loadavg_end')} at the end"
    )
    print()
    print(f"{'measure':40} {'value':>12}  {'target':>12}  result")
    print("-" * 76)
    for row in results["targets"]:
        op = "≥" if row["higher_is_better"] else "≤"
        mark = {True: "met", False: "MISSED", None: "n/a"}[row["met"]]
        unit = "" if row["unit"] == "×" else f" {row['unit']}"
        target = f"{op} {row['target']:g}{unit or '×'}"
        print(f"{row['name']:40} {fmt(row['value'], row['unit']):>12}  {target:>12}  {mark}")
    idx = results.get("index") or {}
    print()
    print(
        f"indexed articles: {fmt(idx.get('articles'))}; cold wall (process): "
        f"{fmt(idx.get('cold_wall_s'), 's')}; indexing peak RSS: "
        f"{fmt(idx.get('cold_peak_rss_mb'), 'MB')} (process tree PSS {fmt(idx.get('cold_tree_pss_mb'), 'MB')}); "
        f"list {fmt(idx.get('cold_list_s'), 's')}, phases: {idx.get('cold_phases')}"
    )
    print(
        f"re-scan no changes: peak RSS {fmt(idx.get('rescan_nochange_rss_mb'), 'MB')}; "
        f"re-scan after rewriting {idx.get('touched_files')} files: "
        f"{fmt(idx.get('rescan_touched_s'), 's')} (updated {idx.get('touched_updated')}); "
        f"index {fmt((idx.get('index_bytes') or 0) / 1e6, 'MB')}"
    )
    search = results.get("search") or {}
    if search.get("classes"):
        print()
        print(
            f"{'query class':12} {'newest p50':>11} {'p95':>9} {'relev p50':>11} {'p95':>9}  "
            "hits (newest-first totals)"
        )
        for cls, e in search["classes"].items():
            hits = ", ".join(f"{q}={h}" for q, h in list(e["hits"].items())[:6])
            print(
                f"{cls:12} {fmt(e['newest']['p50_ms'], 'ms'):>11} {fmt(e['newest']['p95_ms'], 'ms'):>9} "
                f"{fmt(e['relevance']['p50_ms'], 'ms'):>11} {fmt(e['relevance']['p95_ms'], 'ms'):>9}  {hits}"
            )
            if e.get("errors"):
                print(f"{'':12} errors: {e['errors']}")
            if e.get("slow"):
                print(f"{'':12} slow (not repeated / skipped): {e['slow']}")
        print(
            f"touched marker hits: {search.get('touched_hits')}; known term: {search.get('known_term')}"
        )
    grep = results.get("grep") or {}
    if grep.get("tool"):
        print(
            f"{grep['tool']}: p50 {fmt(grep.get('p50_ms'), 'ms')} vs search newest-first "
            f"p50 on the same queries {fmt(grep.get('search_p50_ms'), 'ms')}"
        )
    line = cli_summary(results)
    if line:
        print(line)
    corpus = results.get("corpus") or {}
    for label, key in (("this corpus", "bigrams"), ("real zh corpora", "bigrams_real")):
        fig = corpus.get(key)
        if fig:
            print(
                f"bigram variety, {label}: {fig['distinct_bigrams']} distinct CJK bigrams in "
                f"{fig['articles']} articles ({fig['cjk_chars']} CJK chars, "
                f"{fig['per_100k_chars']} per 100k chars)"
            )
    op = results.get("open") or {}
    for label in ("5k", "50k", "1m"):
        if op.get(label):
            o = op[label]
            print(
                f"open {label}: {o['bytes']} B, first {fmt(o['first_ms'], 'ms')}, median "
                f"{fmt(o['median_ms'], 'ms')} (fetch {fmt(o['fetch_median_ms'], 'ms')}), {o['lines']} lines"
            )
    tui = results.get("tui") or {}
    print(
        f"TUI: headless first screen {fmt(tui.get('headless_first_screen_s'), 's')} "
        f"({tui.get('headless_rows')} rows); key wall p50/p95 {fmt(tui.get('key_p50_ms'), 'ms')}/"
        f"{fmt(tui.get('key_p95_ms'), 'ms')}, CPU p50/p95 {fmt(tui.get('key_cpu_p50_ms'), 'ms')}/"
        f"{fmt(tui.get('key_cpu_p95_ms'), 'ms')} (empty-app Pilot baseline CPU "
        f"{fmt(tui.get('key_baseline_cpu_ms'), 'ms')}, wall {fmt(tui.get('key_baseline_wall_ms'), 'ms')}); process first screen "
        f"{fmt(tui.get('process_first_screen_s'), 's')} (tmux overhead "
        f"{fmt(tui.get('process_tmux_overhead_s'), 's')}), peak RSS {fmt(tui.get('process_peak_rss_mb'), 'MB')} "
        f"after a search, {fmt(tui.get('process_browse_rss_mb'), 'MB')} browsing; "
        f"at the end {tui.get('process_memory_now_mb')}"
    )
    if results["na"]:
        print()
        for key, why in results["na"].items():
            print(f"n/a {key}: {why}")


def _cell(row: dict[str, Any]) -> str:
    value = fmt(row["value"], row["unit"])
    mark = {True: "met", False: "**missed**", None: ""}[row["met"]]
    return f"{value} {mark}".strip()


def markdown_table(documents: Sequence[dict[str, Any]], labels: Sequence[str]) -> str:
    """Targets of several runs side by side, as a Markdown table (for the README)."""
    head = "| measure | target | " + " | ".join(labels) + " |"
    lines = [head, "|" + "---|" * (len(labels) + 2)]
    rows = [evaluate(doc) for doc in documents]
    for k, target in enumerate(TARGETS):
        op = "≥" if target.higher_is_better else "≤"
        unit = "×" if target.unit == "×" else f" {target.unit}"
        cells = " | ".join(_cell(r[k]) for r in rows)
        lines.append(f"| {target.name.strip(' …')} | {op} {target.limit:g}{unit} | {cells} |")
    for name, get in EXTRA_ROWS:
        cells = " | ".join(_safe(get, doc) for doc in documents)
        lines.append(f"| {name} | – | {cells} |")
    return "\n".join(lines)


def _safe(get: Callable[[dict[str, Any]], str], doc: dict[str, Any]) -> str:
    try:
        return get(doc)
    except (KeyError, TypeError, ValueError):
        return "n/a"


EXTRA_ROWS: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
    (
        "whole process: `newsreader search Q` / `rg -l -F Q` (hits)",
        lambda d: (
            f"{d['cli']['search_s'] * 1000:.0f} ms / {d['cli']['rg_s'] * 1000:.0f} ms "
            f"({d['cli']['search_hits']} / {d['cli']['rg_hits']})"
            if d["cli"].get("rg_s") is not None
            else f"{d['cli']['search_s'] * 1000:.0f} ms / rg not installed "
            f"({d['cli']['search_hits']} / –)"
        ),
    ),
    ("re-scan after rewriting 1 % of files", lambda d: fmt(d["index"]["rescan_touched_s"], "s")),
    (
        "relevance p95, filtered / very common term",
        lambda d: (
            f"{fmt(lookup(d, 'search.classes.filtered.relevance.p95_ms'), 'ms')} / "
            f"{fmt(lookup(d, 'search.classes.common.relevance.p95_ms'), 'ms')}"
        ),
    ),
    (
        "TUI RSS browsing / after a search",
        lambda d: (
            f"{d['tui']['process_browse_rss_mb']:.0f} / {d['tui']['process_peak_rss_mb']:.0f} MB"
        ),
    ),
    (
        "distinct CJK bigrams in 1,000 articles",
        lambda d: f"{d['corpus']['bigrams']['distinct_bigrams']:,}",
    ),
    ("collection size", lambda d: f"{d['meta']['corpus_bytes'] / 1e6:,.0f} MB"),
    (
        "load average at start / end (2 cores)",
        lambda d: f"{d['meta']['loadavg_start']} / {d['meta']['loadavg_end']}",
    ),
)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.report A.json [B.json …]``: print the report, or a Markdown table."""
    ap = argparse.ArgumentParser(prog="python -m bench.report", description=main.__doc__)
    ap.add_argument("json", nargs="+", type=Path, help="results written by bench.run --json")
    ap.add_argument("--markdown", action="store_true", help="targets side by side, Markdown")
    args = ap.parse_args(argv)
    docs = [json.loads(p.read_text("utf-8")) for p in args.json]
    if args.markdown:
        labels = [f"{(d.get('corpus') or {}).get('mode')} {d['meta']['n']:,}" for d in docs]
        print(markdown_table(docs, labels))
        return 0
    for doc in docs:
        doc["targets"] = evaluate(doc)
        print_report(doc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The report: each target with its figure and verdict, and the printed tables."""

from __future__ import annotations

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
        f"{meta['cpus']} CPUs"
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

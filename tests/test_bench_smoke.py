"""The benchmark tools: the generator's format and determinism, and a small end-to-end run.

No timing is asserted: these only prove that the generator writes the exact Hexo news
format and that ``python -m bench.run`` produces a complete, sane JSON document.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench import generate as gen
from bench.bigrams import article_files, bigram_variety
from bench.realistic import default_root
from bench.report import EXTRA_ROWS, markdown_table
from bench.run import SCHEMA, TARGETS, TOUCH_MARKER

HAVE_CORPORA = (default_root() / "seedlike").is_dir()
needs_corpora = pytest.mark.skipif(not HAVE_CORPORA, reason="../shared/corpora is absent")

REPO = Path(__file__).resolve().parent.parent
RFC_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.md"))
    }


@pytest.mark.parametrize("mode", ["synthetic", pytest.param("realistic", marks=needs_corpora)])
def test_generator_is_deterministic_per_seed(tmp_path: Path, mode: str) -> None:
    n = gen.CHUNK + 150  # two chunks, so worker scheduling could matter
    one = gen.generate(tmp_path / "a", n, seed=3, workers=1, mode=mode)
    two = gen.generate(tmp_path / "b", n, seed=3, workers=2, mode=mode)
    other = gen.generate(tmp_path / "c", 200, seed=4, workers=1, mode=mode)
    assert one.mode == two.mode == mode and not one.note
    assert one.files == two.files == n
    assert other.files == 200
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b
    c = _digest(tmp_path / "c")
    assert set(a.values()).isdisjoint(c.values())


def _front(text: str) -> tuple[dict, str, str]:
    """Front matter mapping, its raw text and the body of one generated file."""
    assert text.startswith("\n---\n"), "a blank line must precede the opening ---"
    raw, sep, body = text[5:].partition("\n---\n")
    assert sep, "closing --- missing"
    return yaml.safe_load(raw), raw, body


@pytest.mark.parametrize("mode", ["synthetic", pytest.param("realistic", marks=needs_corpora)])
def test_generator_writes_the_hexo_news_format(tmp_path: Path, mode: str) -> None:
    rep = gen.generate(tmp_path, 400, seed=1, long=1, mode=mode)
    assert rep.mode == mode
    files = sorted(tmp_path.rglob("*.md"))
    assert rep.files == len(files) == 403
    styles = set()
    roots, sources = set(), set()
    for path in files:
        text = path.read_text("utf-8")
        meta, raw, body = _front(text)
        assert set(meta) == {
            "title",
            "categories",
            "headimg",
            "author",
            "comments",
            "date",
            "thumbnail",
        }
        assert re.search(r"^title: '.*'$", raw, re.M), "title must be single-quoted"
        assert isinstance(meta["title"], str) and meta["title"].strip()
        cats = meta["categories"]
        assert isinstance(cats, list) and len(cats) == 3 and all(isinstance(c, str) for c in cats)
        assert meta["author"] == cats[1]
        assert meta["comments"] is False
        assert meta["headimg"] == meta["thumbnail"] and meta["headimg"].startswith("https://")
        date_line = re.search(r"^date: (.*)$", raw, re.M).group(1)
        if RFC_DATE.match(date_line):
            styles.add("rfc2822")
        else:
            assert PLAIN_DATE.match(date_line), date_line
            styles.add("plain")
        assert body.lstrip("\n").startswith("<div>")
        assert "<p>" in body and "</div>" in body
        assert re.search(r'<img src="https://[^"]+" data-size="\d+,\d+"', body)
        roots.add(cats[0])
        sources.add(cats[1])
        if path.parent.name != "long":
            assert re.fullmatch(r"\d{4}", path.parent.name), "files go in source/year/"
            assert 1900 <= path.stat().st_size <= 9600
            assert re.search(r"[\u4e00-\u9fff]{4}", body)
    assert styles == {"rfc2822", "plain"}
    assert len(roots) == 6 and len(sources) >= 20
    assert any("<strong>" in p.read_text("utf-8") for p in files)
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "long").iterdir()}
    assert 45_000 <= sizes["long-50k.md"] <= 60_000
    assert 950_000 <= sizes["long-1m.md"] <= 1_100_000


def test_realistic_falls_back_to_synthetic_without_corpora(tmp_path: Path) -> None:
    rep = gen.generate(tmp_path / "out", 30, seed=1, corpora=tmp_path / "absent")
    assert rep.mode == "synthetic" and "absent" in rep.note
    assert rep.files == 30


@needs_corpora
def test_realistic_text_is_as_varied_as_real_chinese(tmp_path: Path) -> None:
    """The point of the realistic mode: several times the synthetic bigram variety."""
    for mode in gen.MODES:
        gen.generate(tmp_path / mode, 300, seed=2, mode=mode)
    syn = bigram_variety(article_files([tmp_path / "synthetic"]))
    real = bigram_variety(article_files([tmp_path / "realistic"]))
    assert syn["articles"] == real["articles"] == 300
    assert real["distinct_bigrams"] > 2 * syn["distinct_bigrams"]


def test_bench_run_smoke(tmp_path: Path) -> None:
    n = 2000
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "-n",
            str(n),
            "--json",
            str(out),
            "--repeat",
            "1",
            "--presses",
            "8",
            "--tmp",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(out.read_text("utf-8"))
    for section, keys in SCHEMA.items():
        assert set(keys) <= set(data[section]), section
    assert len(data["targets"]) == len(TARGETS)
    assert data["meta"]["n"] == n and data["meta"]["corpus_files"] == n + 3
    assert "target" in proc.stdout or "measure" in proc.stdout
    assert not list(tmp_path.glob("newsreader-bench-*")), "temporary folder not removed"
    assert "index" not in data["na"], data["na"]
    idx = data["index"]
    assert idx["articles"] == n + 3
    assert 0 < idx["cold_list_s"] <= idx["cold_fts_s"] + 1e-9
    assert idx["rescan_nochange_s"] is not None and idx["rescan_nochange_s"] >= 0
    assert idx["touched_files"] == n // 100
    assert idx["index_bytes"] > 0 and idx["size_ratio"] > 0
    search = data["search"]
    assert search["known_term"]["hits"] > 0
    assert search["touched_hits"] == idx["touched_files"], TOUCH_MARKER
    classes = search["classes"]
    for cls in ("zh-1", "zh-2", "zh-3-4", "english", "common"):
        assert all(h > 0 for h in classes[cls]["hits"].values()), (cls, classes[cls]["hits"])
        assert classes[cls]["newest"]["p50_ms"] is not None
    assert all(h == 0 for h in classes["zero-hit"]["hits"].values())
    cli = data["cli"]
    assert cli["search_s"] > 0 and cli["index_nochange_s"] > 0, data["na"]
    assert isinstance(cli["search_hits"], int)
    if cli["rg_tool"]:
        assert cli["rg_s"] > 0 and cli["search_speedup_vs_rg"] > 0
    assert data["corpus"]["bigrams"]["articles"] == 1000
    table = markdown_table([data], ["this run"]).splitlines()
    assert len(table) == 2 + len(TARGETS) + len(EXTRA_ROWS)
    assert not [row for row in table[-len(EXTRA_ROWS) :] if "n/a" in row], table


@needs_corpora
def test_bench_run_on_an_existing_folder(tmp_path: Path) -> None:
    """``--corpus PATH`` measures a collection as it is, without writing to it."""
    folder = default_root() / "seedlike"
    before = _digest(folder)
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--corpus",
            str(folder),
            "--json",
            str(out),
            "--repeat",
            "1",
            "--cli-runs",
            "1",
            "--no-tui",
            "--tmp",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(out.read_text("utf-8"))
    files = len(before)
    assert data["meta"]["n"] == data["meta"]["corpus_files"] == files
    assert data["index"]["articles"] == files
    assert data["corpus"]["mode"] == "existing folder"
    assert data["cli"]["search_s"] > 0 and data["cli"]["index_nochange_s"] > 0
    assert "index.rescan_touched_s" in data["na"]
    assert _digest(folder) == before

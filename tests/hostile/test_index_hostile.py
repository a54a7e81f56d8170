"""Any file, no crash, no hang: index the hostile collection and check every case's outcome.

Indexing runs in a child process (``python -m tests.hostile.test_index_hostile SPEC``) under a
wall-clock timeout and an address-space limit, with the audit-hook guard active in it and in
its parser workers: pipes, sockets, devices and link loops must never be opened, the
``chmod 000`` file is refused with EACCES even for root, the network is blocked, and nothing
may be written below the collection. ``vanish/vanishing.md`` is deleted between discovery and
parsing by wrapping ``discover``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    CONTROL,
    CONTROL_NO_WS,
    KNOWN_BROKEN,
    REPO,
    Hostile,
    build_hostile,
    make_guard,
    unlock_tree,
    xdg_env,
)
from .generate import (
    ESCAPE_VISIBLE_WORDS,
    EXPECTED_TITLES,
    MARKUP_PAYLOADS,
    SKIP_REASONS,
    UNREADABLE,
    VANISHING,
    make_hostile_collection,
)

# A hang guard, not a budget: a busy 2-core machine took over 120 s (about 40 MB, 80 cases).
INDEX_TIMEOUT = 900
MEMORY_LIMIT = 6 * 2**30

QUERIES = [
    *MARKUP_PAYLOADS,
    "\x1b[2J",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x07\x08\x00",
    '"unbalanced',
    "'",
    "*",
    "**",
    "-",
    "--",
    "-*",
    "^",
    "NEAR(a b)",
    "a AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "(",
    ")",
    "((((",
    "title:",
    "title:[b]x",
    "author:",
    "tag:[/]",
    "category:/",
    "category://",
    "after:0001-01-01",
    "before:9999-99-99",
    "date:",
    "is:",
    "is:nonsense",
    "col:x",
    "title:*",
    '"*"',
    "a*b*",
    "\ud800",
    "\udce9",
    "😀",
    "‮evil",
    "中文",
    "网络诚信",
    "x" * 5000,
    "a " * 500,
    "clear osc52",
    "deep inside",
    "Twenty-five megabytes",
    "lol",
    '"',
    "\\",
    "'\"'\"",
    "rowid:1",
    "fts:x",
    "{title body}: x",
    "title:(a OR b)",
    "-title:x",
    "+x",
    "x:y:z",
]


def _child(spec_file: str) -> None:
    """Runs in the child process: index, read every article back, run hostile searches."""
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    root = spec["root"]
    vanishing = spec["vanishing"]

    import reader.library.discover as discover_module
    from reader.library.model import FoundFile

    original = discover_module.discover

    def discover_and_delete(roots: Any, dirs: Any = None) -> Any:
        for item in original(roots, dirs):
            if isinstance(item, FoundFile) and os.fspath(item.path) == vanishing:
                os.unlink(vanishing)  # found by the walk, gone before it is parsed
            yield item

    discover_module.discover = discover_and_delete  # type: ignore[assignment]

    import reader.library.parse as parse_module
    import reader.library.pool as pool_module
    from reader.library.convert import markdown_to_plain
    from reader.library.index import Collection

    def rel(path: Any) -> str:
        return os.path.relpath(os.fspath(path), root)

    # Per-file cost = parse_file + the index's per-article preparation + the full-text pass.
    timings: dict[str, float] = {}
    current: list[Any] = [None, 0.0]
    parse_file, prepare = parse_module.parse_file, pool_module.prepare

    def timed_parse(path: Path, *args: Any, **kwargs: Any) -> Any:
        current[:] = [rel(path), time.perf_counter()]
        try:
            return parse_file(path, *args, **kwargs)
        finally:
            timings[current[0]] = time.perf_counter() - current[1]

    def timed_prepare(article: Any) -> Any:
        started = time.perf_counter()
        try:
            return prepare(article)
        finally:
            timings[current[0]] += time.perf_counter() - started

    read_plain = parse_module.read_plain

    def timed_plain(path: Path, *args: Any, **kwargs: Any) -> Any:
        # The full-text pass reads each body again: its cost counts against the same budget.
        started = time.perf_counter()
        try:
            return read_plain(path, *args, **kwargs)
        finally:
            name = rel(path)
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

    parse_module.parse_file = timed_parse  # type: ignore[assignment]
    parse_module.read_plain = timed_plain  # type: ignore[assignment]
    pool_module.prepare = timed_prepare  # type: ignore[assignment]

    started = time.perf_counter()
    collection = Collection([Path(root)])
    report = collection.refresh(workers=1)  # in-process parsing, so each file can be timed
    seconds = time.perf_counter() - started
    articles = []
    for id_ in collection.ids():
        row = collection.rows([id_])[0]
        article = collection.article(id_)
        articles.append(
            {
                "name": rel(row.path),
                "row_title": row.title,
                "title": article.title,
                "body": article.body,
                "plain": markdown_to_plain(article.body),
                "summary": article.summary,
                "lines": [
                    *article.authors,
                    *article.tags,
                    *(c for cat in article.categories for c in cat),
                    article.url or "",
                    article.cover or "",
                    article.language or "",
                    row.author or "",
                    *row.tags,
                    *(c for cat in row.categories for c in cat),
                ],
                "links": list(article.links),
                "warnings": list(article.warnings),
            }
        )
    searches = []
    for query in spec["queries"]:
        result = collection.search(query, limit=20)
        searches.append(
            {
                "query": query,
                "error": result.error,
                "total": result.total,
                "hits": [
                    [h.row.title, h.snippet, [list(s) for s in h.highlights]] for h in result.hits
                ],
            }
        )
    collection.close()
    json.dump(
        {
            "seconds": seconds,
            "articles": articles,
            "skipped": [[rel(s.path), s.reason] for s in report.skipped],
            "count": report.articles,
            "timings": timings,
            "sizes": {
                name: os.lstat(os.path.join(root, name)).st_size
                for name in timings
                if os.path.lexists(os.path.join(root, name))
            },
            "searches": searches,
        },
        sys.stdout,
        ensure_ascii=True,
    )


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Index the hostile collection in a guarded child process; return what it saw."""
    tmp_path = tmp_path_factory.mktemp("index-hostile")
    hostile = build_hostile(tmp_path / "hostile")
    guard = make_guard(
        tmp_path / "guard",
        forbid=hostile.not_files(),
        deny=[hostile.path(UNREADABLE)],
        readonly=[hostile.root],
    )
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "root": str(hostile.root),
                "vanishing": str(hostile.path(VANISHING)),
                "queries": QUERIES,
            }
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.test_index_hostile", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=xdg_env(tmp_path / "xdg", guard.env),
        cwd=REPO,
        preexec_fn=_limit_memory,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=INDEX_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and any worker it started
        proc.communicate()
        pytest.fail(f"indexing the hostile collection took more than {INDEX_TIMEOUT} s (hang?)")
    assert proc.returncode == 0, stderr.decode(errors="replace")[-5000:]
    result: dict[str, Any] = json.loads(stdout)
    result["violations"] = guard.violations()
    result["stderr"] = stderr
    result["expected"] = hostile.expected
    yield result
    unlock_tree(hostile.root)


def test_every_case_is_indexed_or_skipped_as_expected(indexed: dict[str, Any]) -> None:
    expected: dict[str, str] = indexed["expected"]
    indexed_names = [a["name"] for a in indexed["articles"]]
    skipped = dict(indexed["skipped"])
    assert len(indexed_names) == len(set(indexed_names)), "an article was indexed twice"
    problems = []
    for name, outcome in sorted(expected.items()):
        if outcome == "indexed" and name not in indexed_names:
            problems.append(f"{name!r}: expected indexed, got {skipped.get(name, 'nothing')!r}")
        elif outcome in ("skipped", "not-a-file"):
            if name in indexed_names:
                problems.append(f"{name!r}: expected {outcome}, but it was indexed")
            elif name not in skipped:
                problems.append(f"{name!r}: expected {outcome} with a reason, not reported")
            elif not re.search(SKIP_REASONS[name], skipped[name], re.IGNORECASE):
                problems.append(
                    f"{name!r}: skip reason {skipped[name]!r} does not name the "
                    f"problem (/{SKIP_REASONS[name]}/)"
                )
    unexpected = [n for n in indexed_names if n not in expected]
    assert not problems, "\n".join(problems)
    # Nothing else was indexed: link loops (links/up, links/here) do not repeat the tree.
    assert not unexpected, unexpected
    assert indexed["count"] == len(indexed_names)


def test_no_skip_reason_is_a_parser_crash(indexed: dict[str, Any]) -> None:
    crashes = [
        (n, r)
        for n, r in indexed["skipped"]
        if "could not be parsed" in r or re.search(r"Error|Exception|Traceback", r)
    ]
    assert not crashes, crashes


def test_skip_reasons_are_one_clean_line(indexed: dict[str, Any]) -> None:
    for name, reason in indexed["skipped"]:
        assert reason.strip() and not CONTROL_NO_WS.search(reason), (name, reason)
        assert len(reason) < 300, (name, reason)


def test_not_a_file_was_never_opened_and_nothing_written(indexed: dict[str, Any]) -> None:
    # The harness itself deletes vanish/vanishing.md mid-scan; anything else is a violation.
    violations = [v for v in indexed["violations"] if VANISHING not in v[1]]
    assert violations == []


def test_no_control_characters_in_anything_indexed(indexed: dict[str, Any]) -> None:
    for article in indexed["articles"]:
        name = article["name"]
        for value in (
            article["title"],
            article["row_title"],
            *article["lines"],
            *article["links"],
            *article["warnings"],
        ):
            assert not CONTROL_NO_WS.search(value), (name, value[:200])
        for value in (article["body"], article["summary"] or ""):
            match = CONTROL.search(value)
            assert match is None, (name, value[max(0, match.start() - 50) : match.start() + 50])
        assert article["title"].strip(), f"{name}: empty title"
        assert article["title"] == article["row_title"], name


def test_titles_decoded_and_normalised(indexed: dict[str, Any]) -> None:
    titles = {a["name"]: a["title"] for a in indexed["articles"]}
    wrong = {
        name: (titles.get(name), want)
        for name, want in EXPECTED_TITLES.items()
        if name in titles and titles[name] != want
    }
    assert not wrong, wrong


def test_markup_titles_are_kept_literally(indexed: dict[str, Any]) -> None:
    article = next(a for a in indexed["articles"] if a["name"] == "inject/markup-title.md")
    for payload in MARKUP_PAYLOADS:
        assert payload in article["title"]
        assert payload in article["plain"]


def test_escape_sequences_removed_but_text_kept(indexed: dict[str, Any]) -> None:
    for name in ("inject/escape-title.md", "inject/escape-html.html"):
        article = next(a for a in indexed["articles"] if a["name"] == name)
        for word in ESCAPE_VISIBLE_WORDS:
            assert word in article["title"], (name, word, article["title"])
            assert word in article["plain"], (name, word)
        # The escape parameters went with the escapes: no "52;c;" clipboard payload left.
        assert "52;c;" not in article["title"] + article["body"], name
        assert "2J" not in article["title"], (name, article["title"])


def test_scripts_styles_and_frames_dropped(indexed: dict[str, Any]) -> None:
    article = next(a for a in indexed["articles"] if a["name"] == "html/scripts.html")
    assert "Visible paragraph" in article["body"]
    for leak in ("SCRIPT-LEAK", "STYLE-LEAK", "SVG-SCRIPT-LEAK", "alert(", "display: none"):
        assert leak not in article["body"], leak


def test_unsafe_yaml_tag_not_executed(indexed: dict[str, Any]) -> None:
    assert not Path("/tmp/newsreader-pwned").exists()
    assert any(a["name"] == "fm/python-tag.md" for a in indexed["articles"])


def test_long_titles_are_bounded(indexed: dict[str, Any]) -> None:
    for name in ("fm/huge-title.md", "fm/huge-title-words.md", "fm/alias-bomb.md"):
        article = next(a for a in indexed["articles"] if a["name"] == name)
        assert len(article["title"]) <= 2000, (name, len(article["title"]))


def test_hostile_searches_never_fail(indexed: dict[str, Any]) -> None:
    from conftest import assert_search_ok  # here: this module also runs as a script

    for search in indexed["searches"]:
        assert_search_ok(search["error"], search["query"])
        if search["error"] is not None:
            assert not CONTROL_NO_WS.search(search["error"]), search
        for title, snippet, spans in search["hits"]:
            assert not CONTROL_NO_WS.search(title), search["query"]
            assert not CONTROL.search(snippet), (search["query"], snippet)
            for start, end in spans:
                assert 0 <= start <= end <= len(snippet), (search["query"], snippet, spans)


def test_searches_find_the_hostile_articles(indexed: dict[str, Any]) -> None:
    by_query = {s["query"]: s for s in indexed["searches"]}
    found = {
        q: by_query[q]["total"]
        for q in ("deep inside", "Twenty-five megabytes", "网络诚信", "clear osc52", "lol")
    }
    # "网络诚信" is in the GBK file; "lol" only in the alias bomb's anchors (not in any text)
    assert found == {
        "deep inside": 1,
        "Twenty-five megabytes": 1,
        "网络诚信": 1,
        "clear osc52": found["clear osc52"],
        "lol": found["lol"],
    }, found
    assert found["clear osc52"] >= 4, found


def test_nothing_printed_to_stderr(indexed: dict[str, Any]) -> None:
    assert b"Traceback" not in indexed["stderr"], indexed["stderr"].decode(errors="replace")


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads chmod 000 files; the guard's EACCES "
    "simulation covers root (see the indexed fixture)",
)
def test_chmod_000_as_a_normal_user(hostile: Hostile) -> None:
    from reader.library.model import SkipFile
    from reader.library.parse import parse_file

    with pytest.raises(SkipFile, match=SKIP_REASONS[UNREADABLE]):
        parse_file(hostile.path(UNREADABLE))


def test_non_utf8_file_names_are_indexed(tmp_path: Path) -> None:
    """File names that are not UTF-8 (``caf\\xe9.md``) index like any other file."""
    from reader.library.index import Collection

    root = tmp_path / "names"
    expected = make_hostile_collection(root, only=KNOWN_BROKEN[:2])
    assert set(expected) == set(KNOWN_BROKEN[:2])
    with Collection([root]) as collection:
        report = collection.refresh(workers=1)
        rows = collection.rows(collection.ids())
    names = sorted(os.path.relpath(os.fspath(r.path), root) for r in rows)
    assert names == sorted(expected), report.skipped


def test_pathological_markdown_within_budget(tmp_path: Path) -> None:
    """Runs of ``[``, ``![``, ``[x](`` … (500 KB): parse + plain text for the index in < 10 s."""
    root = tmp_path / "patho"
    make_hostile_collection(
        root,
        exclude=[
            n for n in make_hostile_collection(tmp_path / "all") if n != "big/pathological.md"
        ],
    )
    code = (
        "import sys; from pathlib import Path\n"
        "from reader.library.parse import parse_file\n"
        "from reader.library.convert import markdown_to_plain\n"
        "from reader.library.cjk import to_index_text\n"
        "article = parse_file(Path(sys.argv[1]))\n"
        "to_index_text(markdown_to_plain(article.body))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(root / "big/pathological.md")],
        cwd=REPO,
        start_new_session=True,
    )
    try:
        assert proc.wait(timeout=300) == 0  # a hang guard: ~1 s idle, 7 s on a busy machine
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail("big/pathological.md: more than 300 s (quadratic regex?)")


if __name__ == "__main__":
    _child(sys.argv[1])

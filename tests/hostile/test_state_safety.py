"""Nothing lost: reading state survives a corrupt, deleted or old index, a corrupt state file,
two instances at once and a full or unusable cache directory."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import HANG_GUARD, REPO, assert_no_traceback, run_cli, xdg_env


def _collection(root: Path, count: int = 20) -> Path:
    root.mkdir(parents=True)
    for n in range(count):
        (root / f"p{n:03}.md").write_text(
            f"---\ntitle: Post {n}\ndate: 2021-07-{n % 28 + 1:02}\n---\n\nBody of post {n}.\n",
            encoding="utf-8",
        )
    return root


def _state_path() -> Path:
    from reader import paths

    return paths.data_dir() / "state.sqlite3"


def _mark(root: Path) -> list[str]:
    """Index ``root``, mark three articles read / starred / positioned; return their keys."""
    from reader.library.index import Collection

    with Collection([root]) as collection:
        collection.refresh(workers=1)
        keys = [row.key for row in collection.rows(collection.ids()[:3])]
        collection.state.set_read(keys, True)
        collection.state.set_starred(keys[:1], True)
        collection.state.set_position(keys[0], 42)
    return keys


def _check_state(root: Path, keys: list[str]) -> list[str]:
    from reader.library.index import Collection

    with Collection([root]) as collection:
        report = collection.refresh(workers=1)
        assert report.articles == 20
        rows = {row.key: row for row in collection.rows(collection.ids())}
        assert all(rows[k].read for k in keys)
        assert rows[keys[0]].starred
        assert collection.state.get(keys[0]).position == 42
        return list(collection.warnings)


def _index_db(root: Path) -> Path:
    from reader.library.index import Collection

    with Collection([root]) as collection:
        return collection.db_path


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted", "old-schema", "new-schema"])
def test_index_damage_rebuilds_and_keeps_state(tmp_path: Path, damage: str) -> None:
    root = _collection(tmp_path / "c")
    keys = _mark(root)
    db = _index_db(root)
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 500)
    elif damage == "truncated":
        with open(db, "r+b") as handle:
            handle.truncate(os.path.getsize(db) // 3)
    elif damage == "deleted":
        db.unlink()
    else:
        with sqlite3.connect(db) as conn:
            conn.execute(f"PRAGMA user_version = {1 if damage == 'old-schema' else 999}")
    warnings = _check_state(root, keys)
    if damage != "deleted":
        assert warnings and any("index" in w.lower() for w in warnings), warnings
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_index_damage_through_the_cli(tmp_path: Path) -> None:
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    assert run_cli(["index", root], env=env).returncode == 0
    for db in (Path(env["XDG_CACHE_HOME"]) / "newsreader").glob("*.sqlite3"):
        db.write_bytes(b"\0garbage" * 1000)
    result = run_cli(["list", root, "--json"], env=env)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result.stderr, "list")
    assert len(json.loads(result.stdout)) == 20
    assert b"warning" in result.stderr and b"index" in result.stderr, result.stderr


@pytest.mark.parametrize("damage", ["garbage", "newer-version"])
def test_corrupt_state_is_moved_aside_with_warning(tmp_path: Path, damage: str) -> None:
    from reader.library.state import StateStore

    path = tmp_path / "state.sqlite3"
    if damage == "garbage":
        original = b"definitely not sqlite " * 100
        path.write_bytes(original)
    else:
        with StateStore(path) as store:
            store.set_read(["a"], True)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA user_version = 99")
        original = path.read_bytes()
    store = StateStore(path)
    try:
        assert store.warnings, "no warning"
        warning = " ".join(store.warnings)
        assert str(path) in warning
        aside = [
            p
            for p in tmp_path.iterdir()
            if p.name.startswith("state.sqlite3.") and not p.name.endswith(("-wal", "-shm"))
        ]
        assert len(aside) == 1, list(tmp_path.iterdir())
        assert aside[0].read_bytes() == original  # kept, byte for byte
        assert aside[0].name in warning
        store.set_read(["k"], True)
        assert store.get("k").read
    finally:
        store.close()


def test_corrupt_state_warning_reaches_the_cli(tmp_path: Path) -> None:
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    state = Path(env["XDG_DATA_HOME"]) / "newsreader" / "state.sqlite3"
    state.parent.mkdir(parents=True)
    state.write_bytes(b"garbage" * 1000)
    result = run_cli(["list", root], env=env)
    assert result.returncode == 0, result.stderr
    assert b"warning" in result.stderr and b"state" in result.stderr.lower(), result.stderr
    assert len(list(state.parent.glob("state.sqlite3.*"))) >= 1


WRITER = """
import sys
from pathlib import Path
from reader.library.index import Collection
root, tag = Path(sys.argv[1]), sys.argv[2]
with Collection([root]) as collection:
    report = collection.refresh()
    keys = [row.key for row in collection.rows(collection.ids())]
    assert len(keys) == 200, (tag, report, collection.warnings, collection.count())
    for n in range(150):
        collection.state.set_position(keys[n % len(keys)] + tag, n)
        collection.state.toggle_starred(keys[n % len(keys)])
    print(collection.count())
"""


def test_two_instances_at_once(tmp_path: Path) -> None:
    root = _collection(tmp_path / "c", 20)
    for n in range(20, 200):
        (root / f"q{n}.md").write_text(f"# Q {n}\n\nbody\n")
    env = xdg_env(tmp_path / "xdg")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), tag],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("-a", "-b")
    ]
    outputs = [p.communicate(timeout=HANG_GUARD) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.strip() == b"200", (out, err)
    state = Path(env["XDG_DATA_HOME"]) / "newsreader" / "state.sqlite3"
    with sqlite3.connect(state) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for tag in ("-a", "-b"):
            positions = [
                p
                for (p,) in conn.execute(
                    "SELECT position FROM state WHERE key LIKE ?", (f"%{tag}",)
                )
            ]
            assert sorted(positions) == list(range(150)), tag
        # Every toggled key was toggled once by each process: atomic toggles cancel out.
        starred = conn.execute("SELECT count(*) FROM state WHERE starred").fetchone()[0]
        assert starred == 0


def test_cache_dir_unusable(tmp_path: Path) -> None:
    """The cache path is a file: the CLI says so in one line and still lists the articles."""
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    (Path(env["XDG_CACHE_HOME"]) / "newsreader").write_text("not a directory")
    result = run_cli(["list", root, "--json"], env=env)
    assert_no_traceback(result.stderr, "list")
    assert b"cache" in result.stderr.lower() or b"newsreader" in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr.decode()
    assert len(json.loads(result.stdout)) == 20


def _fsize_limit() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_disk_full_while_indexing(tmp_path: Path) -> None:
    """Files can grow to 64 KB only (RLIMIT_FSIZE): like a full disk for the index cache."""
    root = _collection(tmp_path / "c")
    for n in range(300):
        (root / f"big{n:03}.md").write_text(f"# Big {n}\n\n" + "lorem ipsum dolor " * 300)
    env = xdg_env(tmp_path / "xdg")
    result = subprocess.run(
        [sys.executable, "-m", "reader", "list", str(root), "--json"],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=HANG_GUARD,
        preexec_fn=_fsize_limit,
    )
    assert_no_traceback(result.stderr, "list with a full disk")
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    assert lines, "no message"
    assert result.returncode in (0, 1), result
    if result.returncode == 0:  # keeps working (read-only / partial) and says so
        assert any("warning" in line for line in lines), lines
    else:  # or stops with a one-line error naming the problem
        assert len(lines) == 1 and (
            "disk" in lines[0] or "full" in lines[0] or "large" in lines[0] or "space" in lines[0]
        ), lines

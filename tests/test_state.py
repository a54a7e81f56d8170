"""Reading state store: persistence, atomic toggles, corrupt file moved aside."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader import paths
from reader.library.state import ArticleState, StateStore


def test_default_location_is_data_dir() -> None:
    with StateStore() as store:
        assert store.path == paths.data_dir() / "state.sqlite3"
        assert store.path.exists()


def test_round_trip_and_persistence(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    with StateStore(db) as store:
        assert store.get("a.md") == ArticleState()
        store.set_read(["a.md", "b.md"], True)
        assert store.toggle_starred("a.md") is True
        store.set_position("a.md", 42)
        assert store.toggle_read("b.md") is False
    with StateStore(db) as store:
        assert store.get("a.md") == ArticleState(read=True, starred=True, position=42)
        assert store.get("b.md") == ArticleState(read=False)
        assert store.toggle_starred("a.md") is False
        store.set_read(["a.md"], False)
        assert store.get("a.md") == ArticleState(position=42)


def test_two_stores_see_each_other(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    with StateStore(db) as one, StateStore(db) as two:
        one.set_read(["x"], True)
        assert two.get("x").read
        two.toggle_read("x")
        assert not one.get("x").read


def test_wal_mode(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite3") as store:
        mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_corrupt_file_is_moved_aside_with_warning(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    junk = b"this is not a database at all" * 200
    db.write_bytes(junk)
    with StateStore(db) as store:
        assert store.warnings and "moved to" in store.warnings[0]
        store.set_read(["k"], True)
        assert store.get("k").read
    kept = list(tmp_path.glob("state.sqlite3.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == junk


def test_newer_version_is_not_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with StateStore(db) as store:
        assert store.warnings
    assert list(tmp_path.glob("state.sqlite3.corrupt-*"))

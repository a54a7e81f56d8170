"""Shared fixtures: every test runs with its own cache, data, config and state directories."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_content"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point every XDG directory at a fresh temporary folder so tests never touch the user's."""
    base = tmp_path_factory.mktemp("xdg")
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"XDG_{name}_HOME", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return base


@pytest.fixture
def corpora() -> Path:
    """The real collections in ../shared/corpora; the test is skipped when they are absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present (a fresh clone has no shared material)")
    return CORPORA


@pytest.fixture
def seed_article() -> Path:
    """The original article the product was designed from (skipped when absent)."""
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if not seeds:
        pytest.skip("../shared/seeds is not present")
    return seeds[0]

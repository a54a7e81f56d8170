"""Small UI preferences kept between runs (theme, category pane width), as JSON.

Stored in the data dir (``paths.data_dir() / "ui-state.json"``), never in a collection.
A missing, unreadable or malformed file gives the defaults; writing is best effort and
atomic (a temporary file renamed over the old one).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from reader import paths

FILE_NAME = "ui-state.json"


@dataclass(slots=True)
class UiState:
    """What the TUI remembers: the theme chosen with ctrl+t, the category pane's width."""

    theme: str | None = None
    tree_width: int | None = None


def state_path() -> Path:
    return paths.data_dir() / FILE_NAME


def load_ui_state(path: Path | None = None) -> UiState:
    """The saved preferences, or defaults when there are none (never raises)."""
    path = path or state_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    state = UiState()
    theme = data.get("theme")
    if isinstance(theme, str) and theme:
        state.theme = theme
    width = data.get("tree_width")
    if isinstance(width, int) and not isinstance(width, bool) and 10 <= width <= 200:
        state.tree_width = width
    return state


def save_ui_state(state: UiState, path: Path | None = None) -> bool:
    """Write ``state``; False (and nothing changed) when the data dir cannot be written."""
    path = path or state_path()
    payload = {f.name: getattr(state, f.name) for f in fields(state)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ui-state-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False
    return True

"""Where newsreader keeps its files: platformdirs locations, XDG_* variables honoured.

platformdirs already reads ``XDG_CACHE_HOME`` and friends on Linux; on other systems an
explicitly set ``XDG_*`` variable still wins, so tests and users can isolate everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "newsreader"


def _dir(env: str, default: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value) / APP_NAME
    return Path(default)


def cache_dir() -> Path:
    """Index databases (safe to delete)."""
    return _dir("XDG_CACHE_HOME", platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Reading state (read, starred, position)."""
    return _dir("XDG_DATA_HOME", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """``config.toml``."""
    return _dir("XDG_CONFIG_HOME", platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def sample_collection() -> Path:
    """The bundled sample collection: inside the wheel, or ``sample_content/`` in a checkout."""
    packaged = Path(__file__).parent / "sample_content"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "sample_content"

"""Layering is enforced, not hoped for: the library never loads textual or rich, and the
scriptable CLI commands never load textual (start-up time)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE

import reader.library


def _loaded_after(code: str) -> dict[str, bool]:
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps({m: m in sys.modules for m in ('textual', 'rich')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_library_module_is_free_of_ui_imports() -> None:
    names = [m.name for m in pkgutil.iter_modules(reader.library.__path__, "reader.library.")]
    assert {"reader.library.index", "reader.library.parse", "reader.library.convert"} <= set(names)
    loaded = _loaded_after("\n".join(f"import {name}" for name in names))
    assert loaded == {"textual": False, "rich": False}


def test_cli_scripting_commands_do_not_load_textual(tmp_path: Path) -> None:
    code = (
        "import contextlib, io\nfrom reader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['search', '长沙', {str(SAMPLE)!r}, '--json']) == 0\n"
        f"    assert main(['list', {str(SAMPLE)!r}, '--json']) == 0\n"
    )
    assert _loaded_after(code)["textual"] is False

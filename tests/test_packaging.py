"""The wheel that ``pipx install .`` builds carries the package and the sample collection."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE


def test_wheel_contains_sample_collection_and_entry_point(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("newsreader_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    samples = {n for n in names if n.startswith("reader/sample_content/")}
    expected = {
        "reader/sample_content/" + p.relative_to(SAMPLE).as_posix()
        for p in SAMPLE.rglob("*")
        if p.is_file()
    }
    assert len(expected) >= 40
    assert samples == expected
    assert "reader/library/index.py" in names
    # `newsreader serve` needs its own page template and icon (nothing from the network)
    assert "reader/web/templates/app_index.html" in names
    assert "reader/web/static/favicon.ico" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "newsreader = reader.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

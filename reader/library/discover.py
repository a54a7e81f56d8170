"""Safe, stat-only walk of collection roots.

Nothing here opens a file: named pipes, sockets and devices are recognised from ``stat`` data
and reported, so a FIFO named ``news.md`` can never hang a refresh. Symlinks are followed once
(directories are tracked by ``(st_dev, st_ino)``), loops and dangling links are reported.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from reader.library.model import FoundFile, SkippedFile

__all__ = ["ARTICLE_SUFFIXES", "DirCache", "discover", "is_article_name", "is_editor_temp"]

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt"})

_Item = FoundFile | SkippedFile
_EDITOR_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".rej")


def is_article_name(name: str) -> bool:
    """True when the file name has one of :data:`ARTICLE_SUFFIXES` (case-insensitive)."""
    return os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def is_editor_temp(name: str) -> bool:
    """Editor lock, swap and backup files: ``.#x``, ``x~``, ``.x.swp``, ``#x#``, ``x.bak``."""
    return (
        name.startswith(".#")
        or name.endswith("~")
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))
        or name.lower().endswith(_EDITOR_SUFFIXES)
    )


class DirCache(Protocol):
    """What a refresh remembers of directories, so the walk lists only changed ones."""

    def unchanged(self, path: Path, st: os.stat_result) -> Sequence[Path] | None:
        """The known subdirectories of ``path`` when it has not changed since it was last
        listed (the walk then neither lists it nor yields its files), else None."""

    def listing(self, path: Path, st: os.stat_result) -> None:
        """``path`` is being listed; ``st`` was taken before the listing."""


def discover(
    roots: Iterable[Path], dirs: DirCache | None = None
) -> Iterator[FoundFile | SkippedFile]:
    """Yield every article file under the roots (directories or single files), in name order.

    With ``dirs``, a directory it reports unchanged is not listed: its files are not
    yielded and its subdirectories come from ``dirs`` (each still stat-ed and walked).

    Skipped paths worth telling the user about come out as :class:`SkippedFile`: non-regular
    files, dangling links, symlink loops, unreadable directories, and hidden or editor
    temporary files that carry an article suffix. Hidden directories and files with other
    suffixes are passed over silently.
    """
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    for root in roots:
        root = Path(os.path.abspath(root))
        yield from _walk_root(root, seen_dirs, seen_files, dirs)


def _walk_root(
    root: Path,
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
    dirs: DirCache | None,
) -> Iterator[_Item]:
    try:
        st = os.stat(root)
    except OSError as exc:
        yield SkippedFile(root, _link_problem(exc, os.path.islink(root)))
        return
    if stat.S_ISREG(st.st_mode):
        yield _found(root, root, st, seen_files)
        return
    if not stat.S_ISDIR(st.st_mode):
        yield SkippedFile(root, _not_regular(st.st_mode))
        return
    if (st.st_dev, st.st_ino) in seen_dirs:
        return  # the same directory given twice (or inside an earlier root)
    seen_dirs.add((st.st_dev, st.st_ino))
    stack: list[tuple[Path, os.stat_result]] = [(root, st)]
    links: deque[tuple[_Entry, Path]] = deque()
    while stack or links:
        if not stack:
            # Symlinks are resolved after the real tree, so a file or directory is reported
            # under its own path and the link is the one called a duplicate.
            entry, path = links.popleft()
            try:
                item = _classify(entry, path, stack, seen_dirs, seen_files, root)
            except OSError as exc:
                item = SkippedFile(path, f"cannot stat: {exc.strerror or exc}")
            if item is not None:
                yield item
            continue
        subdirs: list[tuple[Path, os.stat_result]] = []
        directory, dir_st = stack.pop()
        known = dirs.unchanged(directory, dir_st) if dirs is not None else None
        if known is not None:
            _known_subdirs(known, subdirs, links, seen_dirs)
        else:
            if dirs is not None:
                dirs.listing(directory, dir_st)
            yield from _scan(directory, root, subdirs, links, seen_dirs, seen_files)
        stack.extend(reversed(subdirs))


class _PathEntry:
    """The few ``os.DirEntry`` methods the walk uses, for a path known from a previous run."""

    __slots__ = ("name", "path")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name

    def is_symlink(self) -> bool:
        return os.path.islink(self.path)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return stat.S_ISDIR(self.stat(follow_symlinks=follow_symlinks).st_mode)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return os.stat(self.path, follow_symlinks=follow_symlinks)


_Entry = os.DirEntry[str] | _PathEntry


def _known_subdirs(
    known: Sequence[Path],
    subdirs: list[tuple[Path, os.stat_result]],
    links: deque[tuple[_Entry, Path]],
    seen_dirs: set[tuple[int, int]],
) -> None:
    """Queue the subdirectories of an unchanged directory (links after the real tree, as
    when listing). One that is gone or no longer a directory is left out: the caller sees
    it was not visited."""
    for path in known:
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode):
            links.append((_PathEntry(path), path))
        elif stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) not in seen_dirs:
            seen_dirs.add((st.st_dev, st.st_ino))
            subdirs.append((path, st))


def _scan(
    directory: Path,
    root: Path,
    subdirs: list[tuple[Path, os.stat_result]],
    links: deque[tuple[_Entry, Path]],
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
) -> list[_Item]:
    """One directory: return its files; queue subdirectories and symlinks for later.

    The common case (a plain file with an article suffix) costs one ``stat`` and no other
    system call, and is handled inline: this loop runs once per file of the collection.
    """
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        return [SkippedFile(directory, f"unreadable directory: {exc.strerror or exc}")]
    child = getattr(directory, "_make_child_relpath", directory.joinpath)  # fast when present
    items: list[_Item] = []
    for entry in entries:
        name = entry.name
        dot = name.rfind(".")
        suffix = name[dot:].lower() if dot > 0 else ""
        if name[0] in ".#" or name[-1] == "~" or suffix in _EDITOR_SUFFIXES:
            skipped = _hidden_or_temp(directory, name)
            if skipped is not None:
                items.append(skipped)
            continue
        try:
            if entry.is_symlink():
                links.append((entry, child(name)))
            elif entry.is_file(follow_symlinks=False):
                if suffix in ARTICLE_SUFFIXES:
                    st = entry.stat(follow_symlinks=False)
                    seen_files.add((st.st_dev, st.st_ino))
                    items.append(FoundFile(child(name), root, st.st_mtime_ns, st.st_size))
            else:
                item = _classify(entry, child(name), subdirs, seen_dirs, seen_files, root)
                if item is not None:
                    items.append(item)
        except OSError as exc:
            items.append(SkippedFile(child(name), f"cannot stat: {exc.strerror or exc}"))
    return items


def _hidden_or_temp(directory: Path, name: str) -> SkippedFile | None:
    """Report hidden and editor files only when they look like articles (``.a.md.swp``)."""
    core = name.strip(".#~")
    if core.lower().endswith(_EDITOR_SUFFIXES):
        core = core[: core.rfind(".")]
    if not is_article_name(core):
        return None
    kind = "editor temporary file" if is_editor_temp(name) else "hidden file"
    return SkippedFile(directory / name, kind)


def _classify(
    entry: _Entry,
    path: Path,
    subdirs: list[tuple[Path, os.stat_result]],
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
    root: Path,
) -> _Item | None:
    """Directories, symlinks and special files: decide from ``d_type`` and one ``stat``."""
    is_link = entry.is_symlink()
    if not is_link and entry.is_dir(follow_symlinks=False):
        st = entry.stat(follow_symlinks=False)
        if (st.st_dev, st.st_ino) not in seen_dirs:  # a bind mount can repeat a directory
            seen_dirs.add((st.st_dev, st.st_ino))
            subdirs.append((path, st))
        return None
    try:
        st = entry.stat(follow_symlinks=True)
    except OSError as exc:
        return SkippedFile(path, _link_problem(exc, is_link))
    if stat.S_ISDIR(st.st_mode):
        if (st.st_dev, st.st_ino) in seen_dirs:
            return SkippedFile(path, "directory already visited (symlink loop or second link)")
        seen_dirs.add((st.st_dev, st.st_ino))
        subdirs.append((path, st))
        return None
    if stat.S_ISREG(st.st_mode):
        return _found(path, root, st, seen_files) if is_article_name(entry.name) else None
    return SkippedFile(path, _not_regular(st.st_mode))


def _found(path: Path, root: Path, st: os.stat_result, seen: set[tuple[int, int]]) -> _Item:
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return SkippedFile(path, "same file already found through another link")
    seen.add(key)
    return FoundFile(path, root, st.st_mtime_ns, st.st_size)


def _link_problem(exc: OSError, is_link: bool) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "dangling symlink" if is_link else "does not exist"
    return f"cannot access: {exc.strerror or exc}"


def _not_regular(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    )
    kind = next((label for test, label in kinds if test(mode)), "special file")
    return f"not a regular file ({kind})"

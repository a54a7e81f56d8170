"""Human-readable CLI output with Rich: tables on a terminal, plain lines when piped.

Article text is always passed to Rich as ``Text`` objects, never as markup strings.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from reader.library.sanitize import printable

if TYPE_CHECKING:
    from reader.library.model import Article
    from reader.library.model import Progress as IndexProgress
    from reader.library.records import ArticleRow
    from reader.library.search import SearchResult


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _date(row: ArticleRow) -> str:
    return row.date.strftime("%Y-%m-%d") if row.date else "—"


def print_rows(rows: Sequence[ArticleRow]) -> None:
    """Articles as a table (terminal) or tab-separated lines (pipe)."""
    if not sys.stdout.isatty():
        for row in rows:
            print("\t".join([_date(row), row.title, row.author or "", printable(row.path)]))
        return
    table = Table(show_edge=False, pad_edge=False, expand=True)
    table.add_column("", width=2, no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Title", ratio=3, overflow="ellipsis", no_wrap=True)
    table.add_column("Source", ratio=1, overflow="ellipsis", no_wrap=True)
    for row in rows:
        mark = ("★" if row.starred else " ") + (" " if row.read else "●")
        table.add_row(Text(mark), Text(_date(row)), Text(row.title), Text(row.author or ""))
    _console().print(table)


def print_hits(result: SearchResult) -> None:
    """Search hits with snippets, matched terms in bold."""
    from reader.render.snippet import fit_snippet

    console = _console()
    tty = sys.stdout.isatty()
    if not tty:
        for hit in result.hits:
            snippet = hit.snippet.replace("\n", " ").replace("\t", " ")
            print("\t".join([_date(hit.row), hit.row.title, printable(hit.row.path), snippet]))
        return
    summary = f"{result.total} matches"
    if result.ranked is not None:
        summary += f"; the newest {result.ranked:,} ranked by relevance, then the rest newest first"
    console.print(Text(summary, style="dim"))
    for hit in result.hits:
        head = Text.assemble((_date(hit.row), "dim"), "  ", (hit.row.title, "bold"))
        if hit.row.author:
            head.append(f"  {hit.row.author}", style="cyan")
        plain, spans = fit_snippet(hit.snippet, hit.highlights, console.width - 4)
        line = Text(plain)
        for start, end in spans:
            line.stylize("bold yellow", start, end)
        console.print(head)
        console.print(Text("    ").append_text(line))
        console.print(Text(f"    {printable(hit.row.path)}", style="dim"))


def print_styled_article(article: Article, width: int) -> None:
    """The TUI's article lines as ANSI on stdout (``show --color``); NO_COLOR keeps only
    bold, underline and reverse."""
    import os

    from rich.text import Span

    from reader.render import layout_article, styles

    mono = bool(os.environ.get("NO_COLOR"))
    console = Console(
        file=sys.stdout,
        force_terminal=True,
        no_color=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        width=max(width, 1),
    )
    if console.color_system is None or console.color_system == "standard":
        console = Console(
            file=sys.stdout,
            force_terminal=True,
            color_system="256",
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=True,
            width=max(width, 1),
        )
    for line in layout_article(article, width):
        if mono:
            base = styles.monochrome(console.get_style(line.style)) if line.style else ""
            spans = [
                Span(sp.start, sp.end, styles.monochrome(console.get_style(sp.style)))
                for sp in line.spans
            ]
            line = Text(line.plain, style=base, spans=spans, end="")
        console.print(line)


def print_categories(counts: Sequence[tuple[tuple[str, ...], int, int]]) -> None:
    """The category tree, indented, with total and unread counts."""
    console = _console()
    for path, total, unread in sorted(counts, key=lambda item: item[0]):
        line = Text("  " * (len(path) - 1)) + Text(path[-1])
        line.append(f"  {total}", style="bold")
        if unread:
            line.append(f" ({unread} unread)", style="dim")
        console.print(line) if sys.stdout.isatty() else print(line.plain)


class ProgressBar:
    """A progress callback for ``Collection.refresh`` drawing a Rich bar on stderr."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: Any = None

    def __call__(self, progress: IndexProgress) -> None:
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(progress.phase, total=progress.total or None)
        self._progress.update(
            self._task,
            description=progress.phase,
            completed=progress.done,
            total=progress.total or None,
        )
        if progress.phase == "done":
            self._progress.stop()

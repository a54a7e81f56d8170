"""Argument parsing of the ``newsreader`` command: the TUI's parser, the subcommands' parser,
global flags before or after the command, and a search query that starts with ``-``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reader import __version__, cli_stories, paths

COMMANDS = ("index", "search", "show", "list", "categories", "serve", "duplicates", "related")

QUERY_HELP = """\
query language:
  word word        both words (AND); Chinese of any length matches as a substring
  a OR b           either
  -word            exclude
  "exact phrase"   phrase
  word*            prefix (Latin words)
  title:x author:x tag:x category:x   fields; category matches any level (category:a/b for a path)
  after:2021-07-01 before:2022 date:2021-07   dates
  is:unread is:starred                reading state
"""


FULL_REFRESH_HELP = (
    "before answering, stat every file (finds files edited in place; "
    "default: changed directories only)"
)


def command_of(argv: list[str]) -> str | None:
    """The subcommand, found after any global flags (``--debug``, ``--config FILE``)."""
    i = 0
    while i < len(argv):
        if argv[i] == "--debug" or argv[i].startswith("--config="):
            i += 1
        elif argv[i] == "--config":
            i += 2
        else:
            return argv[i]
    return None


# A NUL cannot occur in a real argument, so this placeholder never clashes with one.
_DASH_QUERY = "\0query:"


def parse_search_aware(
    parser: argparse.ArgumentParser, search: argparse.ArgumentParser, argv: list[str]
) -> argparse.Namespace:
    """Parse ``argv``, taking ``search -word`` as a query rather than an unknown option.

    A word after ``search`` that starts with a single ``-`` and is not one of its options
    (nor the value of one) is hidden from argparse and put back after parsing.
    """
    command = command_of(argv)
    if command != "search":
        return parser.parse_args(argv)
    options = search._option_string_actions  # argparse has no public view
    start = argv.index("search") + 1
    hidden: list[str] = argv[:start]
    takes_value = False
    for i, word in enumerate(argv[start:], start):
        if word == "--":
            hidden += argv[i:]
            break
        dash_word = (
            not takes_value
            and word.startswith("-")
            and not word.startswith("--")
            and len(word) > 1
            and word not in options
        )
        hidden.append(_DASH_QUERY + word if dash_word else word)
        action = options.get(word.split("=", 1)[0]) if word.startswith("-") else None
        takes_value = action is not None and action.nargs != 0 and "=" not in word
    args = parser.parse_args(hidden)

    def unhide(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_DASH_QUERY):
            return value[len(_DASH_QUERY) :]
        if isinstance(value, Path) and str(value).startswith(_DASH_QUERY):
            return Path(str(value)[len(_DASH_QUERY) :])
        return value

    args.query = unhide(args.query)
    args.paths = [unhide(p) for p in args.paths]
    return args


# ---------------------------------------------------------------- argument parsing


def common(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """``--debug`` and ``--config``: accepted before the subcommand and after it.

    In a subcommand they default to SUPPRESS, so a flag given before the subcommand is not
    overwritten by the subcommand's own default.
    """
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks on errors",
        default=argparse.SUPPRESS if suppress else False,
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="config file (default: the user config.toml)",
        default=argparse.SUPPRESS if suppress else None,
    )


def tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read and search offline article collections in the terminal.",
        epilog=(
            "commands (newsreader COMMAND --help for each):\n"
            "  index       build or refresh the index\n"
            "  search      search articles\n"
            "  show        print one article file\n"
            "  list        list articles\n"
            "  categories  the category tree with counts\n"
            "  serve       serve the app to a web browser\n" + cli_stories.EPILOG + "\n"
            "With no PATH: the collections in the config file, else the bundled samples.\n"
            f"Config: {paths.config_file()}\nIndex:  {paths.cache_dir()}\n"
            f"State:  {paths.data_dir()}\n\n{QUERY_HELP}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="collection folders or files"
    )
    parser.add_argument("--no-mouse", action="store_true", help="turn off mouse support")
    parser.add_argument(
        "--no-watch", action="store_true", help="do not watch the collections for changes"
    )
    parser.add_argument("--theme", help="Textual theme name (e.g. textual-dark, textual-ansi)")
    common(parser)
    return parser


def subcommand_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser for ``newsreader [--debug] [--config FILE] COMMAND ...``, and its
    ``search`` subparser (whose options decide what a ``-word`` is).

    ``only``: the command being run; the other subcommands are listed (usage and help stay
    the same) without their options, which cost ~8 ms of every call to add.
    """

    def wanted(name: str) -> bool:
        return only is None or only == name

    parser = argparse.ArgumentParser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    common(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or refresh the index")
    if wanted("index"):
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument("--json", action="store_true", help="print a JSON summary")
        p.add_argument(
            "--workers", type=int, default=None, help="parser processes (default: cores)"
        )
        p.add_argument(
            "--full",
            action="store_true",
            help="stat every file (finds files edited in place; default: changed directories only)",
        )
        common(p, suppress=True)

    p = sub.add_parser(
        "search",
        help="search articles",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if wanted("search"):
        p.add_argument("query", help="the query (-word excludes a word; no -- needed)")
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument("--limit", type=non_negative, default=20, help="0 = no limit (default 20)")
        p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
        p.add_argument("--json", action="store_true")
        p.add_argument("--full-refresh", action="store_true", help=FULL_REFRESH_HELP)
        common(p, suppress=True)
    search = p  # complete whenever the command is search (the only time it is consulted)

    p = sub.add_parser("show", help="print one article file")
    if wanted("show"):
        p.add_argument("file", type=Path)
        p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
        p.add_argument(
            "--width",
            type=positive,
            default=None,
            help="wrap text to N cells (default: terminal width)",
        )
        p.add_argument(
            "--color",
            choices=("auto", "always", "never"),
            default="auto",
            help="style the text as the TUI does (auto: when stdout is a terminal; NO_COLOR: "
            "bold/underline/reverse only)",
        )
        common(p, suppress=True)

    p = sub.add_parser("list", help="list articles")
    if wanted("list"):
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument(
            "--category", help="a category at any level, or a path (a/b), as the query's category:"
        )
        p.add_argument("--sort", choices=("date", "title"), default="date")
        p.add_argument("--limit", type=non_negative, default=50, help="0 = no limit (default 50)")
        p.add_argument("--json", action="store_true")
        p.add_argument("--full-refresh", action="store_true", help=FULL_REFRESH_HELP)
        common(p, suppress=True)

    p = sub.add_parser("categories", help="the category tree with counts")
    if wanted("categories"):
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument("--json", action="store_true")
        common(p, suppress=True)

    p = sub.add_parser("serve", help="serve the app to a web browser (private URL, offline)")
    if wanted("serve"):
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
        p.add_argument("--port", help="TCP port (default 8000)")
        p.add_argument("--socket", metavar="PATH", help="listen on a Unix socket (0600) instead")
        p.add_argument("--token", help="the URL's secret (default: random; visible in ps)")
        common(p, suppress=True)
    cli_stories.add_parsers(sub, lambda parser: common(parser, suppress=True), wanted)
    return parser, search


def non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number

"""Build a hostile article collection at test time (nothing hostile is committed to the repo).

``make_hostile_collection(root)`` writes every case under ``root`` and returns a mapping of
each case's path relative to ``root`` (POSIX, ``os.fsdecode``-d) to the expected outcome:

- ``"indexed"``: the file must end up in the index;
- ``"skipped"``: the file must be reported in ``RefreshReport.skipped`` with a reason matching
  ``SKIP_REASONS[name]``;
- ``"not-a-file"``: never opened for reading, reported as skipped with a reason matching
  ``SKIP_REASONS[name]`` (pipes, sockets, devices, link loops, dangling links).

Two cases need help from the test harness to be hostile: :data:`UNREADABLE` is chmod 000
(root reads it anyway, so the harness simulates EACCES) and :data:`VANISHING` must be deleted
between discovery and parsing (the harness wraps ``discover``).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import socket
import stat
from collections.abc import Container
from pathlib import Path

__all__ = [
    "ESCAPE_PAYLOAD",
    "EXPECTED_TITLES",
    "FORBIDDEN_TO_OPEN",
    "LITERAL_TITLES",
    "MARKUP_PAYLOADS",
    "SKIP_REASONS",
    "UNREADABLE",
    "VANISHING",
    "make_hostile_collection",
]

UNREADABLE = "perm/unreadable.md"
VANISHING = "vanish/vanishing.md"

# Terminal escape payloads: clear screen, cursor home, OSC 52 clipboard write, OSC 8 link,
# OSC 0 window title, bell, backspaces, 8-bit CSI, DCS, and a bare CR that would overwrite.
ESCAPE_PAYLOAD = (
    "\x1b[2J\x1b[Hclear "
    "\x1b]52;c;cHduZWQ=\x07osc52 "
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\ "
    "\x1b]0;pwned-title\x07window "
    "bell\x07 back\x08\x08spaced "
    "\x9b2Jcone "
    "\x1bPdcs-payload\x1b\\ "
    "\rcarriage"
)
# Words of ESCAPE_PAYLOAD that are ordinary text and must survive cleaning.
ESCAPE_VISIBLE_WORDS = ("clear", "osc52", "link", "window", "bell", "spaced", "carriage")

MARKUP_PAYLOADS = (
    "[b]x[/i]",
    "[@click=app.quit]quit[/]",
    "[link=file:///etc/passwd]pw[/link]",
    "[red on red]hidden[/]",
)
MARKUP_TITLE = "Markup " + " ".join(MARKUP_PAYLOADS)

SKIP_REASONS: dict[str, str] = {}
"""Regex (case-insensitive) that the skip reason of each ``"skipped"`` case must match."""

EXPECTED_TITLES: dict[str, str] = {}
"""Exact titles the index must hold for cases where the title is unambiguous."""

LITERAL_TITLES: dict[str, str] = {}
"""Titles that must show literally on screen (markup that must not be interpreted)."""

FORBIDDEN_TO_OPEN: list[str] = []
"""Cases that must never be opened (relative names), filled by make_hostile_collection."""

_BINARY = r"binary"
_TOO_LARGE = r"large|size|big|MB|limit"
_UNREADABLE = r"permission|denied|unreadable|cannot read|can't read|not readable|access"
_VANISHED = r"exist|deleted|vanish|not found|missing|disappear|no such|removed|gone"

LOREM = (
    "The quick brown fox jumps over the lazy dog while the committee debates the budget. "
    "Reporters gathered outside the hall, and the river kept rising through the night. "
)


def _write(root: Path, name: str | bytes, data: bytes) -> str:
    """Write ``data`` to ``root / name`` (``name`` may be a non-UTF-8 bytes path)."""
    raw = os.fsencode(root) + b"/" + (name if isinstance(name, bytes) else os.fsencode(name))
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    fd = os.open(raw, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return os.fsdecode(name)


def _md(title_yaml: str, body: str) -> bytes:
    return f"---\n{title_yaml}\n---\n\n{body}\n".encode()


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
        prev = name
    lines += ["title: *i", "tags: *i", "categories: *i", "author: *i", "summary: *i"]
    return "\n".join(lines)


def _make_socket(path: Path) -> bool:
    """Bind an AF_UNIX socket at ``path`` (chdir dance: socket paths are limited to ~107 bytes)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        sock.bind(path.name)
        return True
    except OSError:
        return False
    finally:
        os.chdir(cwd)
        sock.close()


def make_hostile_collection(
    root: Path, *, exclude: Container[str] = (), only: Container[str] | None = None
) -> dict[str, str]:
    """Create the hostile collection under ``root``; return relative name → expected outcome.

    ``exclude`` names cases (keys of the result) not to create; ``only`` creates just those.
    Tests use them to isolate one known problem from the shared collection.
    """
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}

    def dropped(name: str) -> bool:
        return name in exclude or (only is not None and name not in only)

    def add(
        name: str | bytes,
        data: bytes,
        outcome: str = "indexed",
        *,
        title: str | None = None,
        reason: str | None = None,
    ) -> str:
        if dropped(os.fsdecode(name)):
            return os.fsdecode(name)
        key = _write(root, name, data)
        out[key] = outcome
        if title is not None:
            EXPECTED_TITLES[key] = title
        if reason is not None:
            SKIP_REASONS[key] = reason
        return key

    # ---------------------------------------------------------------- a normal control case
    add(
        "plain.md",
        _md(
            "title: Plain control article\ndate: 2021-07-10",
            "A perfectly ordinary article about hostile input.",
        ),
        title="Plain control article",
    )

    # ---------------------------------------------------------------- encodings
    gbk_body = "长沙的网络诚信建设走在前列，管住互联网，织密一张网。" * 20
    add(
        "enc/gbk.md",
        ("---\ntitle: 中文标题测试\n---\n\n" + gbk_body + "\n").encode("gbk"),
        title="中文标题测试",
    )
    add(
        "enc/utf16le-bom.md",
        codecs.BOM_UTF16_LE
        + "---\ntitle: UTF-16 标题\n---\n\n正文 body text\n".encode("utf-16-le"),
        title="UTF-16 标题",
    )
    add(
        "enc/utf16be-bom.md",
        codecs.BOM_UTF16_BE + "---\ntitle: UTF-16 BE\n---\n\nbody text\n".encode("utf-16-be"),
        title="UTF-16 BE",
    )
    add(
        "enc/utf16le-nobom.md",
        ("---\ntitle: UTF-16 without BOM\n---\n\n" + LOREM * 3 + "\n").encode("utf-16-le"),
        title="UTF-16 without BOM",
    )
    add(
        "enc/latin1.md",
        "---\ntitle: Café crème brûlée\n---\n\nÀ la carte, déjà vu, naïve façade.\n".encode(
            "latin-1"
        ),
        title="Café crème brûlée",
    )
    add(
        "enc/bom-crlf.md",
        codecs.BOM_UTF8 + b"---\r\ntitle: BOM and CRLF\r\nauthor: Crlf Author\r\n---\r\n\r\n"
        b"Line one\r\nLine two\r\n",
        title="BOM and CRLF",
    )
    add("enc/utf8-broken-tail.md", _md("title: Truncated UTF-8", "cut off here: 长")[:-3] + b"\n")

    # ---------------------------------------------------------------- front matter
    add(
        "fm/toml.md",
        b'+++\ntitle = "TOML front matter"\ndate = 2021-07-10\n+++\n\nBody.\n',
        title="TOML front matter",
    )
    add(
        "fm/json.md",
        b'{\n  "title": "JSON front matter",\n  "tags": ["a", "b"]\n}\n\nBody.\n',
        title="JSON front matter",
    )
    add(
        "fm/broken-yaml.md", b"---\ntitle: [unclosed\ndate: ::: {\n---\n\nBody after broken YAML.\n"
    )
    add("fm/unclosed.md", b"---\ntitle: never closed\nauthor: x\n\nBody with no closing fence.\n")
    add("fm/broken-toml.md", b'+++\ntitle = "unterminated\n+++\n\nBody.\n')
    add("fm/broken-json.md", b'{\n  "title": "JSON, broken",\n\n\nBody.\n')
    add("fm/title-number.md", _md("title: 12345", "Numeric title."))
    add("fm/title-float.md", _md("title: .nan\nauthor: .inf", "NaN title."))
    add("fm/title-mapping.md", _md("title: {a: 1, b: [2, 3]}", "Mapping title."))
    add("fm/title-null.md", _md("title: null\nauthor: ~", "Null title."))
    add("fm/title-list.md", _md("title: [one, two, three]", "List title."))
    add("fm/title-bool.md", _md("title: yes\ndraft: no", "Boolean title."))
    add("fm/title-binary.md", _md("title: !!binary aGVsbG8=", "Binary YAML title."))
    add(
        "fm/weird-types.md",
        _md(
            "title: Weird types\ntags: {x: 1}\ncategories: [[a, [b, [c, {d: e}]]], 7, null]\n"
            "author: [{name: A}, 3, null]\nurl: [http://x]\nsummary: {k: v}",
            "Strange metadata.",
        ),
        title="Weird types",
    )
    add("fm/date-epoch.md", _md("title: Epoch date\ndate: 0", "Epoch."), title="Epoch date")
    add("fm/date-year1.md", _md("title: Year one\ndate: 0001-01-01", "Year one."), title="Year one")
    add(
        "fm/date-year1-tz.md",
        _md("title: Year one tz\ndate: 0001-01-01T00:00:00+14:00", "x"),
        title="Year one tz",
    )
    add(
        "fm/date-year9999.md",
        _md("title: Year 9999\ndate: 9999-12-31T23:59:59-14:00", "x"),
        title="Year 9999",
    )
    add(
        "fm/date-huge.md",
        _md("title: Huge date\ndate: 99999999999999999999999999", "x"),
        title="Huge date",
    )
    add(
        "fm/date-negative.md",
        _md("title: Negative date\ndate: -99999999999999", "x"),
        title="Negative date",
    )
    add("fm/date-nan.md", _md("title: NaN date\ndate: .nan\nupdated: .inf", "x"), title="NaN date")
    add(
        "fm/date-garbage.md",
        _md("title: Garbage date\ndate: not a date at all", "x"),
        title="Garbage date",
    )
    add("fm/alias-bomb.md", _md(_alias_bomb(), "Billion laughs."))
    add("fm/deep-yaml.md", _md("title: " + "[" * 20000 + "]" * 20000, "Deeply nested YAML."))
    add("fm/deep-json.md", b'{"title": ' + b"[" * 20000 + b"]" * 20000 + b"}\n\nDeep JSON.\n")
    add(
        "fm/python-tag.md",
        _md(
            'title: !!python/object/apply:os.system ["echo pwned > /tmp/newsreader-pwned"]',
            "Unsafe YAML tag.",
        ),
    )
    add("fm/huge-title.md", _md("title: " + "T" * 30000, "Very long title."))
    add("fm/huge-title-words.md", _md("title: " + "word " * 6000, "Long title of words."))

    # ---------------------------------------------------------------- HTML
    add(
        "html/nested-divs.html",
        (
            "<html><head><title>Nested divs</title></head><body>"
            + "<div>" * 20000
            + "deep inside"
            + "</div>" * 20000
            + "</body></html>"
        ).encode(),
    )
    add(
        "html/unclosed-divs.html",
        (
            "<html><head><title>Unclosed</title></head><body>"
            + "<div><p><b><i>" * 5000
            + "never closed"
        ).encode(),
    )
    add(
        "html/scripts.html",
        b"""<!doctype html><html><head><title>Scripts and frames</title>
<style>body { display: none } .x::after { content: "STYLE-LEAK" }</style>
<script>document.write("SCRIPT-LEAK"); alert(1)</script></head><body>
<p>Visible paragraph.</p>
<iframe src="https://evil.example/frame">IFRAME-FALLBACK</iframe>
<a href="javascript:alert(document.cookie)">js link</a>
<a href="data:text/html,<script>alert(1)</script>">data link</a>
<img src="https://tracker.example/pixel.gif" onerror="alert(1)" alt="tracker">
<svg><script>alert("SVG-SCRIPT-LEAK")</script></svg>
<noscript>NOSCRIPT-TEXT</noscript>
<object data="x.swf"></object><embed src="y.swf">
<form action="https://evil.example/"><input name=q value="INPUT-VALUE"></form>
</body></html>
""",
        title="Scripts and frames",
    )
    add(
        "html/entity-escapes.html",
        (
            b"<html><head><title>Entity &#x1b;[2Jclear &#x1b;]52;c;cHduZWQ=&#x07;osc "
            b"&#0;nul &#xD800;sur &#x9b;c1</title></head><body>"
            b"<p>body &#27;[2J &#x1b;]8;;http://evil&#x1b;\\link&#x1b;]8;;&#x1b;\\ &#7;bell"
            b" &#8;bs</p></body></html>"
        ),
    )
    add(
        "html/many-links.html",
        (
            "<html><head><title>Many links</title></head><body>"
            + "".join(f'<a href="https://example.com/{i}">link {i}</a> ' for i in range(20000))
        ).encode(),
        title="Many links",
    )
    add(
        "html/deep-table.html",
        (
            "<html><head><title>Deep tables</title></head><body>"
            + "<table><tr><td>" * 2000
            + "cell"
            + "</td></tr></table>" * 2000
        ).encode(),
        title="Deep tables",
    )

    # ---------------------------------------------------------------- size and shape
    block = (("## Heading\n\n" + LOREM * 8 + "\n\n") * 16).encode()
    huge = b"---\ntitle: Twenty-five megabytes\n---\n\n" + block * (25 * 2**20 // len(block) + 1)
    add("big/huge-25mb.md", huge, title="Twenty-five megabytes")
    add("big/one-line.md", b"# One long line\n\n" + b"word " * (2**19), title="One long line")
    add(
        "big/pathological.md",
        (
            "# Pathological markdown\n\n"
            + "[" * 50000
            + "\n\n"
            + "*" * 50000
            + "\n\n"
            + "`" * 30000
            + "\n\n"
            + "![" * 20000
            + "\n\n"
            + "_a" * 30000
            + "\n\n"
            + "<" * 50000
            + "\n\n"
            + "[x](" * 20000
            + "\n\n"
            + "&#" * 30000
            + "\n\n"
            + "\\" * 50000
            + "\n\n"
            + "](" * 30000
            + "\n"
        ).encode(),
        title="Pathological markdown",
    )
    add(
        "big/deep-quote.md",
        ("# Deep quote\n\n" + ">" * 5000 + " quoted\n").encode(),
        title="Deep quote",
    )
    add(
        "big/deep-list.md",
        ("# Deep list\n\n" + "".join("  " * i + "- item\n" for i in range(3000))).encode(),
        title="Deep list",
    )
    if not dropped("big/too-large.md"):
        too_large = root / "big" / "too-large.md"
        too_large.parent.mkdir(exist_ok=True)
        with open(too_large, "wb") as handle:  # sparse: instant, no disk used
            handle.write(b"---\ntitle: too large\n---\n")
            handle.truncate(40 * 2**20)
        out["big/too-large.md"] = "skipped"
    SKIP_REASONS["big/too-large.md"] = _TOO_LARGE

    # ---------------------------------------------------------------- text oddities
    add("text/empty.md", b"")
    add("text/whitespace.md", b"  \n\t\n   \r\n \xc2\xa0\n")
    add(
        "text/emoji-rtl.md",
        _md(
            'title: "Emoji 👩‍👩‍👧‍👦 RTL עברית العربية zero\u200bwidth\u200d\ufeff bidi \u202eevil\u202c'
            ' combining Z̷̢̛a̸l̷g̵o̶"',
            "🏳️‍🌈 مرحبا بالعالم שלום \u2066isolate\u2069 \ufeff\u200b\u200c\u200d text. "
            "Z̸̧̛̛͎̖͔̯̈́̀̄̈a̵̧̲̼̹̓l̵̨̜̗̈́ģ̴̛̮̣̈́o̶ " + "\U0010ffff\ufffe\uffff",
        ),
    )
    add(
        "text/dup-a/same.md",
        _md("title: Duplicate article", "Same body in two places."),
        title="Duplicate article",
    )
    add(
        "text/dup-b/same.md",
        _md("title: Duplicate article", "Same body in two places."),
        title="Duplicate article",
    )
    add("text/no-fm-heading.md", ("# Heading " + ESCAPE_PAYLOAD + "\n\nBody\n").encode())
    add(
        "text/control-soup.md",
        bytes(range(0x01, 0x09))
        + b"\x0b\x0c"
        + bytes(range(0x0E, 0x20))
        + b" soup title\n\n"
        + b"text " * 400,
    )
    add("text/suffix.markdown", _md("title: Markdown suffix", "x"), title="Markdown suffix")
    add("text/plain.txt", b"Plain text file\n\nJust text.\n")
    add(
        "text/dir.md/inner.md",
        _md("title: Inside a directory named .md", "x"),
        title="Inside a directory named .md",
    )

    # ---------------------------------------------------------------- injection
    add(
        "inject/markup-title.md",
        _md(
            f"title: '{MARKUP_TITLE}'\nauthor: '[bold]author[/]'\ntags: ['[i]tag', '[/]']\n"
            "categories: [['[@click=app.quit]cat[/]', '[b]sub']]",
            " ".join(MARKUP_PAYLOADS)
            + "\n\n[/]\n\n\\[escaped] [link=https://evil.example]x[/link]",
        ),
    )
    LITERAL_TITLES["inject/markup-title.md"] = MARKUP_TITLE
    add(
        "inject/escape-title.md",
        _md(
            'title: "Escape \\e[2J\\e[Hclear \\e]52;c;cHduZWQ=\\aosc52 \\e]8;;file:///etc/passwd\\e\\\\'
            'link\\e]8;;\\e\\\\ \\e]0;pwned-title\\awindow bell\\a back\\b\\bspaced \\x9b2Jcone \\rcarriage"\n'
            'author: "\\e]0;author-title\\aAuthor"\nurl: "https://x.example/\\e[2J"',
            ESCAPE_PAYLOAD + "\n\n" + ESCAPE_PAYLOAD,
        ),
    )
    add(
        "inject/escape-toml.md",
        (
            '+++\ntitle = "TOML \\u001b[2Jclear \\u001b]52;c;cHduZWQ=\\u0007osc52 \\u0008bs"\n+++\n\n'
            + ESCAPE_PAYLOAD
            + "\n"
        ).encode(),
    )
    add(
        "inject/escape-raw-yaml.md",
        (
            "---\ntitle: Raw " + ESCAPE_PAYLOAD.replace("\r", "") + "\n---\n\nraw ESC in YAML\n"
        ).encode(),
    )
    add(
        "inject/escape-html.html",
        (
            "<html><head><title>HTML "
            + ESCAPE_PAYLOAD
            + "</title></head><body><p>"
            + ESCAPE_PAYLOAD
            + "</p></body></html>"
        ).encode(),
    )

    # ---------------------------------------------------------------- hostile file names
    add(
        b"names/caf\xe9-latin1-name.md",
        _md("title: Latin-1 file name", "x"),
        title="Latin-1 file name",
    )
    add(b"names/\xff\xfe-invalid-name.md", b"# Invalid UTF-8 name\n\nNo front matter.\n")
    add("names/esc-\x1b[2J-\x07-\x1b]0;pwned\x07-\x9b1m.md", b"# Escape in file name\n\nx\n")
    add(
        "names/[b]bold [@click=app.quit]q[red]x.md",
        b"No front matter, no heading.\n",
        title="[b]bold [@click=app.quit]q[red]x",
    )
    LITERAL_TITLES["names/[b]bold [@click=app.quit]q[red]x.md"] = "[b]bold [@click=app.quit]q[red]x"
    add("names/new\nline\ttab.md", b"No front matter either.\n")
    add("names/-rf --help.md", _md("title: Dash name", "x"), title="Dash name")
    add(
        "names/bin-\x1b]0;pwned\x07.md",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "skipped",
        reason=_BINARY,
    )

    # ---------------------------------------------------------------- binary
    add(
        "binary/image.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096),
        "skipped",
        reason=_BINARY,
    )
    add(
        "binary/nul-in-text.md",
        b"# Title\n\ntext\x00more\x00text\x00" * 50,
        "skipped",
        reason=_BINARY,
    )
    add(
        "binary/elf.html", b"\x7fELF\x02\x01\x01" + bytes(range(32)) * 64, "skipped", reason=_BINARY
    )

    # ---------------------------------------------------------------- permissions / races
    add(UNREADABLE, _md("title: Unreadable", "secret"), "skipped", reason=_UNREADABLE)
    if UNREADABLE in out:
        os.chmod(root / UNREADABLE, 0)
    add(VANISHING, _md("title: Vanishing", "gone soon"), "skipped", reason=_VANISHED)

    # ---------------------------------------------------------------- not files at all
    special = root / "special"
    special.mkdir(exist_ok=True)
    os.mkfifo(special / "fifo.md")
    out["special/fifo.md"] = "not-a-file"
    if _make_socket(special / "socket.md"):
        out["special/socket.md"] = "not-a-file"
    os.symlink("/dev/zero", special / "dev-zero.md")
    out["special/dev-zero.md"] = "not-a-file"
    os.symlink("/dev/null", special / "dev-null.html")
    out["special/dev-null.html"] = "not-a-file"
    with contextlib.suppress(OSError):  # needs CAP_MKNOD
        os.mknod(special / "chardev.md", stat.S_IFCHR | 0o644, os.makedev(1, 5))
        out["special/chardev.md"] = "not-a-file"

    links = root / "links"
    links.mkdir(exist_ok=True)
    os.symlink("self-loop.md", links / "self-loop.md")
    os.symlink("loop-b.md", links / "loop-a.md")
    os.symlink("loop-a.md", links / "loop-b.md")
    os.symlink("does-not-exist.md", links / "dangling.md")
    if only is None:  # directory loops: links/up/links/up/..., links/here/here/...
        os.symlink("..", links / "up")
        os.symlink(".", links / "here")
    os.symlink("../plain.md", links / "good-link.md")
    out.update(
        {
            "links/self-loop.md": "not-a-file",
            "links/loop-a.md": "not-a-file",
            "links/loop-b.md": "not-a-file",
            "links/dangling.md": "not-a-file",
            "links/good-link.md": "skipped",
        }
    )
    # A second path to an already-found file is reported once, not indexed twice.
    SKIP_REASONS["links/good-link.md"] = r"same file|already|duplicate"
    for name in ("links/self-loop.md", "links/loop-a.md", "links/loop-b.md"):
        SKIP_REASONS[name] = r"loop"
    SKIP_REASONS["links/dangling.md"] = r"dangling|does not exist|missing|broken"
    for name in (
        "special/fifo.md",
        "special/socket.md",
        "special/dev-zero.md",
        "special/dev-null.html",
        "special/chardev.md",
    ):
        SKIP_REASONS[name] = r"pipe|fifo|socket|device|not a regular file|special"

    for name in [n for n in out if dropped(n)]:
        os.unlink(root / name)
        del out[name]
    for folder in (special, links):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
    FORBIDDEN_TO_OPEN[:] = [name for name, outcome in out.items() if outcome == "not-a-file"]
    return out

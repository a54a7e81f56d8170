"""Real paragraphs for the realistic corpus, read at run time from ``../shared/corpora``.

Chinese comes from ``seedlike/`` (the product's own format), ``yihui-blog/content/cn`` and
``ruby-lang-news/zh_cn``; English from ``ruby-lang-news/en``, ``yihui-blog/content/en`` and
``rust-blog-toml``. Nothing of that text is stored in this repository: the generator reads
it when it runs and writes articles outside the repository. :func:`load_pool` returns None
when the folder is absent, and the generator falls back to the synthetic vocabulary.
"""

from __future__ import annotations

import html
import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.hexo import IMG_SIZES, Source, front_matter, head_image, image_para

CORPORA_ENV = "NEWSREADER_CORPORA"
"""Environment variable naming the corpora folder (default: ``<repo>/../shared/corpora``)."""

ZH_PARTS = ("seedlike", "yihui-blog/content/cn", "ruby-lang-news/zh_cn")
EN_PARTS = ("ruby-lang-news/en", "yihui-blog/content/en", "rust-blog-toml")

MAX_PARAGRAPH = 700
"""Longer paragraphs are cut at sentence ends into pieces of at most this many characters."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TAG = re.compile(r"<[^>]+>")
_HTML_BREAK = re.compile(r"(?i)</p>|<br\s*/?>|</div>|<div[^>]*>|</h\d>|</li>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"\*\*|__|`|\{\{[<%].*?[>%]\}\}")
_LIST_MARK = re.compile(r"^(?:[*+-]|\d+\.)\s+")
_LIST_START = frozenset("*+-0123456789")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff，。、；：！？）》”]) (?=[\u3400-\u9fff（《“])")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\. )")


@dataclass(frozen=True)
class Pool:
    """Real documents as lists of paragraphs (plain text), Chinese and English."""

    zh: tuple[tuple[str, ...], ...]
    en: tuple[tuple[str, ...], ...]
    root: Path

    @property
    def paragraphs(self) -> int:
        """Number of paragraphs in both languages."""
        return sum(len(d) for d in self.zh) + sum(len(d) for d in self.en)


def default_root() -> Path:
    """``$NEWSREADER_CORPORA`` or the shared corpora folder next to the repository."""
    env = os.environ.get(CORPORA_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def strip_front_matter(text: str) -> str:
    """The body of an article file: YAML (``---``) or TOML (``+++``) front matter removed."""
    stripped = text.lstrip("\ufeff\n\r ")
    for fence in ("---", "+++"):
        if stripped.startswith(fence + "\n"):
            end = stripped.find("\n" + fence, len(fence))
            if end >= 0:
                return stripped[end + len(fence) + 1 :]
    return text


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    text = re.sub(r"\s*\n\s*", " ", text).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return re.sub(r"[ \t\u3000]{2,}", " ", text)


def _html_paragraphs(body: str) -> list[str]:
    return [_clean(p) for p in _HTML_BREAK.split(body)]


def _markdown_paragraphs(body: str) -> list[str]:
    out: list[str] = []
    block: list[str] = []
    fenced = False
    for line in [*body.splitlines(), ""]:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            block = []
            continue
        if fenced or line.startswith(("    ", "\t")) or line.lstrip().startswith(("#", "|")):
            continue
        line = line.lstrip("> ")
        if line:
            block.append(_LIST_MARK.sub("", line) if line[0] in _LIST_START else line)
            continue
        if block:
            text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", "\n".join(block)))
            out.append(_clean(_MD_MARK.sub("", text)))
            block = []
    return out


def split_long(paragraph: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """Cut a paragraph at sentence ends into pieces of at most ``limit`` characters."""
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current.strip())
            current = ""
        current += sentence[:limit]
    if current.strip():
        pieces.append(current.strip())
    return pieces


def is_chinese(paragraph: str) -> bool:
    """True when at least 30 % of the non-space characters are CJK ideographs."""
    chars = len(paragraph.replace(" ", ""))
    return chars > 0 and len(_CJK.findall(paragraph)) >= 0.3 * chars


def document_paragraphs(text: str) -> list[str]:
    """Plain-text paragraphs (at least 12 characters) of one article file."""
    body = strip_front_matter(text)
    body = _COMMENT.sub("", body)
    raw = _html_paragraphs(body) if re.search(r"(?i)<p[ >]", body) else _markdown_paragraphs(body)
    out: list[str] = []
    for p in raw:
        if len(p) >= 12 and not p.startswith(("{{", "http")):
            out.extend(split_long(p))
    return out


def _files(root: Path, part: str) -> list[Path]:
    base = root / part
    found = [p for p in base.rglob("*") if p.suffix in (".md", ".markdown", ".html")]
    return sorted(p for p in found if p.is_file())


def load_pool(root: Path | None = None) -> Pool | None:
    """Every usable document of the corpora, in a fixed order; None when they are absent."""
    root = root or default_root()
    zh: list[tuple[str, ...]] = []
    en: list[tuple[str, ...]] = []
    for parts, want_zh, dest in ((ZH_PARTS, True, zh), (EN_PARTS, False, en)):
        for part in parts:
            for path in _files(root, part):
                try:
                    paragraphs = document_paragraphs(path.read_text("utf-8", errors="replace"))
                except OSError:
                    continue
                kept = tuple(p for p in paragraphs if is_chinese(p) == want_zh)
                if kept:
                    dest.append(kept)
    if not zh or not en:
        return None
    return Pool(tuple(zh), tuple(en), root)


EN_SHARE = 0.1
"""Share of paragraph runs drawn from English documents."""

_CLAUSE_END = re.compile(r"[。！？；：，,.!?;:]")


def pick_document(rng: random.Random, pool: Pool) -> tuple[str, ...]:
    """A random Chinese document (an article's lead and title come from one)."""
    return rng.choice(pool.zh)


def title_from(rng: random.Random, doc: tuple[str, ...]) -> str:
    """A headline of 8–40 characters cut from a paragraph of ``doc``; quotes doubled for YAML."""
    text = doc[0] if rng.random() < 0.7 else rng.choice(doc)
    cut = [m.start() for m in _CLAUSE_END.finditer(text) if 8 <= m.start() <= 40]
    title = text[: cut[0]] if cut else text[: rng.randint(12, 30)]
    return title.strip().replace("'", "''") or "无题"


def cut_to_bytes(text: str, budget: int) -> str:
    """A prefix of ``text`` of at most ``budget`` UTF-8 bytes, at a sentence end if one is near."""
    out, used = [], 0
    for ch in text:
        used += len(ch.encode())
        if used > budget:
            break
        out.append(ch)
    prefix = "".join(out)
    ends = [m.end() for m in re.finditer(r"[。！？!?]|\. ", prefix)]
    return prefix[: ends[-1]] if ends and ends[-1] > len(prefix) // 2 else prefix


def body_paragraphs(
    rng: random.Random,
    pool: Pool,
    lead: tuple[str, ...],
    budget: int,
    image: Callable[[], str],
) -> list[str]:
    """HTML ``<p>`` paragraphs totalling about ``budget`` bytes.

    Paragraphs come in runs of 2–8 consecutive paragraphs of one real document (the first
    run from ``lead``), so words repeat within an article as they do in real text; about
    8 % are images and 7 % bold lines, as in the scraped posts.
    """
    out: list[str] = []
    run = list(lead[: rng.randint(2, 8)])
    size = 0
    while size < budget:
        if not run:
            docs = pool.en if rng.random() < EN_SHARE else pool.zh
            doc = rng.choice(docs)
            start = rng.randrange(len(doc))
            run = list(doc[start : start + rng.randint(2, 8)])
        r = rng.random()
        if r < 0.08:
            para = image()
        else:
            room = budget + 300 - size - 30
            if room < 40:
                break
            text = html.escape(cut_to_bytes(run.pop(0), room), quote=False)
            para = f"<p><strong>{text}</strong></p>" if r < 0.15 else f"<p>{text}</p>"
        out.append(para)
        size += len(para.encode())
    return out


def realistic_text(rng: random.Random, pool: Pool, src: Source, when: datetime, target: int) -> str:
    """One realistic article: the same format, paragraphs resampled from real text."""
    day = when.strftime("%Y/%m/%d")
    lead = pick_document(rng, pool)
    front = front_matter(rng, src, when, title_from(rng, lead))
    head = head_image(front)
    first = f'<p><img src="{head}" data-size="{rng.choice(IMG_SIZES)}" referrerpolicy="no-referrer"></p>'
    budget = target - len(front.encode()) - len(first.encode()) - 40
    body = body_paragraphs(rng, pool, lead, budget, lambda: image_para(rng, src, day))
    return front + first + "".join(body) + f"<p>来源：{src.name}</p>  \n</div>\n            \n"

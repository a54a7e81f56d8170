"""The synthetic text: Chinese words drawn with Zipf weights, English terms, numbers.

Each chunk of articles draws sentences from its own pool of clauses; see :mod:`bench.generate`.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

from bench.hexo import IMG_SIZES, Source, front_matter, head_image, image_para
from bench.vocab import EN_PHRASES, EN_TERMS, ZH_WORDS

POOL = 6000
"""Clauses generated per chunk; articles are sentences of clauses drawn from the pool."""
_PUNCT_END = "。。。。。。！？"


def zipf_cum_weights(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights ``1 / (rank + q) ** s`` for ``n`` ranks."""
    return list(itertools.accumulate(1.0 / (r + q) ** s for r in range(n)))


_WORDS: tuple[str, ...] = ZH_WORDS
_WORD_CUM = zipf_cum_weights(len(_WORDS))


def _number(rng: random.Random) -> str:
    """A number as Chinese news writes it: years, percentages, amounts."""
    kind = rng.random()
    if kind < 0.3:
        return f"{rng.randint(2010, 2023)}年"
    if kind < 0.5:
        return f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%"
    if kind < 0.7:
        return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    if kind < 0.85:
        return f"{rng.randint(1, 999)}.{rng.randint(1, 9)}{rng.choice('万亿')}"
    return f"{rng.randint(2, 500)}{rng.choice(('家', '个', '人', '名', '台', '辆', '款', '项'))}"


def _clause(rng: random.Random) -> str:
    """3–8 Zipf words, sometimes with an English term, a number or quotation marks."""
    words = rng.choices(_WORDS, cum_weights=_WORD_CUM, k=rng.randint(3, 8))
    r = rng.random()
    if r < 0.12:
        words.insert(rng.randrange(len(words) + 1), f" {rng.choice(EN_TERMS)} ")
    elif r < 0.14:
        words.insert(rng.randrange(len(words) + 1), f" {rng.choice(EN_PHRASES)} ")
    elif r < 0.26:
        words.insert(rng.randrange(len(words) + 1), _number(rng))
    elif r < 0.31:
        i = rng.randrange(len(words))
        words[i] = f"“{words[i]}”"
    elif r < 0.33:
        i = rng.randrange(len(words))
        words[i] = f"《{words[i]}》"
    return "".join(words).strip()


def _sentences(rng: random.Random, pool: list[str], topic: list[str], count: int) -> list[str]:
    """``count`` sentences of 1–4 pooled clauses; topic words lead some clauses."""
    clauses = rng.choices(pool, k=count * 3)
    out: list[str] = []
    i = 0
    for _ in range(count):
        k = rng.randint(1, 4)
        parts = clauses[i : i + k] or [rng.choice(pool)]
        i += k
        if rng.random() < 0.35:
            parts[0] = rng.choice(topic) + parts[0]
        out.append("，".join(parts) + rng.choice(_PUNCT_END))
    return out


def _title(rng: random.Random, pool: list[str], topic: list[str]) -> str:
    """A headline of 8–40 characters; single quotes doubled for YAML."""
    parts = [rng.choice(topic) + rng.choice(pool)]
    if rng.random() < 0.5:
        parts.append(rng.choice(pool))
    title = rng.choice(("，", "：", " ", "，")).join(parts)[:40]
    r = rng.random()
    if r < 0.08:
        title = f"_{topic[0]}_{title}"
    elif r < 0.16:
        title = f"{rng.choice(EN_TERMS)} {title}"
    elif r < 0.18:
        title = f"{title}'s"
    return title.replace("'", "''")


def article_text(
    rng: random.Random, pool: list[str], src: Source, when: datetime, target: int
) -> str:
    """One synthetic article file's text, about ``target`` bytes long (UTF-8)."""
    day = when.strftime("%Y/%m/%d")
    topic = rng.choices(_WORDS[40:], k=3)
    front = front_matter(rng, src, when, _title(rng, pool, topic))
    head = head_image(front)
    size = len(front.encode()) + 40
    body: list[str] = []
    first = True
    while size < target:
        r = rng.random()
        if first:
            para = f'<p><img src="{head}" data-size="{rng.choice(IMG_SIZES)}" referrerpolicy="no-referrer"></p>'
            first = False
        elif r < 0.1:
            para = image_para(rng, src, day)
        elif r < 0.2:
            para = f"<p><strong>{''.join(_sentences(rng, pool, topic, 1))}</strong></p>"
        elif r < 0.25:
            lead = "".join(_sentences(rng, pool, topic, 1))
            rest = "".join(_sentences(rng, pool, topic, rng.randint(1, 3)))
            para = f"<p><strong>{lead}</strong>{rest}</p>"
        else:
            para = f"<p>{''.join(_sentences(rng, pool, topic, rng.randint(1, 5)))}</p>"
        body.append(para)
        size += len(para.encode())
    body.append(f"<p>来源：{src.name}</p>")
    return front + "".join(body) + "  \n</div>\n            \n"


def make_pool(rng: random.Random) -> list[str]:
    return [_clause(rng) for _ in range(POOL)]

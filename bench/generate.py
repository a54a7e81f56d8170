"""Synthetic Hexo news corpus: ``python -m bench.generate OUT_DIR -n 100000 --seed 1``.

Writes articles in the exact format of the scraped news posts the product targets (blank
line before ``---``, quoted title, 3-level ``categories`` list, ``headimg``/``thumbnail``,
``author`` = source, ``comments: false``, RFC 2822 or ``YYYY-MM-DD HH:MM:SS`` dates, an HTML
body of ``<p>`` paragraphs with images and bold lines). Text is Chinese words drawn with
Zipf weights plus English terms, numbers and punctuation; 2–9 KB per file, laid out as
``OUT/<source>/<year>/<n>-<hex>.md``.

Output is a pure function of ``(n, seed)``: each chunk of articles has its own
``random.Random`` seeded from the seed and the chunk number, so the number of worker
processes does not change a byte.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from multiprocessing import get_context
from pathlib import Path

from bench.vocab import EN_PHRASES, EN_TERMS, ZH_WORDS

CHUNK = 1000
"""Articles per deterministic chunk (one RNG, one clause pool)."""

POOL = 6000
"""Clauses generated per chunk; articles are sentences of clauses drawn from the pool."""

START = datetime(2019, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = int((datetime(2024, 1, 1, tzinfo=timezone.utc) - START).total_seconds())


@dataclass(frozen=True)
class Source:
    """One news source: the folder name, the category path and its date style."""

    slug: str
    root: str
    name: str
    section: str
    host: str
    rfc_dates: bool
    weight: float


_SOURCES_SPEC = """
qutoutiao 新媒体 趣头条 分类 static.1sapp.com/qupost/img
cnbeta 新媒体 cnBeta 最新 static.cnbetacdn.com/thumb/article
zaker 新媒体 ZAKER channel zkres1.myzaker.com
thepaper 新媒体 澎湃新闻 时事 imagecloud.thepaper.cn/thepaper/image
netease 新媒体 网易新闻 要闻 nimg.ws.126.net/image
toutiao 新媒体 今日头条 推荐 p3-tt.byteimg.com/img
dockone 编程 Dockone 周报 dockone.io/uploads/article
juejin 编程 掘金 前端 p1-juejin.byteimg.com/tos-cn-i
oschina 编程 开源中国 资讯 oscimg.oschina.net/oscnet
jstt 编程 技术头条 精选 img.blog.csdn.net/jstt
infoq 编程 InfoQ 架构 static001.infoq.cn/resource/image
csdn 编程 CSDN 博客 img-blog.csdnimg.cn/img_convert
mydrivers 科技 快科技 数码 img1.mydrivers.com/img
ithome 科技 IT之家 手机 img.ithome.com/newsuploadfiles
36kr 科技 36氪 快讯 img.36krcdn.com/hsossms
huxiu 科技 虎嗅 科技 img.huxiucdn.com/article/cover
ifanr 科技 爱范儿 产品 images.ifanr.cn/wp-content/uploads
sspai 科技 少数派 效率 cdn.sspai.com/article
yicai 财经 第一财经 宏观 imgcdn.yicai.com/uppics/images
caixin 财经 财新 金融 img.caixin.com/pic
wallstreetcn 财经 华尔街见闻 市场 wpimg.wallstcn.com/img
eeo 财经 经济观察报 公司 www.eeo.com.cn/images
jiemian 财经 界面新闻 商业 img.jiemian.com/101/original
sinasports 体育 新浪体育 足球 n.sinaimg.cn/sports/transform
hupu 体育 虎扑 篮球 i1.hoopchina.com.cn/hupuapp
dongqiudi 体育 懂球帝 中超 img1.dongqiudi.com/fastdfs
woshipm 文化 人人都是产品经理 运营 image.woshipm.com/wp-files
douban 文化 豆瓣 书影音 img9.doubanio.com/view/photo
zhihudaily 文化 知乎日报 深度 pic1.zhimg.com/v2
dushu 文化 读书 书评 img.dushu.com/cover
"""

SOURCES: tuple[Source, ...] = tuple(
    Source(slug, root, name, section, host, rfc_dates=i % 2 == 0, weight=1.0 / (1 + i * 0.15))
    for i, (slug, root, name, section, host) in enumerate(
        line.split() for line in _SOURCES_SPEC.strip().splitlines()
    )
)
"""About 30 sources under 6 category roots; even-numbered ones use RFC 2822 dates."""

_PUNCT_END = "。。。。。。！？"
_IMG_SIZES = ("600,400", "640,427", "1000,666", "1080,720", "800,533", "750,1000", "500,500")


def zipf_cum_weights(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf–Mandelbrot weights ``1 / (rank + q) ** s`` for ``n`` ranks."""
    return list(itertools.accumulate(1.0 / (r + q) ** s for r in range(n)))


_WORDS: tuple[str, ...] = ZH_WORDS
_WORD_CUM = zipf_cum_weights(len(_WORDS))
_SOURCE_CUM = list(itertools.accumulate(s.weight for s in SOURCES))


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


def _img(rng: random.Random, src: Source, day: str) -> str:
    return (
        f"https://cors.zfour.workers.dev/?http://{src.host}/{day}/{rng.getrandbits(128):032x}.jpeg"
    )


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
    """One article file's text, about ``target`` bytes long (UTF-8)."""
    day = when.strftime("%Y/%m/%d")
    topic = rng.choices(_WORDS[40:], k=3)
    title = _title(rng, pool, topic)
    head = _img(rng, src, day)
    date = (
        format_datetime(when, usegmt=True) if src.rfc_dates else when.strftime("%Y-%m-%d %H:%M:%S")
    )
    front = (
        f"\n---\ntitle: '{title}'\ncategories: \n - {src.root}\n - {src.name}\n - {src.section}\n"
        f"headimg: '{head}'\nauthor: {src.name}\ncomments: false\ndate: {date}\n"
        f"thumbnail: '{head}'\n---\n\n<div>   \n"
    )
    size = len(front.encode()) + 40
    body: list[str] = []
    first = True
    while size < target:
        r = rng.random()
        if first:
            para = f'<p><img src="{head}" data-size="{rng.choice(_IMG_SIZES)}" referrerpolicy="no-referrer"></p>'
            first = False
        elif r < 0.1:
            para = (
                f'<p><img src="{_img(rng, src, day)}" data-size="{rng.choice(_IMG_SIZES)}"'
                ' referrerpolicy="no-referrer"></p>'
            )
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


def _chunk_rng(seed: int, chunk: int) -> random.Random:
    return random.Random(f"newsreader-bench:{seed}:{chunk}")


def _make_pool(rng: random.Random) -> list[str]:
    return [_clause(rng) for _ in range(POOL)]


def _write_chunk(args: tuple[Path, int, int, int]) -> tuple[int, int]:
    """Write articles ``[chunk*CHUNK, min(n, …))``; return (files, bytes)."""
    out, n, seed, chunk = args
    rng = _chunk_rng(seed, chunk)
    pool = _make_pool(rng)
    files = total = 0
    for i in range(chunk * CHUNK, min(n, (chunk + 1) * CHUNK)):
        src = rng.choices(SOURCES, cum_weights=_SOURCE_CUM)[0]
        when = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        target = int(rng.triangular(2000, 8700, 4500))
        data = article_text(rng, pool, src, when, target).encode()
        path = out / src.slug / str(when.year) / f"{i:07d}-{rng.getrandbits(32):08x}.md"
        with open(path, "wb") as fh:
            fh.write(data)
        files += 1
        total += len(data)
    return files, total


LONG_SIZES: dict[str, int] = {"5k": 5_000, "50k": 50_000, "1m": 1_000_000}
"""Extra articles written by ``--long``: ``long/long-50k.md`` etc."""


def long_paths(out: Path, copies: int) -> Iterator[tuple[str, Path]]:
    """Names and paths of the ``--long`` articles (``long-50k.md``, ``long-50k-2.md`` …)."""
    for label in LONG_SIZES:
        for c in range(1, copies + 1):
            suffix = "" if c == 1 else f"-{c}"
            yield label, out / "long" / f"long-{label}{suffix}.md"


def _write_long(out: Path, seed: int, copies: int) -> tuple[int, int]:
    """The big articles, dated at the end of the range so they list first."""
    (out / "long").mkdir(parents=True, exist_ok=True)
    rng = _chunk_rng(seed, -1)
    pool = _make_pool(rng)
    files = total = 0
    for k, (label, path) in enumerate(long_paths(out, copies)):
        when = START + timedelta(seconds=SPAN_SECONDS - 60 - k)
        data = article_text(rng, pool, SOURCES[k % len(SOURCES)], when, LONG_SIZES[label])
        path.write_bytes(data.encode())
        files += 1
        total += len(data.encode())
    return files, total


@dataclass(frozen=True)
class GenerateReport:
    """What :func:`generate` wrote."""

    files: int
    bytes: int
    seconds: float


def generate(
    out: Path, n: int, *, seed: int = 1, long: int = 0, workers: int | None = None
) -> GenerateReport:
    """Write ``n`` articles (plus ``long`` copies of each big article) under ``out``."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for src in SOURCES:
        for year in range(START.year, START.year + 5):
            (out / src.slug / str(year)).mkdir(parents=True, exist_ok=True)
    chunks = [(out, n, seed, c) for c in range((n + CHUNK - 1) // CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))
    if workers == 1:
        results = [_write_chunk(c) for c in chunks]
    else:
        with get_context("fork" if sys.platform != "win32" else "spawn").Pool(workers) as pool:
            results = list(pool.imap_unordered(_write_chunk, chunks))
    if long:
        results.append(_write_long(out, seed, long))
    files = sum(r[0] for r in results)
    total = sum(r[1] for r in results)
    return GenerateReport(files, total, time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    ap.add_argument("out", type=Path, help="output directory (created)")
    ap.add_argument("-n", type=int, default=100_000, help="number of articles (default 100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--long",
        type=int,
        default=0,
        metavar="N",
        help="add N copies of 5 KB, 50 KB and 1 MB articles",
    )
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    args = ap.parse_args(argv)
    rep = generate(args.out, args.n, seed=args.seed, long=args.long, workers=args.workers)
    print(f"wrote {rep.files} files, {rep.bytes / 1e6:.1f} MB in {rep.seconds:.1f} s to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

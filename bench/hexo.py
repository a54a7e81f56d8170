"""The Hexo news-post format both generators write: sources, dates, front matter, images."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime

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

IMG_SIZES = ("600,400", "640,427", "1000,666", "1080,720", "800,533", "750,1000", "500,500")
SOURCE_CUM = list(itertools.accumulate(s.weight for s in SOURCES))


def image_url(rng: random.Random, src: Source, day: str) -> str:
    return (
        f"https://cors.zfour.workers.dev/?http://{src.host}/{day}/{rng.getrandbits(128):032x}.jpeg"
    )


def front_matter(rng: random.Random, src: Source, when: datetime, title: str) -> str:
    """The Hexo front matter (blank line first) and the opening ``<div>``; returns the text."""
    head = image_url(rng, src, when.strftime("%Y/%m/%d"))
    date = (
        format_datetime(when, usegmt=True) if src.rfc_dates else when.strftime("%Y-%m-%d %H:%M:%S")
    )
    return (
        f"\n---\ntitle: '{title}'\ncategories: \n - {src.root}\n - {src.name}\n - {src.section}\n"
        f"headimg: '{head}'\nauthor: {src.name}\ncomments: false\ndate: {date}\n"
        f"thumbnail: '{head}'\n---\n\n<div>   \n"
    )


def head_image(front: str) -> str:
    return front.split("headimg: '", 1)[1].split("'", 1)[0]


def image_para(rng: random.Random, src: Source, day: str) -> str:
    return (
        f'<p><img src="{image_url(rng, src, day)}" data-size="{rng.choice(IMG_SIZES)}"'
        ' referrerpolicy="no-referrer"></p>'
    )

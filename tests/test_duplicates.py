"""Near-duplicate groups: republished stories found, exact copies found, boilerplate ignored."""

from __future__ import annotations

import numpy as np
import pytest

from reader.library.duplicates import (
    NUM_PERM,
    THRESHOLD,
    DuplicateIndex,
    group,
    shingle_hashes,
    signature,
    title_key,
)

STORY = (
    "长沙市岳麓区的一条老街最近完成了改造。改造前，街道两旁的店铺招牌五花八门，"
    "电线像蜘蛛网一样挂在头顶，雨天路面积水严重。街道办事处用了一年时间，和居民一起"
    "商量方案：保留老房子的青砖外墙，把电线埋进地下，重新铺了透水砖，还在街角留出一块"
    "小广场，给老人下棋、孩子玩耍。住在这里三十多年的刘阿姨说，现在晚饭后最喜欢出来走走，"
    "碰到老邻居就聊上几句。开米粉店的小周则发现，周末来拍照的年轻人多了，生意比去年好了"
    "不少。街道负责人表示，下一步还要请居民投票，决定小广场上的长椅和路灯用什么样式，"
    "让改造真正变成大家自己的事。"
)

CHANGED = STORY.replace("开米粉店的小周则发现", "在街口开了十年米粉店的周师傅也注意到")

HEADER_A = "晨光日报讯（记者 王晓）"
FOOTER_A = "责任编辑：李明。本文版权归晨光日报所有，未经授权不得转载。"
HEADER_B = "【城市新闻】点击关注，获取更多本地资讯！"
FOOTER_B = "广告：下载湘江头条APP，每天三分钟读懂长沙。相关阅读：地铁六号线开通一周年。"

DISCLAIMER = (
    "免责声明：本站所载文章仅代表作者本人观点，不代表本站立场。文中涉及的数据和信息均来自"
    "公开资料，本站不保证其准确性和完整性，读者据此操作，风险自担。如有侵权，请联系我们删除。"
    "投稿邮箱请见网站首页，商务合作请拨打客服电话，工作时间为周一至周五上午九点到下午六点。"
)

BODIES = [
    "今年的樱花比往年早开了一周，公园里人山人海。",
    "新款手机发布会上，厂商重点介绍了电池续航和相机夜景模式的改进。",
    "一项研究发现，每天步行八千步以上的人，睡眠质量明显更好，白天也更少感到疲惫。",
    "本周五晚上，市图书馆将举办一场关于宋代茶文化的讲座，主讲人是一位研究茶史二十年的老教授，"
    "现场还会演示点茶的手法，欢迎感兴趣的读者提前在公众号上预约座位。",
    "暑假快到了，不少家长开始为孩子挑选夏令营。专家提醒，选择营地时要看清楚资质和安全措施，"
    "不要只看宣传图片；同时要和孩子商量，尊重他们的兴趣，而不是把夏令营变成另一种补习班。"
    "有条件的家庭，也可以带孩子去乡下住几天，认识庄稼和昆虫，这同样是很好的学习。",
    "这家开在巷子深处的面馆没有招牌，只靠熟客口口相传。老板每天凌晨四点起来熬骨头汤，"
    "一锅汤要熬六个小时，卖完就关门。有人劝他扩大店面、开分店，他总是笑着摇头，说一个人"
    "只能把一件事做好。十几年过去，面的价格只涨过两次，排队的人却越来越多，其中不少是"
    "小时候跟着父母来吃、如今带着自己孩子来的年轻人。",
]


def test_signature_shape_and_determinism() -> None:
    sig = signature(STORY)
    assert len(sig) == 4 + 4 * NUM_PERM
    assert sig == signature(STORY)
    assert signature("太短了") == b""  # too short to compare


def test_folding_makes_traditional_copy_identical() -> None:
    traditional = "長沙市嶽麓區的一條老街最近完成了改造。" + STORY[19:]
    assert np.array_equal(shingle_hashes(traditional), shingle_hashes(STORY))


def test_republished_story_is_grouped_exact_copy_too() -> None:
    texts = {
        1: HEADER_A + STORY + FOOTER_A,
        2: HEADER_B + CHANGED + FOOTER_B,
        3: STORY,  # the bare story, e.g. from a third app
        4: HEADER_A + STORY + FOOTER_A,  # an exact copy in another file
        5: BODIES[5],
    }
    groups = group((i, signature(t)) for i, t in texts.items())
    assert groups == [[1, 2, 3, 4]]


def test_exact_copy_alone_is_a_group() -> None:
    assert group([(7, signature(BODIES[4])), (9, signature(BODIES[4]))]) == [[7, 9]]


def test_boilerplate_only_pairs_are_not_grouped() -> None:
    texts = {i: body + DISCLAIMER for i, body in enumerate(BODIES)}
    index = DuplicateIndex()
    index.add_many((i, signature(t)) for i, t in texts.items())
    # The two shortest articles are mostly disclaimer: raw MinHash agreement alone would
    # group them; the disclaimer is also held by the longer, unrelated articles.
    a, b = 0, 1
    raw = index.raw_similarity(a, b)
    assert raw >= THRESHOLD
    assert index.similarity(a, b) < THRESHOLD
    assert index.groups() == []


def test_republished_story_with_shared_disclaimer_still_grouped() -> None:
    texts = {i: body + DISCLAIMER for i, body in enumerate(BODIES)}
    texts[10] = HEADER_A + STORY + DISCLAIMER
    texts[11] = CHANGED + FOOTER_B + DISCLAIMER
    assert group((i, signature(t)) for i, t in texts.items()) == [[10, 11]]


def test_incremental_add_reports_duplicates() -> None:
    index = DuplicateIndex()
    assert index.add(1, signature(HEADER_A + STORY + FOOTER_A)) == []
    assert index.add(2, signature(BODIES[5])) == []
    assert index.add(3, signature(HEADER_B + CHANGED + FOOTER_B)) == [1]
    assert index.add(4, b"") == []  # no signature: never grouped
    assert index.groups() == [[1, 3]]


ENGLISH = (
    "The city council voted on Tuesday to turn the old freight yard next to the river into a "
    "public park. The plan keeps the two brick warehouses, which will house a market and a "
    "small museum about the railway, and adds a cycle path along the water. Residents who "
    "had campaigned for the park for almost ten years filled the public gallery and applauded "
    "when the result was announced. Construction is expected to start next spring and to "
    "take about two years, the council said, with the first part of the path open by summer."
)


@pytest.mark.parametrize("extra", ["", "Advertisement: subscribe for $1 a week. "])
def test_latin_story_with_ads_grouped(extra: str) -> None:
    copy = (
        "Reposted from the Riverside Gazette. "
        + extra
        + ENGLISH.replace("applauded", "cheered loudly")
    )
    other = (
        "A new bakery opened on the corner of Mill Street, selling sourdough bread, cinnamon "
        "buns and coffee roasted in the next town; the owners trained in Copenhagen."
    )
    assert group([(1, signature(ENGLISH)), (2, signature(copy)), (3, signature(other))]) == [[1, 2]]


RELEASE = (
    "We are pleased to announce the release of Ruby {v}. This release includes security "
    "fixes and bug fixes; please see the commit logs for details. We recommend that all "
    "users upgrade as soon as possible. Download the tarball from the usual place and check "
    "the checksums below before installing. Thanks to everyone who reported issues, wrote "
    "patches and tested the preview builds during the last months."
)


def test_templated_announcements_with_other_numbers_are_not_grouped() -> None:
    a = signature(RELEASE.format(v="3.2.4"), "Ruby 3.2.4 released")
    b = signature(RELEASE.format(v="3.3.1"), "Ruby 3.3.1 released")
    assert group([(1, a), (2, b)]) == []
    # the same text under titles without numbers (or the same numbers) is a group
    c = signature(RELEASE.format(v="3.3.1"), "Ruby released")
    d = signature(RELEASE.format(v="3.3.1"), "Ruby 3.3.1 發布")
    assert group([(2, b), (3, c), (4, d)]) == [[2, 3, 4]]


def test_title_key() -> None:
    assert title_key("No numbers here") == 0
    assert title_key("Ruby 3.3.1 released") == title_key("Ruby ３.３.１ 發布") != 0
    assert title_key("Ruby 3.3.1") != title_key("Ruby 3.2.4")


def test_title_key_release_suffixes() -> None:
    assert title_key("Ruby 2.7.0-preview2 released") != title_key("Ruby 2.7.0-rc2 released")
    assert title_key("Ruby 2.7.0-rc2 リリース") == title_key("Ruby 2.7.0-RC2 released.")


def test_bands_are_the_ones_datasketch_chooses() -> None:
    from datasketch import MinHashLSH  # type: ignore[import-untyped]

    from reader.library.duplicates import BANDS, LSH_THRESHOLD, ROWS

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)


def test_a_pair_settled_only_by_counting_its_holders_is_grouped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A and B agree on 40 slots; C holds the same 40 values, so none of them can be waved
    # through as surely informative, and no sampled holder is an outsider (C is close to
    # both). Only the whole count decides A-B (no boilerplate: a group); C's title numbers
    # keep it out of the group, so A-B is the only link.
    rng = np.random.default_rng(11)
    shared = rng.integers(1, 2**32, size=40, dtype=np.uint64)

    def sig(key: int) -> bytes:
        row = np.concatenate([shared, rng.integers(1, 2**32, size=NUM_PERM - 40, dtype=np.uint64)])
        return key.to_bytes(4, "little") + row.astype("<u4").tobytes()

    counted: list[int] = []
    count = DuplicateIndex._boiler_counts

    def spy(self: DuplicateIndex, ra: np.ndarray, *args: np.ndarray) -> np.ndarray:
        counted.append(len(ra))
        return count(self, ra, *args)

    monkeypatch.setattr(DuplicateIndex, "_boiler_counts", spy)
    assert group([(1, sig(5)), (2, sig(5)), (3, sig(7))]) == [[1, 2]]
    assert sum(counted) == 1  # A-B went through the whole count


def test_band_keys_that_share_a_hash_are_still_told_apart() -> None:
    # Band rows are sorted by a 64-bit mix of their four values; X and Y below mix to the
    # same number (0), so sorted by the mix alone X, Y, X could leave the two X apart.
    from reader.library.duplicates import ROWS, _band_pairs, _runs

    mix = 0x9E3779B97F4A7C15
    x, y = [0, 0, 0, 0], [mix >> 32, mix & 0xFFFFFFFF, 0, 1]
    rows = np.array([x, y, x, y, [5, 6, 7, 8], x], dtype=np.uint64)
    order, same = _runs(rows)
    runs = np.split(order, np.flatnonzero(~same) + 1)
    assert sorted(sorted(r.tolist()) for r in runs) == [[0, 2, 5], [1, 3], [4]]
    matrix = np.zeros((6, NUM_PERM), dtype=np.uint32)
    matrix[:, :ROWS] = rows
    matrix[:, ROWS:] = np.arange(6)[:, None] * 7 + 1  # no other band agrees
    found = {tuple(p) for band, pairs in _band_pairs(matrix) for p in pairs.tolist()}
    assert found == {(0, 2), (0, 5), (2, 5), (1, 3)}


def _lsh_groups(index: DuplicateIndex) -> list[list[int]]:
    """Grouping the slow way: the datasketch LSH queried for every article (as before)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for id_ in index._ids:
        for other in index.candidates(id_):
            if other > id_ and index.similarity(id_, other) >= THRESHOLD:
                parent[max(find(id_), find(other))] = min(find(id_), find(other))
    out: dict[int, list[int]] = {}
    for id_ in index._ids:
        out.setdefault(find(id_), []).append(id_)
    return sorted(sorted(g) for g in out.values() if len(g) >= 2)


def test_bulk_grouping_equals_querying_the_lsh_per_article() -> None:
    # Copies, edited copies, shared headers/footers/disclaimers and unrelated stories.
    texts = []
    for n, body in enumerate(BODIES * 3):
        story = body * 3 + STORY[n * 7 :]
        texts.append(HEADER_A + story + FOOTER_A)
        texts.append(HEADER_B + story.replace("。", "！", n % 3) + FOOTER_B + DISCLAIMER)
        if n % 2:
            texts.append(DISCLAIMER + BODIES[(n + 1) % len(BODIES)] * 2)
    index = DuplicateIndex()
    index.add_many((i + 1, signature(t)) for i, t in enumerate(texts))
    fast = index.groups()
    assert fast == _lsh_groups(index)
    assert len(fast) >= 5  # the copies are found, so the comparison means something


def _shared_signatures(seed: int, n: int = 400) -> list[tuple[int, bytes]]:
    """Signatures that share slots the way resampled paragraphs do: each article takes every
    slot from one of a few "stories" (copies), from a small pool (boilerplate) or at random."""
    rng = np.random.default_rng(seed)
    stories = rng.integers(1, 2**32, size=(n // 3, NUM_PERM), dtype=np.uint64)
    pool = rng.integers(1, 2**32, size=(3, NUM_PERM), dtype=np.uint64)
    out = []
    for i in range(n):
        base = stories[rng.integers(len(stories))]
        keep = rng.uniform(0.45, 1.0)
        row = np.where(rng.random(NUM_PERM) < keep, base, pool[rng.integers(len(pool))])
        noise = rng.random(NUM_PERM) < rng.uniform(0.0, 0.2)
        row = np.where(noise, rng.integers(1, 2**32, NUM_PERM, dtype=np.uint64), row)
        key = int(rng.integers(0, 3))  # 0: no numbers in the title; 1, 2: two numbers
        out.append((i + 1, key.to_bytes(4, "little") + row.astype("<u4").tobytes()))
    return out


@pytest.mark.parametrize(
    ("seed", "chunk", "pair_chunk", "block", "probes"),
    [
        (1, 1 << 16, 1 << 15, 1 << 13, 24),
        (2, 1 << 16, 3, 5, 0),
        (3, 7, 1 << 15, 1 << 13, 1),
        (4, 1, 1, 1, 24),
        (9, 1 << 16, 1 << 15, 1 << 13, 0),
    ],
)
def test_bulk_decisions_equal_the_per_pair_similarity(
    seed: int,
    chunk: int,
    pair_chunk: int,
    block: int,
    probes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.library import duplicates

    monkeypatch.setattr(duplicates, "_CHUNK_ROWS", chunk)  # holders compared in small chunks
    monkeypatch.setattr(duplicates, "_PAIR_CHUNK", pair_chunk)  # candidate pairs decided in chunks
    monkeypatch.setattr(duplicates, "_BLOCK", block)  # signatures loaded in blocks
    monkeypatch.setattr(duplicates, "_PROBES", probes)  # 0: every pair counted in whole
    turned_down = 0
    sampled = DuplicateIndex._turned_down

    def spy(self: DuplicateIndex, *args: np.ndarray) -> np.ndarray:
        nonlocal turned_down
        down = sampled(self, *args)
        turned_down += int(down.sum())
        return down

    monkeypatch.setattr(DuplicateIndex, "_turned_down", spy)
    index = DuplicateIndex()
    index.add_many(_shared_signatures(seed))
    fast = index.groups()
    # With sampling on, some pairs are settled by it, the rest by the whole count.
    assert (turned_down > 0) == (probes > 0)
    ids = index._ids
    pairs = {
        (a, b)
        for a in ids
        for b in index.candidates(a)
        if b > a and index.similarity(a, b) >= THRESHOLD
    }
    assert pairs, "some pairs are confirmed, so the comparison means something"
    discounted = [
        (a, b)
        for a in ids
        for b in index.candidates(a)
        if b > a and index.raw_similarity(a, b) > 0.6 and (a, b) not in pairs
    ]
    assert discounted, "boilerplate turned some pairs down that only a third article decides"
    assert fast == _lsh_groups(index)


@pytest.mark.parametrize("seed", [5, 6, 7, 8])
def test_growing_the_groups_equals_grouping_everything(seed: int) -> None:
    # Groups of the first articles, then some added: the new ones join, form and (as
    # outsiders holding shared slots) split groups exactly as grouping everything does.
    from reader.library.duplicates import group, grow

    signatures = _shared_signatures(seed)
    rng = np.random.default_rng(seed)
    new = set(rng.choice([i for i, _ in signatures], size=60, replace=False).tolist())
    old = group([s for s in signatures if s[0] not in new])
    whole = group(signatures)
    assert grow(signatures, old, new) == whole
    assert whole != old  # the additions changed the groups, so the comparison means something
    lost = [g for g in old if not any(set(g) <= set(w) for w in whole)]
    if seed == 5:
        assert lost, "an added outsider split an old group"


def _with_copies(signatures: list[tuple[int, bytes]], seed: int) -> list[tuple[int, bytes]]:
    """``signatures`` plus identical copies of some (same title key) and same-text copies
    under other title numbers (never grouped with the original)."""
    rng = np.random.default_rng(seed)
    out = list(signatures)
    next_id = max(i for i, _ in signatures) + 1
    for _, sig in [signatures[k] for k in rng.choice(len(signatures), 25, replace=False)]:
        for _ in range(int(rng.integers(1, 6))):
            out.append((next_id, sig))
            next_id += 1
        out.append((next_id, (77).to_bytes(4, "little") + sig[4:]))
        next_id += 1
    rng.shuffle(out)  # copies before and after their originals
    return out


@pytest.mark.parametrize("seed", [21, 22])
def test_copies_are_grouped_as_pair_by_pair_deciding_does(seed: int) -> None:
    index = DuplicateIndex()
    index.add_many(_with_copies(_shared_signatures(seed), seed))
    fast = index.groups()
    assert fast == _lsh_groups(index)
    biggest = max(len(g) for g in fast)
    assert biggest >= 3  # copies joined groups, so the comparison means something


@pytest.mark.parametrize("seed", [23, 24])
def test_growing_with_copies_equals_grouping_everything(seed: int) -> None:
    from reader.library.duplicates import grow

    signatures = _with_copies(_shared_signatures(seed), seed)
    rng = np.random.default_rng(seed)
    new = set(rng.choice([i for i, _ in signatures], size=80, replace=False).tolist())
    old = group([s for s in signatures if s[0] not in new])
    whole = group(signatures)
    assert grow(signatures, old, new) == whole != old


def test_thousands_of_copies_are_not_paired_with_each_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 3,000 copies of one page (a saved error page, a mirror): deciding every pair of them
    # is 4.5 million pairs per band; only the kept row is paired.
    rng = np.random.default_rng(99)  # not 3: _shared_signatures(3) draws the same stories
    page = (0).to_bytes(4, "little") + rng.integers(1, 2**32, NUM_PERM).astype("<u4").tobytes()
    others = _shared_signatures(3, 200)
    signatures = [(1000 + i, page) for i in range(3000)] + others
    decided = 0
    join = DuplicateIndex._join

    def spy(self: DuplicateIndex, pairs: np.ndarray, *args: object) -> None:
        nonlocal decided
        decided += len(pairs)
        join(self, pairs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(DuplicateIndex, "_join", spy)
    groups = group(signatures)
    assert [1000 + i for i in range(3000)] in groups
    assert decided < 5_000


@pytest.mark.parametrize("size", [1, 2, 7, 500, 20_000])
def test_minhash_values_equal_datasketch(size: int) -> None:
    from datasketch import MinHash

    from reader.library.duplicates import SEED, minhash_values

    rng = np.random.default_rng(size)
    hashes = np.unique(rng.integers(0, 2**32, size=size, dtype=np.uint64).astype(np.uint32))
    reference = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme="affine32")
    reference.update_batch(hashes.tolist())
    assert minhash_values(hashes).tolist() == reference.hashvalues.tolist()

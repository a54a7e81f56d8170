"""Near-duplicate stories: MinHash signatures of shingles, LSH candidates, a boilerplate-aware check.

An article's plain text is folded (:func:`reader.library.fold.fold`) and cut into tokens
(each CJK character one token, each Latin word or number one token; punctuation and
spaces dropped). Shingles are ``SHINGLE_CJK`` consecutive tokens when most tokens are CJK,
``SHINGLE_WORDS`` otherwise. A ``datasketch`` MinHash (``NUM_PERM`` permutations, scheme
``affine32``, fixed seed) of the shingle hashes is the signature, after a 4-byte key of
the numbers in the title (:func:`title_key`).

Grouping: LSH bands propose candidate pairs (``BANDS`` × ``ROWS``, the ones
``datasketch.MinHashLSH`` picks for ``LSH_THRESHOLD``, found in bulk with numpy; the
datasketch LSH itself serves one-at-a-time :meth:`DuplicateIndex.add`);
a pair is confirmed when its estimated Jaccard similarity, *not counting* MinHash slots
whose shared value is boilerplate, is at least ``THRESHOLD``. A shared slot value is
boilerplate when a third article holds it while being no copy of both (estimated
similarity < ``SAME`` to one of them): a site footer or a standard disclaimer shows up in
many unrelated articles, a republished story only in its copies. Pairs whose
whole signatures agree (``≥ EXACT``) are confirmed regardless (exact copies). Confirmed
pairs are joined into groups (connected components).

Hooking it in (the lead):

- index time (``refresh._fts_chunk``, in the worker, beside ``fts_text``): store
  ``signature(plain, title)`` in a new ``articles.minhash BLOB`` column (``b""`` for texts
  too short to compare: ``MIN_TOKENS``); 260 bytes an article.
- after a refresh that added or changed articles: ``group((id, minhash) for every row with a
  non-empty signature)`` and store the result in a ``dup_groups(id, grp)`` table
  (``grp`` = the group's smallest id), replacing the old one; the list's ``×3`` marker is
  the group size, "hide duplicates" keeps the earliest article of each group, and
  ``newsreader duplicates`` prints the groups. For a few new articles,
  :class:`DuplicateIndex` can be kept in memory and fed with :meth:`DuplicateIndex.add`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from typing import Any

from reader.library.cjk import CJK_RANGES, cjk_text
from reader.library.fold import fold

NUM_PERM = 64
SEED = 20261202
SHINGLE_CJK = 5
SHINGLE_WORDS = 3
MIN_TOKENS = 20
LSH_THRESHOLD = 0.4
BANDS, ROWS = 16, 4
"""The LSH bands datasketch's ``MinHashLSH(LSH_THRESHOLD, NUM_PERM)`` chooses (a test checks):
two articles are candidates when all ``ROWS`` slots of one band agree."""
THRESHOLD = 0.5
EXACT = 0.95
SAME = 0.6
SIGNATURE_VERSION = 2
COMPARE_CHARS = 30_000
"""Only an article's opening is compared: a story shows in its first 30,000 characters, and
a 25 MB file would otherwise cost a minute of shingling."""
"""Bump when signatures change: stored ones must then be computed again."""


@cache
def _token() -> re.Pattern[str]:
    """A comparison token (compiled on first use: importing this module stays cheap)."""
    return re.compile(f"[{CJK_RANGES}]|[^\\W_{CJK_RANGES}]+")


def tokens(plain_text: str) -> list[str]:
    """The comparison tokens of a text: CJK characters and Latin words, folded."""
    return _token().findall(fold(plain_text))


def shingle_hashes(plain_text: str, *, folded: bool = False) -> Any:
    """Distinct 32-bit hashes of the text's shingles (a numpy ``uint32`` array).

    ``folded=True``: the text is already folded (saves a second pass)."""
    import numpy as np

    opening = plain_text[:COMPARE_CHARS]
    folded_text = opening if folded else fold(opening)
    toks = _token().findall(folded_text)
    if len(toks) < MIN_TOKENS:
        return np.zeros(0, dtype=np.uint32)
    cjk = len(cjk_text(folded_text))
    k = SHINGLE_CJK if 2 * cjk >= len(toks) else SHINGLE_WORDS
    try:
        encoded = list(map(str.encode, toks))
    except UnicodeEncodeError:  # lone surrogates from a badly encoded file
        encoded = [t.encode("utf-8", "surrogatepass") for t in toks]
    ids = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=len(toks))
    # Polynomial hash of each window of k token ids (wrapping uint64 arithmetic).
    h = np.zeros(len(ids) - k + 1, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)
    for j in range(k):
        h = h * mult + ids[j : len(ids) - k + 1 + j]
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    return np.unique(h.astype(np.uint32))


@lru_cache(maxsize=1)
def _permutations() -> Any:
    from datasketch import MinHash  # type: ignore[import-untyped]

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def _minhash(values: Any = None) -> Any:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=int,
        scheme="affine32",
        hashvalues=values,
        permutations=_permutations(),
    )


_NUMBER = r"[a-z0-9.\-]*\d[a-z0-9.\-]*"  # on folded text: 3.3.1, 2.7.0-rc2, p195


def title_key(title: str | None) -> int:
    """Hash of the words with digits in a title (0: none): ``Ruby 2.7.0-rc2`` → {2.7.0-rc2}."""
    numbers = sorted({n.strip(".-") for n in re.findall(_NUMBER, fold(title or ""))})
    return zlib.crc32("\0".join(numbers).encode()) | 1 if numbers else 0


def signature(plain_text: str, title: str | None = None, *, folded: bool = False) -> bytes:
    """What to store for an article (``b""``: too short to compare).

    4 bytes of :func:`title_key` then the MinHash (``NUM_PERM`` little-endian uint32).
    Two articles whose titles both hold numbers, different ones, are never grouped:
    templated announcements (``Ruby 3.2.4 released`` / ``Ruby 3.3.1 released``) share
    nearly all their text but are different stories. ``folded=True``: the text is
    already folded (the title is folded again; it is short).
    """
    hashes = shingle_hashes(plain_text, folded=folded)
    if not len(hashes):
        return b""
    return title_key(title).to_bytes(4, "little") + minhash_values(hashes).astype("<u4").tobytes()


def minhash_values(hashes: Any) -> Any:
    """The MinHash of 32-bit ``hashes``: what ``datasketch.MinHash(scheme="affine32")``'s
    ``update_batch`` computes (a test checks), without its per-value Python list (a third
    of the signature's time): each value is pre-mixed with MurmurHash3's 32-bit finalizer,
    then every permutation ``a * h + b`` (mod 2³²) is applied and the minimum kept."""
    import numpy as np

    a, b = _permutations()
    hv = np.asarray(hashes, dtype=np.uint32)
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    hv = hv ^ (hv >> np.uint32(16))
    return (hv[:, None] * a.astype(np.uint32) + b.astype(np.uint32)).min(axis=0)


class _Groups:
    """Union-find over article ids (or matrix rows)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.parent.setdefault(ra, ra)
        self.parent.setdefault(rb, rb)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return sorted(sorted(g) for g in out.values() if len(g) >= 2)


class DuplicateIndex:
    """Signatures in an LSH plus, per MinHash slot, how many articles hold each value."""

    def __init__(self) -> None:
        self._lsh: Any = None  # datasketch MinHashLSH, built for add() only
        self._in_lsh = 0  # how many of _ids it holds
        self._ids: list[int] = []
        self._rows: list[Any] = []  # blocks of signature rows (k, NUM_PERM), in _ids order
        self._row_of: dict[int, int] = {}
        self._matrix: Any = None  # numpy (n, NUM_PERM), rebuilt after adds
        # Per slot, who holds each row's value (built with the matrix):
        self._count: Any = None  # (n, NUM_PERM): articles holding the same value in that slot
        self._first: Any = None  # (n, NUM_PERM): where those start in ``_order[slot]``
        self._order: Any = None  # (NUM_PERM, n): rows sorted by their value in each slot
        self._near: dict[int, list[int]] = {}  # LSH candidates of an id (cache)
        self._key_rows: list[Any] = []  # blocks of title keys (:func:`title_key`), as _rows
        self._keys: Any = None  # numpy (n,) int64, built with the matrix

    def __len__(self) -> int:
        return len(self._ids)

    def _insert(self, id_: int, sig: bytes) -> Any | None:
        import numpy as np

        if len(sig) != 4 + 4 * NUM_PERM or id_ in self._row_of:
            return None
        self._key_rows.append(np.frombuffer(sig[:4], dtype="<u4").astype(np.int64))
        values = np.frombuffer(sig, dtype="<u4", offset=4).astype(np.uint32)
        self._row_of[id_] = len(self._ids)
        self._ids.append(id_)
        self._rows.append(values.reshape(1, NUM_PERM))
        self._matrix = None
        self._near = {}
        return values

    def _row(self, id_: int) -> Any:
        self._state()
        return self._matrix[self._row_of[id_]]

    def _lsh_up_to_date(self) -> Any:
        """The datasketch LSH over every article so far (for one-at-a-time :meth:`add`)."""
        if self._lsh is None:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        for id_ in self._ids[self._in_lsh :]:
            self._lsh.insert(id_, _minhash(self._row(id_)))
        self._in_lsh = len(self._ids)
        return self._lsh

    def _state(self) -> None:
        import numpy as np

        if self._matrix is None:
            matrix = np.vstack(self._rows) if self._rows else np.zeros((0, NUM_PERM), np.uint32)
            self._matrix, self._rows = matrix, [matrix]  # the blocks are not kept twice
            keys = np.concatenate(self._key_rows) if self._key_rows else np.zeros(0, np.int64)
            self._keys, self._key_rows = keys, [keys]
            # One slot at a time and in int32 (at 100k rows a 2-D argsort held 200 MB); the
            # holders of a value are a run of the sorted column, so its start and length
            # are found in one pass (binary searches per row took 20 s at 500k rows).
            # Scattered slot-major (each slot's scatter in one contiguous row) and copied
            # to row-major _SLOT_BLOCK slots at a time: pairs read a row's slots together
            # (at 1M rows 9–11 s, not 17 s, and no second whole copy).
            n = len(matrix)
            self._order = np.empty((NUM_PERM, n), dtype=np.int32)
            self._count = np.empty((n, NUM_PERM), dtype=np.int32)
            self._first = np.empty((n, NUM_PERM), dtype=np.int32)
            count = np.empty((_SLOT_BLOCK, n), dtype=np.int32)
            first = np.empty((_SLOT_BLOCK, n), dtype=np.int32)
            for base in range(0, NUM_PERM, _SLOT_BLOCK):
                for k in range(_SLOT_BLOCK):
                    column = matrix[:, base + k]
                    order = np.argsort(column)
                    values = column[order]
                    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
                    sizes = np.diff(np.r_[starts, n])
                    self._order[base + k] = order
                    first[k, order] = np.repeat(starts, sizes)
                    count[k, order] = np.repeat(sizes, sizes)
                self._count[:, base : base + _SLOT_BLOCK] = count.T
                self._first[:, base : base + _SLOT_BLOCK] = first.T

    def candidates(self, id_: int) -> list[int]:
        """Ids the LSH proposes as near-duplicates of ``id_`` (``id_`` included)."""
        near = self._near.get(id_)
        if near is None:
            lsh = self._lsh_up_to_date()
            near = self._near[id_] = lsh.query(_minhash(self._row(id_)))
        return near

    def raw_similarity(self, a: int, b: int) -> float:
        """Estimated Jaccard similarity of two articles (share of equal MinHash slots)."""
        self._state()
        m = self._matrix
        return float((m[self._row_of[a]] == m[self._row_of[b]]).mean())

    def similarity(self, a: int, b: int) -> float:
        """Estimated Jaccard similarity of two articles, boilerplate slots left out.

        0 when both titles hold numbers and they differ (see :func:`signature`).
        A slot where both hold the same value is boilerplate when a third article holds
        that value too while being no copy of both (raw similarity < ``SAME`` to either):
        a footer or a disclaimer, not the story the copies share.
        """
        import numpy as np

        self._state()
        ra, rb = self._row_of[a], self._row_of[b]
        ka, kb = int(self._keys[ra]), int(self._keys[rb])
        if ka and kb and ka != kb:
            return 0.0  # different numbers in the titles: different stories
        m = self._matrix
        x, y = m[ra], m[rb]
        equal = np.flatnonzero(x == y)
        if len(equal) >= EXACT * NUM_PERM or len(equal) < THRESHOLD * NUM_PERM:
            # leaving boilerplate slots out can only lower the similarity
            return len(equal) / NUM_PERM
        boiler = self._boiler_counts(np.array([ra]), np.array([rb]), (x == y)[None, :])
        return _discounted(len(equal), int(boiler[0]))

    def add(self, id_: int, sig: bytes) -> list[int]:
        """Add one article; return the ids it duplicates (confirmed), sorted."""
        if self._insert(id_, sig) is None:
            return []
        return sorted(
            other
            for other in self.candidates(id_)
            if other != id_ and self.similarity(id_, other) >= THRESHOLD
        )

    def add_many(self, signatures: Iterable[tuple[int, bytes]]) -> None:
        """Add articles without checking them (call :meth:`groups` afterwards)."""
        import numpy as np

        size = 4 + 4 * NUM_PERM
        ids: list[int] = []
        sigs: list[bytes] = []

        def flush() -> None:  # a block at a time: 100k signatures as bytes are ~55 MB
            block = np.frombuffer(b"".join(sigs), dtype="<u4").reshape(len(ids), 1 + NUM_PERM)
            self._key_rows.append(block[:, 0].astype(np.int64))
            self._rows.append(block[:, 1:].astype(np.uint32))
            self._ids.extend(ids)
            ids.clear()
            sigs.clear()

        for id_, sig in signatures:
            if len(sig) == size and id_ not in self._row_of:
                self._row_of[id_] = len(self._ids) + len(ids)
                ids.append(id_)
                sigs.append(sig)
                if len(ids) == _BLOCK:
                    flush()
        if ids:
            flush()
        self._matrix = None
        self._near = {}

    def groups(self) -> list[list[int]]:
        """All groups of ≥ 2 near-duplicates: each sorted, the list sorted.

        The same pairs and decisions as querying the LSH for every article and calling
        :meth:`similarity` for each candidate, all done with numpy arrays instead (on the
        realistic 100,000-article bench corpus: the LSH took ~190 s, a per-pair
        :meth:`similarity` 46 s, this 2.9–3.4 s; at 1,000,000 articles 80–83 s and 1.39 GB):
        candidate pairs share a whole band and are streamed band by band; pairs whose raw
        similarity settles the answer (below ``THRESHOLD``, at least ``EXACT``, different
        title numbers, too few shared slots to matter) are decided at once, sampled holders
        turn most of the rest down (:meth:`_turned_down`), and the boilerplate slots of the
        few left are counted together (:meth:`_boiler_counts`).
        """
        self._state()
        kept, copies = _copies(self._matrix, self._keys)
        rows = None if len(kept) == len(self._ids) else kept
        return self._components(_band_pairs(self._matrix, rows), copies)

    def grown(self, old_groups: Iterable[Sequence[int]], new_ids: Iterable[int]) -> list[list[int]]:
        """The groups once ``new_ids`` were added to articles whose groups were ``old_groups``
        (every article in this index): what :meth:`groups` returns, found from far fewer pairs.

        Adding articles only adds holders to slot values, so it can only turn more shared
        slots into boilerplate and lower a pair's similarity: a pair that was apart stays
        apart. Only pairs with a new article and pairs inside an old group are decided.
        """
        import numpy as np

        self._state()
        rows = self._row_of
        # Each copy is represented by its kept row (see _copies): a pair with a copy is
        # decided as the same pair with its kept row.
        kept, copies = _copies(self._matrix, self._keys)
        stand_in = np.arange(len(self._ids))
        stand_in[copies[:, 0]] = copies[:, 1]
        allowed = np.zeros(len(self._ids), dtype=bool)
        allowed[kept] = True
        new = np.unique(stand_in[[rows[i] for i in new_ids if i in rows]])
        pairs = [_band_pairs_with(self._matrix, new, allowed)] if len(new) else []
        for members in old_groups:  # group by group: gathered at once, 1M pairs held 0.5 GB
            known = np.unique(stand_in[[rows[i] for i in members if i in rows]])
            i, j = np.triu_indices(len(known), 1)
            shape = (len(i), BANDS, ROWS)
            a, b = self._matrix[known[i]].reshape(shape), self._matrix[known[j]].reshape(shape)
            near = (a == b).all(axis=2).any(axis=1)  # LSH candidates only
            pairs.append(np.stack([known[i][near], known[j][near]], axis=1))
        both = np.unique(np.concatenate(pairs), axis=0) if pairs else np.zeros((0, 2), np.int64)
        return self._components([(None, both)], copies)

    def _components(self, pairs: Iterable[tuple[int | None, Any]], joined: Any) -> list[list[int]]:
        """Groups (connected components) of the confirmed candidate pairs of matrix rows
        (``pairs``: ``(band, array of pairs)``, see :meth:`_join`) and of the row pairs
        ``joined`` (copies and their kept rows, confirmed already)."""
        found = _Groups()  # over matrix rows
        for a, b in joined.tolist():
            found.union(a, b)
        ids = self._ids
        keys = self._keys
        # In chunks: the pairs' slot rows are pairs × NUM_PERM (the 573,000 candidate pairs
        # of the 100k bench corpus gathered at once peaked at 646 MB).
        for band, block in pairs:
            for start in range(0, len(block), _PAIR_CHUNK):
                self._join(block[start : start + _PAIR_CHUNK], keys, band, found)
        return sorted(sorted(ids[r] for r in rows) for rows in found.groups())

    def _join(self, pairs: Any, keys: Any, band: int | None, found: _Groups) -> None:
        """Join in ``found`` the candidate ``pairs`` of matrix rows that are near-duplicates
        (``keys``: each row's title key). ``band``: the pairs agree on that band and are
        decided only when it is the first they agree on (a pair found in several bands is
        decided once). A pair whose rows are already joined is not decided: that cannot
        change the groups, and it saves counting the boilerplate of the copies of one story
        (inside the old groups :meth:`grown` looks at, most pairs)."""
        import numpy as np

        m = self._matrix
        same = m[pairs[:, 0]] == m[pairs[:, 1]]
        equal = np.count_nonzero(same, axis=1)
        ka, kb = keys[pairs[:, 0]], keys[pairs[:, 1]]
        possible = ~((ka != 0) & (kb != 0) & (ka != kb))
        possible &= equal >= THRESHOLD * NUM_PERM
        if band:  # a band agrees when its ROWS (4) bool bytes are all 1
            agree = same.view(f"u{ROWS}")[:, :band] == int.from_bytes(b"\1" * ROWS, "little")
            possible &= ~agree.any(axis=1)
        keep = np.flatnonzero(possible)
        pairs, same, equal = pairs[keep], same[keep], equal[keep]
        ra, rb = pairs[:, 0], pairs[:, 1]
        # Slots that could be boilerplate (held by 3+ articles); with k of them left out the
        # similarity is (e - k) / (N - k): when even all of them cannot bring it below
        # THRESHOLD, the pair is confirmed without looking at who holds them.
        common = np.count_nonzero(same & (self._count[ra] >= 3), axis=1)
        safe = common <= (equal - THRESHOLD * NUM_PERM) / (1 - THRESHOLD)
        sure = (equal >= EXACT * NUM_PERM) | safe
        # Below SAME, ``a`` itself is an outsider holding every common slot: all of them are
        # boilerplate and, the pair not being safe, it stays apart. Above, count in bulk.
        for a, b in pairs[sure].tolist():
            found.union(a, b)
        check = np.flatnonzero(~sure & (equal >= SAME * NUM_PERM))
        check = check[~self._turned_down(ra[check], rb[check], same[check], equal[check])]
        apart = [found.find(a) != found.find(b) for a, b in pairs[check].tolist()]
        check = check[np.array(apart, dtype=bool)]
        boiler = self._boiler_counts(ra[check], rb[check], same[check])
        confirmed = _discounted_many(equal[check], boiler) >= THRESHOLD
        for a, b in pairs[check[confirmed]].tolist():
            found.union(a, b)

    def _turned_down(self, ra: Any, rb: Any, same: Any, equal: Any) -> Any:
        """Per pair of rows, whether a few sampled holders already settle it apart (a bool
        array; the others need :meth:`_boiler_counts`).

        A holder of a shared value that is no copy of both makes every slot it shares with
        the pair boilerplate at once, so one outsider found often settles a pair that
        :meth:`_boiler_counts` would check slot by slot, holder by holder (at 250,000 articles
        of the realistic bench corpus: 595,000 such pairs, all apart, ~105 s; 98 % are
        settled here, in ~3 s). Each of ``_PROBES`` rounds looks at one holder, spread over
        the holders, of one shared slot not yet known to be boilerplate. A pair is turned
        down only when the boilerplate found already brings it below ``THRESHOLD``, which
        the whole count can only confirm.
        """
        import numpy as np

        m = self._matrix
        count = self._count[ra]
        open_ = same & (count >= 3)
        boiler = np.zeros_like(open_)
        down = np.zeros(len(ra), dtype=bool)
        for probe in range(_PROBES):
            live = np.flatnonzero(~down & open_.any(axis=1))
            if not len(live):
                break
            a, b = ra[live], rb[live]
            slot = open_[live].argmax(axis=1)
            open_[live, slot] = False
            first = self._first[a, slot].astype(np.int64)
            held_by = count[live, slot].astype(np.int64)
            spread = (a * 0x9E3779B1 + b * 0x85EBCA77 + probe) % held_by
            holder = np.full(len(live), -1, dtype=np.int64)
            for step in range(3):  # ≥ 3 holders: one of three in a row is neither a nor b
                h = self._order[slot, first + (spread + step) % held_by]
                pick = (holder < 0) & (h != a) & (h != b)
                holder[pick] = h[pick]
            held = m[holder]
            agree_a = held == m[a]
            close = np.minimum(agree_a.sum(axis=1), (held == m[b]).sum(axis=1))
            outsider = close < SAME * NUM_PERM
            hit = live[outsider]
            cover = same[hit] & agree_a[outsider]
            boiler[hit] |= cover
            open_[hit] &= ~cover
            down[live] = _discounted_many(equal[live], boiler[live].sum(axis=1)) < THRESHOLD
        return down

    def _boiler_counts(self, ra: Any, rb: Any, same: Any) -> Any:
        """Per pair of rows, how many of its equal slots :meth:`similarity` calls
        boilerplate (the same decision, for many pairs at once)."""
        import numpy as np

        pair, slots = np.nonzero(same & (self._count[ra] >= 3))
        xa, xb = ra[pair], rb[pair]
        first = self._first[xa, slots].astype(np.int64)
        count = self._count[xa, slots].astype(np.int64)
        boiler = self._outsiders(xa, xb, slots, first, np.minimum(count, _FIRST_LOOK))
        rest = np.flatnonzero(~boiler & (count > _FIRST_LOOK))
        if len(rest):
            boiler[rest] = self._outsiders(
                xa[rest], xb[rest], slots[rest], first[rest], count[rest]
            )
        return np.bincount(pair[boiler], minlength=len(ra))

    def _outsiders(self, xa: Any, xb: Any, slots: Any, first: Any, count: Any) -> Any:
        """Per item (rows ``xa``, ``xb`` equal in ``slots``): whether one of the ``count``
        holders from ``_order[slot, first]`` on is no copy of both (a bool array).

        Items are taken in chunks of about ``_CHUNK_ROWS`` holders; a holder shared by
        several slots of one pair is compared once."""
        import numpy as np

        out = np.zeros(len(slots), dtype=bool)
        ends = np.cumsum(count)
        start = 0
        while start < len(slots):
            stop = int(np.searchsorted(ends, (ends[start - 1] if start else 0) + _CHUNK_ROWS))
            stop = max(stop, start + 1)
            part = slice(start, stop)
            cnt = count[part]
            label = np.repeat(np.arange(stop - start), cnt)
            offset = np.arange(len(label)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            holders = self._order[slots[part][label], first[part][label] + offset]
            a, b = xa[part][label], xb[part][label]
            n = len(self._ids)
            pair_keys, pair_of = np.unique(a * n + b, return_inverse=True)
            keys, where = np.unique(pair_of.ravel() * n + holders, return_inverse=True)
            upair, uh = np.divmod(keys, n)
            ua, ub = np.divmod(pair_keys[upair], n)
            m = self._matrix
            held = m[uh]
            close = np.minimum((held == m[ua]).sum(axis=1), (held == m[ub]).sum(axis=1))
            outsider = (close < SAME * NUM_PERM)[where.ravel()]
            out[start + label[outsider]] = True
            start = stop
        return out


_CHUNK_ROWS = 1 << 16
_PAIR_CHUNK = 1 << 15  # candidate pairs decided together (memory: ~2 KB each)
_BLOCK = 1 << 13  # signatures converted together when loading
_SLOT_BLOCK = 8  # slots whose holder runs are copied to row-major together (divides NUM_PERM)
_FIRST_LOOK = 8
_PROBES = 24  # sampled holders per pair before the whole count (:meth:`_turned_down`)


def _discounted(equal: int, boiler: int) -> float:
    """Share of equal slots once ``boiler`` of them (and of all slots) are left out."""
    informative = NUM_PERM - boiler
    return (equal - boiler) / informative if informative else 0.0


def _discounted_many(equal: Any, boiler: Any) -> Any:
    """:func:`_discounted` for arrays."""
    import numpy as np

    informative = NUM_PERM - boiler
    return np.where(informative > 0, (equal - boiler) / np.maximum(informative, 1), 0.0)


def _band_pairs(matrix: Any, rows: Any = None) -> Iterator[tuple[int, Any]]:
    """``(band, pairs)``: row pairs ``(a, b)``, ``a < b``, agreeing on every slot of
    ``band``, in arrays of about ``_PAIR_CHUNK``; only pairs of ``rows`` when given.

    Streamed band by band: at 1,000,000 articles of the realistic bench corpus the bands
    propose ~105 million pairs (~53 million distinct), which gathered at once held gigabytes.
    A pair agreeing on several bands comes once for each; :meth:`DuplicateIndex._join`
    keeps it only with the first (it compares the pair's slots anyway)."""
    import numpy as np

    for band in range(BANDS):
        width = slice(band * ROWS, (band + 1) * ROWS)
        cols = (matrix[:, width] if rows is None else matrix[rows, width]).astype(np.uint64)
        order, same = _runs(cols)
        if not same.any():
            continue
        if rows is not None:
            order = rows[order]
        # Sorted position k in a run pairs with the positions after it in that run.
        run_start = np.flatnonzero(np.r_[True, ~same])
        run_size = np.diff(np.r_[run_start, len(order)])
        in_run = np.repeat(run_size > 1, run_size)
        pos = np.flatnonzero(in_run)
        after = (np.repeat(run_start + run_size, run_size) - np.arange(len(order)) - 1)[pos]
        ends = np.cumsum(after)
        lo = 0
        while lo < len(pos):
            base = ends[lo - 1] if lo else 0
            hi = max(int(np.searchsorted(ends, base + _PAIR_CHUNK, "right")), lo + 1)
            left = np.repeat(pos[lo:hi], after[lo:hi])
            if len(left):
                counts = after[lo:hi]
                offset = np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
                a, b = order[left], order[left + 1 + offset]
                yield band, np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
            lo = hi


def _copies(matrix: Any, keys: Any) -> tuple[Any, Any]:
    """``(kept, copies)``: the rows that stand for their identical copies (the same
    signature and title key), sorted, and ``(copy, kept row)`` pairs for the others.

    Copies are a group however their pairs are decided (every slot agrees), and any other
    pair with a copy is decided as the same pair with its kept row, so only kept rows are
    paired: 3,000 copies of one page made 4.5 million pairs (50 s), a count that grows with
    the square. Rows are sorted by a hash of their slots and key; rows that hash alike are
    compared, and copies that do not end up side by side are merely paired as before."""
    import numpy as np

    n = len(matrix)
    if n < 2:
        return np.arange(n), np.zeros((0, 2), dtype=np.int64)
    mult = np.uint64(0x100000001B3)
    h = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for slot in range(NUM_PERM):
        h = (h ^ matrix[:, slot].astype(np.uint64)) * mult
    order = np.argsort(h)
    sorted_h = h[order]
    maybe = np.flatnonzero(sorted_h[1:] == sorted_h[:-1])
    a, b = order[maybe], order[maybe + 1]
    alike = (matrix[a] == matrix[b]).all(axis=1) & (keys[a] == keys[b])
    same = np.zeros(n - 1, dtype=bool)
    same[maybe[alike]] = True
    starts = np.flatnonzero(np.r_[True, ~same])
    first_of = order[starts][np.cumsum(np.r_[True, ~same]) - 1]  # per sorted position
    later = np.flatnonzero(np.r_[False, same])
    copies = np.stack([order[later], first_of[later]], axis=1).astype(np.int64)
    return np.sort(order[starts]).astype(np.int64), copies


def _band_key(cols: Any) -> Any:
    """A 64-bit mix of each row of a band's ``cols`` (uint64, ``ROWS`` = 4 wide): equal rows
    mix alike; different rows rarely do, and callers compare the rows themselves."""
    import numpy as np

    key = cols[:, 0] << np.uint64(32) | cols[:, 1]
    key ^= (cols[:, 2] << np.uint64(32) | cols[:, 3]) * np.uint64(0x9E3779B97F4A7C15)
    return key


def _runs(cols: Any) -> tuple[Any, Any]:
    """Rows sorted so that equal rows of ``cols`` (uint64, ``ROWS`` wide) are adjacent, and
    whether each sorted row equals the one before it.

    Sorted by a 64-bit mix of the row (a sort of 16-byte keys took ten times longer); when
    two different rows share a mix, the rows themselves are sorted instead."""
    import numpy as np

    key = _band_key(cols)
    order = np.argsort(key)
    sorted_key = key[order]
    same_key = sorted_key[1:] == sorted_key[:-1]
    same = same_key & (cols[order[1:]] == cols[order[:-1]]).all(axis=1)
    if (same_key & ~same).any():  # a collision: sort the rows themselves
        order = np.lexsort(cols.T[::-1])
        same = (cols[order[1:]] == cols[order[:-1]]).all(axis=1)
    return order.astype(np.int64), same


def _band_pairs_with(matrix: Any, rows: Any, allowed: Any) -> Any:
    """Row pairs ``(a, b)``, ``a < b``, agreeing on a whole band, one of them in ``rows``,
    both ``allowed`` (a bool per row)."""
    import numpy as np

    found: list[Any] = []
    wanted = np.zeros(matrix.shape[0], dtype=bool)
    wanted[rows] = True
    for band in range(BANDS):
        key = _band_key(matrix[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64))
        near = np.flatnonzero(np.isin(key, key[rows]) & allowed)
        if len(near) <= 1:
            continue
        by_key: dict[int, list[int]] = {}
        for r, k in zip(near.tolist(), key[near].tolist(), strict=True):
            by_key.setdefault(k, []).append(r)
        band_cols = matrix[:, band * ROWS : (band + 1) * ROWS]
        for members in by_key.values():
            group = np.array(members, dtype=np.int64)
            for x in group[wanted[group]].tolist():
                same = (band_cols[group] == band_cols[x]).all(axis=1) & (group != x)
                others = group[same]  # a bucket of thousands is compared in one step
                found.append(np.stack([np.minimum(others, x), np.maximum(others, x)], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)


def group(signatures: Iterable[tuple[int, bytes]]) -> list[list[int]]:
    """Groups of near-duplicate article ids from ``(id, signature)`` pairs (see module)."""
    index = DuplicateIndex()
    index.add_many(signatures)
    return index.groups()


def grow(
    signatures: Iterable[tuple[int, bytes]],
    old_groups: Iterable[Sequence[int]],
    new_ids: Iterable[int],
) -> list[list[int]]:
    """:func:`group` of ``signatures`` when the only change since ``old_groups`` were found
    is the articles ``new_ids`` (added, none changed or removed); see
    :meth:`DuplicateIndex.grown`."""
    index = DuplicateIndex()
    index.add_many(signatures)
    return index.grown(old_groups, new_ids)

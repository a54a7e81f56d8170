"""The flat-YAML fast path must read exactly what PyYAML reads, or decline (None)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.library.encoding import decode_bytes
from reader.library.frontmatter import _Loader, simple_yaml, split_front_matter
from reader.library.model import SkipFile
from reader.library.sanitize import clean_text


def pyyaml(raw: str) -> object:
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as exc:
        return exc
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else data


def assert_same_or_declined(raw: str) -> bool:
    """True when the fast path answered (and agreed), False when it declined."""
    fast = simple_yaml(raw)
    if fast is None:
        return False
    assert fast == pyyaml(raw), raw
    # Types too: True == 1 and 1.0 == 1 in Python, but not to a reader of the metadata.
    reference = pyyaml(raw)
    assert isinstance(reference, dict)
    for key, value in fast.items():
        assert type(value) is type(reference[key]), (raw, key)
    return True


SEED_HEADER = """title: '_诚信长沙_的金字招牌，是这样擦亮的'
categories:
 - 新媒体
 - 趣头条
 - 分类
headimg: 'https://example.invalid/a.jpeg'
author: 趣头条
comments: false
date: Sat, 10 Jul 2021 03:07:14 GMT
"""


@pytest.mark.parametrize(
    "raw",
    [
        SEED_HEADER,
        "title: It's here\ndate: 2021-10-28 14:08:07\ntags: [AI, 5G, 长沙]\n",
        'title: "quoted: yes"\nn: 42\nf: 1.5\nneg: -3\nhex: 0x1F\nsexa: 1:20\nnull1: ~\n',
        "on: yes\n",  # a key that YAML reads as a boolean: declined, PyYAML decides
        "t: ''\nu: 'it''s'\nempty:\nafter: x\n",
        "# comment\ntitle: a\n\ncategories:\n- a\n- b\n",
        "bad_date: 2021-13-45\nday: 2021-07-01\n",
        "url: http://example.invalid:8080/x?y=1#frag\n",
        "tags: []\n",
        "title: 100%\n",
    ],
)
def test_flat_headers_read_like_pyyaml(raw: str) -> None:
    fast = simple_yaml(raw)
    if raw.startswith("on:"):
        assert fast is None
        return
    assert fast is not None, raw
    assert_same_or_declined(raw)


def test_seed_header_values() -> None:
    assert simple_yaml(SEED_HEADER) == {
        "title": "_诚信长沙_的金字招牌，是这样擦亮的",
        "categories": ["新媒体", "趣头条", "分类"],
        "headimg": "https://example.invalid/a.jpeg",
        "author": "趣头条",
        "comments": False,
        "date": "Sat, 10 Jul 2021 03:07:14 GMT",
    }


@pytest.mark.parametrize(
    "raw",
    [
        "summary: |\n  block\n",
        "author:\n  name: A\n",
        "title: a\n  continued\n",
        "base: &b x\nother: *b\n",
        "tags:\n  - a\n - b\n",  # inconsistent indentation
        "tags:\n\t- a\n",
        "title: a: b\n",
        "title: a #comment\n",
        "x: !!python/object:os.system echo\n",
        'title: "esc\\t"\n',
        "list:\n - - nested\n",
        "tags: [a, [b]]\n",
        "'quoted key': v\n",
        "<<: {a: 1}\n",
    ],
)
def test_everything_else_is_left_to_pyyaml(raw: str) -> None:
    assert simple_yaml(raw) is None


_KEYS = st.sampled_from(["title", "date", "tags", "yes", "null", "1", "a b", "长沙", "x-y", "k"])
_SCALARS = st.sampled_from(
    [
        "",
        "plain",
        "true",
        "No",
        "~",
        "null",
        "1_000",
        "0x1F",
        "0o17",
        "017",
        "1:20",
        "-5",
        "+.inf",
        ".nan",
        "1.5e3",
        "2021-10-28 14:08:07",
        "2021-10-28",
        "2021-13-45",
        "Sat, 10 Jul 2021 03:07:14 GMT",
        "'it''s'",
        "'a'b'",
        '"q"',
        '"a\\"b"',
        "a: b",
        "a #b",
        "a:",
        "- x",
        "[a, b]",
        "[]",
        "[ 1, yes ,'q' ]",
        "[a, [b]]",
        "长沙 诚信",
        "http://h:80/p",
        "&a",
        "*a",
        "!t x",
        "%x",
        "@x",
        "`x`",
        "? x",
        "=",
        "{a: 1}",
        "a\tb",
        "\ufeffx",
        "\ufffe",
    ]
)
_LINES = st.one_of(
    st.tuples(_KEYS, _SCALARS).map(lambda kv: f"{kv[0]}: {kv[1]}".rstrip(" ")),
    st.tuples(_KEYS).map(lambda k: f"{k[0]}:"),
    st.tuples(st.sampled_from(["", " ", "  ", "\t"]), _SCALARS).map(
        lambda iv: f"{iv[0]}- {iv[1]}".rstrip(" ")
    ),
    st.sampled_from(["", "# note", "  # indented note", "   ", "---", "...", "  more"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=8))
def test_property_agrees_with_pyyaml_or_declines(lines: list[str]) -> None:
    assert_same_or_declined("\n".join(lines) + "\n")


def test_real_collections_agree_with_pyyaml(corpora: Path) -> None:
    """Every YAML header in the shared collections: the fast path agrees and takes most."""
    answered = declined = 0
    for path in sorted(p for p in corpora.rglob("*") if p.is_file()):
        try:
            text = clean_text(decode_bytes(path.read_bytes(), path))
        except SkipFile:
            continue
        fmt, raw, _body, closed = split_front_matter(text)
        if fmt != "yaml" or not closed:
            continue
        if assert_same_or_declined(raw):
            answered += 1
        else:
            declined += 1
    assert answered > 1000 and answered > 20 * declined

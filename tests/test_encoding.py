"""Decoding: BOMs, UTF-16 without BOM, GB18030/GBK, Latin-1, binary detection."""

from __future__ import annotations

import codecs

import pytest

from reader.library.encoding import decode_bytes
from reader.library.model import SkipFile

ZH = "长沙的互联网产业发展迅速，诚信建设成效显著。"
FR = "Café crème brûlée, déjà vu à Zürich. Ça va très bien, naïve façade. "


def test_utf8_with_and_without_bom() -> None:
    assert decode_bytes(ZH.encode()) == ZH
    assert decode_bytes(codecs.BOM_UTF8 + ZH.encode()) == ZH


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_32_with_bom(codec: str) -> None:
    data = ZH.encode(codec)
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert decode_bytes(data) == ZH


def test_utf16_without_bom_is_recognised() -> None:
    text = "---\ntitle: hello\n---\nplain ASCII body with 中文"
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be")) == text


@pytest.mark.parametrize("text", ["标题：新闻", ZH, ZH * 40])
def test_gbk_decodes_as_gb18030(text: str) -> None:
    assert decode_bytes(text.encode("gbk")) == text


def test_gb18030_only_characters() -> None:
    text = "扩展字符𠀀与常用字"
    assert decode_bytes(text.encode("gb18030")) == text


@pytest.mark.parametrize("text", ["Café", FR, FR * 20])
def test_latin1(text: str) -> None:
    assert decode_bytes(text.encode("latin-1")) == text


def test_cp1252_quotes() -> None:
    assert decode_bytes("“quoted” — dash".encode("cp1252")) == "“quoted” — dash"


def test_cut_off_utf8_keeps_the_text() -> None:
    data = (ZH * 10).encode()[:-1]
    decoded = decode_bytes(data)
    assert decoded.startswith(ZH * 9)
    assert decoded.endswith("\ufffd")


def test_empty() -> None:
    assert decode_bytes(b"") == ""


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100,
        bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50,
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(SkipFile, match="binary"):
        decode_bytes(data)

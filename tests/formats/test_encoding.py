"""decode_bytes: strict decoding, clear errors, the cp1256 exception."""

from __future__ import annotations

import logging
import random

import pytest

from tarjama.errors import InputError
from tarjama.formats import decode_bytes, decode_bytes_with_encoding

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


def test_utf8_is_returned_exactly(article: str) -> None:
    data = article.replace("\n", "\r\n").encode("utf-8")
    text = decode_bytes(data, "a.txt")
    assert text.encode("utf-8") == data  # nothing dropped, CRLF kept


def test_utf8_bom_is_stripped(article: str) -> None:
    decoded = decode_bytes_with_encoding(b"\xef\xbb\xbf" + article.encode("utf-8"))
    assert decoded.text == article
    assert decoded.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(article: str, codec: str) -> None:
    data = article.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_bytes(data) == article


def test_empty_bytes() -> None:
    with pytest.raises(InputError, match=r"^news\.txt is empty"):
        decode_bytes(b"", "news.txt")


def test_whitespace_only_is_empty() -> None:
    with pytest.raises(InputError, match="is empty"):
        decode_bytes(b" \r\n\t\n", "news.txt")


def test_png_is_binary() -> None:
    rng = random.Random(7)
    data = PNG_HEADER + bytes(rng.randrange(256) for _ in range(2000))
    with pytest.raises(InputError, match="looks binary"):
        decode_bytes(data, "photo.txt")


def test_random_bytes_without_nul_are_binary() -> None:
    rng = random.Random(11)
    data = bytes(rng.randrange(1, 256) for _ in range(3000))
    with pytest.raises(InputError, match="binary"):
        decode_bytes(data)


def test_control_characters_are_binary() -> None:
    data = bytes(range(1, 9)) * 50 + b"abc"
    with pytest.raises(InputError, match="binary"):
        decode_bytes(data)


def test_latin1_names_the_encoding_and_the_fix() -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes("café".encode("latin-1"), "menu.txt")
    message = str(caught.value)
    assert "menu.txt is not UTF-8" in message
    assert "ISO-8859-1" in message
    assert "iconv -f ISO-8859-1 -t UTF-8" in message


def test_french_sentence_in_latin1_is_not_mistaken_for_arabic() -> None:
    with pytest.raises(InputError, match="ISO-8859-1"):
        decode_bytes("Le café est très bon à Paris.".encode("latin-1"))


def test_cp1252_quotes() -> None:
    with pytest.raises(InputError, match="CP1252"):
        decode_bytes("“Hello” – it’s here".encode("cp1252"))


def test_cp1256_arabic_is_decoded_with_a_warning(
    article: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tarjama.formats"):
        decoded = decode_bytes_with_encoding(article.encode("cp1256"), "old.txt")
    assert decoded.text == article
    assert decoded.encoding == "cp1256"
    assert any("Windows-1256" in r.getMessage() for r in caplog.records)
    assert decode_bytes(article.encode("cp1256")) == article


def test_short_cp1256_arabic(paragraphs: list[str]) -> None:
    sentence = paragraphs[0].split("،")[0]
    assert decode_bytes(sentence.encode("cp1256")) == sentence


def test_iso_8859_6_is_named_not_guessed(paragraphs: list[str]) -> None:
    data = "مرحبا بالعالم، هذا نص عربي قصير".encode("iso8859_6")
    with pytest.raises(InputError, match=r"ISO-8859-6.*iconv -f ISO-8859-6"):
        decode_bytes(data, "x.txt")


def test_utf16_without_bom() -> None:
    with pytest.raises(InputError, match="UTF-16LE without a byte-order mark"):
        decode_bytes("plain English text".encode("utf-16-le"))


def test_mostly_utf8_with_a_stray_byte(article: str) -> None:
    data = article.encode("utf-8") + "café".encode("latin-1")
    with pytest.raises(InputError, match="mostly UTF-8"):
        decode_bytes(data)


def test_broken_utf16_after_bom() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes(b"\xff\xfe" + b"\x00\xd8" + b"a\x00")

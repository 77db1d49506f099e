"""HTML: only text nodes and human-readable attributes change; dir/lang switch to English."""

from __future__ import annotations

import re

import pytest

from tarjama.formats import read_document, render_document

from .helpers import english, identity


@pytest.fixture
def page(paragraphs: list[str]) -> str:
    p = paragraphs
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>بوتين يقترح لقاء زيلينسكي &amp; ترمب</title>
  <style>.lead::before {{ content: "عاجل"; }}</style>
  <script>var label = "<p>نص في سكربت</p>"; if (a < b) {{ go(); }}</script>
</head>
<body>
  <!-- تعليق لا يترجم -->
  <article class="story" data-id="42">
    <h1 title="عنوان الخبر">بوتين يقترح لقاء زيلينسكي</h1>
    <p class="lead">{p[0]}</p>
    <p>قال <b>ترمب</b> إن &quot;السلام&quot; ممكن&nbsp;الآن &lt;قريباً&gt;.</p>
    <img src="/img/putin.jpg" alt='الرئيس "بوتين"'>
    <input type=search placeholder=ابحث aria-label="بحث في الموقع">
    <pre>سطر محفوظ</pre>
    <p>الأمر <code>رمز_برمجي</code> يبقى.</p>
    <noscript>فعّل جافاسكربت</noscript>
    <p translate="no">اسم علم لا يترجم</p>
    <p lang="ar-EG" dir="RTL">{p[1]}</p>
    <p>English only 2025</p>
  </article>
</body>
</html>
"""


def _ltr(html: str) -> str:
    return (
        html.replace('lang="ar"', 'lang="en"')
        .replace('dir="rtl"', 'dir="ltr"')
        .replace('lang="ar-EG"', 'lang="en"')
        .replace('dir="RTL"', 'dir="ltr"')
    )


def test_blocks(page: str, paragraphs: list[str]) -> None:
    document = read_document(page, name="story.html")
    assert document.format == "html"
    found = [(b.id, b.kind, b.text) for b in document.blocks]
    assert found == [
        ("t1", "text", "بوتين يقترح لقاء زيلينسكي & ترمب"),
        ("a1", "attribute:title", "عنوان الخبر"),
        ("t2", "text", "بوتين يقترح لقاء زيلينسكي"),
        ("t3", "text", paragraphs[0]),
        ("t4", "text", "قال"),
        ("t5", "text", "ترمب"),
        ("t6", "text", 'إن "السلام" ممكن\xa0الآن <قريباً>.'),
        ("a2", "attribute:alt", 'الرئيس "بوتين"'),
        ("a3", "attribute:placeholder", "ابحث"),
        ("a4", "attribute:aria-label", "بحث في الموقع"),
        ("t7", "text", "الأمر"),
        ("t8", "text", "يبقى."),
        ("t9", "text", paragraphs[1]),
    ]


def test_identity_changes_only_dir_and_lang(page: str) -> None:
    document = read_document(page, "html")
    assert render_document(document, identity(document)) == _ltr(page)
    assert render_document(document, {}) == _ltr(page)


def test_english_render_keeps_markup(page: str) -> None:
    document = read_document(page, "html")
    output = render_document(document, english(document))
    names = re.findall(r"</?([a-zA-Z0-9!-]+)", output)
    assert names == re.findall(r"</?([a-zA-Z0-9!-]+)", page)
    for kept in (
        '<style>.lead::before { content: "عاجل"; }</style>',
        '<script>var label = "<p>نص في سكربت</p>"; if (a < b) { go(); }</script>',
        "<!-- تعليق لا يترجم -->",
        "<pre>سطر محفوظ</pre>",
        "<code>رمز_برمجي</code>",
        "<noscript>فعّل جافاسكربت</noscript>",
        '<p translate="no">اسم علم لا يترجم</p>',
        '<article class="story" data-id="42">',
        '<img src="/img/putin.jpg"',
        "<p>English only 2025</p>",
        '<html lang="en" dir="ltr">',
        '<p lang="en" dir="ltr">EN:',
    ):
        assert kept in output, kept
    assert '<h1 title="EN:عنوان الخبر">EN:بوتين' in output
    assert "alt='EN:الرئيس &quot;بوتين&quot;'" in output
    assert 'placeholder="EN:ابحث"' in output  # unquoted value gets quotes
    assert "EN:إن &quot;السلام&quot;" not in output  # text nodes only escape & < >
    assert 'EN:إن "السلام" ممكن\xa0الآن &lt;قريباً&gt;.' in output
    again = read_document(output, "html")
    assert len(again.blocks) == len(document.blocks)


def test_untranslated_entities_are_kept_verbatim() -> None:
    source = "<p>&#1575;&#x644;&#1582;&#1576;&#1585; &amp; &copy;</p><p>نص</p>"
    document = read_document(source, "html")
    assert document.blocks[0].text == "الخبر & ©"
    assert render_document(document, {"t2": "text"}) == (
        "<p>&#1575;&#x644;&#1582;&#1576;&#1585; &amp; &copy;</p><p>text</p>"
    )


def test_whitespace_around_text_is_kept() -> None:
    source = "<p>\n    نص عربي\n  </p>"
    document = read_document(source, "html")
    assert document.blocks[0].text == "نص عربي"
    assert render_document(document, {"t1": "Arabic text"}) == "<p>\n    Arabic text\n  </p>"


@pytest.mark.parametrize(
    ("source", "texts"),
    [
        ("<p>نص بلا إغلاق <b>عريض <i>مائل", ["نص بلا إغلاق", "عريض", "مائل"]),
        ("<div>أ < ب و 3 <4 </> ج</div>", ["أ < ب و 3 <4", "ج"]),
        ("<p title='لم يغلق>نص</p>", ["نص"]),
        ("<![if !IE]><p>نص</p><![endif]>", ["نص"]),
        ("<p>نص &amp غير &xyz; مكتمل &", ["نص & غير &xyz; مكتمل &"]),
        ("</p></div>نص بعد إغلاق يتيم", ["نص بعد إغلاق يتيم"]),
        ("<script>غير مغلق", []),
        ("<p>نص</p><", ["نص"]),
        ("<!-- تعليق غير مغلق <p>نص</p>", ["نص"]),
        ('<a href="x" title="أ" title="ب">ج</a>', ["أ", "ب", "ج"]),
        ("<?xml version='1.0'?><p>نص</p>", ["نص"]),
        ("<p\nclass=x\n>سطر\nثان</p>", ["سطر\nثان"]),
        ("<p>أ</p>\x00<p>ب</p>", ["أ", "ب"]),
    ],
)
def test_malformed_html_is_best_effort(source: str, texts: list[str]) -> None:
    document = read_document(source, "html")
    assert [b.text for b in document.blocks] == texts
    assert render_document(document, identity(document)) == source
    output = render_document(document, english(document))
    assert output.count("EN:") == len(texts)
    tag_names = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
    assert tag_names.findall(output) == tag_names.findall(source)


def test_every_truncation_of_a_page_survives(page: str) -> None:
    for cut in range(0, len(page), 37):
        source = page[:cut]
        document = read_document(source, "html")
        assert _ltr(render_document(document, identity(document))) == _ltr(source)
        output = render_document(document, english(document))
        assert output.count("EN:") == len(document.blocks)

"""``find_dates`` / ``date_hints`` on real Arabic: the example article, UN documents, FLORES, TICO.

Lines are picked from the shared data by a phrase they contain, so each test shows the
sentence it is about. The shared data holds no Hijri date, so those sentences are written here
in the style of Saudi and Gulf news.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.terms import DateMention, date_hints, find_dates


@pytest.fixture(scope="module")
def arabic_lines(shared_dir: Path) -> list[str]:
    """Every Arabic line of the shared data: FLORES dev, TICO-19 test, the UN pool."""
    data = shared_dir / "data"
    files = ["eval/flores200.dev.ar", "eval/tico19.test.ar", "pool/un.dev.ar"]
    return [line for f in files for line in (data / f).read_text(encoding="utf-8").splitlines()]


def _line(lines: list[str], phrase: str) -> str:
    return next(line for line in lines if phrase in line)


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.surface, m.english, m.kind) for m in find_dates(text)]


def test_today_and_yesterday_with_their_weekday_in_the_example_article(shared_dir: Path) -> None:
    article = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    mentions = find_dates(article)
    today = mentions[0]
    assert today == DateMention(
        today.start, today.end, "اليوم (الثلاثاء)", "today (Tuesday)", "relative"
    )
    assert article[today.start : today.end] == "اليوم (الثلاثاء)"
    assert ("أمس (الإثنين)", "yesterday (Monday)", "relative") in _found(article)
    # the bare «اليوم» of «قال … زيلينسكي، اليوم، إن» may be "the day": no hint for it
    assert [m.surface for m in mentions].count("اليوم") == 0
    assert _found("أعلن المتحدث اليوم الثلاثاء أن") == [
        ("اليوم الثلاثاء", "today, Tuesday", "relative")
    ]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # Levantine/Iraqi and Egyptian names paired by a slash, as UN documents write them
        ("المؤرخ 15 كانون الأول/ديسمبر 1955", [("كانون الأول/ديسمبر", "December", "month")]),
        (
            "يوم الجمعة 6 آذار/مارس 2015",
            [("يوم الجمعة", "Friday", "weekday"), ("آذار/مارس", "March", "month")],
        ),
        ("13-24 تموز/يوليه 2015", [("تموز/يوليه", "July", "month")]),
        ("في يومي 24 و25 تشرين الأول/أكتوبر 2013", [("تشرين الأول/أكتوبر", "October", "month")]),
        (
            "في آذار/مارس ونيسان/أبريل 2014",
            [("آذار/مارس", "March", "month"), ("نيسان/أبريل", "April", "month")],
        ),
        # FLORES: «في شهر أَيَّار عام 1969», harakat and all; TICO: the Egyptian «مارس»
        ("في شهر أَيَّار عام 1969", [("أَيَّار", "May", "month")]),
        ("في 23 مارس، لم تفحص", [("مارس", "March", "month")]),
        ("في مارس هذا العام", [("مارس", "March", "month")]),
        (
            "في موسم الأمطار (من نوفمبر إلى مارس)",
            [("نوفمبر", "November", "month"), ("مارس", "March", "month")],
        ),
    ],
)
def test_months_in_real_sentences(
    arabic_lines: list[str], phrase: str, expected: list[tuple[str, str, str]]
) -> None:
    line = _line(arabic_lines, phrase)
    start = line.index(phrase)
    found = [
        (m.surface, m.english, m.kind)
        for m in find_dates(line)
        if start <= m.start < start + len(phrase)
    ]
    assert found == expected


def test_a_name_in_the_other_system_in_brackets_is_one_mention() -> None:
    assert _found("وقع الاتفاق في 3 يناير (كانون الثاني) 2020") == [
        ("يناير (كانون الثاني)", "January", "month")
    ]
    mention = find_dates("في يوليه/تموز")[0]
    assert (mention.start, mention.end, mention.english) == (3, 13, "July")


@pytest.mark.parametrize(
    "phrase",
    [
        "73 (هـ)",  # UN «المادة 73 (هـ)»: item (e) of a list, not a Hijri marker
        "مبادئ دكا للهجرة بكرامة",  # «للهجرة»: "for migration"
        "بمشاركة الممثلَين الاثنين",  # «الاثنين» after a definite noun: "the two"
        "أو الإسهال أو الاثنين معًا",  # "or both"
        "أكبر عدد وفيات في يوم واحد",  # «واحد» is not و + «أحد» (Sunday)
        "المريض صفر",  # «صفر»: zero
        "بما فيها المدينة المحرمة في بكين",  # «المحرمة»: the Forbidden City
        "لويجي دي مايو",  # Di Maio
        "أُفيد بأن مايو كلينيك",  # the Mayo Clinic
        "مثل فيروس مارس، وسارس",  # MERS
        "تُمارس هذه الرياضة",  # "is practised"
        "ستمارس حقها في الدفاع",
        "يرتبط بالخلايا الصفراوية",  # «صفر» inside a word
    ],
)
def test_words_that_only_look_like_dates_are_not_dates(
    arabic_lines: list[str], phrase: str
) -> None:
    line = _line(arabic_lines, phrase)
    start = line.index(phrase)
    assert [m for m in find_dates(line) if start <= m.start < start + len(phrase)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مارس الرئيس ضغوطا كبيرة", []),  # a verb: "practised"
        ("ومارس الضغط في مارس الماضي", [("مارس", "March", "month")]),
        ("قابل أباه، وباب المندب، وأب", []),  # father, door: never آب without a number
        ("في 14 آب 2019", [("آب", "August", "month")]),
        ("رجب طيب أردوغان", []),  # the given name
        ("يصوم المسلمون في رجب", [("رجب", "Rajab", "hijri_month")]),
        ("نتائج شركة نيسان للسيارات", []),  # Nissan
        ("في نيسان الماضي", [("نيسان", "April", "month")]),
        ("والأعضاء الأحد عشر", []),  # "the eleven"
        ("يوم الأحد ضد بولونيا", [("يوم الأحد", "Sunday", "weekday")]),
        ("عقد الاجتماع والثلاثاء", [("الثلاثاء", "Tuesday", "weekday")]),
        ("يوم جمعة", [("يوم جمعة", "Friday", "weekday")]),
        ("وقال جمعة", []),  # a name without «يوم»
    ],
)
def test_ambiguous_names_need_their_evidence(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("في 15 رمضان 1445 هـ", [("15 رمضان 1445 هـ", "15 Ramadan 1445 AH", "hijri_date")]),
        ("في 15 رمضان ١٤٤٥هـ", [("15 رمضان ١٤٤٥هـ", "15 Ramadan 1445 AH", "hijri_date")]),
        ("توفي عام 1445 هـ", [("عام 1445 هـ", "1445 AH", "hijri_date")]),
        ("في العام الهجري 1446", [("العام الهجري 1446", "1446 AH", "hijri_date")]),
        ("سنة 654 للهجرة", [("سنة 654 للهجرة", "654 AH", "hijri_date")]),
        ("في 10 صفر 1446 هـ", [("10 صفر 1446 هـ", "10 Safar 1446 AH", "hijri_date")]),
        ("غرة شهر محرم", [("محرم", "Muharram", "hijri_month")]),
        ("يوم عرفة 9 ذي الحجة", [("9 ذي الحجة", "9 Dhu al-Hijjah", "hijri_date")]),
        ("في ربيع الأول", [("ربيع الأول", "Rabi al-Awwal", "hijri_month")]),
        ("خلال شهر رمضان المبارك", [("رمضان", "Ramadan", "hijri_month")]),
    ],
)
def test_hijri_dates_stay_hijri(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _found(text) == expected


def test_a_hijri_date_beside_its_gregorian_equivalent() -> None:
    text = "أعلنت المحكمة العليا أن الاثنين 1 رمضان 1445 هـ الموافق 11 مارس 2024 أول أيام الصيام"
    assert _found(text) == [
        ("الاثنين", "Monday", "weekday"),
        ("1 رمضان 1445 هـ", "1 Ramadan 1445 AH", "hijri_date"),
        ("مارس", "March", "month"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("في أمس الحاجة إلى الماء", []),  # "most in need"
        ("وقد غدا الأمر صعبا", []),  # "it became"
        ("يصل الوفد غداً", [("غداً", "tomorrow", "relative")]),
        ("حتى يوم أمس، بلغ عدد الحالات", [("يوم أمس", "yesterday", "relative")]),
        ("الساعة 10 صباح اليوم", [("صباح اليوم", "this morning", "relative")]),
        ("ظهر اليوم في الصورة", []),  # «ظهر»: "appeared"
        ("مساء أمس (الأحد)", [("مساء أمس (الأحد)", "yesterday evening (Sunday)", "relative")]),
    ],
)
def test_relative_days_only_where_unambiguous(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert _found(text) == expected


def test_offsets_leave_proclitics_outside_and_digits_of_both_scripts_count() -> None:
    text = "وبتموز و١٥ كانون الثاني ٢٠٢٤"
    mentions = find_dates(text)
    assert [(text[m.start : m.end], m.english) for m in mentions] == [
        ("تموز", "July"),
        ("كانون الثاني", "January"),
    ]


def test_date_hints_pair_the_arabic_as_written_with_its_english(shared_dir: Path) -> None:
    article = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    assert date_hints(article)[:2] == [
        ("اليوم (الثلاثاء)", "today (Tuesday)"),
        ("أمس (الإثنين)", "yesterday (Monday)"),
    ]
    assert date_hints("في كانون الثاني، وفي 15 رمضان 1445 هـ، ثم في كانون الثاني") == [
        ("كانون الثاني", "January"),
        ("15 رمضان 1445 هـ", "15 Ramadan 1445 AH"),
    ]


def test_real_data_has_dates_and_no_hijri_false_alarms(arabic_lines: list[str]) -> None:
    kinds = [m.kind for line in arabic_lines for m in find_dates(line)]
    assert kinds.count("month") > 900  # UN documents date everything
    assert kinds.count("weekday") >= 90
    assert "hijri_date" not in kinds and "hijri_month" not in kinds  # none in this data

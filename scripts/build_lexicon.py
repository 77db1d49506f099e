"""Regenerate the CLDR-derived parts of tarjama's news entity lexicon.

    pip install -e '.[lexicon]'        # Babel, which ships the Unicode CLDR data
    python scripts/build_lexicon.py    # rewrites src/tarjama/data/lexicon/cldr_*.tsv

Two files come out of it, both committed (tarjama does not need Babel at run time):

* ``cldr_territories.tsv``: every CLDR territory with an Arabic name (countries, dependent
  territories, world regions), Arabic from the ``ar`` locale and English from ``en``.
* ``cldr_cities.tsv``: a hand-picked subset of CLDR's time-zone exemplar cities. Only cities
  news writes about and whose CLDR Arabic spelling is the one Arab media use are taken; several
  CLDR spellings are poor (سمراء for Samara, برثا for Perth) and are left out.

CLDR names are not always the names news uses ("Congo - Kinshasa", "Türkiye", "St. Lucia", the
hyphenated «الكونغو - كينشاسا»), so the tables below override the English, replace unusable
Arabic, and add the variant spellings Arab media really use (أميركا، الدنمارك، المجر …). Every
override is written by hand and listed here, so the generated data can be traced line by line.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import babel
from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "src" / "tarjama" / "data" / "lexicon"

#: Codes that are not places: pseudo-locales, "unknown", "world", and the organisations CLDR
#: files among territories (EU, UN, eurozone; they are in organizations.tsv).
SKIP = {"XA", "XB", "ZZ", "001", "QO", "EU", "EZ", "UN", "021", "057"}

#: Non-sovereign territories (kind ``territory``); everything else with two letters is a country.
_TERRITORY_CODES = (
    "AC AI AS AW AX BL BM BQ BV CC CK CP CW CX DG EA EH FK FO GF GG GI GL GP GS GU HK HM IC IM "
    "IO JE KY MF MO MP MQ MS NC NF NU PF PM PN PR RE SH SJ SX TA TC TF TK UM VG VI WF YT"
)
TERRITORIES = set(_TERRITORY_CODES.split())

ENGLISH = {
    "AG": "Antigua and Barbuda",
    "BA": "Bosnia and Herzegovina",
    "BL": "Saint Barthélemy",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CI": "Ivory Coast",
    "CZ": "Czech Republic",
    "EA": "Ceuta and Melilla",
    "GS": "South Georgia and the South Sandwich Islands",
    "HK": "Hong Kong",
    "HM": "Heard Island and McDonald Islands",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "MF": "Saint Martin",
    "MM": "Myanmar",
    "MO": "Macau",
    "PM": "Saint Pierre and Miquelon",
    "PS": "Palestinian territories",
    "SH": "Saint Helena",
    "SJ": "Svalbard and Jan Mayen",
    "ST": "São Tomé and Príncipe",
    "TC": "Turks and Caicos Islands",
    "TL": "East Timor",
    "TR": "Turkey",
    "TT": "Trinidad and Tobago",
    "UM": "U.S. Minor Outlying Islands",
    "VA": "Vatican City",
    "VC": "Saint Vincent and the Grenadines",
    "WF": "Wallis and Futuna",
    "011": "West Africa",
    "014": "East Africa",
    "015": "North Africa",
    "017": "Central Africa",
    "030": "East Asia",
    "034": "South Asia",
    "145": "Western Asia",
}

#: Other English forms a reader accepts for the same place.
ALSO = {
    "CI": "Côte d'Ivoire",
    "CZ": "Czechia",
    "GB": "Britain|UK|U.K.",
    "MM": "Burma",
    "MO": "Macao",
    "TL": "Timor-Leste",
    "TR": "Türkiye",
    "US": "U.S.|US|United States of America|America",
    "VA": "Vatican|Holy See",
    "AE": "UAE",
    "KP": "DPRK",
    "CV": "Cabo Verde",
    "SZ": "Swaziland",
    "MK": "Macedonia",
}

#: CLDR Arabic that news never writes (parenthesised, hyphenated), replaced outright.
ARABIC_REPLACE = {
    "CD": "جمهورية الكونغو الديمقراطية|الكونغو الديمقراطية|كونغو الديمقراطية",
    "CG": "جمهورية الكونغو|الكونغو برازافيل",
    "HK": "هونغ كونغ|هونج كونج",
    "MM": "ميانمار|بورما",
    "MO": "ماكاو",
    "TL": "تيمور الشرقية|تيمور ليشتي",
    "CC": "جزر كوكوس",
}

#: Variant spellings Arab media use beside CLDR's.
ARABIC_EXTRA = {
    "AE": "الإمارات|دولة الإمارات|دولة الإمارات العربية المتحدة",
    "AF": "جمهورية أفغانستان",
    "BJ": "جمهورية بنين|دولة بنين",
    "GE": "جمهورية جورجيا|دولة جورجيا",
    "ML": "جمهورية مالي|دولة مالي",
    "OM": "سلطنة عمان",
    "AT": "جمهورية النمسا",
    "BA": "البوسنة|البوسنة والهرسك",
    "BD": "بنجلاديش|بنغلادش",
    "BH": "مملكة البحرين",
    "BY": "بيلاروسيا|روسيا البيضاء",
    "CF": "أفريقيا الوسطى",
    "CI": "كوت ديفوار",
    "CN": "جمهورية الصين الشعبية|الصين الشعبية",
    "CZ": "جمهورية التشيك|تشيكيا",
    "DE": "جمهورية ألمانيا الاتحادية",
    "DK": "الدنمارك|الدانمارك",
    "DO": "الدومينيكان",
    "EG": "جمهورية مصر العربية",
    "FR": "الجمهورية الفرنسية",
    "GB": "بريطانيا|بريطانيا العظمى|المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية",
    "GW": "غينيا-بيساو",
    "HU": "المجر",
    "IE": "إيرلندا|جمهورية أيرلندا",
    "IN": "جمهورية الهند",
    "IR": "الجمهورية الإسلامية الإيرانية|الجمهورية الإسلامية في إيران",
    "IS": "أيسلندا|إيسلندا",
    "JO": "المملكة الأردنية الهاشمية|المملكة الأردنية",
    "KG": "قرغيزستان|قيرغيزيا",
    "KP": "جمهورية كوريا الديمقراطية الشعبية",
    "KR": "جمهورية كوريا",
    "KW": "دولة الكويت",
    "LB": "الجمهورية اللبنانية",
    "LU": "لوكسمبورج",
    "MA": "المملكة المغربية",
    "MD": "مولدافيا",
    "MK": "مقدونيا",
    "MV": "المالديف",
    "NL": "مملكة هولندا",
    "NZ": "نيوزيلاندا",
    "PH": "الفيليبين",
    "PK": "جمهورية باكستان الإسلامية",
    "QA": "دولة قطر",
    "RU": "روسيا الاتحادية|الاتحاد الروسي",
    "SA": "السعودية",
    "SC": "سيشيل",
    "SY": "سورية|الجمهورية العربية السورية",
    "TR": "الجمهورية التركية",
    "TZ": "تنزانيا",
    "US": "الولايات المتحدة الأمريكية|الولايات المتحدة الأميركية|أمريكا|أميركا",
    "UY": "الأوروغواي|أوروغواي",
    "VA": "دولة الفاتيكان|الكرسي الرسولي",
    "VN": "فييتنام",
    "YE": "الجمهورية اليمنية",
    "150": "القارة الأوروبية",
    "142": "القارة الآسيوية",
    "002": "القارة الأفريقية|القارة السمراء",
    "143": "آسيا الوسطى",
    "419": "أميركا اللاتينية",
    "003": "أميركا الشمالية",
    "005": "أميركا الجنوبية",
    "013": "أميركا الوسطى",
    "019": "القارة الأمريكية",
}

#: Time-zone exemplar cities taken from CLDR: tz id → extra Arabic spellings ("" for none).
#: Cities that share their country's Arabic name (تونس، الجزائر، الكويت، جيبوتي …) are not
#: taken here: places.tsv and ambiguous.tsv deal with them.
CITIES = {
    "Africa/Abidjan": "",
    "Africa/Accra": "",
    "Africa/Addis_Ababa": "",
    "Africa/Asmera": "أسمرا",
    "Africa/Bamako": "",
    "Africa/Banjul": "",
    "Africa/Bissau": "",
    "Africa/Brazzaville": "",
    "Africa/Bujumbura": "",
    "Africa/Cairo": "",
    "Africa/Casablanca": "",
    "Africa/Conakry": "",
    "Africa/Dakar": "",
    "Africa/Dar_es_Salaam": "",
    "Africa/Freetown": "فريتاون",
    "Africa/Gaborone": "",
    "Africa/Harare": "",
    "Africa/Johannesburg": "جوهانسبورغ",
    "Africa/Juba": "",
    "Africa/Kampala": "",
    "Africa/Khartoum": "",
    "Africa/Kigali": "",
    "Africa/Kinshasa": "",
    "Africa/Lagos": "",
    "Africa/Libreville": "",
    "Africa/Lome": "",
    "Africa/Luanda": "",
    "Africa/Lusaka": "",
    "Africa/Malabo": "",
    "Africa/Maputo": "",
    "Africa/Maseru": "",
    "Africa/Mbabane": "",
    "Africa/Mogadishu": "مقديشو",
    "Africa/Monrovia": "",
    "Africa/Nairobi": "",
    "Africa/Ndjamena": "إنجامينا|انجامينا",
    "Africa/Niamey": "",
    "Africa/Nouakchott": "",
    "Africa/Ouagadougou": "",
    "Africa/Porto-Novo": "",
    "Africa/Windhoek": "",
    "America/Asuncion": "",
    "America/Bogota": "",
    "America/Buenos_Aires": "بوينس آيرس|بوينس أيرس",
    "America/Caracas": "",
    "America/Chicago": "",
    "America/Denver": "",
    "America/Detroit": "",
    "America/Havana": "",
    "America/La_Paz": "",
    "America/Lima": "",
    "America/Los_Angeles": "لوس أنجلوس|لوس أنجليس",
    "America/Managua": "",
    "America/Mexico_City": "",
    "America/Montevideo": "",
    "America/Nassau": "",
    "America/New_York": "",
    "America/Paramaribo": "",
    "America/Phoenix": "",
    "America/Port-au-Prince": "",
    "America/Port_of_Spain": "",
    "America/Santiago": "",
    "America/Santo_Domingo": "",
    "America/Sao_Paulo": "",
    "America/Tegucigalpa": "",
    "America/Tijuana": "",
    "America/Toronto": "",
    "America/Vancouver": "",
    "Asia/Aden": "",
    "Asia/Almaty": "",
    "Asia/Ashgabat": "عشق أباد|عشقاباد",
    "Asia/Baghdad": "",
    "Asia/Baku": "",
    "Asia/Bangkok": "",
    "Asia/Beirut": "",
    "Asia/Bishkek": "",
    "Asia/Colombo": "",
    "Asia/Damascus": "",
    "Asia/Dhaka": "",
    "Asia/Dubai": "",
    "Asia/Dushanbe": "",
    "Asia/Jakarta": "",
    "Asia/Jerusalem": "",
    "Asia/Kabul": "",
    "Asia/Karachi": "",
    "Asia/Katmandu": "",
    "Asia/Kuala_Lumpur": "كوالالمبور",
    "Asia/Manila": "",
    "Asia/Muscat": "",
    "Asia/Nicosia": "",
    "Asia/Phnom_Penh": "",
    "Asia/Pyongyang": "بيونغيانغ|بيونج يانج",
    "Asia/Riyadh": "",
    "Asia/Samarkand": "",
    "Asia/Seoul": "سيول",
    "Asia/Shanghai": "شانغهاي",
    "Asia/Taipei": "",
    "Asia/Tashkent": "",
    "Asia/Tbilisi": "",
    "Asia/Tehran": "",
    "Asia/Thimphu": "",
    "Asia/Tokyo": "",
    "Asia/Vientiane": "",
    "Asia/Yerevan": "",
    "Atlantic/Reykjavik": "",
    "Australia/Adelaide": "أديلايد",
    "Australia/Hobart": "",
    "Australia/Melbourne": "ملبورن",
    "Australia/Sydney": "",
    "Europe/Amsterdam": "",
    "Europe/Athens": "",
    "Europe/Belgrade": "",
    "Europe/Berlin": "",
    "Europe/Bratislava": "",
    "Europe/Brussels": "",
    "Europe/Bucharest": "",
    "Europe/Budapest": "",
    "Europe/Chisinau": "كيشيناو",
    "Europe/Copenhagen": "كوبنهاجن",
    "Europe/Dublin": "",
    "Europe/Helsinki": "",
    "Europe/Istanbul": "إستانبول",
    "Europe/Kaliningrad": "كالينينغراد",
    "Europe/Kiev": "",
    "Europe/Lisbon": "",
    "Europe/Ljubljana": "",
    "Europe/London": "",
    "Europe/Madrid": "",
    "Europe/Minsk": "",
    "Europe/Moscow": "",
    "Europe/Oslo": "",
    "Europe/Paris": "",
    "Europe/Prague": "",
    "Europe/Riga": "",
    "Europe/Rome": "",
    "Europe/Sarajevo": "",
    "Europe/Simferopol": "",
    "Europe/Sofia": "",
    "Europe/Stockholm": "",
    "Europe/Tallinn": "",
    "Europe/Tirane": "",
    "Europe/Vienna": "",
    "Europe/Vilnius": "",
    "Europe/Warsaw": "",
    "Europe/Zagreb": "",
    "Europe/Zurich": "",
    "Indian/Antananarivo": "",
    "Pacific/Auckland": "",
    "Pacific/Honolulu": "",
}

#: English for cities whose ``en`` exemplar name is not the news name (or is missing).
CITY_ENGLISH = {
    "Asia/Katmandu": "Kathmandu",
    "Africa/Asmera": "Asmara",
    "Africa/Ndjamena": "N'Djamena",
    "Europe/Tirane": "Tirana",
}

HEADER = "id\tenglish\tarabic\ttype\tkind\talso\n"


def _fold(form: str) -> str:
    """Roughly what the matcher folds (alef/hamza forms, ى, ة, harakat), to drop duplicates."""
    form = re.sub("[\u064b-\u0652\u0670]", "", form)
    return form.translate(str.maketrans("أإآى", "اااي")).replace("ة", "ه")


def _clean(forms: str) -> str:
    """Drop CLDR spellings news never writes and spellings the matcher folds together."""
    seen: dict[str, str] = {}
    for form in forms.split("|"):
        form = form.strip()
        if not form or " - " in form or re.search(r"[()]", form):
            continue
        seen.setdefault(_fold(form), form)
    return "|".join(seen.values())


def territories(ar: Locale, en: Locale) -> list[str]:
    """Rows of ``cldr_territories.tsv``."""
    rows = []
    for code in sorted(ar.territories):
        if code in SKIP or code not in en.territories:
            continue
        english = ENGLISH.get(code, en.territories[code])
        english = english[:1].upper() + english[1:]
        arabic = ARABIC_REPLACE.get(code, ar.territories[code])
        arabic = _clean(arabic + "|" + ARABIC_EXTRA.get(code, ""))
        if code.isdigit():
            entity_id, kind = f"region:{code}", "region"
        else:
            entity_id = f"country:{code.lower()}"
            kind = "territory" if code in TERRITORIES else "country"
        rows.append(f"{entity_id}\t{english}\t{arabic}\tplace\t{kind}\t{ALSO.get(code, '')}\n")
    return rows


def cities(ar: Locale, en: Locale) -> list[str]:
    """Rows of ``cldr_cities.tsv``."""
    rows = []
    for tz, extra in CITIES.items():
        arabic = ar.time_zones.get(tz, {}).get("city")
        if not arabic:
            raise SystemExit(f"CLDR has no Arabic exemplar city for {tz}")
        english = (
            CITY_ENGLISH.get(tz)
            or en.time_zones.get(tz, {}).get("city")
            or tz.rsplit("/", 1)[1].replace("_", " ")
        )
        ascii_name = unicodedata.normalize("NFKD", english).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
        rows.append(f"place:{slug}\t{english}\t{_clean(arabic + '|' + extra)}\tplace\tcity\t\n")
    return sorted(rows)


def main() -> None:
    """Write both files; say which Babel/CLDR made them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out = parser.parse_args().out
    ar, en = Locale("ar"), Locale("en")
    stamp = (
        "# Generated by scripts/build_lexicon.py from Unicode CLDR via Babel "
        f"{babel.__version__}.\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "cldr_territories.tsv").write_text(
        stamp + HEADER + "".join(territories(ar, en)), encoding="utf-8"
    )
    (out / "cldr_cities.tsv").write_text(stamp + HEADER + "".join(cities(ar, en)), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Google Trends' interface words, per language: used only to *name* what the data leave open.

The reader finds the layout from the shape of the file and the period from the dates themselves; this
table is consulted only where the data are ambiguous: the resolution of a one-row timeline, the level
of a region map whose names match no country or subdivision, the date order (day-first or
month-first) of a header's date range, and the "worldwide" geo name. An unknown word never makes a
file unreadable by itself.

Words marked ``# seen`` were read from real exports in ``tests/fixtures/webexports/`` (see its
MANIFEST.yaml); the others are the Trends site's words as its interface shows them in that language.
"""
from __future__ import annotations

import unicodedata

__all__ = ["PERIOD_WORDS", "LEVEL_WORDS", "WORLDWIDE", "DATE_ORDER", "period_of", "level_of", "languages_of",
           "looks_like_known_word", "fold", "is_worldwide", "category_languages",
           "MONTH_FIRST", "INTERFACE_LANGUAGES"]

# language -> (hour words, day words, week words, month words)
_PERIODS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("Time",), ("Day",), ("Week",), ("Month",)),  # seen
    "ru": (("Время",), ("День",), ("Неделя",), ("Месяц",)),  # seen
    "uk": (("Час",), ("День",), ("Тиждень",), ("Місяць",)),  # seen (Тиждень)
    "be": (("Час",), ("Дзень",), ("Тыдзень",), ("Месяц",)),
    "bg": (("Време", "Час"), ("Ден",), ("Седмица",), ("Месец",)),
    "sr": (("Време",), ("Дан",), ("Недеља",), ("Месец",)),
    "kk": (("Уақыт",), ("Күн",), ("Апта",), ("Ай",)),
    "de": (("Zeit", "Uhrzeit"), ("Tag",), ("Woche",), ("Monat",)),  # seen (Monat)
    "fr": (("Heure", "Temps"), ("Jour",), ("Semaine",), ("Mois",)),  # seen (semaine)
    "es": (("Tiempo", "Hora"), ("Día",), ("Semana",), ("Mes",)),
    "pt": (("Tempo", "Hora"), ("Dia",), ("Semana",), ("Mês",)),
    "it": (("Ora", "Tempo"), ("Giorno",), ("Settimana",), ("Mese",)),  # seen (Mese)
    "ca": (("Temps", "Hora"), ("Dia",), ("Setmana",), ("Mes",)),
    "nl": (("Tijd",), ("Dag",), ("Week",), ("Maand",)),
    "da": (("Tid", "Tidspunkt"), ("Dag",), ("Uge",), ("Måned",)),  # seen (Måned)
    "no": (("Tid", "Tidspunkt"), ("Dag",), ("Uke",), ("Måned",)),  # seen (Måned)
    "sv": (("Tid",), ("Dag",), ("Vecka",), ("Månad",)),
    "fi": (("Aika",), ("Päivä",), ("Viikko",), ("Kuukausi",)),
    "et": (("Aeg",), ("Päev",), ("Nädal",), ("Kuu",)),
    "lv": (("Laiks",), ("Diena",), ("Nedēļa",), ("Mēnesis",)),
    "lt": (("Laikas",), ("Diena",), ("Savaitė",), ("Mėnuo",)),
    "pl": (("Czas",), ("Dzień",), ("Tydzień",), ("Miesiąc",)),
    "cs": (("Čas",), ("Den",), ("Týden",), ("Měsíc",)),
    "sk": (("Čas",), ("Deň",), ("Týždeň",), ("Mesiac",)),
    "hu": (("Idő",), ("Nap",), ("Hét",), ("Hónap",)),
    "ro": (("Oră", "Timp"), ("Zi",), ("Săptămână", "Săptămâna"), ("Lună",)),  # seen (Săptămâna)
    "hr": (("Vrijeme",), ("Dan",), ("Tjedan",), ("Mjesec",)),
    "sl": (("Čas",), ("Dan",), ("Teden",), ("Mesec",)),
    "el": (("Ώρα", "Χρόνος"), ("Ημέρα",), ("Εβδομάδα",), ("Μήνας",)),
    "tr": (("Zaman", "Saat"), ("Gün",), ("Hafta",), ("Ay",)),  # seen (Hafta)
    "he": (("שעה", "זמן"), ("יום",), ("שבוע",), ("חודש",)),
    "ar": (("الوقت",), ("اليوم",), ("الأسبوع",), ("الشهر",)),
    "fa": (("زمان",), ("روز",), ("هفته",), ("ماه",)),
    "hi": (("समय",), ("दिन",), ("सप्ताह",), ("महीना",)),
    "bn": (("সময়",), ("দিন",), ("সপ্তাহ",), ("মাস",)),
    "th": (("เวลา",), ("วัน",), ("สัปดาห์",), ("เดือน",)),
    "vi": (("Thời gian",), ("Ngày",), ("Tuần",), ("Tháng",)),
    "id": (("Waktu",), ("Hari",), ("Minggu",), ("Bulan",)),
    "ms": (("Masa",), ("Hari",), ("Minggu",), ("Bulan",)),
    "fil": (("Oras",), ("Araw",), ("Linggo",), ("Buwan",)),
    "zh": (("时间", "時間"), ("日", "天"), ("周", "週"), ("月", "月份")),  # seen (週)
    "ja": (("時間",), ("日",), ("週",), ("月",)),
    "ko": (("시간",), ("일",), ("주",), ("월",)),  # seen (월)
}
# language -> (country words, subregion words, metro words, city words)
_LEVELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("Country",), ("Region", "Subregion", "State"), ("Metro", "DMA"), ("City",)),  # seen
    "ru": (("Страна",), ("Регион", "Регионы", "Область"), ("Метрополия",), ("Город",)),  # seen (Регионы)
    "uk": (("Країна",), ("Регіон", "Область"), (), ("Місто",)),
    "bg": (("Държава",), ("Регион", "Област"), (), ("Град",)),
    "sr": (("Земља",), ("Регион",), (), ("Град",)),
    "de": (("Land",), ("Region", "Bundesland"), ("Metropolregion",), ("Stadt",)),  # seen (Land)
    "fr": (("Pays",), ("Région", "Sous-région"), ("Zone métropolitaine",), ("Ville",)),
    "es": (("País",), ("Región", "Subregión"), ("Área metropolitana",), ("Ciudad",)),  # seen (Región)
    "pt": (("País",), ("Região", "Sub-região"), ("Área metropolitana",), ("Cidade",)),  # seen (Região)
    "it": (("Paese",), ("Regione",), ("Area metropolitana",), ("Città",)),
    "ca": (("País",), ("Regió",), (), ("Ciutat",)),
    "nl": (("Land",), ("Regio",), (), ("Stad",)),
    "da": (("Land",), ("Område", "Region"), (), ("By",)),
    "no": (("Land",), ("Område", "Region"), (), ("By",)),
    "sv": (("Land",), ("Region",), (), ("Stad",)),
    "fi": (("Maa",), ("Alue",), (), ("Kaupunki",)),
    "et": (("Riik",), ("Piirkond",), (), ("Linn",)),
    "lv": (("Valsts",), ("Reģions",), (), ("Pilsēta",)),
    "lt": (("Šalis",), ("Regionas",), (), ("Miestas",)),
    "pl": (("Kraj",), ("Region",), (), ("Miasto",)),
    "cs": (("Země",), ("Oblast", "Kraj"), (), ("Město",)),
    "sk": (("Krajina",), ("Oblasť", "Kraj"), (), ("Mesto",)),
    "hu": (("Ország",), ("Régió",), (), ("Város",)),
    "ro": (("Țară", "Ţară"), ("Regiune",), (), ("Oraș", "Oraş")),
    "hr": (("Zemlja", "Država"), ("Regija",), (), ("Grad",)),
    "sl": (("Država",), ("Regija",), (), ("Mesto",)),
    "el": (("Χώρα",), ("Περιοχή",), (), ("Πόλη",)),
    "tr": (("Ülke",), ("Bölge",), (), ("Şehir",)),
    "he": (("מדינה",), ("אזור",), (), ("עיר",)),
    "ar": (("البلد",), ("المنطقة",), (), ("المدينة",)),
    "fa": (("کشور",), ("منطقه",), (), ("شهر",)),
    "hi": (("देश",), ("क्षेत्र",), (), ("शहर",)),
    "th": (("ประเทศ",), ("ภูมิภาค",), (), ("เมือง",)),
    "vi": (("Quốc gia",), ("Khu vực", "Tiểu vùng"), (), ("Thành phố",)),  # seen (Khu vực)
    "id": (("Negara",), ("Wilayah", "Subwilayah"), (), ("Kota",)),  # seen (Wilayah)
    "ms": (("Negara",), ("Wilayah",), (), ("Bandar",)),
    "fil": (("Bansa",), ("Rehiyon",), (), ("Lungsod",)),
    "zh": (("国家/地区", "國家/地區", "国家", "國家"), ("区域", "地区", "區域", "地區"), ("大都市区",), ("城市",)),
    "ja": (("国",), ("地域",), ("大都市圏",), ("都市", "市区町村")),
    "ko": (("국가",), ("지역",), (), ("도시",)),  # seen (지역)
}
#: the word that starts the category line, per language (to tell the interface language, never required)
_CATEGORY: dict[str, tuple[str, ...]] = {
    "en": ("Category",), "ru": ("Категория",), "uk": ("Категорія",), "bg": ("Категория",), "sr": ("Категорија",),
    "de": ("Kategorie",), "cs": ("Kategorie",), "fr": ("Catégorie",), "es": ("Categoría",),
    "pt": ("Categoria",), "it": ("Categoria",), "ca": ("Categoria",), "tr": ("Kategori",), "da": ("Kategori",),
    "no": ("Kategori",), "sv": ("Kategori",), "id": ("Kategori",), "ms": ("Kategori",), "hu": ("Kategória",),
    "sk": ("Kategória",), "pl": ("Kategoria",), "hr": ("Kategorija",), "sl": ("Kategorija",),
    "lv": ("Kategorija",), "lt": ("Kategorija",), "et": ("Kategooria",), "nl": ("Categorie",),
    "ro": ("Categorie",), "fi": ("Luokka",), "el": ("Κατηγορία",), "vi": ("Danh mục",), "fil": ("Kategorya",),
    "zh": ("类别", "類別"), "ja": ("カテゴリ",), "ko": ("카테고리",), "he": ("קטגוריה",), "ar": ("الفئة",),
    "fa": ("دسته",), "hi": ("श्रेणी",), "th": ("หมวดหมู่",),
}
#: Google's name for "no geo" in the header's parenthesis, per interface
WORLDWIDE = ("Worldwide", "Весь мир", "Увесь світ", "Весь світ", "Weltweit", "Dans le monde entier", "Monde",
             "Todo el mundo", "Mundial", "Mundo", "Todo o mundo", "Em todo o mundo", "In tutto il mondo",
             "Tutto il mondo", "Mondo", "Wereldwijd", "Hele verden", "Hela världen", "Maailmanlaajuinen",
             "Koko maailma", "Cały świat", "Na całym świecie", "Celosvětově", "Celý svet", "Világszerte",
             "La nivel mondial", "Toată lumea", "Întreaga lume", "Цял свят", "Цео свет", "Diljem svijeta",
             "Po vsem svetu",
             "Παγκοσμίως", "Dünya Genelinde", "Dünya genelinde", "Tüm dünya", "כל העולם", "جميع أنحاء العالم",
             "سراسر جهان", "दुनिया भर में", "ทั่วโลก", "Toàn thế giới", "Seluruh dunia", "Seluruh Dunia",
             "Buong mundo", "全球", "全世界", "전 세계", "전세계", "A tot el món", "Kogu maailm", "Visā pasaulē",
             "Visame pasaulyje", "World")
#: the order of the numbers in each interface's short dates (CLDR): month-first en-US 'M/d/yy' and fil;
#: year-first in East Asian, Hungarian, Lithuanian, Swedish and Persian; day-first elsewhere
MONTH_FIRST = frozenset({"en", "fil"})
YEAR_FIRST = frozenset({"zh", "ja", "ko", "hu", "lt", "sv", "fa"})
#: the interface languages the tables cover
INTERFACE_LANGUAGES = frozenset(_PERIODS) | frozenset(_LEVELS)
DATE_ORDER = {lang: ("MDY" if lang in MONTH_FIRST else "YMD" if lang in YEAR_FIRST else "DMY")
              for lang in INTERFACE_LANGUAGES}
_RES = ("hour", "day", "week", "month")
_LEV = ("country", "region", "metro", "city")


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to compare names and words."""
    t = unicodedata.normalize("NFKD", text.strip().casefold())
    t = "".join(c for c in t if not unicodedata.combining(c)).replace("’", "'")
    return unicodedata.normalize("NFC", t)  # recompose what has no accent to drop (Hangul syllables)


def _index(table: dict[str, tuple[tuple[str, ...], ...]], names: tuple[str, ...]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang, groups in table.items():
        for name, words in zip(names, groups):
            for w in words:
                out.setdefault(fold(w), {})[lang] = name
    return out


PERIOD_WORDS = _index(_PERIODS, _RES)
LEVEL_WORDS = _index(_LEVELS, _LEV)
_CATEGORY_WORDS: dict[str, set[str]] = {}
for _lang, _words in _CATEGORY.items():
    for _w in _words:
        _CATEGORY_WORDS.setdefault(fold(_w), set()).add(_lang)
_WORLDWIDE = {fold(w) for w in WORLDWIDE}


def period_of(word: str) -> set[str]:
    """The resolutions a first header cell can name in any language (empty when unknown)."""
    return set(PERIOD_WORDS.get(fold(word), {}).values())


def level_of(word: str) -> set[str]:
    """The region levels a first header cell can name in any language (empty when unknown)."""
    return set(LEVEL_WORDS.get(fold(word), {}).values())


def languages_of(*words: str) -> set[str]:
    """Interface languages in which all the given known words occur (unknown words are ignored)."""
    langs: set[str] | None = None
    for w in words:
        f = fold(w)
        found = set(PERIOD_WORDS.get(f, {})) | set(LEVEL_WORDS.get(f, {}))
        if found:
            langs = found if langs is None else (langs & found or langs)
    return langs or set()


def is_worldwide(name: str) -> bool:
    return fold(name) in _WORLDWIDE


def category_languages(word: str) -> set[str]:
    """Languages whose category line starts with ``word`` (empty when the language is not listed)."""
    return set(_CATEGORY_WORDS.get(fold(word), ()))


def looks_like_known_word(cell: str) -> bool:
    f = fold(cell)
    return bool(f) and (f in _CATEGORY_WORDS or f in PERIOD_WORDS or f in LEVEL_WORDS)

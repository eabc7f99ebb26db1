"""The languages briefing knows by name and code: one table for every stage.

A language is named as sumy and Snowball name it ("english", "german"); the
settings and a document may also give an ISO 639 code ("en", "deu"). The HTML
`lang` attribute takes the two-letter code.
"""

from __future__ import annotations

# name -> (ISO 639-1, other codes people write for it)
_LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "english": ("en", ("eng",)),
    "german": ("de", ("deu", "ger")),
    "french": ("fr", ("fra", "fre")),
    "spanish": ("es", ("spa",)),
    "italian": ("it", ("ita",)),
    "portuguese": ("pt", ("por",)),
    "czech": ("cs", ("ces", "cze")),
    "slovak": ("sk", ("slk", "slo")),
    "dutch": ("nl", ("nld", "dut")),
    "ukrainian": ("uk", ("ukr",)),
    "russian": ("ru", ("rus",)),
    "greek": ("el", ("ell", "gre")),
    "hebrew": ("he", ("heb",)),
    "japanese": ("ja", ("jpn",)),
    "chinese": ("zh", ("zho", "chi")),
    "korean": ("ko", ("kor",)),
    "arabic": ("ar", ("ara",)),
    "swedish": ("sv", ("swe",)),
    "danish": ("da", ("dan",)),
    "norwegian": ("no", ("nor",)),
    "finnish": ("fi", ("fin",)),
    "hungarian": ("hu", ("hun",)),
    "polish": ("pl", ("pol",)),
    "romanian": ("ro", ("ron", "rum")),
    "turkish": ("tr", ("tur",)),
}
_BY_CODE = {
    code: name
    for name, (iso, others) in _LANGUAGES.items()
    for code in (iso, *others)
}


LANGUAGES: tuple[str, ...] = tuple(_LANGUAGES)


def language_name(language: str | None) -> str:
    """"DE", "deu" or "German" -> "german"; an unknown name comes back lower-cased."""
    name = (language or "english").strip().lower()
    return _BY_CODE.get(name, name)


def html_lang(language: str | None) -> str:
    """The two-letter code for HTML's `lang` attribute; "en" for a language not in the table."""
    entry = _LANGUAGES.get(language_name(language))
    return entry[0] if entry else "en"

"""Language codes (BCP 47, as Folio stores them) as the language names babel, polyglossia
and biblatex's `langid` field use."""

from __future__ import annotations

# Region-specific names first: biblatex has its own localisation for each of these.
_REGIONAL = {
    "en-us": "american",
    "en-gb": "british",
    "en-ca": "canadian",
    "en-au": "australian",
    "en-nz": "newzealand",
    "de-at": "naustrian",
    "de-ch": "nswissgerman",
    "pt-br": "brazilian",
    "pt-pt": "portuguese",
    "fr-ca": "canadien",
    "sr-latn": "serbian",
    "sr-cyrl": "serbianc",
}
_LANGUAGES = {
    "af": "afrikaans",
    "ar": "arabic",
    "bg": "bulgarian",
    "ca": "catalan",
    "cs": "czech",
    "cy": "welsh",
    "da": "danish",
    "de": "ngerman",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "gl": "galician",
    "he": "hebrew",
    "hi": "hindi",
    "hr": "croatian",
    "hu": "magyar",
    "hy": "armenian",
    "id": "indonesian",
    "is": "icelandic",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "la": "latin",
    "lt": "lithuanian",
    "lv": "latvian",
    "mk": "macedonian",
    "ms": "malay",
    "nb": "norsk",
    "nl": "dutch",
    "nn": "nynorsk",
    "no": "norsk",
    "pl": "polish",
    "ps": "pashto",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sl": "slovene",
    "sq": "albanian",
    "sr": "serbian",
    "sv": "swedish",
    "th": "thai",
    "tr": "turkish",
    "uk": "ukrainian",
    "ur": "urdu",
    "vi": "vietnamese",
    "zh": "chinese",
}


def babel_language(code: str | None) -> str | None:
    """The babel name for a language code (`en-GB` → british, `de` → ngerman), or None for
    a code biblatex users would not recognise (then no `langid` is written)."""
    if not code:
        return None
    tag = code.strip().lower().replace("_", "-")
    parts = tag.split("-")
    for length in range(len(parts), 1, -1):
        name = _REGIONAL.get("-".join(parts[:length]))
        if name:
            return name
    return _LANGUAGES.get(parts[0])

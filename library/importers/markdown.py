"""Markdown importer: front matter and the first `# Heading` as metadata, the body as-is.

Front matter is parsed by hand (simple `key: value` pairs and `- item` lists) rather
than with a YAML library: captures and notes use only that much of YAML, and a full
parser would be a dependency for three field shapes.
"""

from __future__ import annotations

import re

from library.bylines import clean_byline
from library.extracted import ARTICLE_TYPES, Extracted, FieldValue
from library.webdates import parse_date
from library.webtext import extract_web_text

_FENCE = re.compile(r"^---\s*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s+(?P<value>.*?))?\s*$")
_LIST_ITEM = re.compile(r"^\s*-\s+(?P<item>.*?)\s*$")
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]+(?P<title>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")
_CODE_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_INLINE_LINK = re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_INLINE_MARKUP = re.compile(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)|`+|<[^>]+>")
_URL = re.compile(r"https?://\S+$")
_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s+and\s+|\s*&\s*")

# Front-matter keys, by the field they fill. Several spellings are common in the wild
# (Jekyll, Hugo, Obsidian clippers, Pandoc).
_TITLE_KEYS = ("title",)
_SUBTITLE_KEYS = ("subtitle",)
_AUTHOR_KEYS = ("authors", "author", "creator", "creators", "byline")
_DATE_KEYS = ("date", "published", "created", "pubdate", "date_published")
_URL_KEYS = ("url", "source", "link", "canonical_url", "original_url")
_SITE_KEYS = ("site", "site_name", "publisher", "publication", "website")
_LANGUAGE_KEYS = ("language", "lang")

FrontMatter = dict[str, str | list[str]]


def extract_markdown(text: str) -> Extracted:
    """Clean text and metadata from a decoded, normalised `.md` file.

    Front matter (a `---` block at the very top) gives "found" title, subtitle,
    authors, date, url, site, language and type, and is removed from the text.
    Without a front-matter title the first `# Heading` is the title. The body then
    loses page furniture at its ends like plain text does; its Markdown stays as is.
    """
    front, body = split_front_matter(text)
    fields = _front_matter_fields(front or {})
    if not body.strip():
        return Extracted(text="", fields=fields)  # the caller refuses a text-less file
    if "title" not in fields and (heading := first_h1(body)):
        fields["title"] = FieldValue(heading)
    return extract_web_text(body, fields, markdown=True)


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """The parsed front matter (None without one) and the text after it.

    Front matter needs a `---` first line and a closing `---` (or `...`) line; an
    unclosed block is an ordinary thematic break and stays in the text.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return None, text
    end = next((i for i in range(1, len(lines)) if _FENCE_END.match(lines[i])), None)
    if end is None:
        return None, text
    body = "\n".join(lines[end + 1 :]).lstrip("\n")
    return parse_front_matter(lines[1:end]), body


def parse_front_matter(lines: list[str]) -> FrontMatter:
    """`key: value` pairs and `key:` + `- item` lists; anything fancier is skipped.

    Keys are lower-cased. Quotes around a value and inline lists `[a, b]` are read;
    nested maps and block scalars (`|`, `>`) are ignored rather than misread.
    """
    data: FrontMatter = {}
    key: str | None = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if key is not None and (item := _LIST_ITEM.match(line)):
            items = data.setdefault(key, [])
            if isinstance(items, list) and (value := _unquote(item.group("item"))):
                items.append(value)
            continue
        if line[:1].isspace():
            continue  # a nested map's line: not a shape this parser reads
        match = _KEY_VALUE.match(line)
        if match is None:
            key = None
            continue
        key = match.group("key").lower()
        value = (match.group("value") or "").strip()
        if value in ("", "|", ">", "|-", ">-"):
            data.pop(key, None)  # a list may follow; a block scalar is skipped
            continue
        data[key] = _inline_list(value) if value.startswith("[") else _unquote(value)
        key = None
    return data


def first_h1(text: str) -> str | None:
    """The text of the first level-1 heading (`# Title` or `Title` over `===`), or None."""
    in_code = False
    previous = ""
    for line in text.split("\n"):
        if _CODE_FENCE.match(line):
            in_code, previous = not in_code, ""
            continue
        if in_code:
            continue
        if (match := _ATX_H1.match(line)) and match.group("title"):
            return _inline_text(match.group("title")) or None
        if _SETEXT_H1.match(line) and previous.strip():
            return _inline_text(previous.strip()) or None
        previous = line
    return None


def _front_matter_fields(data: FrontMatter) -> dict[str, FieldValue]:
    """Folio fields from front-matter keys; values that cannot be read are left out."""
    fields: dict[str, FieldValue] = {}
    if title := _first_text(data, _TITLE_KEYS):
        fields["title"] = FieldValue(_inline_text(title))
    if subtitle := _first_text(data, _SUBTITLE_KEYS):
        fields["subtitle"] = FieldValue(_inline_text(subtitle))
    if authors := _front_matter_authors(data):
        fields["authors"] = FieldValue(authors)
    if (raw_date := _first_text(data, _DATE_KEYS)) and (iso := parse_date(raw_date)):
        fields["date"] = FieldValue(iso)
    urls = [value for value in _texts(data, _URL_KEYS) if _URL.match(value)]
    if urls:
        fields["url"] = FieldValue(urls[0])
    site = _first_text(data, _SITE_KEYS)
    # `source: Foreign Policy` names a publication, not an address.
    site = site or next((v for v in _texts(data, ("source",)) if not _URL.match(v)), None)
    if site:
        fields["site"] = FieldValue(site)
    if language := _first_text(data, _LANGUAGE_KEYS):
        fields["language"] = FieldValue(language)
    if (kind := _first_text(data, ("type",))) and kind in ARTICLE_TYPES:
        fields["type"] = FieldValue(kind)
    return fields


def _front_matter_authors(data: FrontMatter) -> list[str]:
    """Authors from `author`/`authors`: a list, or one string with `and`, `;` or `&`.

    Each name goes through the byline cleaner like every other author (honorifics,
    credentials and labels such as "Admin" go); "Doe, Jane" stays one name rather than
    being split at its comma.
    """
    for key in _AUTHOR_KEYS:
        value = data.get(key)
        if not value:
            continue
        parts = value if isinstance(value, list) else _AUTHOR_SPLIT.split(value)
        names: list[str] = []
        for part in parts:
            names += _clean_names(part)
        return list(dict.fromkeys(names))
    return []


def _clean_names(part: str) -> list[str]:
    """The names in one front-matter author entry, cleaned ("Dr. Jane Doe, MS" → Jane Doe)."""
    byline = clean_byline(part)
    if byline.people or byline.organisation:
        return byline.authors()
    inverted = " ".join(part.split())
    return [inverted] if inverted.count(",") == 1 else []  # "Doe, Jane" as written


def _texts(data: FrontMatter, keys: tuple[str, ...]) -> list[str]:
    """The string values (or first list items) of `keys`, in key order."""
    found = []
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            found.append(value)
    return found


def _first_text(data: FrontMatter, keys: tuple[str, ...]) -> str | None:
    """The first non-empty string among `keys`."""
    texts = _texts(data, keys)
    return texts[0] if texts else None


def _unquote(value: str) -> str:
    """A scalar without its surrounding quotes and without a trailing ` # comment`."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    comment = value.find(" #")
    return (value[:comment] if comment >= 0 else value).strip()


def _inline_list(value: str) -> list[str]:
    """An inline list `[a, "b"]` as strings (commas inside quotes are not supported)."""
    inner = value.strip()[1:].rstrip().removesuffix("]")
    return [item for item in (_unquote(part) for part in inner.split(",")) if item]


def _inline_text(text: str) -> str:
    """Heading or title text without Markdown links, emphasis and code marks."""
    text = _INLINE_LINK.sub(r"\1", text)
    return " ".join(_INLINE_MARKUP.sub("", text).split())

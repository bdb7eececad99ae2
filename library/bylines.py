"""Author names from bylines, page metadata and front matter: one cleaner for every importer.

Whatever the source — a "By Jane Doe" line in a web capture, trafilatura's author string,
a PDF's /Author, a printed byline on a PDF's first page, Markdown front matter — names
go through `clean_byline`, so the same junk is handled the same way everywhere:

* "By", "Par", "Von", "Por", "Di", "Door", "Written by", "Posted by" and "Author:" go;
* dates, weekdays and month names stuck to a name go ("Carrie Arnold November");
* credentials go ("Jane Doe, MS, RDN", or the list ["Jane Doe", "MS", "RDN"]);
* job titles and generic labels go ("Senior Editor", "Admin", "Staff", "Web Team");
* news agencies and sites are not people: "ERIC TUCKER Associated Press" is the person
  Eric Tucker and the organisation Associated Press (the author when no person is
  named), "Cleveland com" is the site Cleveland.com (never an author);
* ALL-CAPS names are title-cased ("ERIC TUCKER" → "Eric Tucker").

`parse_authors` is the strict form for text that may not be a byline at all: when any
part does not look like a name, nothing is taken — a wrong author is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from library.webdates import DATE, MONTH, SEPARATORS

__all__ = [
    "Byline",
    "agency_name",
    "authors_in_sentence",
    "byline_remainder",
    "clean_byline",
    "is_role_line",
    "parse_authors",
]

_BYLINE = re.compile(
    r"^(?:(?:(?:written|words|posted|reported|story|text|photos?)\s+)?by\s+"
    r"|(?:par|von|por|di|door)\s+(?=\S)"
    r"|(?:authors?|writers?|byline|auteure?|autor(?:in|a)?)\s*:\s*)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# "…and the mills stop in winter. Writes Dr. Jane Doe" ends a standfirst.
_WRITES_SENTENCE = re.compile(r"(?:^|[,;:—–]\s)(?:writes|written by|reports)\s", re.IGNORECASE)
_BY_SENTENCE = re.compile(r"^by\s+(?P<rest>.+?)\.?$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:and|et|und)\s+|\s*&\s*", re.IGNORECASE)
_NAME_SEGMENT_SPLIT = re.compile(r"\s*[|•·]\s*|\s+[–—-]\s+")
_NAME_TAIL = re.compile(
    rf"\s+(?:on|at|le|am|el|em)\s+(?=\d|{MONTH}\b|[A-Z][a-z]+day\b).*$", re.IGNORECASE
)
_HONORIFIC = re.compile(
    r"^(?:(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev|fr|hon|mme|mlle|herr|frau"
    r"|sr|sra)\.?\s+)+(?=\S)",
    re.IGNORECASE,
)
# Credentials after a name: written in capitals ("MS", "RDN", "M.D.") or as below.
_CREDENTIALS = frozenset(
    "phd md ms msc ma mba mph mpa rd rdn ld ldn rn np pa-c cde cscs dds dmd dvm jd llm cpa cfa"
    " esq lcsw psyd edd bsc ba bs frcp mrcp facp faan obe mbe cbe ccc-slp otr cnm ibclc acsm"
    " cissp pmp drph mphil".split()
)
_MIXED_CASE_CREDENTIALS = frozenset("PhD Esq MSc BSc PsyD EdD DrPH MPhil".split())
_ROLE_LINE_WORDS = 6
# Longer than this, a string is not a byline (and is not worth the patterns' time).
_MAX_BYLINE_CHARS = 300
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri"
    " sat sun lundi mardi mercredi jeudi vendredi samedi dimanche montag dienstag mittwoch"
    " donnerstag freitag samstag sonntag lunes martes miércoles jueves viernes sábado domingo"
    " segunda-feira terça-feira quarta-feira quinta-feira sexta-feira".split()
)
_DATE_WORDS = frozenset(
    "today yesterday updated published posted am pm a.m p.m utc gmt est edt pst pdt cet cest"
    " bst ist".split()
)
_MONTH_WORD = re.compile(rf"{MONTH}\.?", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    "de da di do dos das du del della der den van von ter le la bin ibn bint al el y".split()
)
# Labels that stand where a byline's name would: nobody's name.
_GENERIC = frozenset(
    "admin administrator staff editor editors editorial board team desk newsroom webmaster"
    " guest contributor contributors correspondent reporter writer author anonymous web"
    " online digital wire the this that these our your news press view profile follow"
    " contact more posts articles email agencies agencias wires".split()
)
_ROLE_WORDS = frozenset(
    "editor editors correspondent reporter writer contributor columnist analyst fellow"
    " professor director author journalist chief senior staff associate bureau producer"
    " desk special contributing deputy managing executive photographer engineer manager"
    " scientist researcher designer developer officer consultant president founder ceo cto"
    " head member student intern spokesperson".split()
)
# Words only organisations' names have.
_ORGANISATION_WORDS = frozenset(
    "photography media group inc ltd llc gmbh studio studios network agency services company"
    " corp corporation association institute foundation society university department"
    " ministry council committee newspaper magazine gazette radio television tv"
    " broadcasting".split()
)
# News agencies and wire services: an organisation, never a person.
_AGENCIES = (
    "Associated Press", "AP", "Reuters", "Thomson Reuters", "AFP", "Agence France-Presse",
    "Agence France Presse", "Bloomberg", "Bloomberg News", "UPI", "United Press International",
    "Press Association", "PA Media", "PA", "dpa", "Deutsche Presse-Agentur", "EFE", "ANSA",
    "Kyodo", "Kyodo News", "Xinhua", "TASS", "Interfax", "RIA Novosti", "CNN", "BBC",
    "BBC News", "NPR", "AAP", "Canadian Press", "The Canadian Press", "CP", "PTI", "IANS",
    "ANI", "Anadolu", "Anadolu Agency", "Yonhap", "Jiji Press", "Europa Press", "Lusa",
    "Belga", "ANP", "APA", "Keystone-SDA", "CTK", "ČTK", "Agencia EFE", "Press Trust of India",
)  # fmt: skip
_AGENCY_BY_KEY = {name.casefold(): name for name in _AGENCIES}
_AGENCY_TAIL = re.compile(
    r"\s+(?P<agency>" + "|".join(sorted(map(re.escape, _AGENCIES), key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
# A site name whose dot was lost in the byline ("Cleveland com") or kept ("cleveland.com").
_SITE_NAME = re.compile(r"(?P<name>[\w-]+)[ .](?P<tld>com|org|net|co\.uk)", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")
# Two words glued by a lost space: "ALEXANDERThe".
_GLUED = re.compile(r"[A-Z]{2}[A-Z][a-z]")
_CJK_NAME = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af·・]{2,8}")


@dataclass
class Byline:
    """What a byline names: people (in order) and an organisation (agency or site), if any."""

    people: list[str] = field(default_factory=list)
    organisation: str | None = None  # a news agency or another organisation
    site: str | None = None  # a website named where a person's name would be
    labels: list[str] = field(default_factory=list)  # "Admin", "Staff", "Senior Editor", "MS"

    @property
    def named_anything(self) -> bool:
        """Whether any part was recognised: a name, an organisation, a site or a label."""
        return bool(self.people or self.organisation or self.site or self.labels)

    def authors(self) -> list[str]:
        """The people; an organisation stands as the author only when no person is named
        (a corporate author), a website never does."""
        if self.people:
            return list(self.people)
        return [self.organisation] if self.organisation else []


def clean_byline(
    raw: str | Sequence[str], *, strict: bool = False, leading: bool = False
) -> Byline:
    """The people and organisation a byline or author field names (see the module docstring).

    `raw` is one string ("By Jane Doe and John Smith, Reuters", "A; B") or a list of
    strings, each one name or part of one (["Ilana Muhlstein", "MS", "RDN"]). With
    `strict`, any part that is neither a name nor a known label makes the result empty;
    with `leading`, reading stops at the first such part ("Jane Doe, Engineer on Maps
    and Search" names Jane Doe), and the first part must be recognised.
    """
    items = [raw] if isinstance(raw, str) else list(raw)
    byline = Byline()
    for item in items:
        for number, part in enumerate(_parts(item)):
            if _add_part(byline, part):
                continue
            if strict or (leading and number == 0):
                return Byline()
            if leading:
                return byline
    return byline


def parse_authors(text: str) -> list[str]:
    """Personal names in a byline's remainder ("Dr. Jane Doe and John Smith"), or [].

    Strict: when any part does not look like a name (or a job title, credential, agency
    or generic label), the text is not taken as a byline and [] is returned.
    """
    return clean_byline(text, strict=True).people


def byline_remainder(line: str) -> str | None:
    """What follows "By", "Par", "Von", "Por" or "Author:" on a byline, or None."""
    match = _BYLINE.match(line)
    return match.group("rest") if match else None


def authors_in_sentence(sentence: str) -> list[str]:
    """The authors a sentence names ("… Writes Jane Doe", "By Jane Doe."), or []."""
    writes = None
    for writes in _WRITES_SENTENCE.finditer(sentence):  # noqa: B007 - the last one counts
        pass
    if writes is not None:
        return parse_authors(sentence[writes.end() :].strip().rstrip("."))
    match = _BY_SENTENCE.match(sentence)
    return parse_authors(match.group("rest")) if match else []


def _parts(item: str) -> list[str]:
    """One author string cut into candidate names, without "By" and date tails."""
    if len(item) > _MAX_BYLINE_CHARS:
        return [item]  # not a byline: no part of it will read as a name
    text = " ".join(item.split())
    if (rest := byline_remainder(text)) is not None:
        text = rest
    if (date := DATE.search(text)) is not None:
        text = text[: date.start()]
    text = _NAME_SEGMENT_SPLIT.split(text.strip(), maxsplit=1)[0]
    text = _NAME_TAIL.sub("", text).strip(SEPARATORS + ".")
    return [part for part in (p.strip(" .,") for p in _NAME_SPLIT.split(text)) if part]


def _add_part(byline: Byline, part: str) -> bool:
    """Add what one part names to `byline`; False when the part is not recognisable."""
    if len(part) > _MAX_BYLINE_CHARS:
        return False
    part = _HONORIFIC.sub("", part).strip()
    if _is_label(part):
        byline.labels.append(part)
        return True
    if (agency := agency_name(part)) is not None:
        byline.organisation = byline.organisation or agency
        return True
    if (site := _SITE_NAME.fullmatch(part)) is not None:
        byline.site = byline.site or f"{site['name']}.{site['tld'].lower()}"
        return True
    if (tail := _AGENCY_TAIL.search(part)) is not None:
        byline.organisation = byline.organisation or _AGENCY_BY_KEY[tail["agency"].casefold()]
        part = part[: tail.start()].strip()
    name = _without_date_words(part)
    if _is_organisation(name):
        byline.organisation = byline.organisation or name
        return True
    if not _is_person_name(name):
        return False
    name = _title_case(name)
    if name not in byline.people:
        byline.people.append(name)
    return True


def _is_organisation(name: str) -> bool:
    """A name with a word only organisations have ("Blue Lily Photography", "Acme Media")."""
    words = [word.strip(".,").lower() for word in name.split()]
    return len(words) >= 2 and any(word in _ORGANISATION_WORDS for word in words)


def _title_case(name: str) -> str:
    """ALL-CAPS words of a name title-cased ("ERIC TUCKER", "Ian LYNAM"); initials kept."""
    return " ".join(
        word.title() if word.isupper() and len(word) > 2 and "." not in word else word
        for word in name.split()
    )


def is_role_line(line: str) -> bool:
    """A short line naming a job ("Senior Editor", "Seattle Times business reporter")."""
    words = line.split()
    return 1 <= len(words) <= _ROLE_LINE_WORDS and words[-1].lower().strip(".,") in _ROLE_WORDS


def _is_label(part: str) -> bool:
    """A credential, job title or generic label: not a name, but expected in a byline."""
    if all(_is_credential(token) for token in part.split()):
        return True
    words = [word.strip(".,()").lower() for word in part.split()]
    if all(word in _GENERIC or word in _ROLE_WORDS for word in words):
        return True
    return any(word in _ROLE_WORDS for word in words) and not _is_person_name(part)


def agency_name(part: str) -> str | None:
    """The canonical name of a news agency, when the text is one ("The Associated Press")."""
    key = part.casefold()
    return _AGENCY_BY_KEY.get(key) or _AGENCY_BY_KEY.get(key.removeprefix("the "))


def _without_date_words(name: str) -> str:
    """A name without trailing weekday, month, date and credential words, nor a trailing
    lowercase word ("před", "ago") — when a full name remains."""
    tokens = name.split()
    while len(tokens) > 2 and (
        _is_date_word(tokens[-1])
        or _is_credential(tokens[-1])
        or (tokens[-1].islower() and tokens[-1] not in _NAME_PARTICLES)
    ):
        tokens.pop()
    return " ".join(tokens)


def _is_credential(token: str) -> bool:
    """A degree or title written after a name: "MS", "RDN", "Ph.D.", "PhD"."""
    bare = token.strip(".,()").replace(".", "")
    return bare.lower() in _CREDENTIALS and (bare.isupper() or bare in _MIXED_CASE_CREDENTIALS)


def _is_date_word(token: str) -> bool:
    word = token.lower().strip(".,")
    return (
        word in _WEEKDAYS
        or word in _DATE_WORDS
        or _MONTH_WORD.fullmatch(word) is not None
        or any(ch.isdigit() for ch in word)
    )


def _is_person_name(name: str) -> bool:
    """Whether `name` looks like a personal name: 2–5 capitalised words or initials, or a
    Chinese, Japanese or Korean name written without spaces."""
    if _CJK_NAME.fullmatch(name):
        return True
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if tokens[0].lower() in _NAME_PARTICLES or _INITIAL.match(tokens[-1]):
        return False
    if all(_INITIAL.match(token) for token in tokens):
        return False
    for token in tokens:
        if token.lower() in _NAME_PARTICLES:
            continue
        if token.lower().strip(".") in _GENERIC:
            return False
        core = token.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
        if not (token[:1].isupper() and core.isalpha()) or _GLUED.search(token):
            return False
    return True

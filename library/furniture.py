"""Page furniture in text copied from a browser: what the lines around an article say.

Buttons, menu items, share and subscribe prompts, cookie banners, copyright lines,
comment-thread headings and the signature lines of comments. Each test looks at one
line; `library.capture_block` weighs the answers to find the article, and
`library.webtext` uses them to trim and to read metadata.

Every pattern here is linear: alternations of fixed words, anchored or bounded, with no
nested or adjacent unbounded repeats over the same characters (a capture can hold a
megabyte on one line, and a backtracking pattern would stall the import).
"""

from __future__ import annotations

import re

__all__ = [
    "is_comment_heading",
    "is_end_heading",
    "is_furniture",
    "is_reading_time",
    "is_thread_cue",
    "label_text",
]

# Whole-line labels, matched after trailing punctuation and counts ("Comments (3)") are
# removed. These are buttons, menu items and section headings of the page, not sentences.
_FURNITURE_LABEL = re.compile(
    r"(?:"
    r"skip to (?:main )?(?:content|navigation|menu)|(?:main )?menu|home|search|close"
    r"|sign in|log ?in|log ?out|sign up|register|my account|subscribe(?: now)?|newsletter"
    r"|share(?: this(?: article| story| post| page)?)?|share on \w+|tweet|e-?mail|print"
    r"|pin(?: it)?|whatsapp|telegram|reddit|linkedin|facebook|twitter|copy link"
    r"|like this|(?:like )?loading|like|related|advertisement|advertising|sponsored(?: content)?"
    r"|(?:\d+ )?(?:comments?|responses?|replies)|no comments|add a comment|write a comment"
    r"|click to comment|show comments|view comments|join the (?:conversation|discussion)"
    r"|reply|leave a (?:comment|reply)|post a comment|permalink|report abuse"
    r"|recommended(?: for you| reading| articles| stories)?|you (?:may|might) also like"
    r"|related (?:posts|articles|stories|content|reading|news|coverage|links)"
    r"|more (?:stories|news|articles|posts)|popular (?:posts|articles|stories)"
    r"|most (?:read|popular|viewed|shared|emailed|commented)|trending(?: now| stories)?"
    r"|top (?:trends|stories|posts|news)|latest (?:news|posts|stories|articles)"
    r"|read (?:more|next|also)|also read|continue reading(?: the main story)?"
    r"|(?:back |scroll |go )?to top|top|connect with us|follow us|stay connected"
    r"|toggle navigation|navigation|(?:previous|next|older|newer) (?:posts?|articles?|page)"
    r"|listen to this article|bookmark|download pdf|image|photo|video|gallery"
    r"|view (?:larger|full) image|enlarge(?: this image)?|(?:image|photo) credit"
    r"|accept(?: all)?(?: cookies)?|reject all|manage (?:cookies|preferences|consent)"
    r"|privacy(?: policy)?|terms(?: of (?:use|service))?|cookie (?:policy|settings)|sitemap"
    r"|contact(?: us)?|about(?: us)?|careers|advertise(?: with us)?|rss(?: feeds?)?"
    # French, German, Spanish, Portuguese: the same buttons.
    r"|partager|imprimer|commentaires?|r[ée]pondre|accueil|rechercher|s'abonner|lire aussi"
    r"|teilen|drucken|kommentare?|antworten|startseite|suche|anmelden|mehr zum thema"
    r"|compartir|imprimir|comentarios?|responder|inicio|buscar|suscr[ií]bete|leer m[aá]s"
    r"|compartilhar|coment[aá]rios?|pesquisar|assine|leia (?:mais|tamb[ée]m)"
    r")",
    re.IGNORECASE,
)
# Headings under which the rest of a page is about other articles. Comment headings are
# not here: a reader's short comment cannot be told from an article's last paragraph by
# its shape, so comment threads are found by their own signs (is_comment_heading).
_END_HEADING = re.compile(
    r"(?:recommended(?: for you| reading| articles| stories)?|you (?:may|might) also like"
    r"|related (?:posts|articles|stories|content|reading|news|coverage|links)|related"
    r"|more (?:stories|news|articles|posts)|popular (?:posts|articles|stories)"
    r"|more (?:from|in|on) .{1,60}|read (?:more|next|also)|also read|see also"
    r"|most (?:read|popular|viewed|shared|emailed|commented)|trending(?: now| stories)?"
    r"|top (?:trends|stories|posts|news)|latest (?:news|posts|stories|articles)"
    r"|(?:recent|related|popular) (?:posts|comments|entries)"
    r"|lire aussi|[àa] lire aussi|sur le m[êe]me sujet|mehr zum thema|das k[öo]nnte sie"
    r" auch interessieren|te puede interesar|relacionad[oa]s|leia tamb[ée]m)",
    re.IGNORECASE,
)
# Trailing decoration of a label ("Share this:", "Comments (3)", "» More »"). Stripped
# with str.rstrip rather than a pattern: a pattern with two adjacent starred classes
# over the same characters backtracks in cubic time on a run of spaces.
_LABEL_DECORATION = " \t:.…!|»›→<>*#-"
_COUNT_SUFFIX = re.compile(r"\(\d{1,9}\)$")

# Prefixes that only page furniture starts with, for short lines ("More in Economy",
# "Follow Acme on Twitter", "Help Acme: donate…"). Kept to short lines because a real
# sentence can begin "More in sorrow than…".
_FURNITURE_SHORT_PREFIX = re.compile(
    r"(?:more (?:in|from|on) \S|follow (?:us|me|@)|find us on\b|like us on\b|join us on\b"
    r"|read more\b|continue reading\b|share (?:on|via)\b|help \S+:|donate\b|support us\b"
    r"|photo(?:graph)?:|image(?: credit)?:|posted in\b|tagged\b|filed under\b|labels:"
    r"|you are here\b|back to\b|go to\b|click here\b|sign up\b|subscribe\b|log in\b"
    r"|download (?:the|our)\b|get the app\b|advertisement\b|sponsored\b)",
    re.IGNORECASE,
)
_SOCIAL_SUFFIX = re.compile(
    r"\b(?:on|via)\s+(?:twitter|facebook|youtube|instagram|linkedin|telegram|tiktok"
    r"|whatsapp|mastodon|bluesky|threads|x)\W*$",
    re.IGNORECASE,
)
# Phrases distinctive enough to mark a line of up to _PHRASE_WORDS words as furniture:
# comment forms, subscription prompts, tag and category lines, copyright, cookie and
# consent banners — in the languages Folio meets most.
_FURNITURE_START = re.compile(
    r"(?:skip to\b|post a comment\b|leave a (?:comment|reply)\b|enter your e-?mail\b"
    r"|subscribe (?:to|via|by|for|now|and)\b|sign up (?:for|to)\b"
    r"|get (?:our|the) (?:newsletter|latest)\b|share this\b"
    r"|(?:categor(?:y|ies)|tags?|filed under|topics?|labels|keywords|schlagw[öo]rter"
    r"|mots-cl[ée]s|etiquetas)\s*:|©|\(c\)\s|copyright\b)",
    re.IGNORECASE,
)
_FURNITURE_ANYWHERE = re.compile(
    r"bloggers like this|\bviews?\s*:\s*[\d,]+\s*$|all rights reserved"
    r"|your e-?mail address will not be published|required fields are marked"
    r"|tous droits r[ée]serv[ée]s|alle rechte vorbehalten|todos los derechos reservados"
    r"|todos os direitos reservados|tutti i diritti riservati|alle rechten voorbehouden"
    r"|v[šs]echna pr[áa]va vyhrazena|版权所有|版權所有|無断転載|著作権",
    re.IGNORECASE,
)
# Words one of the phrases above or a consent banner must contain: a plain substring test
# spares most lines the patterns' cost.
_ANYWHERE_TRIGGERS = (
    "blogger", "view", "reserv", "e-mail", "email", "required", "vorbehalten",
    "voorbehouden", "vyhrazena", "版", "無断", "著作",
)  # fmt: skip
_CONSENT_TRIGGERS = ("cookie", "continuing to", "poursuivant")
_PHRASE_WORDS = 30
# Cookie and consent banners are long sentences, but say what they are.
_CONSENT = re.compile(
    r"\b(?:we use cookies|(?:this|our) (?:web)?site uses cookies|by continuing to (?:use|browse)"
    r"|accept (?:all )?cookies|cookie (?:policy|settings|preferences|consent)"
    r"|nous utilisons des cookies|ce site utilise des cookies|en poursuivant votre navigation"
    r"|wir verwenden cookies|diese (?:website|seite) verwendet cookies"
    r"|utilizamos cookies|este sitio (?:web )?utiliza cookies|este site utiliza cookies"
    r"|utilizziamo (?:i )?cookie|questo sito utilizza (?:i )?cookie|wij gebruiken cookies"
    r"|používáme (?:soubory )?cookies)",
    re.IGNORECASE,
)
_CONSENT_WORDS = 150
_CONSENT_CHARS = 300  # a banner says what it is in its first sentence
# A comment section starts here: "12 Comments", "Leave a Reply", "Comments are closed",
# "3 thoughts on “…”", "Jane on March 3, 2021 said:" and their French, German, Spanish and
# Portuguese forms.
_COMMENT_HEADING = re.compile(
    r"^(?:\{\s*)?(?:there (?:are|is)\s+)?(?:\d+|no|one)\s+(?:comments?|responses?|replies"
    r"|thoughts|reactions?|commentaires?|kommentare?|comentarios?|coment[áa]rios?)\b"
    r"|^(?:comments|responses|replies)\s*\(\d+\)\s*$"
    r"|^(?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:comment|reply|response)\b"
    r"|^comments?\s+(?:are\s+)?(?:now\s+)?closed\b|^commenting (?:is )?closed\b"
    r"|^(?:reader|readers'?|your)\s+comments\b|^join the (?:conversation|discussion)\b"
    r"|^(?:laisser|ajouter|poster|[ée]crire) un commentaire\b|^(?:kommentar|antwort) schreiben\b"
    r"|^(?:deja|dejar|publicar|escribe) (?:un|tu) comentario\b"
    r"|^(?:deixe|deixar|escreva) (?:um|seu) coment[áa]rio\b"
    r"|\s(?:says|said|wrote|a dit|schreibt|escribi[óo]|disse)\s?:?$",
    re.IGNORECASE,
)
_COMMENT_HEADING_WORDS = 12
# The short lines that frame each comment of a thread: buttons and "… said:" lines.
_THREAD_LABEL = re.compile(
    r"^(?:reply|report(?: abuse| comment)?|permalink|quote|flag|recommend|reply to this"
    r"|r[ée]pondre|antworten|responder|返信|回复|回覆|\d{1,6}\s+(?:likes?|replies|points?))\W*$"
    r"|\s(?:says|said|wrote|a dit|schreibt|escribi[óo]|disse)\s?:?$",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"^(?:(?:estimated\s+)?read(?:ing)?\s+time|lesezeit|temps de lecture|tiempo de lectura"
    r"|tempo de leitura)\s*(?::\s*)?(?:\d|an?\b|one\b|less)"
    r"|^(?:\d{1,3}|an?|one)\s*(?:-\s*)?min(?:ute)?s?\.?\s+(?:read|lesen|de lecture|de lectura"
    r"|de leitura)\b",
    re.IGNORECASE,
)


def label_text(plain: str) -> str:
    """A short line without its trailing decoration and count: "Comments (3) »" → "Comments"."""
    label = plain.rstrip(_LABEL_DECORATION)
    if label.endswith(")") and (count := _COUNT_SUFFIX.search(label)) is not None:
        label = label[: count.start()].rstrip(_LABEL_DECORATION)
    return label


def is_furniture(plain: str, words: int) -> bool:
    """Whether a line is a known piece of page furniture (a button, banner or prompt)."""
    if words > _CONSENT_WORDS:
        return False
    lowered = plain[:_CONSENT_CHARS].lower()
    if words > _PHRASE_WORDS:
        return _is_consent(plain, lowered)
    if _FURNITURE_LABEL.fullmatch(label_text(plain)):
        return True
    if words <= 8 and (_FURNITURE_SHORT_PREFIX.match(plain) or _SOCIAL_SUFFIX.search(plain)):
        return True
    if _FURNITURE_START.match(plain):
        return True
    if any(trigger in lowered for trigger in _ANYWHERE_TRIGGERS) and _FURNITURE_ANYWHERE.search(
        plain
    ):
        return True
    return _is_consent(plain, lowered)


def _is_consent(plain: str, lowered: str) -> bool:
    """A cookie or consent banner (judged on its first sentence)."""
    return any(trigger in lowered for trigger in _CONSENT_TRIGGERS) and (
        _CONSENT.search(plain, 0, _CONSENT_CHARS) is not None
    )


def is_end_heading(plain: str, words: int) -> bool:
    """Whether a short line heads a list of other articles ("Related posts", "More from X")."""
    return words <= 8 and _END_HEADING.fullmatch(label_text(plain)) is not None


def is_comment_heading(plain: str, words: int) -> bool:
    """Whether a short line opens a comment section ("12 Comments", "Leave a Reply")."""
    return words <= _COMMENT_HEADING_WORDS and _COMMENT_HEADING.search(plain) is not None


def is_thread_cue(plain: str, words: int) -> bool:
    """Whether a short line is a comment's button or "… said:" line (dates are judged apart)."""
    return words <= 6 and _THREAD_LABEL.search(plain) is not None


def is_reading_time(plain: str) -> bool:
    """Whether a line states a reading time ("Reading time: 1 minute", "5 min read")."""
    return _READING_TIME.search(plain) is not None

"""Plain-text captures of the shapes real pages have: the article found, furniture around it
gone, titles found only when confirmed. Every page here is invented for the test."""

from __future__ import annotations

from library.importers.plaintext import extract_text
from library.sentences import SENTENCE_BREAK
from library.webtitles import guess_title

MENU = "\n".join(
    ["Home", "World", "Business", "Science", "Culture", "Travel", "Weather", "Podcasts", "Shop"]
)

BODY = (
    "\n\n".join(
        [
            "The old mill on the Marrow River stopped turning in 1962, and for sixty years the"
            " building stood empty while the town argued about what to do with it.",
            "Last spring a group of volunteers cleaned out the wheel pit and found that most of"
            " the original gears were still in place, packed in grease by the last miller before"
            " he locked the doors.",
            "“We expected rust and rubble,” said the group's treasurer, who has lived across the"
            " street from the mill since she was a child. “Instead we found a machine that was"
            " waiting for us.”",
            "The volunteers now hope to grind flour again by the autumn, and the council has"
            " promised to pay for a new roof if they can show that the wheel still turns.",
        ]
    )
    + "\n"
)
FIRST_WORDS = "The old mill on the Marrow River"
LAST_WORDS = "if they can show that the wheel still turns."


def test_footer_menus_cookie_and_copyright_lines_go() -> None:
    text = (
        f"{MENU}\n\nVolunteers Bring the Marrow Mill Back to Life\n\n{BODY}\n{MENU}\n"
        "About us\nContact\nCareers\nAdvertise with us\n"
        "We use cookies to improve your experience. By continuing to browse you accept them.\n"
        "Nous utilisons des cookies pour améliorer votre expérience sur notre site.\n"
        "Wir verwenden Cookies, um unsere Website für Sie zu verbessern.\n"
        "© 2024 Marrow Valley News. Todos los derechos reservados.\n"
    )
    clean = extract_text(text).text
    assert clean.startswith("Volunteers Bring the Marrow Mill Back to Life")
    assert clean.rstrip().endswith(LAST_WORDS)


def test_a_teaser_list_after_the_article_goes() -> None:
    teasers = "\n".join(
        f"{headline}\n{summary}"
        for headline, summary in [
            ("Ferry Timetable Changes in May", "The island ferry will leave an hour earlier "
             "on weekdays from the first of the month, the operator said."),
            ("Bakery Wins Regional Prize", "A family bakery in the lower town won the "
             "regional prize for its rye bread for the third year in a row."),
            ("Council Debates Parking Fees", "Councillors could not agree on whether the "
             "market square should charge for parking on Saturdays."),
            ("School Choir Travels North", "The school choir will sing in four towns along "
             "the coast during the spring holidays this year."),
        ]
    )  # fmt: skip
    headline = "Volunteers Bring the Marrow Mill Back to Life"
    text = f"{headline}\n\n{BODY}\nMore from Marrow Valley News\n{teasers}\n{MENU}\n"
    clean = extract_text(text).text
    assert clean.rstrip().endswith(LAST_WORDS)
    assert "Bakery" not in clean and "ferry" not in clean


def test_a_comment_thread_longer_than_the_article_goes() -> None:
    comments = "\n".join(
        f"{name} on March {day}, 2024 at 9:{day:02d} am said:\n"
        f"I remember the mill from when I was a boy and my grandfather took me there to see "
        f"the wheel turn, and I would love to see it working again one day. ({name})\nReply"
        for day, name in enumerate(["Tom Hale", "Ruth Mason", "Ivo Berg", "Ana Lind"] * 4, 1)
    )
    text = f"Volunteers Bring the Marrow Mill Back to Life\n\n{BODY}\n16 Comments\n{comments}\n"
    extracted = extract_text(text)
    assert extracted.text.rstrip().endswith(LAST_WORDS)
    assert "grandfather" not in extracted.text
    assert "date" not in extracted.fields  # a comment's date is not the article's


def test_a_list_shaped_article_with_no_prose_is_kept() -> None:
    calendar = (
        "Race Calendar 2024\n"
        "• 12 March – Marrow Valley Half Marathon, Lower Town\n"
        "• 2 April – Spring 10K along the river path, Mill Bridge\n"
        "• 19 May – Coastal Relay, Harbour to Lighthouse\n"
        "• 8 June – Midsummer Trail Run, North Woods\n"
        "• 14 September – Autumn Marathon, Old Town loop\n"
    )
    text = f"{MENU}\n{calendar}{MENU}\n"
    clean = extract_text(text).text
    for race in ("Half Marathon", "Spring 10K", "Coastal Relay", "Trail Run", "Autumn Marathon"):
        assert race in clean


def test_a_section_label_above_the_body_is_not_a_found_title() -> None:
    text = f"{MENU}\nWorld Video\n{BODY}"
    title = extract_text(text).fields["title"]
    assert title.origin == "guessed"
    assert title.value.startswith("The old mill on the Marrow River")


def test_the_headline_above_a_byline_date_and_reading_time_is_found() -> None:
    text = (
        f"{MENU}\nVolunteers Bring the Marrow Mill Back to Life\nBy admin - 2024-03-12\n"
        f"Reading time: 3 minutes\n{BODY}"
    )
    extracted = extract_text(text)
    assert extracted.fields["title"].value == "Volunteers Bring the Marrow Mill Back to Life"
    assert extracted.fields["title"].origin == "found"
    assert extracted.fields["date"].value == "2024-03-12"
    assert "authors" not in extracted.fields  # "admin" is nobody's name


def test_a_french_byline_is_a_byline_not_the_title() -> None:
    text = (
        "Accueil\nSociété\nLe vieux moulin de la vallée reprend vie\n"
        "Par Jeanne Dupont, 12 mars 2023\n"
        "Le vieux moulin de la vallée s'est arrêté en 1962, et depuis soixante ans le bâtiment "
        "est resté vide pendant que la ville se disputait sur son avenir.\n"
        "Au printemps dernier, des bénévoles ont nettoyé la fosse de la roue et ont découvert "
        "que la plupart des engrenages étaient encore en place.\n"
    )
    extracted = extract_text(text)
    assert extracted.fields["title"].value == "Le vieux moulin de la vallée reprend vie"
    assert extracted.fields["authors"].value == ["Jeanne Dupont"]
    assert extracted.fields["date"].value == "2023-03-12"


def test_a_headline_the_body_does_not_echo_is_not_confirmed() -> None:
    text = f"{MENU}\nBecome a Member of Our Club Today\n{BODY}"
    assert extract_text(text).fields["title"].origin == "guessed"


# --- Chinese and Japanese --------------------------------------------------------------------

JAPANESE = (
    "ホーム\nニュース\n古い水車小屋が再び動き出す\n"
    "川沿いの古い水車小屋は一九六二年に止まった。町は六十年間その使い道について話し合ってきた。"
    "昨年の春、ボランティアが水車の穴を掃除し、歯車がほとんど残っていることを見つけた。\n"
    "ボランティアは秋までに再び小麦粉をひきたいと考えている。町は新しい屋根の費用を出すと約束した。"
    "水車がまだ回ることを示せば、工事は来年の春に始まる予定だ。\n"
    "利用規約\nプライバシーポリシー\n"
)


def test_japanese_sentences_end_at_the_full_stop() -> None:
    first = JAPANESE.split("\n")[3]
    breaks = list(SENTENCE_BREAK.finditer(first))
    assert len(breaks) == 2
    assert guess_title(first) == "川沿いの古い水車小屋は一九六二年に止まった"


def test_a_japanese_capture_keeps_its_article_and_loses_its_menus() -> None:
    extracted = extract_text(JAPANESE)
    assert "ボランティアは秋までに" in extracted.text
    assert "プライバシーポリシー" not in extracted.text
    assert "ホーム" not in extracted.text
    assert extracted.fields["title"].value == "古い水車小屋が再び動き出す"


def test_prose_above_the_headline_and_byline_is_not_the_article() -> None:
    text = (
        f"{MENU}\nSign in\n"
        "Log in with your reader account to save articles, follow topics and get the morning"
        " newsletter delivered to your inbox every day.\n"
        "Register\nTake the tour\n"
        "Volunteers Bring the Marrow Mill Back to Life\nPublished 12 March 2024\n"
        f"By Ruth Mason\n{BODY}"
    )
    extracted = extract_text(text)
    assert extracted.text.startswith("Volunteers Bring the Marrow Mill Back to Life\n")
    assert extracted.fields["title"].origin == "found"
    assert extracted.fields["authors"].value == ["Ruth Mason"]
    assert extracted.fields["date"].value == "2024-03-12"


def test_a_date_above_the_headline_stays_with_it() -> None:
    text = (
        "The Marrow Valley Gazette: news from the towns along the river since 1898!\n"
        "Tuesday, March 12, 2024\nVolunteers Bring the Marrow Mill Back to Life\n"
        f"{BODY}"
    )
    extracted = extract_text(text)
    assert extracted.fields["title"].value == "Volunteers Bring the Marrow Mill Back to Life"
    assert extracted.fields["date"].value == "2024-03-12"
    assert extracted.text.startswith(
        "Tuesday, March 12, 2024\nVolunteers Bring the Marrow Mill Back to Life\n"
    )

"""Markdown importer: front matter, `# Title`, furniture at the ends, body kept as written."""

from __future__ import annotations

import pytest

from library.extracted import FieldValue
from library.importers.markdown import (
    extract_markdown,
    first_h1,
    parse_front_matter,
    split_front_matter,
)

BODY = (
    "# The Quiet Rivers of the North\n"
    "\n"
    "The northern rivers *freeze early*, and the [mills](https://example.org/mills) stop.\n"
    "Nobody fishes there in winter.\n"
    "\n"
    "## Spring\n"
    "\n"
    "- the ice breaks\n"
    "- the mills start again\n"
    "\n"
    "```\n"
    "mills = ['upper', 'lower']\n"
    "```\n"
)


def values(extracted) -> dict[str, object]:
    """Field name to value, for compact assertions."""
    return {name: field.value for name, field in extracted.fields.items()}


# --- front matter ---------------------------------------------------------------------------


def test_front_matter_is_found_metadata_and_leaves_the_text() -> None:
    text = (
        "---\n"
        'title: "Rivers of the North"\n'
        "subtitle: Why the mills stop\n"
        "authors:\n"
        "  - Dr. Jane Doe\n"
        "  - John Smith\n"
        "date: 2021-03-03T10:00:00Z\n"
        "url: https://example.org/rivers\n"
        "site: River Weekly\n"
        "language: en\n"
        "type: article-magazine\n"
        "tags: [rivers, mills]\n"
        "---\n"
        "\n" + BODY
    )
    extracted = extract_markdown(text)
    assert extracted.text == BODY
    assert values(extracted) == {
        "title": "Rivers of the North",
        "subtitle": "Why the mills stop",
        "authors": ["Jane Doe", "John Smith"],
        "date": "2021-03-03",
        "url": "https://example.org/rivers",
        "site": "River Weekly",
        "language": "en",
        "type": "article-magazine",
    }
    assert all(field.origin == "found" for field in extracted.fields.values())


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("author: Jane Doe and John Smith", "authors", ["Jane Doe", "John Smith"]),
        ('author: "Doe, Jane"', "authors", ["Doe, Jane"]),
        ("authors: [Jane Doe, John Smith]", "authors", ["Jane Doe", "John Smith"]),
        ("author: Prof. Ann Lee", "authors", ["Ann Lee"]),
        ("author: Ann Lee, MS, RDN", "authors", ["Ann Lee"]),
        ("author: ANN LEE", "authors", ["Ann Lee"]),
        ("authors: [Admin, Ann Lee]", "authors", ["Ann Lee"]),
        ("date: 'March 3, 2021'", "date", "2021-03-03"),
        ("date: 2021", "date", "2021"),
        ("source: https://example.org/a", "url", "https://example.org/a"),
        ("source: Foreign Policy", "site", "Foreign Policy"),
        ("publisher: River Weekly  # a comment", "site", "River Weekly"),
        ("lang: fr", "language", "fr"),
    ],
)
def test_front_matter_keys(line: str, field: str, value: object) -> None:
    extracted = extract_markdown(f"---\n{line}\n---\n{BODY}")
    assert extracted.fields[field] == FieldValue(value, "found")


@pytest.mark.parametrize("line", ["date: someday", "type: blogpost", "url: not a url", "title:"])
def test_unreadable_front_matter_values_are_left_out(line: str) -> None:
    extracted = extract_markdown(f"---\n{line}\n---\n{BODY}")
    key = line.split(":")[0]
    field = {"date": "date", "type": "type", "url": "url", "title": "title"}[key]
    if field == "type":
        assert extracted.fields["type"] == FieldValue("webpage", "guessed")
    elif field == "title":
        # Without a front-matter title the first `# Heading` is used.
        assert extracted.fields["title"] == FieldValue("The Quiet Rivers of the North")
    else:
        assert field not in extracted.fields


def test_front_matter_parser_skips_what_it_does_not_read() -> None:
    data = parse_front_matter(
        [
            "# a comment",
            "title: 'Rivers'",
            "extra:",
            "  nested: map",
            "summary: |",
            "  a block scalar",
            "keywords:",
            "- one",
            "- 'two'",
            "not a key value line",
        ]
    )
    assert data == {"title": "Rivers", "keywords": ["one", "two"]}


def test_unclosed_front_matter_is_text() -> None:
    text = "---\ntitle: Rivers\n\nThe mills stop in winter, as they always have.\n"
    front, body = split_front_matter(text)
    assert front is None and body == text
    extracted = extract_markdown(text)
    assert extracted.fields["title"].origin == "guessed"
    assert extracted.text.endswith("The mills stop in winter, as they always have.\n")


def test_front_matter_only_gives_empty_text() -> None:
    extracted = extract_markdown("---\ntitle: Rivers\n---\n\n")
    assert extracted.text == ""
    assert extracted.fields["title"] == FieldValue("Rivers")


def test_front_matter_title_wins_over_the_heading() -> None:
    extracted = extract_markdown(f"---\ntitle: Rivers\n---\n{BODY}")
    assert extracted.fields["title"] == FieldValue("Rivers")
    assert extracted.text == BODY


# --- without front matter -------------------------------------------------------------------


def test_first_heading_is_the_found_title_and_stays_in_the_body() -> None:
    extracted = extract_markdown(BODY)
    assert extracted.text == BODY
    assert extracted.fields["title"] == FieldValue("The Quiet Rivers of the North")
    assert extracted.fields["type"] == FieldValue("webpage", "guessed")


def test_heading_markup_is_not_part_of_the_title() -> None:
    text = "# The *Quiet* Rivers of the [North](https://example.org) #\n\nThe mills stop.\n"
    assert extract_markdown(text).fields["title"].value == "The Quiet Rivers of the North"


def test_setext_heading_is_a_title() -> None:
    text = "Rivers of the North\n===================\n\nThe mills stop in winter, always.\n"
    extracted = extract_markdown(text)
    assert extracted.fields["title"] == FieldValue("Rivers of the North")
    assert extracted.text == text


def test_a_heading_inside_code_is_not_the_title() -> None:
    text = "```\n# not a title\n```\n\n# Rivers\n\nThe mills stop in winter, always.\n"
    assert first_h1(text) == "Rivers"


def test_no_front_matter_no_heading_falls_back_to_plain_text_rules() -> None:
    text = (
        "The northern rivers freeze early, and the mills along them stop until spring comes.\n"
        "\nNobody fishes there in winter.\n"
    )
    extracted = extract_markdown(text)
    assert extracted.text == text
    assert extracted.fields["title"].origin == "guessed"
    assert extracted.fields["title"].value == (
        "The northern rivers freeze early, and the mills along them"
    )


def test_one_line_markdown() -> None:
    assert extract_markdown("# Rivers").text == "# Rivers"
    assert extract_markdown("Rivers and mills.").text == "Rivers and mills."


# --- furniture in Markdown captures ---------------------------------------------------------


def test_clipped_page_loses_furniture_at_the_ends_only() -> None:
    text = (
        "[Skip to content](#main)\n"
        "\n"
        "* [Home](/)\n"
        "* [About](/about)\n"
        "\n" + BODY + "\n"
        "Share this:\n"
        "\n"
        "## Related posts\n"
        "\n"
        "- [Another river](/another)\n"
        "- [More mills](/more)\n"
        "\n"
        "[Leave a comment](#respond)\n"
    )
    extracted = extract_markdown(text)
    assert extracted.text == BODY
    assert extracted.fields["title"] == FieldValue("The Quiet Rivers of the North")


def test_markdown_byline_in_emphasis() -> None:
    text = (
        "# Rivers of the North\n\n*By Jane Doe* | March 3, 2021\n\n"
        "The mills stop in winter. Nobody fishes there then.\n"
    )
    extracted = extract_markdown(text)
    assert extracted.fields["authors"] == FieldValue(["Jane Doe"])
    assert extracted.fields["date"] == FieldValue("2021-03-03")
    assert extracted.text == text


def test_tables_code_and_headings_at_the_end_are_content() -> None:
    ending = "\n## Totals\n\n| river | mills |\n|---|---|\n| north | 4 |\n"
    text = BODY + ending
    assert extract_markdown(text).text == text
    ending_heading = BODY + "\n## Further reading\n"
    assert extract_markdown(ending_heading).text == ending_heading


def test_share_block_between_paragraphs_is_kept() -> None:
    text = BODY.replace("## Spring\n", "Share this:\n\n[Tweet](https://x.example)\n\n## Spring\n")
    assert extract_markdown(text).text == text

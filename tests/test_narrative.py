"""Identifiers in free text: found with their exact spans, and not invented from dates or prices."""

from __future__ import annotations

import pytest

from importers.narrative import Mention, extract_identifiers, narrative_mentions


def found(text: str) -> list[tuple[str, str, str]]:
    return [(m.kind, m.value, m.text) for m in extract_identifiers(text)]


def one(text: str) -> Mention:
    mentions = extract_identifiers(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("call five five five 01two3 tonight", "5550123", "five five five 01two3"),
        ("text 555.0I0.2121 now", "5550102121", "555.0I0.2121"),
        ("number (555) two-oh-one 0101 ask for Mia", "5552010101", "(555) two-oh-one 0101"),
        ("5 5 5 - 2 0 1 - 0 1 0 1 after 9", "5552010101", "5 5 5 - 2 0 1 - 0 1 0 1"),
        ("her number 555-201-0101 5 times", "5552010101", "555-201-0101"),
        ("Call 555-201-0101, ask for Tia", "5552010101", "555-201-0101"),
        ("cell: 5552010101.", "5552010101", "5552010101"),
        ("dial 1-555-201-0101 now", "15552010101", "1-555-201-0101"),
        ("UK line +44 20 7946 0958 and", "+442079460958", "+44 20 7946 0958"),
        ("or 0044 20 7946 0958", "+442079460958", "0044 20 7946 0958"),
        ("call 555-0123 for rates", "5550123", "555-0123"),
        ("FIVE FIVE FIVE two oh one OH one oh one", "5552010101", None),
        ("Springfield IL 62704 555 201 0101", "5552010101", "555 201 0101"),
        ("since 2019 555 201 0101", "5552010101", "555 201 0101"),
        ("555 201 0101 2019", "5552010101", "555 201 0101"),
    ],
)
def test_phones_plain_and_disguised(text: str, value: str, span: str | None) -> None:
    mention = one(text)
    span = span or text
    assert (mention.kind, mention.value, mention.text) == ("phone", value, span)
    assert text[mention.start : mention.end] == span
    assert mention.start == text.index(span)


@pytest.mark.parametrize(
    "text",
    [
        "met on 2024-03-05 at 14:30, paid $1,200.00, zip 90210",
        "between 03/05/2024 and 3.6.24 she worked 10:30-11:45 daily",
        "2024-03-05T14:30:00-05:00",
        "ZIP 90210-1234, room 1204, floor 3",
        "She is 17, 5'4\", 110 lbs, paid 300 dollars",
        "Ref #2024-00123 from 2019 to 2023",
        "card 4111111111111111 and IMEI 490154203237518",
        "one two three four five six seven eight nine",
        "someone often weighed the phone, oh well",
        "I saw Oslo 10 times lol",
        "it cost €450.50 or 1,500 pesos",
        "",
    ],
)
def test_no_phone_in_dates_prices_times_and_prose(text: str) -> None:
    assert found(text) == []


def test_two_numbers_in_one_run_are_two_phones() -> None:
    text = "555 201 0101 or 555 201 0102"
    assert found(text) == [
        ("phone", "5552010101", "555 201 0101"),
        ("phone", "5552010102", "555 201 0102"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("write to lola.v@example.org.", "lola.v@example.org", "lola.v@example.org"),
        ("mail Lola at Gmail dot com today", "lola@gmail.com", "Lola at Gmail dot com"),
        ("lola[at]protonmail[dot]com", "lola@protonmail.com", "lola[at]protonmail[dot]com"),
        ("boss (at) example (dot) net ok", "boss@example.net", "boss (at) example (dot) net"),
        ("lola @ gmail.com", "lola@gmail.com", "lola @ gmail.com"),
    ],
)
def test_emails_plain_and_disguised(text: str, value: str, span: str) -> None:
    mention = one(text)
    assert (mention.kind, mention.value, mention.text) == ("email", value, span)
    assert text[mention.start : mention.end] == span


@pytest.mark.parametrize(
    "text",
    ["she was at home. Then left", "look at the site dot then", "lola @ site.days", "a@b"],
)
def test_no_email_in_prose(text: str) -> None:
    assert [m for m in extract_identifiers(text) if m.kind == "email"] == []


def test_handles() -> None:
    text = "dm @lola_v22 or @sunny.days, not me@example.com nor @ 5pm or @42"
    assert found(text) == [
        ("handle", "lola_v22", "@lola_v22"),
        ("handle", "sunny.days", "@sunny.days"),
        ("email", "me@example.com", "me@example.com"),
    ]
    handle = extract_identifiers(text)[0]
    assert (handle.start, handle.end) == (3, 12)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("white van, plate KXT-4471 near the motel", "KXT-4471"),
        ("license plate number is ABC 123 on Main", "ABC 123"),
        ("tag: 7ABC123.", "7ABC123"),
        ("Licence plate: AB12 CDE at night", "AB12 CDE"),
        ("plate abc123 again", "abc123"),
        ("plate ABC 12 on Main", "ABC 12"),
        ("reg no. LX19 ABC", "LX19 ABC"),
        ("Grey van, plate IL FKE1234, parked behind", "IL FKE1234"),  # with the state
    ],
)
def test_plates_after_a_keyword(text: str, span: str) -> None:
    mention = one(text)
    assert mention.kind == "plate"
    assert mention.text.upper() == span.upper()
    assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    "text",
    [
        "a KXT-4471 van",  # no keyword
        "price tag 200 bucks",
        "registration form 12B",
        "plates ending in 47",
        "she was tagged by them",
    ],
)
def test_no_plate_without_keyword_or_shape(text: str) -> None:
    assert [m for m in extract_identifiers(text) if m.kind == "plate"] == []


def test_mixed_text_in_order_with_exact_spans() -> None:
    text = (
        "Girls at the spa say call five five five 01two3 or write lola at gmail dot com; "
        "the boss (@rex_d) drives plate KXT-4471 and answers 555.0I0.2121."
    )
    mentions = extract_identifiers(text)
    assert [m.kind for m in mentions] == ["phone", "email", "handle", "plate", "phone"]
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert [m.value for m in mentions] == [
        "5550123",
        "lola@gmail.com",
        "rex_d",
        "KXT-4471",
        "5550102121",
    ]


def test_narrative_mentions_dedupe_drafts_and_keep_one_span_row_each() -> None:
    text = "call 555-201-0101 or (555) 201-0101; mail x@example.com"
    mentions = narrative_mentions("T-9", "line 4", {"narrative": text, "translation": ""})
    assert [d.type for d in mentions.drafts] == ["Phone", "Email"]
    assert mentions.drafts[0].properties == {"number": "5552010101"}
    assert text[5:17] == "555-201-0101" and text[21:35] == "(555) 201-0101"
    assert text[42:55] == "x@example.com"
    locators = [row.locator for row in mentions.span_rows]
    assert locators == [
        "line 4 narrative[5:17] '555-201-0101'",
        "line 4 narrative[21:35] '(555) 201-0101'",
        "line 4 narrative[42:55] 'x@example.com'",
    ]
    keys = {row.drafts[0].key for row in mentions.span_rows}
    assert "T-9:narrative[5:17]" in keys and len(keys) == 3


def test_impossible_numbers_for_the_region_are_left_out() -> None:
    """Ingest would refuse them and with them the whole tip; the narrative still has them."""
    text = "call 1 555 201 0101 or 555 201 0101"
    in_us = narrative_mentions("T-1", "line 2", {"narrative": text}, "US")
    assert [d.properties["number"] for d in in_us.drafts] == ["15552010101", "5552010101"]
    in_gb = narrative_mentions("T-1", "line 2", {"narrative": text}, "GB")
    assert [d.properties["number"] for d in in_gb.drafts] == ["5552010101"]
    assert [r.locator for r in in_gb.span_rows] == ["line 2 narrative[23:35] '555 201 0101'"]

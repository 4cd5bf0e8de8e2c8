"""One reference parser for everything a person types: case, Cyrillic (as Bulgarian phone
keyboards write it), spaces, dots or dashes, missing leading zeros."""

import pytest

from bureau.domain.cases.references import normalise_reference
from tests.factories import make_office


@pytest.fixture
def offices(app):
    make_office("KRS")
    make_office("STR", municipality="Струмяни")
    make_office("BEL", municipality="Белене")
    make_office("MON", municipality="Монтана")
    make_office("KPC")  # a code that Cyrillic look-alikes of "КРС" spell


@pytest.mark.parametrize(
    "typed",
    [
        "KRS-2026-00042",
        "krs-2026-42",
        "  KRS-2026-00042  ",
        "KRS 2026 00042",
        "KRS 2026 42",
        "krs.2026.00042",
        "KRS–2026–00042",  # en dashes, as phones put them
        "KRS — 2026 — 042",
        "KRS_2026_00042",
        "KRS/2026/00042",
        "KRS2026-42",
        "KRS202600042",
        "ＫＲＳ－２０２６－０００４２",  # full-width, from some keyboards
        "№ KRS-2026-00042",
        "KRS-2026-00042.",
    ],
)
def test_latin_references_in_every_usual_spelling(offices, typed):
    assert normalise_reference(typed) == "KRS-2026-00042"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("КРС-2026-00001", "KRS-2026-00001"),  # phonetic: what a Bulgarian keyboard types
        ("крс 2026 1", "KRS-2026-00001"),
        ("KРС-2026-1", "KRS-2026-00001"),  # half Latin, half Cyrillic
        ("СТР-2026-00007", "STR-2026-00007"),
        ("бел.2026.12", "BEL-2026-00012"),
        ("МОН-2026-00003", "MON-2026-00003"),
        ("КРС-2026-00001".replace("Р", "P"), "KPC-2026-00001"),  # look-alike of a real code
    ],
)
def test_cyrillic_codes_become_the_offices_latin_code(offices, typed, expected):
    assert normalise_reference(typed) == expected


def test_a_cyrillic_code_of_no_office_is_still_read_by_sound(app):
    assert normalise_reference("ЖЕЛ-2026-5") == "ZHEL-2026-00005"


def test_numbers_past_five_digits_keep_their_digits(app):
    assert normalise_reference("krs-2026-123456") == "KRS-2026-123456"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "Мария Иванова",
        "0888 123 456",
        "KRS-26-00042",  # a two-digit year
        "KRS-2026-",
        "K-2026-00042",
        "KRSKRSKRS-2026-1",
        "KRS-2026-12345678",
        "KRS-2026-00042-1",
        "KRS\x00-2026-1",
        "KRS-2026-\ud800",
        "x" * 5_000_000,
        "١٢٣٤-2026-1",
        "KRS-２٠٢６-1",
    ],
)
def test_what_cannot_be_a_reference_is_none(app, typed):
    assert normalise_reference(typed) is None


def test_a_name_and_a_phone_are_no_reference(app):
    assert normalise_reference("ivanov 0888123456") is None
    assert normalise_reference("krs 1999 42") is None

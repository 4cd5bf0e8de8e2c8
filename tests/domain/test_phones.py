"""Phone numbers as Bulgarians write them are taken; letters and impossible numbers are
refused with a message in Bulgarian — at the desk, online and through the API alike."""

import pytest

from bureau.domain import DomainError
from bureau.domain.citizens import normalise_phone


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0888 123 456", "0888 123 456"),
        ("0888123456", "0888123456"),
        ("+359 888 123 456", "+359 888 123 456"),
        ("+359888123456", "+359888123456"),
        ("00359 888 123 456", "00359 888 123 456"),
        ("0888-123-456", "0888-123-456"),
        ("0888.123.456", "0888.123.456"),
        ("(02) 987 65 43", "(02) 987 65 43"),
        ("02/987 65 43", "02/987 65 43"),
        ("07433 2121", "07433 2121"),
        ("+359 (7433) 21 21", "+359 (7433) 21 21"),
        ("  0888   123 456 ", "0888 123 456"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),  # a citizen working abroad
        ("", ""),
        ("   ", ""),
    ],
)
def test_usual_bulgarian_forms_are_taken(typed, kept):
    assert normalise_phone(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["abc", "0888 abc 456", "088812345б", "0888 123 456 (Мария)", "+359+888123456",
     "0888 123 456; DROP", "0888\u200b123456", "٠٨٨٨١٢٣٤٥٦"],
)  # fmt: skip
def test_letters_and_other_signs_are_refused_in_bulgarian(typed):
    with pytest.raises(DomainError) as refused:
        normalise_phone(typed)
    assert refused.value.field == "phone"
    assert "само цифри" in str(refused.value.message)


@pytest.mark.parametrize(
    "typed", ["0888", "0888 123", "888 123 456", "0888 123 456 789", "1" * 40, "+359 88", "+1"]
)
def test_numbers_of_the_wrong_length_are_refused_in_bulgarian(typed):
    with pytest.raises(DomainError) as refused:
        normalise_phone(typed)
    assert refused.value.field == "phone"
    assert "цифри" in str(refused.value.message)

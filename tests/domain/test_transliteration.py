"""Search keys: the official Bulgarian transliteration, phone digits, safe LIKE patterns."""

import pytest

from bureau.domain.transliteration import (
    TOKEN_LENGTH,
    like_pattern,
    name_tokens,
    phone_key,
    search_key,
    to_latin,
)


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Щерев", "shterev"),
        ("Живко", "zhivko"),
        ("Цветан", "tsvetan"),
        ("Ъглен", "aglen"),
        ("Юлиан", "yulian"),
        ("Янков", "yankov"),
        ("Чочо", "chocho"),
        ("Шишков", "shishkov"),
        ("Хаджиев", "hadzhiev"),
        ("Йорданка", "yordanka"),
        ("Гьоре", "gyore"),
    ],
)
def test_official_table_transliterates_each_letter(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_whole_alphabet_follows_the_transliteration_act():
    alphabet = "абвгдежзийклмнопрстуфхцчшщъьюя"
    expected = "abvgdezhziyklmnoprstufhtschshshtayyuya"
    assert to_latin(alphabet) == expected
    assert to_latin(alphabet.upper()) == expected


@pytest.mark.parametrize(
    ("word", "latin"),
    [("София", "sofia"), ("Мария", "maria"), ("Юлия", "yulia"), ("Гергиния", "gerginia")],
)
def test_word_final_iya_is_written_ia(word, latin):
    assert to_latin(word) == latin


def test_iya_inside_a_word_keeps_the_y():
    assert to_latin("Илияна") == "iliyana"


def test_final_iya_rule_applies_to_every_word_of_a_name():
    # Only the country's own name is an exception in the Act (Bulgaria); a name key
    # never meets it, so the rule is applied as written: България → balgaria.
    assert search_key("Мария Илиева от България") == "maria ilieva ot balgaria"


def test_latin_letters_pass_through_in_lower_case():
    assert to_latin("Ivanova") == "ivanova"
    assert to_latin("ИВАНОВА") == to_latin("иванова") == to_latin("Ivanova")


def test_search_key_folds_case_and_spacing():
    assert search_key("  Мария   ИВАНОВА ") == "maria ivanova"


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_search_key_of_nothing_is_none(empty):
    assert search_key(empty) is None


@pytest.mark.parametrize(
    "phone",
    ["+359 888 123 456", "00359 888 123 456", "0888 123 456", "0888-123-456", "359888123456"],
)
def test_phone_key_writes_the_country_code_as_a_leading_zero(phone):
    assert phone_key(phone) == "0888123456"


def test_phone_key_keeps_digits_only():
    assert phone_key("(07433) 21-20") == "074332120"


def test_phone_key_keeps_short_numbers_as_typed():
    assert phone_key("359") == "359"
    assert phone_key("0888 123") == "0888123"


@pytest.mark.parametrize("empty", [None, "", "тел.", "---"])
def test_phone_key_without_digits_is_none(empty):
    assert phone_key(empty) is None


def test_like_pattern_matches_anywhere():
    assert like_pattern("ivan") == "%ivan%"


def test_like_pattern_escapes_percent_and_underscore():
    assert like_pattern("50%_off") == "%50\\%\\_off%"


def test_like_pattern_escapes_the_escape_character_itself():
    assert like_pattern("a\\b") == "%a\\\\b%"


def test_name_tokens_are_the_transliterated_words():
    assert name_tokens("Мария Иванова-Петрова") == {"maria", "ivanova", "petrova"}
    assert name_tokens(None) == set()


def test_name_tokens_are_cut_to_fit_the_index():
    [token] = name_tokens("Щ" * 100)
    assert len(token) == TOKEN_LENGTH

"""Search keys that let `Ivanova`, `ivanova` and `Иванова` find the same citizen.

Names are reduced to lower-case Latin by the official Bulgarian transliteration
(Transliteration Act, 2009), so one plain LIKE works on SQLite and PostgreSQL alike.
"""

import re

_LETTERS: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_TABLE = str.maketrans(_LETTERS)
# The Act writes a word-final "ия" as "ia" (София → Sofia).
_FINAL_IA = re.compile(r"ия\b")


def to_latin(text: str) -> str:
    """Lower-case official transliteration; Latin letters pass through."""
    return _FINAL_IA.sub("ia", text.lower()).translate(_TABLE)


def search_key(text: str | None) -> str | None:
    """The name as stored for search: transliterated, single-spaced, trimmed."""
    if not text:
        return None
    return " ".join(to_latin(text).split()) or None


def phone_key(text: str | None) -> str | None:
    """Digits only, with +359 / 00359 written as a leading 0."""
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    for prefix in ("00359", "359"):
        if digits.startswith(prefix) and len(digits) > 9:
            digits = "0" + digits[len(prefix) :]
            break
    return digits or None


def like_pattern(key: str) -> str:
    """A LIKE pattern matching the key anywhere, with LIKE's own wildcards escaped."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The longest word kept for the search index (the size of CitizenToken.token): "Щ" becomes
# "sht", so a long word outgrows it. Searches cut their words alike, so prefixes still match.
TOKEN_LENGTH = 60


def name_tokens(text: str | None) -> set[str]:
    """The words of a name for the search index: transliterated, letters and digits only."""
    return {word[:TOKEN_LENGTH] for word in re.split(r"[^a-z0-9]+", to_latin(text or "")) if word}

"""References (`KRS-2026-00042`) read the way people type them, in one place: the public
status look-up, the desk's and the case list's search, case addresses and the API.

A citizen copies the reference from a receipt on a phone: in lower case, with spaces,
dots or dashes of any kind, without the leading zeros — and in Cyrillic, since a
Bulgarian keyboard writes "КРС" for the office of Кресна. A Cyrillic code is read by
sound (the official transliteration: КРС → KRS) or by look (Р → P, С → C); the office
codes that exist decide between the two.
"""

import re
import unicodedata

from sqlalchemy import select

from bureau.domain.transliteration import to_latin
from bureau.extensions import db
from bureau.models import Office

# What goes between the parts: spaces, dots, slashes, underscores and every kind of dash.
SEPARATORS = re.compile(r"[\s._/\\\-‐‑‒–—―−·•]+")
# Letters (Latin or Cyrillic), a year of this century, a number; separated or not. (Only
# 20xx: "ivanov 0888123456" is a name and a phone, never a reference of year 0888.)
TYPED = re.compile(r"^([A-ZА-Я]{2,8})-?(20[0-9]{2})-?([0-9]{1,7})$")
CANONICAL = re.compile(r"^[A-Z]{2,8}-[0-9]{4}-[0-9]{5,7}$")
# Cyrillic capitals that look like Latin ones.
LOOK_ALIKE = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
LATIN_CODE = re.compile(r"^[A-Z]{2,8}$")
LONGEST_TYPED = 60  # nobody types a reference longer than this
NUMBER_SIGN = re.compile(r"^\s*(№|No\.|NO\.)\s*")  # "№ KRS-2026-00042", as on a letter


def normalise_reference(text: str | None) -> str | None:
    """`крс 2026 42` → `KRS-2026-00042`; None if the text cannot be a reference."""
    if not text or len(text) > LONGEST_TYPED:
        return None
    # NFKC folds full-width letters and digits into plain ones.
    typed = unicodedata.normalize("NFKC", NUMBER_SIGN.sub("", text)).upper().strip()
    typed = SEPARATORS.sub("-", typed).strip("-")
    match = TYPED.match(typed)
    if match is None:
        return None
    code, year, number = match.groups()
    code = office_code(code)
    if code is None:
        return None
    return f"{code}-{year}-{int(number):05d}"


def is_canonical(reference: str) -> bool:
    """Written exactly as the system writes references."""
    return CANONICAL.match(reference) is not None


def office_code(typed: str) -> str | None:
    """The Latin office code for letters typed in Latin, Cyrillic or a mix of both."""
    if LATIN_CODE.match(typed):
        return typed
    by_sound = to_latin(typed).upper()
    by_look = typed.translate(LOOK_ALIKE)
    candidates = [code for code in (by_sound, by_look) if LATIN_CODE.match(code)]
    if not candidates:
        return None
    known = set(db.session.scalars(select(Office.code).where(Office.code.in_(candidates))))
    return next((code for code in candidates if code in known), candidates[0])

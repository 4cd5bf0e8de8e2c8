"""Citizens of an office: their phone numbers checked, and found by name (Cyrillic or
Latin) or phone."""

import functools
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, event, func, insert, select
from sqlalchemy.orm import Session, aliased

from bureau.domain import DomainError
from bureau.domain.text import one_line
from bureau.domain.transliteration import name_tokens, phone_key
from bureau.extensions import db
from bureau.models import Citizen, CitizenToken

NON_DIGITS_IN_PHONES = re.compile(r"[\s\-/().+]")
# Digits, spaces, dashes, dots, slashes and brackets; "+" only in front.
PHONE_SIGNS = re.compile(r"^\+?[0-9 ()./\-]+$")
# A Bulgarian number with its trunk 0 has 9 digits (a landline: 02 987 6543, 07433 2121)
# or 10 (a mobile: 0888 123 456); a foreign one has at most 15 (E.164).
NATIONAL_DIGITS = (9, 10)
FOREIGN_DIGITS = range(8, 16)


def normalise_phone(text: str | None) -> str:
    """The number as typed, spaces tidied; "" if none. Refused with a message in Bulgarian:
    letters and other signs, and numbers with too few or too many digits."""
    phone = one_line(text)
    if not phone:
        return ""
    if not PHONE_SIGNS.match(phone):
        raise DomainError(
            _l(
                "Телефонът може да съдържа само цифри, интервали, тирета, скоби и „+“ "
                "в началото — например 0888 123 456 или +359 888 123 456."
            ),
            "phone",
        )
    digits = re.sub(r"[^0-9]", "", phone)
    international = phone.startswith("+") or digits.startswith("00")
    if international:
        digits = digits.removeprefix("00")
        if digits.startswith("359"):
            digits, international = "0" + digits[3:], False
    if international and len(digits) in FOREIGN_DIGITS:
        return phone
    if not international and digits.startswith("0") and len(digits) in NATIONAL_DIGITS:
        return phone
    raise DomainError(
        _l(
            "Проверете телефона: номерът започва с 0 или +359 и има 9 или 10 цифри — "
            "например 0888 123 456 или +359 888 123 456."
        ),
        "phone",
    )


def matching_ids(office_id: int | None, q: str) -> Select | None:
    """Ids of citizens whose phone starts with the digits typed, or whose name has a word
    starting with each word typed (`ivan petr` finds `Иван Петров`); both when both are
    typed (`Мария Иванова 0888 123`); None if q is too short."""
    name, phone = split_query(q)
    by_phone = _by_phone(office_id, phone) if phone else None
    if not (words := _words(name)):
        return by_phone
    # The citizens of the longest word, each checked for the other words (and a phone typed
    # with the name) through their own index entries: collecting every "Мария" of the
    # office first cost a "Мария Иванова" 12 ms at a million cases.
    return _with_prefix(office_id, words[0]).where(
        *_own(CitizenToken.citizen_id, office_id, words[1:], phone)
    )


def split_query(q: str) -> tuple[str, str]:
    """(name, phone digits) of what was typed: the words made of digits and the signs
    phones are written with form the phone, the others the name. Fewer than 3 digits
    are no phone to search by (they are dropped)."""
    name, digits = [], []
    for word in q.split():
        compact = NON_DIGITS_IN_PHONES.sub("", word)
        if compact.isdigit():
            digits.append(compact)
        elif word.strip("-/().+"):
            name.append(word)
    phone = "".join(digits)
    return " ".join(name), phone if len(phone) >= 3 else ""


def _phone_prefix(digits: str) -> str:
    digits = phone_key(digits) or digits
    # Typed without the trunk prefix: 888 123 → 0888123.
    return digits if digits.startswith("0") else "0" + digits


def _by_phone(office_id: int | None, digits: str) -> Select:
    query = select(Citizen.id).where(*_starts_with(Citizen.phone_key, _phone_prefix(digits)))
    return _in_office(query, Citizen, office_id)


COMMON = 500


def matches(citizen_id, office_id: int | None, q: str):
    """The condition that the citizen of `citizen_id` (a column) is one matching_ids finds,
    checked row by row through the citizen's own index entries: what a search that reads
    the cases newest first asks of each case, instead of collecting every citizen of a
    common name first. None if q is too short."""
    name, phone = split_query(q)
    conditions = _own(citizen_id, office_id, _words(name), phone)
    return and_(*conditions) if conditions else None


def _words(name: str) -> list[str]:
    """The name's search words, longest first; none if the longest is under 2 letters."""
    words = sorted(name_tokens(name), key=len, reverse=True) if name else []
    return words if words and len(words[0]) >= 2 else []


def _own(citizen_id, office_id: int | None, words: list[str], phone: str) -> list:
    """That the citizen of `citizen_id` (a column) has a name word starting with each of
    `words` and a phone starting with `phone` (if any): one look-up each in the citizen's
    own index entries. The office too, where there is one: lets a planner that gathers the
    matching citizens first (PostgreSQL may) read them through the office's index."""
    conditions = []
    for position, word in enumerate(words):
        token = _own_token(position)
        own = select(token.id).where(
            token.citizen_id == citizen_id, *_starts_with(token.token, word)
        )
        conditions.append(_in_office(own, token, office_id).exists())
    if phone:
        citizen = _own_citizen()
        own = select(citizen.id).where(
            citizen.id == citizen_id, *_starts_with(citizen.phone_key, _phone_prefix(phone))
        )
        conditions.append(_in_office(own, citizen, office_id).exists())
    return conditions


# The tables a search's sub-queries read, aliased once for the process: an alias made
# anew adapts each column it is asked for again, 0.6 ms a phone search (twice a list).
@functools.cache
def _own_token(position: int):
    return aliased(CitizenToken, name=f"own_token_{position}")


@functools.cache
def _own_citizen():
    return aliased(Citizen, name="own_citizen")


def _in_office(query: Select, model, office_id: int | None) -> Select:
    return query.where(model.office_id == office_id) if office_id else query


# A list within filters reads the cases of a name no more citizens than this share at
# once rather than the filtered cases newest first, when few of those match (see
# search.listing). At a million cases, through 1,564 citizens: 36 ms; 82,036: 177 ms.
# Counting a common name's citizens this far costs every filtered search of it ~0.5 ms
# (10,000: 2–4 ms on PostgreSQL).
FEW = 2_000


def sharing(ids: Select, upto: int) -> int:
    """How many citizens match, counted no further than `upto` + 1 (a citizen two of
    whose name words start with what was typed counts twice: never fewer than match)."""
    return db.session.scalar(select(func.count()).select_from(ids.limit(upto + 1).subquery()))


_SHARED_SEARCHES = "bureau.shared_searches"


def sharing_search(office_id: int | None, q: str, upto: int) -> int:
    """How many citizens match what was typed, counted no further than `upto` + 1 (0 if
    it is too short) — remembered for the transaction: a filtered list and its count both
    choose their way by it, and counting those of "Мария Иванова" takes 18 ms at a
    million cases. A count that went far enough, or was exact, is not made again."""
    known = db.session.info.setdefault(_SHARED_SEARCHES, {})
    if (office_id, q) in known:
        found, reach = known[office_id, q]
        if found <= reach or reach >= upto:
            return min(found, upto + 1)
    ids = matching_ids(office_id, q)
    found = 0 if ids is None else sharing(ids, upto)
    known[office_id, q] = found, upto
    return found


def is_common_search(office_id: int | None, q: str) -> bool:
    """More than COMMON citizens match what was typed. Counted on to FEW at once: a list
    that asks next whether they are few (search.listing) finds the answer kept — a
    second count of a rare three-word name would read its longest word's entries again."""
    return sharing_search(office_id, q, FEW) > COMMON


@event.listens_for(Session, "after_transaction_end")
def _forget_shared_searches(session, transaction) -> None:
    if transaction.parent is None:  # citizens may have been added since
        session.info.pop(_SHARED_SEARCHES, None)


def find(office_id: int, q: str, limit: int = 8) -> list[Citizen]:
    """Returning citizens for the intake form's suggestions."""
    ids = matching_ids(office_id, q)
    if ids is None:
        return []
    query = select(Citizen).where(Citizen.id.in_(ids)).order_by(Citizen.name).limit(limit)
    return list(db.session.scalars(query))


def index_name(citizen: Citizen) -> None:
    """Keep the citizen's search tokens in step with the name."""
    wanted = name_tokens(citizen.name)
    citizen.tokens = [t for t in citizen.tokens if t.token in wanted] + [
        CitizenToken(office_id=citizen.office_id, token=token)
        for token in wanted - {t.token for t in citizen.tokens}
    ]


# A new citizen's tokens: a plain INSERT, built once (see index_new).
_INSERT_TOKENS = insert(CitizenToken.__table__)


def index_new(citizen: Citizen) -> None:
    """The search tokens of a citizen just written (flushed, `tokens` never read), with
    one plain INSERT: as ORM objects they cost every intake a statement each."""
    rows = [
        {"office_id": citizen.office_id, "token": token, "citizen_id": citizen.id}
        for token in sorted(name_tokens(citizen.name))
    ]
    if rows:
        db.session.execute(_INSERT_TOKENS, rows)


def _with_prefix(office_id: int | None, prefix: str) -> Select:
    query = select(CitizenToken.citizen_id).where(*_starts_with(CitizenToken.token, prefix))
    return _in_office(query, CitizenToken, office_id)


def _starts_with(column, prefix: str) -> tuple:
    """`column` starts with `prefix`, as a range an index reads (no LIKE)."""
    return column >= prefix, column < _next_prefix(prefix)


def _next_prefix(prefix: str) -> str:
    """The smallest string after every string that starts with `prefix` (a-z, 0-9 only)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# Bulgarian mobile networks' prefixes (after the 0 of a national number).
MOBILE_PREFIXES = ("87", "88", "89", "98", "99")


def sms_number(phone: str | None) -> str | None:
    """The number in the form the SMS gateway takes (+359888123456), or None where it
    cannot take an SMS: a Bulgarian landline, or no number. A foreign number is taken
    as it is: whether it is a mobile is for its network to say."""
    try:
        phone = normalise_phone(phone)
    except DomainError:
        return None
    digits = re.sub(r"[^0-9]", "", phone)
    if phone.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if not digits.startswith("359"):
            return "+" + digits
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits[1:3] in MOBILE_PREFIXES:
        return "+359" + digits[1:]
    return None

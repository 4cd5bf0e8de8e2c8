"""One parsing layer for what arrives from outside: ids, page numbers, dates, JSON, text.

Whatever a view reads from a URL, a query string or a body passes through here first,
so a huge number, an impossible date, a NUL byte, a lone surrogate or JSON nested a
hundred thousand deep is refused with a 400 that names the parameter — never a 500
from deep inside a query. PostgreSQL's INTEGER has 32 bits, so an id is at most
2**31 - 1; dates stay within years the bureau can have.
"""

import re
from datetime import date

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
# NUL (PostgreSQL refuses it in text) and lone surrogates (no UTF-8 exists for them).
UNREADABLE = re.compile(r"[\x00\ud800-\udfff]")
MAX_JSON_DEPTH = 20


class BadParameter(BadRequest):
    """A 400 whose message tells which parameter was wrong."""

    def __init__(self, name: str, message) -> None:
        super().__init__(description=str(message))
        self.parameter = name


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` in every route: 1 … 2**31-1, so a larger number is a 404 like any
    unknown id, never an overflow in the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_unreadable_text)


def refuse_unreadable_text() -> None:
    """before_request: a NUL or a lone surrogate anywhere in the query, form or JSON body
    is a 400 (nobody types them; a database would fail on them half-way)."""
    values = [*request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
        values += [file.filename or "" for file in request.files.values()]
    if any(UNREADABLE.search(value) for value in values):
        raise BadParameter("text", _l("Текстът съдържа непозволени знаци."))
    if request.is_json and request.content_length:
        json_body()


def json_body():
    """The request's JSON (None if it does not parse), refused if nested deeper than any
    of our documents or holding unreadable text."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # the parser's own limit, some hundreds deep
        payload = _too_deep()
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            _too_deep()
        if isinstance(value, str) and UNREADABLE.search(value):
            raise BadParameter("body", _l("Текстът съдържа непозволени знаци."))
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return payload


def _too_deep():
    raise BadParameter("body", _l("JSON документът е вложен твърде дълбоко."))


def as_id(value: str | None) -> int | None:
    """The id the text names, or None if it cannot be one (1 … 2**31-1)."""
    value = (value or "").strip()
    if not value.isdecimal() or len(value) > 10 or not 1 <= int(value) <= MAX_ID:
        return None
    return int(value)


def identifier(value: str | None, name: str) -> int | None:
    """An id from a query string or form: empty is None; anything but 1…2**31-1 a 400."""
    if not (value or "").strip():
        return None
    if (parsed := as_id(value)) is None:
        raise BadParameter(name, _l("Невалидна стойност на „%(name)s“.", name=name))
    return parsed


def integer(value, name: str, *, minimum: int, maximum: int, default: int | None = None):
    """A whole number within bounds; empty gives the default; else a 400 naming it."""
    if value in (None, ""):
        return default
    text = str(value).strip()
    if not re.fullmatch(r"-?\d{1,12}", text) or not minimum <= int(text) <= maximum:
        raise BadParameter(
            name,
            _l(
                "„%(name)s“ трябва да е цяло число от %(low)d до %(high)d.",
                name=name,
                low=minimum,
                high=maximum,
            ),
        )
    return int(text)


def version(value, default: int | None = None) -> int | None:
    """The version of a record a form was filled in on (optimistic locking): 0 … 2**31-1;
    not sent gives `default`; anything else is a 400 naming it, never a check skipped."""
    return integer(value, "version", minimum=0, maximum=MAX_ID, default=default)


def search_words(args=None, *, name: str = "q", limit: int = 200) -> str:
    """What was typed into a search box, trimmed; longer than `limit` is a 400 (nobody
    types a page of text to search), and so is U+FFFD, what bytes that are not UTF-8
    (a lone surrogate's) were decoded to."""
    value = (args if args is not None else request.args).get(name) or ""
    if len(value) > limit:
        raise BadParameter(name, _l("Търсенето е до %(n)d знака.", n=limit))
    if "\ufffd" in value:
        raise BadParameter(name, _l("Текстът съдържа непозволени знаци."))
    return value.strip()


def page_number(args=None) -> int:
    """The `page` of a web list: what does not parse is the first page, and no page lies
    past MAX_PAGE (an offset the database can still compute)."""
    value = ((args if args is not None else request.args).get("page") or "").strip()
    if not value.isdecimal():
        return 1
    return min(max(1, int(value[:7])), MAX_PAGE)


def day(value: str | None, name: str) -> date | None:
    """A date as YYYY-MM-DD (what a date field sends) or DD.MM.YYYY, within the bureau's
    years; empty is None; else a 400."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value):
            d, m, y = (int(part) for part in value.split("."))
            parsed = date(y, m, d)
        else:
            parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not FIRST_DAY <= parsed <= LAST_DAY:
        raise BadParameter(name, _l("Невалидна дата в „%(name)s“ (ДД.ММ.ГГГГ).", name=name))
    return parsed

"""Language choice and the date formats of the bureau (21.11.2026, 24-hour clock)."""

from datetime import date, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from bureau.domain.clock import in_sofia


def select_locale() -> str:
    """The user's saved language, else the session's choice, else Bulgarian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    if request and request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_day(value: date | datetime | None) -> str:
    """A date as the bureau writes it: 21.11.2026 (in Sofia time if a datetime).

    The same in both languages, so plain strftime: Babel's formatter, called for
    every row of every list, cost a fifth of a case list's time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_sofia(value)
    return value.strftime("%d.%m.%Y")


def format_moment(value: datetime | None) -> str:
    """A UTC datetime (naive or aware) in Sofia time: 21.11.2026 14:05."""
    if value is None:
        return ""
    return in_sofia(value).strftime("%d.%m.%Y %H:%M")


def in_sentence(label: str) -> str:
    """A label written inside a sentence: its first letter small, unless the first word
    is an abbreviation ("Пенсии и ТЕЛК" → "пенсии и ТЕЛК", "NGO" stays)."""
    text = str(label)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def init_app(app) -> None:
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["in_sentence"] = in_sentence
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())

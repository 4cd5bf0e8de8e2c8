"""What every form of the web shares: fields and validators that apply the domain's
rules, and the way a domain error reaches the form."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import ValidationError

from bureau.domain import DomainError, citizens, emails, text
from bureau.domain.cases import intake
from bureau.domain.recommendations.vignettes import KINDS, findings
from bureau.domain.services import register
from bureau.domain.services.register import search_text
from bureau.models import AgeBand, Gender, Office, Service, ServiceProblem
from bureau.web.common.labels import AGE_BAND_LABELS, GENDER_LABELS, SERVICE_PROBLEMS

T = TypeVar("T")


class EmailAddress:
    """Form validator: the domain's rule for e-mail addresses (bureau/domain/emails.py);
    the field keeps the normalised form. An empty field is left to Optional()."""

    field_flags = {"maxlength": emails.MAX_LENGTH}

    def __call__(self, form, field) -> None:
        if not (field.data or "").strip():
            return
        try:
            field.data = emails.parse(field.data).normalized
        except DomainError as error:
            raise ValidationError(str(error.message)) from None


class LongText(TextAreaField):
    """A text box whose line breaks count once, as the browser's maxlength and the page's
    counter (static/js/forms.js) count them; the browser sends each as CR LF."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type = "TextAreaField"  # rendered as one by the templates

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data:
            self.data = text.one_line_break(self.data)


class PhoneNumber:
    """Form validator: the domain's rule for phone numbers (citizens.normalise_phone), so
    a wrong phone is named beside the form's other errors. An empty field passes."""

    def __call__(self, form, field) -> None:
        try:
            field.data = citizens.normalise_phone(field.data)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None


def notify_by_field(public: bool = False) -> SelectField:
    """How the citizen wants to hear about the inquiry; unchosen: e-mail if an address is
    given, else SMS if a mobile number and consent to SMS, else none."""
    return SelectField(
        _l("Как да ви известяваме") if public else _l("Известия до гражданина"),
        choices=[
            ("", _l("— по подразбиране —")),
            ("email", _l("По e-mail")),
            ("sms", _l("С SMS")),
            ("none", _l("Без известия")),
        ],
        default="",
    )


def gender_field() -> SelectField:
    """The citizen's gender, for statistics only; "not said" unless chosen."""
    choices = [(g.value, GENDER_LABELS[g]) for g in Gender]
    return SelectField(_l("Пол"), choices=choices, default="undisclosed")


def age_band_field() -> SelectField:
    """The citizen's age band, for statistics only; "not said" unless chosen."""
    choices = [(a.value, AGE_BAND_LABELS[a]) for a in AgeBand]
    return SelectField(_l("Възраст"), choices=choices, default="undisclosed")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def service_field() -> SelectField:
    """The municipal service a case is about, by its code; the domain checks the code
    (cases/service.py), so the choices only offer. Filled by `service_choices`."""
    return SelectField(_l("Услуга на общината"), default="", validate_choice=False)


def problems_field() -> MultiCheckboxField:
    """What went wrong with the service; the domain checks the codes."""
    choices = [(problem.value, SERVICE_PROBLEMS[problem]) for problem in ServiceProblem]
    return MultiCheckboxField(_l("Проблеми с услугата"), choices=choices, validate_choice=False)


def service_choices(office: Office, locale: str, current: Service | None = None) -> list:
    """The office's active services (and `current`, the one a case names) for
    `service_field`, by name, each with what the picker filters on (static/js/services.js):
    its category and its name in both scripts."""
    services = [s for s in register.of_office(office.id) if s.active or s is current]
    services.sort(key=lambda s: s.label(locale).casefold())
    return [("", _l("— няма —"), {})] + [
        (s.code, s.label(locale), {"data-category": s.category, "data-search": search_text(s)})
        for s in services
    ]


def form_error(form, error: DomainError) -> None:
    """Show a domain error next to its field, or as a message if it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "danger")


def values(form, *names: str) -> dict:
    """The named fields' data, as keyword arguments for a domain function."""
    return {name: getattr(form, name).data for name in names}


def submit(form, action: Callable[[], T]) -> T | bool | None:
    """Run the domain's `action()` once the posted form is valid: its result (True if it
    gives none), or None when the form was not posted, is not valid or the domain refused
    — the refusal then shows on the form, beside its field."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        form_error(form, error)
        return None
    return True if result is None else result


def status_of(form) -> int:
    """The status of a form page: 200 when it is shown, 422 when it was posted and refused."""
    return 422 if form.is_submitted() else 200


def sent_before(form, offices: list, actor):
    """The inquiry this form's one-time token already made: the same form sent again
    (Back, then "Запиши") answers with it, whatever it says now. Not for a form refused
    for its CSRF token, which may come from anywhere."""
    if not form.is_submitted() or "csrf_token" in form.errors:
        return None
    return intake.logged_with(form.token.data, offices, actor)


def vignette_warning(found) -> str:
    """What in a vignette looks like personal data, for the person who wrote or reviews it."""
    parts = ", ".join(f"„{f.text[:60]}“ ({KINDS[f.kind]})" for f in found[:8])
    return _("Описанието съдържа нещо, което прилича на лични данни: %(parts)s.", parts=parts)


def marked(text: str, found=None) -> Markup:
    """The text with what looks like personal data in <mark> (vignettes.findings), for
    the person who decides whether it may leave the bureau's staff."""
    found = findings(text) if found is None else found
    parts, at = [], 0
    for finding in found:
        parts += [escape(text[at : finding.start]), Markup("<mark>"), escape(finding.text)]
        parts.append(Markup("</mark>"))
        at = finding.end
    parts.append(escape(text[at:]))
    return Markup("").join(parts)

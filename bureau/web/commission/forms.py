"""The commission's forms: a recommendation, and a response to it."""

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Regexp

from bureau.domain import recommendations, taxonomy
from bureau.domain.recommendations import Draft, frozen
from bureau.domain.services import register
from bureau.models import Office
from bureau.web.common.forms import MultiCheckboxField
from bureau.web.common.labels import EVIDENCE_PROBLEMS

MONTH = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Въведете месец във вида ГГГГ-ММ."))


class RecommendationForm(FlaskForm):
    title = StringField(
        _l("Заглавие"), validators=[DataRequired(_l("Въведете заглавие.")), Length(max=200)]
    )
    text = TextAreaField(
        _l("Текст на препоръката"),
        validators=[DataRequired(_l("Въведете текста на препоръката.")), Length(max=20000)],
    )
    addressee = StringField(
        _l("До"),
        description=_l(
            "Например: Общински съвет, кмет на общината, дирекция „Социално подпомагане“"
        ),
        validators=[DataRequired(_l("Посочете до кого е препоръката.")), Length(max=200)],
    )
    categories = SelectMultipleField(
        _l("Категории, за които се отнася"),
        validators=[DataRequired(_l("Изберете поне една категория."))],
        validate_choice=False,
    )
    evidence_from = StringField(
        _l("Данни от месец"),
        validators=[DataRequired(_l("Въведете месец.")), MONTH],
        render_kw={"type": "month", "placeholder": "ГГГГ-ММ"},
    )
    evidence_to = StringField(
        _l("до месец"),
        validators=[DataRequired(_l("Въведете месец.")), MONTH],
        render_kw={"type": "month", "placeholder": "ГГГГ-ММ"},
    )
    services = SelectMultipleField(
        _l("Услуги, за които се отнася (по желание)"),
        description=_l("От регистъра на услугите на общината."),
        validate_choice=False,
    )
    evidence = MultiCheckboxField(
        _l("Доказателства от случаите"),
        description=_l("Одобрени анонимизирани описания на случаи."),
        coerce=int,
        validate_choice=False,
    )
    views = MultiCheckboxField(
        _l("Запазени таблици от статистиката"),
        description=_l("Таблиците остават такива, каквито са били при запазването."),
        coerce=int,
        validate_choice=False,
    )
    version = HiddenField()

    def __init__(self, office: Office, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "bg")
        self.categories.choices = [(c.code, c.label(locale)) for c in taxonomy.categories()]
        services = sorted(register.of_office(office.id), key=lambda s: s.label(locale).casefold())
        self.services.choices = [(s.code, s.label(locale)) for s in services]
        self.evidence.choices = [
            (e.id, f"{EVIDENCE_PROBLEMS.get(e.problem, e.problem)}: {_short(e.vignette)}")
            for e in recommendations.citable_evidence(office.id)
        ]
        self.views.choices = [(v.id, v.title) for v in frozen.of_office(office.id)]

    def draft(self) -> Draft:
        return Draft(
            title=self.title.data or "",
            text=self.text.data or "",
            addressee=self.addressee.data or "",
            categories=list(self.categories.data or []),
            evidence_from=_month(self.evidence_from.data),
            evidence_to=_month(self.evidence_to.data),
            services=list(self.services.data or []),
            evidence=list(self.evidence.data or []),
            views=list(self.views.data or []),
        )


class ResponseForm(FlaskForm):
    status = SelectField(_l("Нов статус"), validate_choice=False)
    on = DateField(_l("Дата"), validators=[DataRequired(_l("Въведете дата."))])
    text = TextAreaField(_l("Отговор или бележка"), validators=[Length(max=20000)])
    version = HiddenField()


class ActionForm(FlaskForm):
    what = TextAreaField(
        _l("Действие"),
        validators=[DataRequired(_l("Опишете действието.")), Length(max=2000)],
    )
    responsible = StringField(
        _l("Отговаря"),
        description=_l("Отдел или длъжност, например „Дирекция „Местни данъци и такси““."),
        validators=[DataRequired(_l("Посочете кой отговаря.")), Length(max=200)],
    )
    due_on = DateField(_l("Срок"), validators=[DataRequired(_l("Въведете срок."))])


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Нов статус"), validate_choice=False)
    on = DateField(_l("Дата"), validators=[DataRequired(_l("Въведете дата."))])
    reason = TextAreaField(_l("Причина (ако отпада)"), validators=[Length(max=2000)])
    version = HiddenField()


class ActionNoteForm(FlaskForm):
    text = TextAreaField(
        _l("Напредък"), validators=[DataRequired(_l("Опишете напредъка.")), Length(max=5000)]
    )
    on = DateField(_l("Дата"), validators=[DataRequired(_l("Въведете дата."))])


class ReviewForm(FlaskForm):
    text = TextAreaField(
        _l("Заключение от прегледа"),
        validators=[DataRequired(_l("Запишете заключението.")), Length(max=10000)],
    )
    on = DateField(_l("Дата на прегледа"), validators=[DataRequired(_l("Въведете дата."))])


def _short(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)

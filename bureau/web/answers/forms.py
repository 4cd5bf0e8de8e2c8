"""The forms of the answers library: the answer itself, a step of its review, an office's
local part. The domain (bureau/domain/answers/library.py) checks what they carry."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from bureau.domain import taxonomy
from bureau.domain.answers import library
from bureau.domain.answers.library import AnswerData
from bureau.domain.services import register
from bureau.models import Office
from bureau.web.common import params
from bureau.web.common.forms import LongText

FORMATTING = _l(
    "Празен ред — нов абзац; „- “ в началото на реда — точка от списък; "
    "[текст](https://…) — връзка; **текст** — удебелено."
)


def _long(label, description=None, required: str | None = None) -> LongText:
    validators = [DataRequired(required)] if required else []
    validators.append(Length(max=library.TEXT_LIMIT))
    return LongText(label, validators=validators, description=description)


class InRange:
    """A date within the years the bureau can have (as every date of the web)."""

    def __call__(self, form, field) -> None:
        if field.data and not params.FIRST_DAY <= field.data <= params.LAST_DAY:
            raise ValidationError(_l("Въведете дата между 2000 и 2100 година."))


class AnswerForm(FlaskForm):
    office = SelectField(_l("Бюро"), coerce=int, validate_choice=False)
    title = StringField(
        _l("Заглавие"),
        validators=[DataRequired(_l("Напишете заглавие на отговора.")), Length(max=200)],
        description=_l("Въпросът, както го задават хората: „Как да платя данък сгради?“"),
    )
    body = _long(_l("Отговор"), FORMATTING, required=_l("Напишете отговора."))
    documents = _long(_l("Какво да носите (документи)"), FORMATTING)
    place = _long(_l("Къде"), _l("Звено или институция, адрес, работно време."))
    fee_term = StringField(_l("Такса и срок"), validators=[Length(max=300)])
    legal_basis = StringField(_l("Правно основание"), validators=[Length(max=300)])
    title_en = StringField(_l("Заглавие на английски"), validators=[Length(max=200)])
    body_en = _long(_l("Отговор на английски"), _l("По желание."))
    categories = SelectMultipleField(_l("Категории"), validate_choice=False)
    subcategories = SelectMultipleField(_l("Подкатегории"), validate_choice=False)
    services = SelectMultipleField(_l("Услуги на общината"), validate_choice=False)
    shared = BooleanField(
        _l("Споделен с всички бюра"),
        description=_l("Всяко бюро вижда отговора и може да добави свои адреси и часове."),
    )
    review_by = DateField(
        _l("Да се прегледа до"),
        validators=[Optional(), InRange()],
        description=_l("След тази дата отговорът се показва като „за преглед“."),
    )

    def __init__(self, office: Office | None, locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = taxonomy.categories(active_only=False)
        self.categories.choices = [(c.code, c.label(locale)) for c in categories]
        self.subcategories.choices = [
            (s.code, f"{c.label(locale)} — {s.label(locale)}")
            for c in categories
            for s in c.subcategories
        ]
        services = register.of_office(office.id) if office is not None else []
        self.services.choices = [(s.code, s.label(locale)) for s in services]

    def to_data(self) -> AnswerData:
        texts = ("title", "body", "documents", "place", "fee_term", "legal_basis")
        texts += ("title_en", "body_en")
        return AnswerData(
            **{name: getattr(self, name).data or "" for name in texts},
            categories=list(self.categories.data or []),
            subcategories=list(self.subcategories.data or []),
            services=list(self.services.data or []),
            shared=bool(self.shared.data),
            review_by=self.review_by.data,
        )


class StepForm(FlaskForm):
    """Submit, approve, archive, restore: the button is the whole form."""


class SendBackForm(FlaskForm):
    note = LongText(
        _l("Какво да се поправи"),
        validators=[DataRequired(_l("Напишете какво да се поправи.")), Length(max=2000)],
    )


class LocalPartForm(FlaskForm):
    text = _long(
        _l("Частта на нашето бюро"),
        _l("Адреси, телефони и работно време при вас. Вижда се само в това бюро."),
    )

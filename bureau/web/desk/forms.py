"""The intake form: what the desk types while the citizen waits."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from bureau.domain import taxonomy
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.models import Channel, Flag, Office, Urgency
from bureau.web.common import params
from bureau.web.common.forms import (
    EmailAddress,
    LongText,
    MultiCheckboxField,
    PhoneNumber,
    age_band_field,
    gender_field,
    notify_by_field,
    problems_field,
    service_choices,
    service_field,
)
from bureau.web.common.labels import CHANNEL_LABELS, FLAG_LABELS


class IntakeForm(FlaskForm):
    category = SelectField(_l("Категория"), validators=[DataRequired(_l("Изберете категория."))])
    subcategory = SelectField(_l("Подкатегория"), validators=[Optional()])
    settlement = SelectField(_l("Населено място"), coerce=int, validators=[Optional()])
    description = LongText(
        _l("Въпрос на гражданина"),
        validators=[
            DataRequired(_l("Опишете накратко въпроса на гражданина.")),
            Length(max=intake.MAX_DESCRIPTION),
        ],
    )
    urgency = SelectField(
        _l("Спешност"),
        choices=[(Urgency.NORMAL.value, _l("Обичайна")), (Urgency.URGENT.value, _l("Спешно"))],
    )
    channel = SelectField(
        _l("Канал"), choices=[(c.value, CHANNEL_LABELS[c]) for c in Channel], default="walk_in"
    )
    service = service_field()
    problems = problems_field()
    anonymous = BooleanField(_l("Анонимно запитване (без лични данни)"))
    citizen_id = HiddenField()
    name = StringField(_l("Име и фамилия"), validators=[Length(max=200)])
    phone = TelField(_l("Телефон"), validators=[Length(max=40), PhoneNumber()])
    email = EmailField(_l("E-mail"), validators=[Optional(), EmailAddress()])
    notify_by = notify_by_field()
    sms_consent = BooleanField(_l("Гражданинът е съгласен да получава SMS за запитването"))
    gender = gender_field()
    age_band = age_band_field()
    flags = MultiCheckboxField(
        _l("Уязвими групи"), choices=[(f.value, FLAG_LABELS[f]) for f in Flag]
    )
    consent = BooleanField(_l("Гражданинът е съгласен данните му да бъдат обработвани"))
    token = HiddenField()
    # The library's answer the desk gave there and then: the inquiry is logged resolved.
    answered_with = HiddenField()

    def __init__(self, office: Office, locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.all_categories = taxonomy.categories()
        self.category.choices = [("", _l("— изберете —"))] + [
            (c.code, c.label(locale)) for c in self.all_categories
        ]
        self.subcategory.choices = [("", _l("— без подкатегория —"))] + [
            (s.code, s.label(locale)) for c in self.all_categories for s in c.subcategories
        ]
        self.settlement.choices = [(0, _l("— не е посочено —"))] + [
            (s.id, s.name) for s in office.settlements if s.active
        ]
        self.service.choices = service_choices(office, locale)
        if not self.token.data:
            self.token.data = intake.new_token()

    def validate_consent(self, field) -> None:
        if not self.anonymous.data and not field.data:
            raise ValidationError(
                _l("Нужно е съгласие за обработване на данните — или отбележете анонимно.")
            )

    def validate_name(self, field) -> None:
        identity = (field.data or "").strip() or self.phone.data or self.email.data
        if not self.anonymous.data and not identity and not self.citizen_id.data:
            raise ValidationError(
                _l("Въведете име, телефон или e-mail — или отбележете анонимно запитване.")
            )

    def to_data(self) -> IntakeData:
        anonymous = bool(self.anonymous.data)
        citizen = CitizenData(
            name="" if anonymous else (self.name.data or ""),
            phone="" if anonymous else (self.phone.data or ""),
            email="" if anonymous else (self.email.data or ""),
            notify_by="" if anonymous else (self.notify_by.data or ""),
            sms_consent=not anonymous and bool(self.sms_consent.data),
            gender=self.gender.data,
            age_band=self.age_band.data,
            flags=list(self.flags.data or []),
        )
        linked = None if anonymous else params.identifier(self.citizen_id.data, "citizen_id")
        return IntakeData(
            category=self.category.data,
            subcategory=self.subcategory.data or None,
            settlement_id=self.settlement.data or None,
            description=self.description.data or "",
            urgency=self.urgency.data,
            channel=self.channel.data,
            anonymous=anonymous,
            consent=bool(self.consent.data),
            citizen=citizen,
            citizen_id=linked,
            token=self.token.data or None,
            service=self.service.data or None,
            problems=list(self.problems.data or []),
            answered_with=params.identifier(self.answered_with.data, "answered_with"),
        )

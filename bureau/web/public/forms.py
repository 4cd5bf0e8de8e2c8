"""Forms of the public site: status look-up, online inquiry, a service's rating."""

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
from wtforms.validators import DataRequired, Length, Optional, Regexp

from bureau.domain import taxonomy
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.domain.services import ratings
from bureau.models import Office
from bureau.web.common.feedback_forms import SATISFACTION, question
from bureau.web.common.forms import (
    EmailAddress,
    LongText,
    PhoneNumber,
    age_band_field,
    gender_field,
    notify_by_field,
)
from bureau.web.common.labels import REFERRAL_RESULT_LABELS


class StatusForm(FlaskForm):
    reference = StringField(
        _l("Номер на запитването"),
        validators=[DataRequired(_l("Въведете номера от разписката.")), Length(max=40)],
        description=_l("Например KRS-2026-00042 — горе на разписката."),
    )
    pin = StringField(
        _l("ПИН"),
        validators=[
            DataRequired(_l("Въведете ПИН-а от разписката.")),
            Regexp(r"^\s*\d{6}\s*$", message=_l("ПИН-ът е от 6 цифри — вижте разписката.")),
        ],
        description=_l("6 цифри, под номера на разписката."),
    )


class AskForm(FlaskForm):
    category = SelectField(
        _l("За какво се отнася въпросът ви?"),
        validators=[DataRequired(_l("Изберете за какво се отнася въпросът."))],
    )
    settlement = SelectField(_l("Населено място"), coerce=int, validators=[Optional()])
    description = LongText(
        _l("Опишете въпроса си"),
        validators=[
            DataRequired(_l("Напишете накратко какъв е въпросът ви.")),
            Length(
                max=intake.MAX_DESCRIPTION, message=_l("Текстът е твърде дълъг (до %(max)d знака).")
            ),
        ],
        description=_l("Със свои думи: какво се случи и с какво можем да помогнем."),
    )
    name = StringField(_l("Име"), validators=[Length(max=200)])
    phone = TelField(_l("Телефон"), validators=[Length(max=40), PhoneNumber()])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), EmailAddress()],
        description=_l("Ако го попълните, ще ви изпратим номера и ПИН-а и там."),
    )
    notify_by = notify_by_field(public=True)
    sms_consent = BooleanField(
        _l("Съгласен/съгласна съм да получавам SMS за запитването на този телефон.")
    )
    gender = gender_field()
    age_band = age_band_field()
    consent = BooleanField(
        _l("Съгласен/съгласна съм бюрото да обработва тези данни, за да ми отговори."),
        validators=[DataRequired(_l("Без съгласието ви не можем да приемем запитването."))],
    )
    # The honeypot: hidden from people, filled in by bots. A real name keeps bots keen.
    website = StringField(_l("Уебсайт (не попълвайте)"))
    token = HiddenField()

    def __init__(self, offices: list[Office], locale: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("— изберете —"))] + [
            (c.code, c.label(locale)) for c in taxonomy.categories() if c.active
        ]
        self.several_offices = len(offices) > 1
        places = [
            (s.id, f"{s.name} ({office.municipality})" if self.several_offices else s.name)
            for office in offices
            for s in office.settlements
            if s.active
        ]
        if self.several_offices:
            # The settlement tells which bureau gets the inquiry.
            self.settlement.choices = [(0, _l("— изберете —")), *places]
            self.settlement.validators = [
                DataRequired(_l("Изберете населеното място, за да стигне въпросът до бюрото."))
            ]
        else:
            self.settlement.choices = [(0, _l("— не искам да посоча —")), *places]
        if not self.token.data:
            self.token.data = intake.new_token()

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())

    def to_data(self) -> IntakeData:
        return IntakeData(
            category=self.category.data,
            settlement_id=self.settlement.data or None,
            description=self.description.data or "",
            consent=bool(self.consent.data),
            citizen=CitizenData(
                name=(self.name.data or "").strip(),
                phone=(self.phone.data or "").strip(),
                email=(self.email.data or "").strip(),
                notify_by=self.notify_by.data or "",
                sms_consent=bool(self.sms_consent.data),
                gender=self.gender.data,
                age_band=self.age_band.data,
            ),
            token=self.token.data or None,
        )


ANSWERS = [("yes", _l("Да")), ("no", _l("Не")), ("unknown", _l("Не знам"))]
EXTRA_PAYMENT = [
    ("no", _l("Не")),
    ("yes", _l("Да")),
    ("undisclosed", _l("Предпочитам да не казвам")),
]
CHOOSE = _l("Изберете един от отговорите.")


class RatingForm(FlaskForm):
    """A citizen's rating of a municipal service: anonymous, a minute to fill in."""

    satisfaction = question(
        _l("Доколко сте доволни от услугата?"), SATISFACTION, _l("Изберете оценка от 1 до 5.")
    )
    within_term = question(_l("Изпълнена ли беше в срока по закон?"), ANSWERS, CHOOSE)
    clear_requirements = question(
        _l("Ясно ли беше какви документи и условия са нужни?"), ANSWERS, CHOOSE
    )
    courteous = question(_l("Учтиви ли бяха служителите?"), ANSWERS, CHOOSE)
    extra_payment = question(
        _l("Поискаха ли ви нещо извън официалната такса?"), EXTRA_PAYMENT, CHOOSE
    )
    comment = LongText(
        _l("Искате ли да добавите нещо? (по желание)"),
        validators=[Optional(), Length(max=ratings.MAX_COMMENT)],
        description=_l(
            "Не се публикува: чете го само координаторът на бюрото. Моля, не пишете имена."
        ),
    )
    website = StringField(_l("Уебсайт (не попълвайте)"))

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())

    def to_data(self) -> ratings.RatingData:
        names = ("within_term", "clear_requirements", "courteous", "extra_payment")
        answers = {name: getattr(self, name).data for name in names}
        return ratings.RatingData(
            satisfaction=int(self.satisfaction.data), comment=self.comment.data or "", **answers
        )


class ReferralAnswerForm(FlaskForm):
    """The institution's answer to a referral (domain/referrals/workflow.py checks it)."""

    step = HiddenField(validators=[DataRequired(), Length(max=20)])
    reason = LongText(_l("Причина за отказа"), validators=[Optional(), Length(max=2000)])
    outcome = LongText(_l("Резултат с няколко думи"), validators=[Optional(), Length(max=2000)])
    result = SelectField(
        _l("Резултат"),
        choices=[("", _l("— изберете —")), *REFERRAL_RESULT_LABELS.items()],
        validators=[Optional()],
    )

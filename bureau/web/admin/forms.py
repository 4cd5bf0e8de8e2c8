"""The administrator's forms: users, offices and their settlements, categories, and the
erasure of a citizen's data."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from bureau.domain import offices, taxonomy
from bureau.domain.referrals.institutions import InstitutionData
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Office, Role
from bureau.web.common.forms import EmailAddress
from bureau.web.common.labels import INSTITUTION_KIND_LABELS, ROLE_LABELS, SERVICE_KINDS

LANGUAGE_LABELS = [("bg", "Български"), ("en", "English")]


class UserForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Въведете e-mail.")), EmailAddress()]
    )
    name = StringField(_l("Име"), validators=[DataRequired(_l("Въведете име.")), Length(max=200)])
    # No role is preselected: left untouched, the first one (administrator) would be given.
    role = SelectField(
        _l("Роля"),
        choices=[("", _l("— изберете роля —"))]
        + [(r.value, label) for r, label in ROLE_LABELS.items()],
        validators=[AnyOf([r.value for r in Role], message=_l("Изберете роля."))],
        validate_choice=False,
        default="",
    )
    office = SelectField(
        _l("Офис"),
        coerce=int,
        validators=[Optional()],
        description=_l("Задължителен за всички роли освен администратор."),
    )
    language = SelectField(_l("Език"), choices=LANGUAGE_LABELS)
    active = BooleanField(_l("Активен"), default=True)
    commission_secretary = BooleanField(
        _l("Секретар на комисията"),
        description=_l("Получава напомнянията за прегледите на плановете за действие."),
    )
    password = PasswordField(_l("Парола"), validators=[Optional(), Length(max=128)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = [(0, _("— без офис —"))] + [
            (o.id, f"{o.code} — {o.name}") for o in offices.list_offices()
        ]

    def chosen_office(self) -> Office | None:
        return db.session.get(Office, self.office.data) if self.office.data else None


class SettlementForm(FlaskForm):
    name = StringField(
        _l("Населено място"), validators=[DataRequired(_l("Въведете име.")), Length(max=100)]
    )
    ekatte = StringField(
        _l("ЕКАТТЕ"), validators=[DataRequired(_l("Въведете код.")), Length(max=5)]
    )
    population = IntegerField(_l("Население"), validators=[Optional()])
    active = BooleanField(_l("Активно"), default=True)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Нова парола"), validators=[DataRequired(_l("Въведете нова парола.")), Length(max=128)]
    )


class OfficeForm(FlaskForm):
    name = StringField(_l("Име"), validators=[DataRequired(_l("Въведете име.")), Length(max=200)])
    municipality = StringField(_l("Община"), validators=[Length(max=100)])
    address = StringField(_l("Адрес"), validators=[Length(max=300)])
    phone = StringField(_l("Телефон"), validators=[Length(max=50)])
    email = StringField(_l("E-mail"), validators=[Optional(), EmailAddress()])
    opening_hours = TextAreaField(_l("Работно време"), validators=[Length(max=1000)])
    auto_assign = BooleanField(
        _l("Възлагай новите запитвания автоматично на най-подходящия експерт")
    )


class CategoryForm(FlaskForm):
    label_bg = StringField(
        _l("Име (български)"), validators=[DataRequired(_l("Въведете име.")), Length(max=200)]
    )
    label_en = StringField(
        _l("Име (английски)"), validators=[DataRequired(_l("Въведете име.")), Length(max=200)]
    )
    response_days = IntegerField(
        _l("Срок за отговор (работни дни)"),
        # InputRequired, not DataRequired: 0 is typed, and refused by the range.
        validators=[InputRequired(_l("Въведете срок.")), NumberRange(1, 365)],
    )
    response_months = IntegerField(
        _l("или срок в месеци (по закон)"), validators=[Optional(), NumberRange(1, 12)]
    )
    requires_municipal = BooleanField(_l("Изисква общински експерт"))
    pause_when_waiting = BooleanField(_l("Срокът спира, докато се чака гражданинът"))
    active = BooleanField(_l("Активна"))


class SubcategoryForm(FlaskForm):
    code = StringField(
        _l("Код (латиница)"), validators=[DataRequired(_l("Въведете код.")), Length(max=60)]
    )
    label_bg = StringField(
        _l("Име (български)"), validators=[DataRequired(_l("Въведете име.")), Length(max=200)]
    )
    label_en = StringField(_l("Име (английски)"), validators=[Length(max=200)])


class EraseForm(FlaskForm):
    requested_by = StringField(
        _l("Искането е предадено от"),
        validators=[DataRequired(_l("Посочете кой е предал искането.")), Length(max=200)],
        description=_l("Обикновено координаторът на офиса, приел искането на гражданина."),
    )
    received_on = DateField(
        _l("Дата на искането"), validators=[InputRequired(_l("Посочете датата."))]
    )
    reason = TextAreaField(
        _l("Основание"),
        validators=[DataRequired(_l("Посочете основанието.")), Length(max=1000)],
        description=_l("Напр. „Искане за изтриване по чл. 17 ОРЗД, вх. № …“."),
    )
    confirm = BooleanField(
        _l("Разбирам, че данните ще бъдат заличени необратимо."),
        validators=[DataRequired(_l("Потвърдете заличаването."))],
    )


class ServiceForm(FlaskForm):
    """A service of the register (bureau/domain/services/register.py checks it)."""

    office = SelectField(_l("Офис"), coerce=int, validate_choice=False)
    name = StringField(
        _l("Наименование"),
        validators=[DataRequired(_l("Въведете наименованието на услугата.")), Length(max=300)],
    )
    name_en = StringField(_l("Наименование на английски"), validators=[Length(max=300)])
    register_number = StringField(
        _l("Номер в регистъра на административните услуги"),
        validators=[Length(max=12)],
        description=_l("Ако услугата има номер в националния регистър."),
    )
    code = StringField(
        _l("Код"),
        validators=[Length(max=40)],
        description=_l("Адресът на услугата в публичния сайт; празно — от наименованието."),
    )
    kind = SelectField(_l("Вид"), choices=list(SERVICE_KINDS.items()))
    department = StringField(_l("Звено, което я предоставя"), validators=[Length(max=200)])
    term_days = IntegerField(
        _l("Срок по закон (работни дни)"),
        validators=[Optional(), NumberRange(min=0, max=365)],
        description=_l("0 — в деня на заявяването; празно — не е известен."),
    )
    fee = StringField(_l("Такса"), validators=[Length(max=200)])
    legal_basis = StringField(_l("Правно основание"), validators=[Length(max=300)])
    category = SelectField(
        _l("Категория на запитванията"),
        validate_choice=False,
        description=_l("При приемане на запитване от тази категория услугата се предлага първа."),
    )
    active = BooleanField(_l("Активна"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale())
        self.category.choices = [("", _l("— без категория —"))] + [
            (c.code, c.label(locale))
            for c in taxonomy.categories(active_only=False, subcategories=False)
        ]

    def to_data(self) -> ServiceData:
        names = ("name", "name_en", "register_number", "code", "kind", "department", "fee")
        names += ("category",)
        values = {name: getattr(self, name).data or "" for name in names}
        return ServiceData(
            **values,
            term_days=self.term_days.data,
            legal_basis=self.legal_basis.data or "",
            active=self.active.data,
        )


class ServiceImportForm(FlaskForm):
    """A spreadsheet of the register (bureau/domain/services/importing.py reads it)."""

    office = SelectField(_l("Офис"), coerce=int, validate_choice=False)
    file = FileField(
        _l("Файл (CSV или XLSX)"),
        validators=[FileRequired(_l("Изберете файл."))],
        description=_l("Първият ред назовава колоните; задължителна е само „Наименование“."),
    )
    dry_run = BooleanField(_l("Само проверка — без запис"))


class InstitutionForm(FlaskForm):
    """An institution cases are referred to (bureau/domain/referrals/institutions.py)."""

    office = SelectField(_l("Офис"), coerce=int, validate_choice=False)
    name = StringField(
        _l("Наименование"),
        validators=[DataRequired(_l("Въведете наименованието.")), Length(max=200)],
    )
    kind = SelectField(_l("Вид"), choices=list(INSTITUTION_KIND_LABELS.items()))
    email = EmailField(
        _l("E-mail за насочвания"),
        validators=[Optional(), EmailAddress()],
        description=_l("Тук отива писмото с връзката за отговор."),
    )
    address = StringField(_l("Адрес"), validators=[Length(max=300)])
    contact_person = StringField(_l("Лице за контакт"), validators=[Length(max=200)])
    active = BooleanField(_l("Активна"), default=True)

    def to_data(self) -> InstitutionData:
        return InstitutionData(
            name=self.name.data or "",
            kind=self.kind.data or "other",
            email=self.email.data or "",
            address=self.address.data or "",
            contact_person=self.contact_person.data or "",
            active=bool(self.active.data),
        )

"""The expert's profile as the coordinator edits it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional

from bureau.web.common.labels import AFFILIATION_LABELS


class ProfileForm(FlaskForm):
    affiliation = SelectField(_l("Принадлежност"), choices=list(AFFILIATION_LABELS.items()))
    organisation = StringField(_l("Организация или отдел"), validators=[Length(max=200)])
    expertise = SelectMultipleField(_l("Експертиза (категории)"), coerce=int)
    capacity = IntegerField(
        _l("Капацитет (отворени случаи)"), validators=[NumberRange(0, 500)], default=10
    )
    on_leave_until = DateField(_l("В отпуск до"), validators=[Optional()])
    public_name = BooleanField(_l("Съгласен името му да се вижда на публичния сайт"))

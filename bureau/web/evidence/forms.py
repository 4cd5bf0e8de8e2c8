"""The forms of an evidence item's page: the rewrite, the approval, the return."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length

from bureau.web.cases.forms import EvidenceForm
from bureau.web.common.forms import LongText


class ReviseForm(EvidenceForm):
    version = HiddenField()


class ApproveForm(FlaskForm):
    version = HiddenField()
    checked = BooleanField(
        _l("Проверих: маркираното не е лично име или адрес"),
    )


class RejectForm(FlaskForm):
    version = HiddenField()
    reason = LongText(
        _l("Защо го връщате"),
        validators=[DataRequired(_l("Напишете защо връщате доказателството.")), Length(max=2000)],
    )

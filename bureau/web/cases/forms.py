"""The forms on a case page, each carrying the case's version for optimistic locking; and the
paper feedback form the desk types in."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from bureau.domain import taxonomy
from bureau.domain.cases import feedback
from bureau.domain.text import MAX_TEXT
from bureau.web.common import params
from bureau.web.common.feedback_forms import NOT_ANSWERED, SOLVED, YES_NO, FeedbackForm
from bureau.web.common.forms import LongText, problems_field, service_choices, service_field
from bureau.web.common.labels import CONTACT_LABELS, EVIDENCE_PROBLEMS, OUTCOME_LABELS


class VersionedForm(FlaskForm):
    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version of the case the form was filled in on. Every page sends it; one not
        sent is not checked (as the API's optional `version`), one that is no version is a
        400: skipping the check for it would let a stale copy overwrite newer work."""
        return params.version(self.version.data)


class AssignForm(VersionedForm):
    expert = IntegerField(validators=[DataRequired(_l("Изберете експерт."))])


class DeclineForm(VersionedForm):
    reason = LongText(
        _l("Причина за отказа"),
        validators=[DataRequired(_l("Посочете причина.")), Length(max=MAX_TEXT)],
    )


class TransitionForm(VersionedForm):
    to = HiddenField(validators=[DataRequired()])
    # Only the "resolve" button posts an outcome; the domain checks it where it is needed.
    outcome = SelectField(
        _l("Резултат"),
        choices=[("", _l("— изберете —"))] + list(OUTCOME_LABELS.items()),
        coerce=lambda value: value or None,
        validate_choice=False,
    )
    summary = LongText(_l("Как е решен случаят"), validators=[Length(max=MAX_TEXT)])
    reason = LongText(_l("Причина"), validators=[Length(max=MAX_TEXT)])


class NoteForm(FlaskForm):
    body = LongText(
        _l("Вътрешна бележка"),
        validators=[DataRequired(_l("Напишете бележката.")), Length(max=MAX_TEXT)],
        description=_l("Вижда се само от служителите на бюрото."),
    )


class ContactForm(FlaskForm):
    kind = SelectField(_l("Вид"), choices=CONTACT_LABELS)
    body = LongText(
        _l("Какво беше казано"),
        validators=[DataRequired(_l("Опишете контакта.")), Length(max=MAX_TEXT)],
    )


class ReplyForm(VersionedForm):
    body = LongText(
        _l("Отговор до гражданина"),
        validators=[DataRequired(_l("Напишете отговора до гражданина.")), Length(max=MAX_TEXT)],
        description=_l("Гражданинът го вижда на страницата за статус и в e-mail при решаване."),
    )
    answer_id = HiddenField()  # the library's answer the reply was written from, if any


class ServiceLinkForm(VersionedForm):
    """The municipal service the case is about and its problems; an empty choice clears
    them. Its choices are the office's services (forms.service_choices)."""

    service = service_field()
    problems = problems_field()


class EvidenceForm(FlaskForm):
    """A case flagged as evidence of a systemic problem: codes and an anonymised vignette."""

    problem = SelectField(
        _l("Вид на проблема"),
        choices=[("", _l("— изберете —")), *EVIDENCE_PROBLEMS.items()],
        validators=[DataRequired(_l("Изберете вида на проблема."))],
    )
    category = SelectField(_l("Категория"), validate_choice=False)
    service = service_field()
    vignette = LongText(
        _l("Описание без лични данни"),
        description=_l(
            "Какво се е случило и защо показва системен проблем — без имена, телефони, "
            "адреси, ЕГН и номер на случая. Комисията вижда само това описание."
        ),
        validators=[DataRequired(_l("Опишете случая.")), Length(max=3000)],
    )

    def offer(self, office, current_service=None) -> "EvidenceForm":
        """Fill the choices: the categories, and the office's services (and the one named)."""
        locale = str(get_locale())
        categories = taxonomy.categories(subcategories=False)
        self.category.choices = [(c.code, c.label(locale)) for c in categories]
        self.service.choices = service_choices(office, locale, current_service)
        return self


class ReferralForm(FlaskForm):
    institution = SelectField(_l("Институция"), coerce=int, validators=[Optional()])
    summary = LongText(
        _l("За институцията: какво гражданинът е съгласен да споделим"),
        validators=[Length(max=MAX_TEXT)],
        description=_l("Само това вижда институцията, по връзката в писмото до нея."),
    )
    note = LongText(
        _l("Вътрешна бележка към насочването"),
        validators=[Length(max=MAX_TEXT)],
        description=_l("Остава в бюрото."),
    )
    consent = BooleanField(_l("Гражданинът е съгласен данните му да се предадат на институцията"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("Файл"), validators=[FileRequired(_l("Изберете файл."))])


class PaperFeedbackForm(FeedbackForm):
    """The paper form typed in by the desk: citizens may leave questions unanswered."""

    problem_solved = RadioField(
        _l("Решен ли е проблемът?"),
        choices=[*SOLVED, NOT_ANSWERED],
        default="",
        validators=[Optional()],
    )
    would_recommend = RadioField(
        _l("Би ли препоръчал(а) бюрото?"),
        choices=[*YES_NO, NOT_ANSWERED],
        default="",
        validators=[Optional()],
    )
    comment = LongText(
        _l("Коментар от анкетата (по желание)"),
        validators=[Optional(), Length(max=feedback.MAX_COMMENT)],
        description=_l("Препишете го дословно. Вижда го само координаторът."),
    )

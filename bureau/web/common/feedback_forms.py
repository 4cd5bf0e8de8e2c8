"""The feedback questionnaire: the citizen's online form (after a status look-up or from
the e-mailed link), and the answers the paper form of the desk offers too."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired, Length, Optional

from bureau.domain.cases import feedback
from bureau.domain.cases.feedback import FeedbackData
from bureau.web.common.forms import LongText

SATISFACTION = [
    ("5", _l("5 — много доволен/доволна")),
    ("4", _l("4 — доволен/доволна")),
    ("3", _l("3 — отчасти")),
    ("2", _l("2 — недоволен/недоволна")),
    ("1", _l("1 — много недоволен/недоволна")),
]
SOLVED = [("yes", _l("Да")), ("partly", _l("Отчасти")), ("no", _l("Не"))]
YES_NO = [("yes", _l("Да")), ("no", _l("Не"))]
NOT_ANSWERED = ("", _l("Без отговор"))


def question(label, choices: list, required) -> RadioField:
    """A question answered by choosing one of `choices`; `required`: the message when
    none was chosen."""
    return RadioField(label, choices=choices, validators=[InputRequired(required)])


class FeedbackForm(FlaskForm):
    satisfaction = question(
        _l("Доволни ли сте от помощта на бюрото?"), SATISFACTION, _l("Изберете оценка от 1 до 5.")
    )
    problem_solved = question(
        _l("Решен ли е проблемът ви?"), SOLVED, _l("Отговорете дали проблемът е решен.")
    )
    would_recommend = question(
        _l("Бихте ли препоръчали бюрото на близък човек?"),
        YES_NO,
        _l("Отговорете дали бихте препоръчали бюрото."),
    )
    comment = LongText(
        _l("Искате ли да добавите нещо? (по желание)"),
        validators=[Optional(), Length(max=feedback.MAX_COMMENT)],
        description=_l("Коментарът се чете само от координатора на бюрото."),
    )

    def to_data(self) -> FeedbackData:
        recommend = self.would_recommend.data
        return FeedbackData(
            satisfaction=int(self.satisfaction.data),
            problem_solved=self.problem_solved.data or None,
            would_recommend=None if not recommend else recommend == "yes",
            comment=self.comment.data or "",
        )

"""The account's forms: login, the second factor's code, the user's own password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Въведете e-mail."))])
    password = PasswordField(_l("Парола"), validators=[DataRequired(_l("Въведете парола."))])


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Текуща парола"), validators=[DataRequired(_l("Въведете текущата парола."))]
    )
    password = PasswordField(
        _l("Нова парола"),
        validators=[DataRequired(_l("Въведете нова парола.")), Length(max=128)],
        description=_l(
            "Поне 12 знака. Фраза от няколко думи е лесна за помнене и трудна за отгатване."
        ),
    )
    confirm = PasswordField(
        _l("Повторете новата парола"),
        validators=[EqualTo("password", _l("Двете пароли не съвпадат."))],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Код"),
        validators=[DataRequired(_l("Въведете кода.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class ReauthForm(FlaskForm):
    password = PasswordField(
        _l("Текуща парола"), validators=[DataRequired(_l("Въведете текущата парола."))]
    )

"""Small helpers the views share."""

from urllib.parse import urlsplit

from flask import current_app, flash
from sqlalchemy import Select, func, inspect, select
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from bureau.domain import DomainError, emails, text
from bureau.domain.cases import search
from bureau.extensions import db
from bureau.web import params

# Past this many rows a list says "10 000+" instead of counting a million rows exactly;
# a search stops sooner: "1 000+" tells the volunteer to type more of the name.
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000


def safe_next(target: str | None, default: str) -> str:
    """The `next` target if it stays on this site, else the default."""
    if not target:
        return default
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class EmailAddress:
    """Form validator: the domain's rule for e-mail addresses (bureau/domain/emails.py);
    the field keeps the normalised form. An empty field is left to Optional()."""

    field_flags = {"maxlength": emails.MAX_LENGTH}

    def __call__(self, form, field) -> None:
        if not (field.data or "").strip():
            return
        try:
            field.data = emails.parse(field.data).normalized
        except DomainError as error:
            raise ValidationError(str(error.message)) from None


class LongText(TextAreaField):
    """A text box whose line breaks count once, as the browser's maxlength and the page's
    counter (static/js/forms.js) count them; the browser sends each as CR LF."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type = "TextAreaField"  # rendered as one by the templates

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data:
            self.data = text.one_line_break(self.data)


class PhoneNumber:
    """Form validator: the domain's rule for phone numbers (citizens.normalise_phone), so
    a wrong phone is named beside the form's other errors. An empty field passes."""

    def __call__(self, form, field) -> None:
        from bureau.domain import citizens

        try:
            field.data = citizens.normalise_phone(field.data)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None


def form_error(form, error: DomainError) -> None:
    """Show a domain error next to its field, or as a message if it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "danger")


def sent_before(form, offices: list, actor):
    """The inquiry this form's one-time token already made: the same form sent again
    (Back, then "Запиши") answers with it, whatever it says now. Not for a form refused
    for its CSRF token, which may come from anywhere."""
    from bureau.domain.cases import intake

    if not form.is_submitted() or "csrf_token" in form.errors:
        return None
    return intake.logged_with(form.token.data, offices, actor)


def paginate(
    query: Select, *, count_query: Select | None = None, per_page=None, page=None, cap=COUNT_CAP
):
    """A page of the query, with the total counted only up to `cap` rows.

    The page itself comes from an index; an exact count(*) would read every matching
    row, which at a million cases costs more than everything else on the page."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    result = db.paginate(
        query, page=page or params.page_number(), per_page=per_page, error_out=False, count=False
    )
    count_query = count_query if count_query is not None else query
    entity = count_query.column_descriptions[0]["entity"]
    key = inspect(entity).primary_key[0] if entity is not None else query.selected_columns[0]
    only_keys = count_query.order_by(None).with_only_columns(key).limit(cap + 1)
    capped = select(func.count()).select_from(only_keys.subquery())
    total = db.session.scalar(capped) or 0
    result.total = min(total, cap)
    result.total_capped = total > cap
    return result


def case_page(filters, **options):
    """A page of the current user's cases matching the filters: web list and API alike."""
    from flask_login import current_user

    return paginate(
        search.cases(current_user, filters),
        count_query=search.cases(current_user, filters, for_count=True),
        cap=SEARCH_COUNT_CAP if filters.q.strip() else COUNT_CAP,
        **options,
    )


def case_or_404(reference: str, permission: str = "case.view"):
    """The case if the current user may act on it; 404 alike for missing and foreign ones."""
    from flask import abort
    from flask_login import current_user

    from bureau.permissions import can

    case = search.find(reference)
    if case is None or not can(current_user, permission, case):
        abort(404)
    return case

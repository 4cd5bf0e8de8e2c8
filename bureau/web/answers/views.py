"""/answers: the office's answers library for its staff — the list, an answer's page with
its review steps, the form, the print view for a citizen — and the two small JSON lists
the desk and the case page search (lookup.py)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bureau.domain import DomainError, offices, taxonomy
from bureau.domain.answers import delivery, library, text
from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.models import Answer, AnswerStatus, Role
from bureau.permissions import can, requires
from bureau.web.answers.forms import AnswerForm, LocalPartForm, SendBackForm, StepForm
from bureau.web.common.forms import form_error, status_of, submit
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.loaders import paginate_list

bp = Blueprint("answers", __name__, url_prefix="/answers")


@bp.app_template_filter("answer_html")
def answer_html(value: str):
    """An answer's text as the only HTML it may become (bureau/domain/answers/text.py)."""
    return text.render(value)


def load(answer_id: int) -> Answer:
    """The answer if the user's office may see it (its own or a shared one); else 404."""
    answer = library.get(answer_id, current_user.office)
    if answer is None:
        abort(404)
    return answer


@bp.get("/")
@requires("answers.view")
def index():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    stale = request.args.get("stale") in ("1", "on")
    today = sofia_today()
    found = library.staff_list(
        current_user.office, q=q, status=status, stale_on=today if stale else None
    )
    return render_template(
        "answers/index.html",
        page=paginate_list(found),
        q=q,
        status=status,
        stale=stale,
        statuses=[s.value for s in AnswerStatus],
        is_stale=lambda answer: library.is_stale(answer, today),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("answers.edit")
@keeps_typed
def new():
    return _edit(None)


@bp.route("/<int:answer_id>/edit", methods=["GET", "POST"])
@requires("answers.edit")
@keeps_typed
def edit(answer_id: int):
    answer = load(answer_id)
    if not can(current_user, "answers.edit", answer):
        abort(403)  # a shared answer of another office: only its local part is ours
    return _edit(answer)


def _edit(answer: Answer | None):
    office = answer.office if answer is not None else _office_of_new()
    form = AnswerForm(office, str(get_locale()), obj=answer)
    form.office.choices = [(o.id, o.name) for o in _offices()]
    if answer is not None and request.method == "GET":
        form.office.data = answer.office_id

    def save():
        if answer is None:
            return library.create(office, form.to_data(), actor=current_user, today=sofia_today())
        return library.save(answer, form.to_data(), actor=current_user, today=sofia_today())

    if saved := submit(form, save):
        flash(_("Отговорът е запазен като чернова."), "success")
        return redirect(url_for("answers.show", answer_id=saved.id), 303)
    return render_template("answers/form.html", form=form, answer=answer), status_of(form)


def _offices():
    """Where a new answer can be written: the user's office; any, for the administrator."""
    if current_user.role == Role.ADMIN:
        return offices.list_offices()
    return [current_user.office]


def _office_of_new():
    choices = _offices()
    chosen = request.form.get("office", type=int) if request.method == "POST" else None
    office = next((o for o in choices if o.id == chosen), None) or (choices or [None])[0]
    return office or abort(404)


@bp.get("/<int:answer_id>")
@requires("answers.view")
def show(answer_id: int):
    return _page(load(answer_id))


def _page(answer: Answer, status: int = 200, **posted):
    office = current_user.office
    locale = str(get_locale())
    working = library.working(answer)
    live = library.live(answer) if answer.live is not None else None
    local = library.local_part(answer, office)
    context = {
        "answer": answer,
        "working": delivery.content_sections(working, locale=locale),
        "live": delivery.content_sections(live, locale=locale) if live else None,
        "live_differs": live is not None and live != working,
        "stale": library.is_stale(answer, sofia_today()),
        "local": local,
        "history": library.history(answer),
        "categories": _labels(working, locale),
        "step": StepForm(formdata=None),
        "send_back": posted.get("send_back") or SendBackForm(formdata=None),
        "local_form": posted.get("local_form") or LocalPartForm(formdata=None, text=local),
        "may_local": office is not None and can(current_user, "answers.edit"),
    }
    return render_template("answers/show.html", **context), status


def _labels(content: library.Content, locale: str) -> dict:
    """The names of the categories, subcategories and services the answer is linked to."""
    names = {}
    for category in taxonomy.categories(active_only=False):
        names[category.code] = category.label(locale)
        names.update({s.code: s.label(locale) for s in category.subcategories})
    services = {s.code: s.label(locale) for s in register.of_office(current_user.office_id or 0)}
    return {
        "categories": [names.get(code, code) for code in content.categories],
        "subcategories": [names.get(code, code) for code in content.subcategories],
        "services": [services.get(code, code) for code in content.services],
    }


def _step(path: str, permission: str, done, run, form=StepForm, slot: str | None = None):
    """POST /answers/<id>/<path>: one step of the answer's review, `run(answer, form)`; a
    refusal of the domain is said on the answer's page, and nothing is changed."""

    def view(answer_id: int):
        answer = load(answer_id)
        posted = form()
        if posted.validate_on_submit():
            try:
                run(answer, posted)
            except DomainError as error:
                if slot:
                    form_error(posted, error)
                else:
                    flash(str(error.message), "danger")
                return _page(answer, 422, **({slot: posted} if slot else {}))
            flash(str(done), "success")
            return redirect(url_for("answers.show", answer_id=answer.id), 303)
        return _page(answer, 422, **({slot: posted} if slot else {}))

    view.__name__ = path.replace("-", "_")
    bp.add_url_rule(
        f"/<int:answer_id>/{path}",
        methods=["POST"],
        view_func=requires(permission)(keeps_typed(view)),
    )


_step(
    "submit",
    "answers.edit",
    _l("Отговорът е изпратен за одобрение."),
    lambda answer, form: library.submit(answer, actor=current_user),
)
_step(
    "approve",
    "answers.approve",
    _l("Отговорът е одобрен и публикуван."),
    lambda answer, form: library.approve(answer, actor=current_user, today=sofia_today()),
)
_step(
    "send-back",
    "answers.approve",
    _l("Отговорът е върнат на автора за поправка."),
    lambda answer, form: library.send_back(answer, actor=current_user, note=form.note.data),
    form=SendBackForm,
    slot="send_back",
)
_step(
    "archive",
    "answers.edit",
    _l("Отговорът е архивиран."),
    lambda answer, form: library.archive(answer, actor=current_user),
)
_step(
    "restore",
    "answers.edit",
    _l("Отговорът е възстановен като чернова."),
    lambda answer, form: library.restore(answer, actor=current_user),
)
_step(
    "local",
    "answers.edit",
    _l("Частта на бюрото е запазена."),
    lambda answer, form: library.set_local_part(
        answer, current_user.office or abort(404), form.text.data, actor=current_user
    ),
    form=LocalPartForm,
    slot="local_form",
)


@bp.get("/<int:answer_id>/print")
@requires("answers.view")
def print_view(answer_id: int):
    """The live answer on A4, with this office's local part, for the desk to hand over."""
    answer = load(answer_id)
    if answer.live is None or answer.status == AnswerStatus.ARCHIVED:
        abort(404)
    content = library.live(answer)
    locale = "en" if request.args.get("lang") == "en" and content.body_en else "bg"
    return render_template(
        "answers/print.html",
        answer=answer,
        title=content.label(locale),
        sections=delivery.sections(answer, current_user.office, locale),
        office=current_user.office or answer.office,
        reviewed=library.last_reviewed(answer),
        stale=library.is_stale(answer, sofia_today()),
        locale=locale,
        has_english=bool(content.body_en),
    )

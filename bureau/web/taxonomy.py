"""The administrator edits the taxonomy: categories, response times, subcategories."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from bureau.domain import DomainError, taxonomy
from bureau.permissions import requires
from bureau.web import audit
from bureau.web.helpers import form_error

bp = Blueprint("taxonomy", __name__, url_prefix="/admin/categories")


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


@bp.get("/")
@requires("admin.taxonomy")
def categories():
    return render_template(
        "admin/categories.html", categories=taxonomy.categories(active_only=False)
    )


@bp.route("/<category_code>", methods=["GET", "POST"])
@requires("admin.taxonomy")
def edit(category_code: str):
    category = taxonomy.get_category(category_code) or abort(404)
    form = CategoryForm(obj=category)
    sub_form = SubcategoryForm(prefix="sub")
    if form.validate_on_submit():
        try:
            taxonomy.update_category(
                category, **{f.name: f.data for f in form if f.name != "csrf_token"}
            )
        except DomainError as error:
            form_error(form, error)
        else:
            audit.log("admin.taxonomy_updated", ("category", category.code))
            flash(_("Промените са запазени."), "success")
            return redirect(url_for("taxonomy.categories"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/category_form.html", form=form, sub_form=sub_form, category=category
    ), status


@bp.post("/<category_code>/subcategories")
@requires("admin.taxonomy")
def add_subcategory(category_code: str):
    category = taxonomy.get_category(category_code) or abort(404)
    sub_form = SubcategoryForm(prefix="sub")
    if sub_form.validate_on_submit():
        try:
            taxonomy.add_subcategory(
                category,
                code=sub_form.code.data,
                label_bg=sub_form.label_bg.data,
                label_en=sub_form.label_en.data or "",
            )
        except DomainError as error:
            form_error(sub_form, error)
        else:
            audit.log("admin.taxonomy_updated", ("category", category.code))
            flash(_("Подкатегорията е добавена."), "success")
            return redirect(url_for("taxonomy.edit", category_code=category.code), 303)
    form = CategoryForm(obj=category, formdata=None)
    return render_template(
        "admin/category_form.html", form=form, sub_form=sub_form, category=category
    ), 422

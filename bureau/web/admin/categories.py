"""The administrator edits the taxonomy under /admin/categories: categories, response
times, subcategories."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from bureau.domain import taxonomy
from bureau.permissions import requires
from bureau.web.admin.forms import CategoryForm, SubcategoryForm
from bureau.web.admin.views import bp
from bureau.web.common import audit
from bureau.web.common.forms import status_of, submit, values


@bp.get("/categories/")
@requires("admin.taxonomy")
def categories():
    return render_template(
        "admin/categories.html", categories=taxonomy.categories(active_only=False)
    )


@bp.route("/categories/<category_code>", methods=["GET", "POST"])
@requires("admin.taxonomy")
def edit_category(category_code: str):
    category = taxonomy.get_category(category_code) or abort(404)
    form = CategoryForm(obj=category)
    sub_form = SubcategoryForm(prefix="sub")
    fields = {f.name: f.data for f in form if f.name != "csrf_token"}
    if submit(form, lambda: taxonomy.update_category(category, **fields)):
        audit.log("admin.taxonomy_updated", ("category", category.code))
        flash(_("Промените са запазени."), "success")
        return redirect(url_for("admin.categories"), 303)
    return render_template(
        "admin/category_form.html", form=form, sub_form=sub_form, category=category
    ), status_of(form)


@bp.post("/categories/<category_code>/subcategories")
@requires("admin.taxonomy")
def add_subcategory(category_code: str):
    category = taxonomy.get_category(category_code) or abort(404)
    sub_form = SubcategoryForm(prefix="sub")

    def add():
        data = values(sub_form, "code", "label_bg")
        taxonomy.add_subcategory(category, label_en=sub_form.label_en.data or "", **data)

    if submit(sub_form, add):
        audit.log("admin.taxonomy_updated", ("category", category.code))
        flash(_("Подкатегорията е добавена."), "success")
        return redirect(url_for("admin.edit_category", category_code=category.code), 303)
    form = CategoryForm(obj=category, formdata=None)
    return render_template(
        "admin/category_form.html", form=form, sub_form=sub_form, category=category
    ), 422

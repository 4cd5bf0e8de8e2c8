"""The administrator edits the taxonomy: categories, response times, subcategories."""

import re

import pytest
from sqlalchemy import func, select

from bureau.domain import taxonomy
from bureau.domain.taxonomy import DEFAULT_TAXONOMY
from bureau.extensions import db
from bureau.models import Category, Role, Subcategory
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

CODES = [
    "social_assistance", "pensions_disability", "health", "employment", "local_taxes",
    "property_land", "construction", "civil_registration", "utilities", "education",
    "consumer", "environment", "transport_roads", "admin_complaint", "corruption_signal",
    "policy_proposal", "other",
]  # fmt: skip


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


def category_form(category: Category, **fields) -> dict:
    data = {
        "label_bg": category.label_bg,
        "label_en": category.label_en,
        "response_days": str(category.response_days),
        "response_months": str(category.response_months or ""),
        "active": "y" if category.active else None,
        "requires_municipal": "y" if category.requires_municipal else None,
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def local_taxes() -> Category:
    category = taxonomy.get_category("local_taxes")
    db.session.refresh(category)
    return category


def test_default_taxonomy_has_the_seventeen_codes_of_the_design(app):
    assert [code for code, *_ in DEFAULT_TAXONOMY] == CODES
    assert [c.code for c in taxonomy.categories()] == CODES
    assert all(c.subcategories for c in taxonomy.categories())


def test_seeding_twice_adds_nothing(app):
    taxonomy.seed_default_taxonomy()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Category)) == 17


def test_two_month_categories_by_law(app):
    months = {c.code: c.response_months for c in taxonomy.categories() if c.response_months}
    assert months == {"corruption_signal": 2, "policy_proposal": 2}


def test_category_list_shows_all_seventeen_codes(client, admin):
    response = client.get("/admin/categories/")
    assert response.status_code == 200
    shown = re.findall(r"<code>([a-z_]+)</code>", response.text)
    assert shown == CODES


def test_category_list_shows_response_times(client, admin):
    html = client.get("/admin/categories/").text
    assert "14 раб. дни" in html
    assert "2 мес." in html


def test_inactive_categories_are_still_listed_for_the_admin(client, admin):
    taxonomy.get_category("other").active = False
    db.session.commit()
    assert "<code>other</code>" in client.get("/admin/categories/").text


def test_edit_page_shows_the_category(client, admin):
    response = client.get("/admin/categories/local_taxes")
    assert response.status_code == 200
    assert 'value="Местни данъци и такси"' in response.text
    assert "property_tax" in response.text


def test_unknown_category_is_404(client, admin):
    assert client.get("/admin/categories/astrology").status_code == 404


def test_admin_edits_the_response_days(client, admin):
    response = client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days="20")
    )
    assert response.status_code == 303
    assert local_taxes().response_days == 20


def test_admin_edits_the_labels(client, admin):
    client.post(
        "/admin/categories/local_taxes",
        data=category_form(local_taxes(), label_bg="Данъци", label_en="Taxes"),
    )
    assert (local_taxes().label_bg, local_taxes().label_en) == ("Данъци", "Taxes")


def test_labels_sent_over_several_lines_are_kept_on_one(client, admin):
    client.post(
        "/admin/categories/local_taxes",
        data=category_form(local_taxes(), label_bg="Местни\r\nданъци ", label_en="Local\ttaxes"),
    )
    assert (local_taxes().label_bg, local_taxes().label_en) == ("Местни данъци", "Local taxes")
    client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": "tourist_tax", "sub-label_bg": "Туристически\nданък"},
    )
    sub = db.session.scalar(select(Subcategory).where(Subcategory.code == "tourist_tax"))
    assert (sub.label_bg, sub.label_en) == ("Туристически данък", "Туристически данък")


def test_new_response_days_apply_to_new_inquiries(client, admin):
    client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days="3")
    )
    inquiry = make_inquiry(make_office())
    from bureau.domain.cases.deadlines import working_days_between
    from bureau.domain.clock import local_now

    assert working_days_between(local_now(inquiry.received_at).date(), inquiry.due_date) == 3


@pytest.mark.parametrize("days", ["0", "400", "-5", "366", "много"])
def test_response_days_out_of_range_are_refused_with_a_message(client, admin, days):
    response = client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days=days)
    )
    assert response.status_code == 422
    assert 'class="invalid-feedback' in response.text
    assert 'id="error-summary"' in response.text
    assert local_taxes().response_days == 14


def field_messages(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback[^"]*">\s*([^<]+?)\s*</div>', html)


@pytest.mark.parametrize("days", ["0", "400"])
def test_response_days_out_of_range_are_explained_in_bulgarian(client, admin, days):
    html = client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days=days)
    ).text
    assert field_messages(html) == ["Числото трябва да бъде между 1 и 365."]


def test_missing_response_days_ask_for_a_value(client, admin):
    html = client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days="")
    ).text
    assert field_messages(html) == ["Въведете срок."]


def test_domain_refuses_response_days_out_of_range(app):
    from bureau.domain import DomainError

    for days in (0, 366):
        with pytest.raises(DomainError) as caught:
            taxonomy.update_category(taxonomy.get_category("local_taxes"), response_days=days)
        assert caught.value.field == "response_days"


def test_admin_adds_a_subcategory(client, admin):
    response = client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": "tourist_tax", "sub-label_bg": "Туристически данък",
              "sub-label_en": "Tourist tax"},
    )  # fmt: skip
    assert response.status_code == 303
    assert [s.code for s in local_taxes().subcategories][-1] == "tourist_tax"
    assert "Туристически данък" in client.get("/admin/categories/local_taxes").text


def test_subcategory_without_english_label_falls_back_to_bulgarian(client, admin):
    client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": "tourist_tax", "sub-label_bg": "Туристически данък"},
    )
    sub = db.session.scalar(select(Subcategory).where(Subcategory.code == "tourist_tax"))
    assert sub.label_en == "Туристически данък"
    assert sub.category.code == "local_taxes"


def test_new_subcategory_is_offered_on_the_intake_form(app, client, admin):
    client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": "tourist_tax", "sub-label_bg": "Туристически данък"},
    )
    desk_client = app.test_client()
    desk = make_user(Role.DESK)
    desk_client.post("/login", data={"email": desk.email, "password": PASSWORD})
    html = desk_client.get("/desk/new").text
    assert re.search(r'value="tourist_tax" data-category="local_taxes"', html)


@pytest.mark.parametrize("code", ["property_tax", "PROPERTY_TAX", " property_tax "])
def test_duplicate_subcategory_code_is_refused(client, admin, code):
    before = len(local_taxes().subcategories)
    response = client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": code, "sub-label_bg": "Пак данък сгради"},
    )
    assert response.status_code == 422
    assert "Вече има подкатегория с този код." in response.text
    assert len(local_taxes().subcategories) == before


def test_same_subcategory_code_under_another_category_is_allowed(client, admin):
    response = client.post(
        "/admin/categories/health/subcategories",
        data={"sub-code": "property_tax", "sub-label_bg": "Друго"},
    )
    assert response.status_code == 303


@pytest.mark.parametrize("code", ["данък", "tax-free", "tax free", ""])
def test_subcategory_code_must_be_latin_letters_digits_and_underscores(client, admin, code):
    before = len(local_taxes().subcategories)
    response = client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": code, "sub-label_bg": "Нещо"},
    )
    assert response.status_code == 422
    assert len(local_taxes().subcategories) == before


@pytest.mark.parametrize("role", [Role.DESK, Role.COORDINATOR, Role.EXPERT, Role.COMMISSION])
def test_non_admin_gets_403(client, login_as, role):
    login_as(role)
    assert client.get("/admin/categories/").status_code == 403
    assert client.get("/admin/categories/local_taxes").status_code == 403
    response = client.post(
        "/admin/categories/local_taxes", data=category_form(local_taxes(), response_days="99")
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/categories/local_taxes/subcategories",
        data={"sub-code": "sneaky", "sub-label_bg": "Скрито"},
    )
    assert response.status_code == 403
    assert local_taxes().response_days == 14
    assert "sneaky" not in [s.code for s in local_taxes().subcategories]

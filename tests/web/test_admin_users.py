"""The administrator's area: the user list, creating and editing users, offices."""

import re

import pytest

from bureau.domain import accounts
from bureau.extensions import db
from bureau.models import Role, User
from tests.factories import PASSWORD, make_office, make_user

GOOD_PASSWORD = "a long enough passphrase"


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN, name="Главен Администратор")


def listed_user_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'href="/admin/users/(\d+)"', response.text)]


def new_user_form(**overrides) -> dict:
    return {
        "email": "maria.ivanova@example.com",
        "name": "Мария Иванова",
        "role": "expert",
        "office": str(make_office().id),
        "language": "bg",
        "active": "y",
        "password": GOOD_PASSWORD,
        **overrides,
    }


def edit_form(user: User, **overrides) -> dict:
    """The edit form as the browser would send it for this user, with changes."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "office": str(user.office_id or 0),
        "language": user.language,
        **({"active": "y"} if user.active else {}),
        **overrides,
    }


def field_error(response, field: str) -> str:
    """The error message shown under a form field."""
    match = re.search(
        rf'id="{field}"(?:(?!<div class="mb-3).)*?<div class="invalid-feedback[^"]*">([^<]*)</div>',
        response.text,
        re.DOTALL,
    )
    return match.group(1).strip() if match else ""


# The list


def test_user_list_shows_name_email_role_and_office(admin, client):
    desk = make_user(Role.DESK, name="Иван Георгиев")
    response = client.get("/admin/users")
    assert response.status_code == 200
    assert "Иван Георгиев" in response.text
    assert desk.email in response.text
    assert "Приемна" in response.text
    assert "KRS" in response.text


def test_user_list_search_matches_name_or_email(admin, client):
    petrova = make_user(name="Елена Петрова", email="elena@kresna.test")
    todorov = make_user(name="Тодор Тодоров", email="t.todorov@kresna.test")
    other = make_user(name="Стоян Стоянов")

    by_name = listed_user_ids(client.get("/admin/users", query_string={"q": "Петрова"}))
    by_email = listed_user_ids(client.get("/admin/users", query_string={"q": "T.TODOROV"}))

    assert by_name == [petrova.id]
    assert by_email == [todorov.id]
    assert other.id not in by_name + by_email


def test_user_list_search_for_nothing_says_so(admin, client):
    response = client.get("/admin/users", query_string={"q": "няма-такъв"})
    assert listed_user_ids(response) == []
    assert "Няма намерени потребители." in response.text


def test_user_list_filters_by_role(admin, client):
    experts = [make_user(Role.EXPERT), make_user(Role.EXPERT)]
    make_user(Role.DESK)
    response = client.get("/admin/users", query_string={"role": "expert"})
    assert sorted(listed_user_ids(response)) == sorted(u.id for u in experts)


def test_user_list_is_paginated(admin, client):
    for n in range(55):
        make_user(Role.DESK, name=f"Служител {n:02d}")

    first = client.get("/admin/users")
    second = client.get("/admin/users", query_string={"page": 2})

    assert len(listed_user_ids(first)) == 50
    assert len(listed_user_ids(second)) == 6  # 55 desk users and the admin
    assert not set(listed_user_ids(first)) & set(listed_user_ids(second))
    assert "Общо: 56" in first.text
    assert "page=2" in first.text
    assert client.get("/admin/users", query_string={"page": 3}).status_code == 404


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 2}])
def test_user_list_pages_keep_the_filter(admin, client):
    for _ in range(3):
        make_user(Role.EXPERT)
    make_user(Role.DESK)
    response = client.get("/admin/users", query_string={"role": "expert", "page": 2})
    assert len(listed_user_ids(response)) == 1
    assert "role=expert" in response.text


def test_user_list_sorts_by_email(admin, client):
    zeta = make_user(email="zeta@kresna.test", name="А Първи")
    alpha = make_user(email="alpha@kresna.test", name="Я Последен")
    ids = listed_user_ids(client.get("/admin/users", query_string={"sort": "email"}))
    assert ids.index(alpha.id) < ids.index(zeta.id)


# Creating users


def test_admin_creates_a_user_who_can_then_log_in(app, admin, client):
    response = client.post("/admin/users/new", data=new_user_form())

    assert response.status_code == 303
    user = accounts.get_user_by_email("maria.ivanova@example.com")
    assert (user.name, user.role, user.office.code) == ("Мария Иванова", Role.EXPERT, "KRS")
    assert "Потребителят Мария Иванова е създаден." in client.get(response.location).text
    other_browser = app.test_client()
    login = {"email": user.email, "password": GOOD_PASSWORD}
    assert other_browser.post("/login", data=login).status_code == 303


def test_admin_creates_an_administrator_without_office(admin, client):
    response = client.post("/admin/users/new", data=new_user_form(role="admin", office="0"))
    assert response.status_code == 303
    assert accounts.get_user_by_email("maria.ivanova@example.com").office is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Паролата трябва да е поне 12 знака."),
        ("password1234", "Тази парола е твърде лесна за отгатване."),
        ("maria.ivanova@example.com", "Тази парола е твърде лесна за отгатване."),
        ("", "Въведете начална парола."),
    ],
    ids=["too-short", "common", "same-as-email", "missing"],
)
def test_create_user_with_weak_password_shows_message_next_to_field(
    admin, client, password, message
):
    response = client.post("/admin/users/new", data=new_user_form(password=password))

    assert response.status_code == 422
    assert field_error(response, "password") == message
    assert 'value="Мария Иванова"' in response.text
    assert 'value="maria.ivanova@example.com"' in response.text
    assert accounts.get_user_by_email("maria.ivanova@example.com") is None


def test_create_user_with_taken_email_is_refused_whatever_the_case(admin, client):
    make_user(email="taken@example.com")
    response = client.post("/admin/users/new", data=new_user_form(email="Taken@Example.com"))
    assert response.status_code == 422
    assert field_error(response, "email") == "Вече има потребител с този e-mail."
    assert db.session.query(User).filter_by(email="taken@example.com").count() == 1


def test_create_staff_user_without_office_is_refused(admin, client):
    response = client.post("/admin/users/new", data=new_user_form(role="desk", office="0"))
    assert response.status_code == 422
    assert field_error(response, "office") == "Изберете офис за този потребител."


def test_new_user_form_preselects_no_role(admin, client):
    page = client.get("/admin/users/new").text
    role = re.search(r'<select[^>]*name="role".*?</select>', page, re.S)[0]
    selected = re.findall(
        r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', role
    )
    assert [a or b for a, b in selected] in ([], [""])
    assert "— изберете роля —" in role


@pytest.mark.parametrize(
    "role", [None, "", "superuser", "admin\x00"], ids=["absent", "empty", "unknown", "nul"]
)
def test_a_user_is_never_created_with_a_role_left_untouched(admin, client, role):
    form = new_user_form(role=role, office="0")
    if role is None:
        del form["role"]
    response = client.post("/admin/users/new", data=form)
    if role and "\x00" in role:
        assert response.status_code == 400  # refused before any view, as every NUL byte
    else:
        assert response.status_code == 422
        assert field_error(response, "role") == "Изберете роля."
    assert accounts.get_user_by_email("maria.ivanova@example.com") is None


def test_create_user_with_invalid_email_is_refused(admin, client):
    response = client.post("/admin/users/new", data=new_user_form(email="not-an-address"))
    assert response.status_code == 422
    assert field_error(response, "email") == "Проверете e-mail адреса — например ivan@abv.bg."


# Editing users


def test_admin_edits_name_role_office_and_language(admin, client):
    user = make_user(Role.DESK)
    other_office = make_office("STR")

    response = client.post(
        f"/admin/users/{user.id}",
        data=edit_form(
            user, name="Нова Фамилия", role="coordinator", office=other_office.id, language="en"
        ),
    )

    assert response.status_code == 303
    assert (user.name, user.role, user.office, user.language) == (
        "Нова Фамилия",
        Role.COORDINATOR,
        other_office,
        "en",
    )


def test_edit_form_shows_the_users_current_values(admin, client):
    user = make_user(Role.EXPERT, name="Елена Експертова")
    response = client.get(f"/admin/users/{user.id}")
    assert response.status_code == 200
    assert 'value="Елена Експертова"' in response.text
    assert re.search(r'<option selected value="expert">', response.text)
    assert re.search(rf'<option selected value="{user.office_id}">', response.text)


def test_edit_ignores_a_changed_email(admin, client):
    user = make_user()
    original = user.email
    response = client.post(f"/admin/users/{user.id}", data=edit_form(user, email="new@example.com"))
    assert response.status_code == 303
    assert user.email == original


def test_admin_deactivates_a_user(admin, client):
    user = make_user(Role.EXPERT)
    form = edit_form(user)
    del form["active"]

    response = client.post(f"/admin/users/{user.id}", data=form)

    assert response.status_code == 303
    assert user.active is False
    assert "деактивиран" in client.get("/admin/users").text


def test_last_active_admin_cannot_be_deactivated(admin, client):
    form = edit_form(admin)
    del form["active"]

    response = client.post(f"/admin/users/{admin.id}", data=form)

    assert response.status_code == 422
    assert "Това е последният активен администратор." in response.text
    db.session.refresh(admin)
    assert admin.active is True


def test_last_active_admin_cannot_be_demoted(admin, client):
    response = client.post(
        f"/admin/users/{admin.id}",
        data=edit_form(admin, role="desk", office=make_office().id),
    )
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_an_admin_can_be_deactivated_while_another_admin_remains(admin, client):
    other = make_user(Role.ADMIN)
    form = edit_form(other)
    del form["active"]
    assert client.post(f"/admin/users/{other.id}", data=form).status_code == 303
    assert other.active is False


def test_a_deactivated_admin_stays_editable(admin, client):
    retired = make_user(Role.ADMIN)
    retired.active = False
    db.session.commit()
    response = client.post(f"/admin/users/{retired.id}", data=edit_form(retired, name="Бивш"))
    assert response.status_code == 303
    assert retired.name == "Бивш"


def test_editing_unknown_user_is_not_found(admin, client):
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_reset_with_weak_password_is_refused(app, admin, client):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert response.status_code == 303
    assert "Паролата трябва да е поне 12 знака." in client.get(response.location).text
    login = {"email": user.email, "password": PASSWORD}
    assert app.test_client().post("/login", data=login).status_code == 303


# Offices


def test_office_list_shows_settlements_with_ekatte(admin, client):
    make_office()
    response = client.get("/admin/offices")
    assert response.status_code == 200
    assert "Сливница (67324)" in response.text
    assert "Ощава (54383)" in response.text


def test_admin_edits_an_office(admin, client):
    office = make_office()
    response = client.post(
        "/admin/offices/krs",
        data={
            "name": "БИС Кресна",
            "municipality": "Кресна",
            "address": "  ул. „Македония“ 101  ",
            "phone": "07433 2121",
            "email": "bis@kresna.bg",
            "opening_hours": "Пн–Чт 9:00–17:00",
        },
    )
    assert response.status_code == 303
    assert (office.name, office.address, office.phone, office.opening_hours) == (
        "БИС Кресна",
        "ул. „Македония“ 101",
        "07433 2121",
        "Пн–Чт 9:00–17:00",
    )


def test_office_edit_needs_a_name(admin, client):
    office = make_office()
    db.session.commit()
    response = client.post("/admin/offices/KRS", data={"name": "", "email": "not-an-address"})
    assert response.status_code == 422
    assert field_error(response, "name") == "Въведете име."
    assert field_error(response, "email") == "Проверете e-mail адреса — например ivan@abv.bg."
    db.session.refresh(office)
    assert office.name.startswith("Бюро за информиране")


def test_unknown_office_is_not_found(admin, client):
    assert client.get("/admin/offices/XYZ").status_code == 404

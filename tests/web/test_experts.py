"""The coordinator's experts page: profiles that routing reads, inside the office only."""

from datetime import timedelta

import pytest

from bureau.domain import clock, taxonomy
from bureau.domain.cases import lifecycle, routing
from bureau.extensions import db
from bureau.models import Role
from tests.casework import make_coordinator, make_expert, signed_in
from tests.factories import make_inquiry, make_office, make_user


@pytest.fixture
def coordinator(app):
    return make_coordinator()


def profile_form(**overrides) -> dict:
    form = {
        "affiliation": "ngo",
        "organisation": "Сдружение „Граждани“",
        "expertise": [taxonomy.get_category("local_taxes").id],
        "capacity": "10",
        "on_leave_until": "",
    }
    return {**form, **overrides}


def test_coordinator_edits_a_profile_of_their_office(app, coordinator):
    expert = make_expert(name="Елена Експерт", categories=["health"])
    browser = signed_in(app, coordinator)
    page = browser.get(f"/experts/{expert.id}")
    assert page.status_code == 200
    assert "Елена Експерт" in page.text
    leave = clock.sofia_today() + timedelta(days=14)
    response = browser.post(f"/experts/{expert.id}", data=profile_form(
        affiliation="municipal", organisation="Отдел „Местни данъци“",
        expertise=[taxonomy.get_category("local_taxes").id,
                   taxonomy.get_category("admin_complaint").id],
        capacity="25", on_leave_until=leave.isoformat()))  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(expert)
    profile = expert.expert_profile
    assert (profile.affiliation, profile.organisation) == ("municipal", "Отдел „Местни данъци“")
    assert (profile.capacity, profile.on_leave_until) == (25, leave)
    assert sorted(c.code for c in profile.expertise) == ["admin_complaint", "local_taxes"]
    assert "Елена Експерт" in browser.get(response.location).text


def test_edited_profile_changes_the_ranking(app, coordinator):
    first = make_expert(name="А Данъчен", categories=["local_taxes"])
    second = make_expert(name="Б Здравен", categories=["health"])
    case = make_inquiry(category="local_taxes")
    assert [c.expert.id for c in routing.rank_experts(case)] == [first.id, second.id]

    browser = signed_in(app, coordinator)
    leave = (clock.sofia_today() + timedelta(days=30)).isoformat()
    browser.post(f"/experts/{first.id}", data=profile_form(on_leave_until=leave))
    browser.post(f"/experts/{second.id}", data=profile_form(
        expertise=[taxonomy.get_category("local_taxes").id]))  # fmt: skip

    ranked = routing.rank_experts(case)
    assert [c.expert.id for c in ranked] == [second.id, first.id]
    assert [c.eligible for c in ranked] == [True, False]
    panel = browser.get(f"/cases/{case.reference}").text
    panel = panel[panel.index('id="assign-panel"') :]
    assert panel.index("Б Здравен") < panel.index("А Данъчен")


def test_category_needing_a_municipal_expert_follows_the_edited_affiliation(app, coordinator):
    expert = make_expert(affiliation="ngo", categories=["admin_complaint"])
    case = make_inquiry(category="admin_complaint")
    assert not routing.rank_experts(case)[0].eligible
    signed_in(app, coordinator).post(f"/experts/{expert.id}", data=profile_form(
        affiliation="municipal",
        expertise=[taxonomy.get_category("admin_complaint").id]))  # fmt: skip
    assert routing.rank_experts(case)[0].eligible


def test_coordinator_of_another_office_gets_404(app):
    expert = make_expert(name="Елена Експерт")
    stranger = make_coordinator(make_office("STR"))
    browser = signed_in(app, stranger)
    assert browser.get(f"/experts/{expert.id}").status_code == 404
    assert browser.post(f"/experts/{expert.id}", data=profile_form(capacity="0")).status_code == 404
    db.session.refresh(expert)
    assert expert.expert_profile.capacity == 10
    assert "Елена Експерт" not in browser.get("/experts/").text


def test_the_list_shows_the_offices_experts_with_their_load(app, coordinator):
    expert = make_expert(name="Елена Експерт", capacity=7)
    make_expert(make_office("STR"), name="Чужд Експерт")
    lifecycle.assign(make_inquiry(), expert_id=expert.id, actor=coordinator)
    db.session.commit()
    page = signed_in(app, coordinator).get("/experts/").text
    assert "Елена Експерт" in page
    assert "Чужд Експерт" not in page
    assert "1 / 7" in page


def test_a_user_who_is_not_an_expert_has_no_profile_page(app, coordinator):
    desk = make_user(Role.DESK)
    assert signed_in(app, coordinator).get(f"/experts/{desk.id}").status_code == 404
    assert signed_in(app, coordinator).get("/experts/987654").status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [{"capacity": "-1"}, {"capacity": "501"}, {"capacity": "много"}, {"affiliation": "party"}],
)
def test_invalid_profile_is_refused_and_nothing_changes(app, coordinator, overrides):
    expert = make_expert(capacity=10)
    response = signed_in(app, coordinator).post(f"/experts/{expert.id}",
                                                data=profile_form(**overrides))  # fmt: skip
    assert response.status_code == 422
    db.session.refresh(expert)
    assert (expert.expert_profile.capacity, expert.expert_profile.affiliation) == (10, "ngo")


@pytest.mark.parametrize("role", [Role.EXPERT, Role.DESK, Role.COMMISSION])
def test_only_coordinators_and_admins_manage_experts(app, role):
    expert = make_expert()
    browser = signed_in(app, make_user(role))
    assert browser.get("/experts/").status_code == 403
    assert browser.post(f"/experts/{expert.id}", data=profile_form()).status_code == 403


def test_admin_manages_experts_of_every_office(app):
    here, there = make_expert(name="Тук Експерт"), make_expert(make_office("STR"), name="Там")
    browser = signed_in(app, make_user(Role.ADMIN))
    page = browser.get("/experts/").text
    assert "Тук Експерт" in page and "Там" in page
    assert browser.post(f"/experts/{there.id}", data=profile_form(capacity="3")).status_code == 303
    db.session.refresh(there)
    assert there.expert_profile.capacity == 3
    assert here.expert_profile.capacity == 10


def test_expert_without_a_profile_gets_one_with_defaults(app, coordinator):
    bare = make_user(Role.EXPERT, name="Нов Експерт")
    page = signed_in(app, coordinator).get(f"/experts/{bare.id}")
    assert page.status_code == 200
    db.session.refresh(bare)
    assert bare.expert_profile is not None
    assert bare.expert_profile.capacity == 10

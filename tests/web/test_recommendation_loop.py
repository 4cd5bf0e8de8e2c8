"""From cases to change over HTTP: an expert flags a case, a coordinator approves the
vignette, the commission cites it and a frozen table, accepts the recommendation with an
action plan and sees its impact — and never a case or a citizen on the way."""

from datetime import date, timedelta

import pytest

from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import evidence
from bureau.extensions import db
from bureau.models import Action, EvidenceItem, Recommendation, Role, SavedView
from tests.casework import make_coordinator, make_expert, move_to, signed_in
from tests.domain.test_statistics import log
from tests.factories import make_inquiry, make_office, make_user, without_adjustment

VIGNETTE = (
    "Жителка на село над 65 г. чака повече от два месеца удостоверение за данъчна оценка; "
    "законовият срок е седем дни."
)
NAME = "Стоянка Вълчанова"


@pytest.fixture
def team(app):
    office = make_office()
    coordinator = make_coordinator(office)
    expert = make_expert(office)
    case = make_inquiry(office, citizen={"name": NAME, "phone": "0888123456"}, consent=True)
    move_to(case, "in_progress", coordinator=coordinator, expert=expert)
    member = make_user(Role.COMMISSION, office=office)
    return {"office": office, "coordinator": coordinator, "expert": expert, "case": case,
            "member": member}  # fmt: skip


def flag(client, case, **fields):
    data = {"problem": "term_exceeded", "category": "local_taxes", "service": "",
            "vignette": VIGNETTE, **fields}  # fmt: skip
    named = {f"evidence-{key}": value for key, value in data.items()}
    return client.post(f"/cases/{case.reference}/evidence", data=named)


def test_an_expert_flags_own_case_and_the_coordinator_approves_it(app, team):
    expert = signed_in(app, team["expert"])
    page = expert.get(f"/cases/{team['case'].reference}")
    assert "Отбележи случая като доказателство" in page.text
    response = flag(expert, team["case"])
    assert response.status_code == 303, response.text
    item = db.session.query(EvidenceItem).one()
    assert (item.state, item.inquiry_id) == ("pending", team["case"].id)
    member = signed_in(app, team["member"])
    assert VIGNETTE not in member.get("/commission/evidence/").text  # not yet approved
    coordinator = signed_in(app, team["coordinator"])
    assert VIGNETTE[:40] in coordinator.get("/evidence/").text
    response = coordinator.post(f"/evidence/{item.id}/approve", data={"version": item.version})
    assert response.status_code == 303
    listed = member.get("/commission/evidence/").text
    assert VIGNETTE in listed
    assert team["case"].reference not in listed and NAME not in listed


def test_a_vignette_with_a_name_warns_and_needs_a_tick_to_approve(app, team):
    expert = signed_in(app, team["expert"])
    response = flag(expert, team["case"], vignette=VIGNETTE + " Г-жа Вълчанова го потвърди.")
    assert response.status_code == 303
    assert "прилича на лични данни" in expert.get(response.headers["Location"]).text
    item = db.session.query(EvidenceItem).one()
    coordinator = signed_in(app, team["coordinator"])
    page = coordinator.get(f"/evidence/{item.id}").text
    assert "<mark>Вълчанова</mark>" in page and "Проверих" in page
    refused = coordinator.post(f"/evidence/{item.id}/approve", data={"version": item.version})
    assert refused.status_code == 422 and "прилича на име или адрес" in refused.text
    assert item.state == "pending"
    ok = coordinator.post(f"/evidence/{item.id}/approve",
                          data={"version": item.version, "checked": "y"})  # fmt: skip
    assert ok.status_code == 303 and item.state == "approved"


def test_a_vignette_with_a_phone_is_rewritten_before_approval(app, team):
    expert = signed_in(app, team["expert"])
    assert flag(expert, team["case"], vignette=VIGNETTE + " Тел. 0888 123 456.").status_code == 303
    item = db.session.query(EvidenceItem).one()
    coordinator = signed_in(app, team["coordinator"])
    data = {"version": item.version, "checked": "y"}
    refused = coordinator.post(f"/evidence/{item.id}/approve", data=data)
    assert refused.status_code == 422 and "телефон, имейл адрес, ЕГН" in refused.text
    rewrite = {"version": item.version, "problem": "term_exceeded", "category": "local_taxes",
               "service": "", "vignette": VIGNETTE}  # fmt: skip
    assert coordinator.post(f"/evidence/{item.id}", data=rewrite).status_code == 303
    ok = coordinator.post(f"/evidence/{item.id}/approve", data={"version": item.version})
    assert ok.status_code == 303 and item.state == "approved"


def test_a_refused_vignette_is_shown_again_as_typed(app, team):
    expert = signed_in(app, team["expert"])
    response = flag(expert, team["case"], vignette="Кратко.", problem="")
    assert response.status_code == 422
    assert "Кратко." in response.text and "Изберете вида на проблема" in response.text


def test_another_experts_case_and_items_stay_closed(app, team):
    other = make_expert(team["office"], email="other@example.test")
    client = signed_in(app, other)
    assert flag(client, team["case"]).status_code in (403, 404)
    item = evidence.flag(team["case"], evidence.EvidenceDraft("fee", "local_taxes", VIGNETTE),
                         actor=team["expert"])  # fmt: skip
    db.session.commit()
    assert client.get(f"/evidence/{item.id}").status_code == 404
    assert client.post(f"/evidence/{item.id}/approve", data={}).status_code == 403
    foreign = make_coordinator(make_office("STR"))
    assert signed_in(app, foreign).get(f"/evidence/{item.id}").status_code == 404


def test_the_commission_cites_evidence_and_a_frozen_table(app, team):
    item = evidence.flag(team["case"], evidence.EvidenceDraft("fee", "local_taxes", VIGNETTE),
                         actor=team["expert"])  # fmt: skip
    evidence.approve(item, version=item.version, actor=team["coordinator"], checked=True)
    db.session.commit()
    year = sofia_today().year
    log(7, on=date(year, 1, 10), office=team["office"])
    without_adjustment()
    member = signed_in(app, team["member"])
    dashboard = member.get(f"/commission/?period=year&year={year}").text
    assert "Запази за препоръка" in dashboard
    saved = member.post("/commission/views/", data={"table": "channel", "period": "year",
                                                    "year": str(year)})  # fmt: skip
    assert saved.status_code == 303
    view = db.session.query(SavedView).one()
    frozen_total = view.document["tables"]["channel"]["total"]["count"]
    assert frozen_total == 8  # the seven and the team's case
    log(9, on=date(year, 1, 11), office=team["office"])  # the live figure moves on
    data = {
        "title": "Срокове за данъчна оценка", "text": "Да се спазва срокът.",
        "addressee": "Кмет", "categories": ["local_taxes"],
        "evidence_from": f"{year}-01", "evidence_to": f"{year}-02",
        "evidence": [str(item.id)], "views": [str(view.id)],
    }  # fmt: skip
    response = member.post("/commission/recommendations/new", data=data)
    assert response.status_code == 303, response.text
    made = db.session.query(Recommendation).one()
    assert made.evidence == [item] and made.views == [view]
    page = member.get(f"/commission/recommendations/{made.id}").text
    assert VIGNETTE in page and view.title in page
    assert f">{frozen_total}<" in page  # the frozen count, not today's
    assert NAME not in page and team["case"].reference not in page
    refused = member.post(f"/commission/views/{view.id}/delete")
    assert refused.status_code == 303 and db.session.get(SavedView, view.id) is not None
    bad = member.post("/commission/recommendations/new", data={**data, "evidence": ["abc"]})
    assert bad.status_code == 422


def test_hostile_frozen_table_requests_are_refused(app, team):
    member = signed_in(app, team["member"])
    hostile = [
        {"table": "nope"},
        {"table": "channel", "year": "99999999"},
        {"table": "channel\x00", "period": "year"},
        {"table": "x" * 5_000_000},
    ]
    for form in hostile:
        assert member.post("/commission/views/", data=form).status_code in (400, 404, 413)
    surrogate = member.post("/commission/views/", data="table=%ED%A0%80&period=year",
                            content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert surrogate.status_code in (400, 404)
    assert db.session.query(SavedView).count() == 0


def accepted(team, on: date) -> Recommendation:
    from bureau.domain import recommendations
    from bureau.domain.recommendations import Draft

    made = recommendations.create(
        team["office"],
        Draft("Гише следобед", "Текст.", "Кмет", ["local_taxes"], date(2025, 1, 1),
              date(2025, 6, 1)),
        actor=team["member"],
    )  # fmt: skip
    for status in ("submitted", "accepted"):
        recommendations.respond(made, status=status, on=on, text="Да.", version=made.version,
                                actor=team["member"], today=sofia_today())  # fmt: skip
    db.session.commit()
    return made


def test_an_accepted_recommendation_gets_an_action_plan_and_overdue_actions_show(app, team):
    today = sofia_today()
    made = accepted(team, today - timedelta(days=400))
    member = signed_in(app, team["member"])
    url = f"/commission/recommendations/{made.id}"
    for what, due in (("Списък онлайн", today + timedelta(days=30)),
                      ("Гише следобед", today - timedelta(days=10))):  # fmt: skip
        response = member.post(
            f"{url}/actions",
            data={"what": what, "responsible": "Дирекция МДТ", "due_on": due.isoformat()},
        )
        assert response.status_code == 303, response.text
    refused = member.post(f"{url}/actions", data={"what": "Без срок", "responsible": "X"})
    assert refused.status_code == 422 and "Без срок" in refused.text
    late = db.session.query(Action).filter_by(what="Гише следобед").one()
    assert "Гише следобед" in member.get("/commission/").text  # overdue, on the home page
    prefix = f"action{late.id}-"
    moved = member.post(
        f"{url}/actions/{late.id}/status",
        data={prefix + "status": "dropped", prefix + "on": today.isoformat(),
              prefix + "version": late.version},
    )  # fmt: skip
    assert moved.status_code == 422  # a drop needs a reason
    moved = member.post(f"{url}/actions/{late.id}/status", data={
        prefix + "status": "dropped", prefix + "reason": "Няма служител.",
        prefix + "on": today.isoformat(), prefix + "version": late.version})  # fmt: skip
    assert moved.status_code == 303 and late.status == "dropped"
    noted = member.post(
        f"{url}/actions/{late.id}/notes",
        data={f"note{late.id}-text": "Обсъдено на сесия.", f"note{late.id}-on": today.isoformat()},
    )
    assert noted.status_code == 303
    reviewed = member.post(
        f"{url}/reviews", data={"review-text": "Прегледан.", "review-on": today.isoformat()}
    )
    assert reviewed.status_code == 303
    page = member.get(url).text
    assert "Няма служител." in page and "Обсъдено на сесия." in page and "Прегледан." in page
    assert "Въздействие: преди и след" in page
    assert 'class="overdue-action"' not in member.get("/commission/").text  # dropped: not due


def test_plan_routes_are_the_commissions_of_the_office(app, team):
    made = accepted(team, sofia_today() - timedelta(days=40))
    url = f"/commission/recommendations/{made.id}/actions"
    data = {"what": "А", "responsible": "Б", "due_on": "2027-01-01"}
    foreign = make_user(Role.COMMISSION, office=make_office("STR"))
    assert signed_in(app, foreign).post(url, data=data).status_code == 404
    assert signed_in(app, team["coordinator"]).post(url, data=data).status_code == 403
    assert db.session.query(Action).count() == 0

"""The handbook's open API: /api/v1/public/answers lists and searches an office's live
answers, /api/v1/public/answers/<id> gives one as typed and as safe HTML — with no
token, nothing unapproved or internal, and a 4xx JSON for every bad parameter."""

import pytest

from bureau.domain import accounts
from bureau.domain.answers import library
from bureau.domain.clock import in_sofia
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_office, make_user
from tests.handbook import HOSTILE, TODAY, draft, live_markup, publish

LIST = "/api/v1/public/answers"


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://bureau.kresna.bg"}


@pytest.fixture
def kresna(app):
    office = make_office("KRS", municipality="Кресна")
    register.save(office, ServiceData(name="Издаване на скица", code="sketch"), actor=None)
    db.session.commit()
    return office


def test_the_list_gives_each_live_answer_with_its_review_date_and_address(client, kresna):
    answer = publish(kresna, "Скица на имот", title_en="A sketch of a plot",
                     categories=["property_land"], services=["sketch"])  # fmt: skip
    draft(kresna, "Чернова")

    response = client.get(LIST, query_string={"office": "krs"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    (item,) = response.json["answers"]
    assert item == {
        "id": answer.id,
        "title": "Скица на имот",
        "title_en": "A sketch of a plot",
        "categories": ["property_land"],
        "services": ["sketch"],
        "last_reviewed": in_sofia(answer.live.created_at).date().isoformat(),
        # The configured public address, as every citizen's link; never the request's Host.
        "url": f"https://bureau.kresna.bg/handbook/KRS/{answer.id}",
    }
    assert response.json["office"]["code"] == "KRS"


def test_an_answer_comes_as_typed_and_as_safe_html_with_the_offices_local_part(client, kresna):
    answer = publish(kresna, "Опасен отговор", body=HOSTILE, documents="- **Лична карта**",
                     place=HOSTILE, shared=True)  # fmt: skip
    library.set_local_part(answer, kresna, "В Кресна: [сайт](https://kresna.bg)", actor=None)
    db.session.commit()

    body = client.get(f"{LIST}/{answer.id}?office=KRS").json

    assert body["body"] == HOSTILE  # the source, as typed: JSON, never HTML
    for key in ("body_html", "body_en_html", "documents_html", "place_html", "local_part_html"):
        assert live_markup(body[key]) == [], key
    assert "<script" not in body["body_html"] and "&lt;script&gt;" in body["body_html"]
    assert "<strong>Лична карта</strong>" in body["documents_html"]
    assert body["local_part"] == "В Кресна: [сайт](https://kresna.bg)"
    assert 'href="https://kresna.bg"' in body["local_part_html"]
    assert body["shared"] is True
    assert not {"owner", "owner_id", "status", "note", "review_by", "versions"} & set(body)


def test_the_live_text_is_served_until_an_edit_is_approved(client, kresna):
    answer = publish(kresna, "Данък сгради", body="Стар текст.")
    editor = make_user(Role.EXPERT, office=kresna)
    library.save(answer, library.AnswerData(title="Нов", body="Нов текст."), actor=editor,
                 today=TODAY)  # fmt: skip
    db.session.commit()

    assert client.get(f"{LIST}/{answer.id}?office=KRS").json["body"] == "Стар текст."
    assert [a["title"] for a in client.get(f"{LIST}?office=KRS").json["answers"]] == [
        "Данък сгради"
    ]
    library.archive(answer, actor=editor)
    db.session.commit()
    assert client.get(f"{LIST}/{answer.id}?office=KRS").status_code == 404
    assert client.get(f"{LIST}?office=KRS").json["answers"] == []


def test_an_office_gets_shared_answers_with_its_local_part_never_anothers_own(client, kresna):
    strumyani = make_office("STR", municipality="Струмяни")
    shared = publish(kresna, "Пенсия", shared=True, services=["sketch"])
    own = publish(kresna, "Такса смет в Кресна")
    library.set_local_part(shared, strumyani, "Струмяни: ул. Първа 1", actor=None)
    library.set_local_part(shared, kresna, "Кресна: ул. „Македония“ 99", actor=None)
    db.session.commit()

    listed = client.get(f"{LIST}?office=STR").json["answers"]
    assert [(a["id"], a["services"]) for a in listed] == [(shared.id, [])]
    body = client.get(f"{LIST}/{shared.id}?office=STR").json
    assert body["local_part"] == "Струмяни: ул. Първа 1"
    assert client.get(f"{LIST}/{own.id}?office=STR").status_code == 404


@pytest.mark.parametrize("typed", ["skitsa", "СКИЦА", "Skitsa imot", "скица"])
def test_search_in_cyrillic_or_latin(client, kresna, typed):
    publish(kresna, "Скица на имот")
    publish(kresna, "Данък сгради", categories=["local_taxes"])

    found = client.get(LIST, query_string={"office": "KRS", "q": typed}).json["answers"]

    assert [a["title"] for a in found] == ["Скица на имот"]


def test_category_and_service_narrow_the_list(client, kresna):
    publish(kresna, "Скица на имот", categories=["property_land"], services=["sketch"])
    publish(kresna, "Данък сгради", categories=["local_taxes"])

    by_category = client.get(f"{LIST}?office=KRS&category=local_taxes").json["answers"]
    by_service = client.get(f"{LIST}?office=KRS&service=sketch").json["answers"]

    assert [a["title"] for a in by_category] == ["Данък сгради"]
    assert [a["title"] for a in by_service] == ["Скица на имот"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (LIST, 400),
        (f"{LIST}?office=", 400),
        (f"{LIST}?office=XYZ", 404),
        (f"{LIST}?office=K%00S", 400),
        (f"{LIST}?office=%ED%A0%80", 404),
        (f"{LIST}?office=KRS&q=" + "x" * 5_000_000, 400),
        (f"{LIST}?office=KRS&q=a%00b", 400),
        (f"{LIST}?office=KRS&category=nope", 400),
        (f"{LIST}?office=KRS&service=" + "s" * 100, 400),
        (f"{LIST}/1?office=KRS", 404),
        (f"{LIST}/2147483648?office=KRS", 404),
        (f"{LIST}/99999999999999999999?office=KRS", 404),
        (f"{LIST}/-1?office=KRS", 404),
        (f"{LIST}/abc?office=KRS", 404),
        (f"{LIST}/1", 400),
    ],
)
def test_bad_parameters_are_a_4xx_json_never_a_5xx(client, kresna, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.is_json and response.json["message"]


def test_a_draft_or_anothers_own_answer_is_not_found(client, kresna):
    other = make_office("STR")
    theirs = publish(other, "Местна такса")
    mine = draft(kresna, "Чернова")
    for answer_id in (theirs.id, mine.id):
        assert client.get(f"{LIST}/{answer_id}?office=KRS").status_code == 404


def test_a_token_is_not_needed_and_not_read(client, kresna):
    publish(kresna, "Данък сгради")
    token = accounts.issue_api_token(make_user(Role.COORDINATOR, office=kresna))
    db.session.commit()
    bad = client.get(f"{LIST}?office=KRS", headers={"Authorization": "Bearer wrong"})
    good = client.get(f"{LIST}?office=KRS", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == good.status_code == 200
    assert bad.json == good.json


def test_the_openapi_document_describes_both_routes(client, kresna):
    spec = client.get("/api/v1/openapi.json").json
    listing = spec["paths"]["/public/answers"]["get"]
    assert listing["security"] == []
    category = next(p for p in listing["parameters"] if p["name"] == "category")
    assert "local_taxes" in category["schema"]["enum"]
    assert "/public/answers/{answer_id}" in spec["paths"]

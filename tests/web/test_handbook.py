"""The public handbook «От А до Я»: only what a coordinator approved is ever public (the
office's own answers and the shared ones, with the office's local part), nothing written
in an answer runs on its pages or in the printed booklet, and search finds Cyrillic
typed in Latin letters."""

import re

import pytest

from bureau.domain.answers import library
from bureau.domain.clock import in_sofia
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_office, make_user
from tests.handbook import HOSTILE, TODAY, approve, draft, live_markup, publish


@pytest.fixture
def kresna(app):
    return make_office("KRS", municipality="Кресна")


def test_only_the_approved_version_is_public_until_an_edit_is_approved(client, kresna):
    answer = draft(kresna, "Скица на имот", body="Стар текст за скицата.")
    assert "Скица на имот" not in client.get("/handbook/KRS").text
    assert client.get(f"/handbook/KRS/{answer.id}").status_code == 404

    approve(answer)
    editor = make_user(Role.EXPERT, office=kresna)
    changed = library.AnswerData(title="Скица — нова", body="Нов текст, още неодобрен.")
    library.save(answer, changed, actor=editor, today=TODAY)
    db.session.commit()

    for page in (
        client.get("/handbook/KRS").text,
        client.get(f"/handbook/KRS/{answer.id}").text,
        client.get("/handbook/KRS/booklet").text,
    ):
        assert "Скица на имот" in page
        assert "Скица — нова" not in page and "Нов текст" not in page

    approve(answer)
    page = client.get(f"/handbook/KRS/{answer.id}").text
    assert "Скица — нова" in page and "Нов текст, още неодобрен." in page

    library.archive(answer, actor=editor)
    db.session.commit()
    assert client.get(f"/handbook/KRS/{answer.id}").status_code == 404
    assert "Скица" not in client.get("/handbook/KRS").text
    assert "Скица" not in client.get("/handbook/KRS/booklet").text


def test_a_page_says_when_the_answer_was_last_reviewed_and_nothing_internal(client, kresna):
    answer = draft(kresna, "Удостоверение за наследници", documents="- Лична карта")
    library.submit(answer, actor=answer.owner)
    coordinator = make_user(Role.COORDINATOR, office=kresna, name="Мария Преглед")
    library.send_back(answer, actor=coordinator, note="ВЪТРЕШНА БЕЛЕЖКА за поправка")
    db.session.commit()
    approve(answer)

    response = client.get(f"/handbook/KRS/{answer.id}")

    day = in_sofia(answer.live.created_at).strftime("%d.%m.%Y")
    assert f"Последен преглед: {day}" in response.text
    assert "Какво да носите" in response.text and "Лична карта" in response.text
    assert "ВЪТРЕШНА БЕЛЕЖКА" not in response.text
    assert answer.owner.name not in response.text and "Мария Преглед" not in response.text
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_nothing_written_in_an_answer_runs_on_its_pages_or_in_the_booklet(client, kresna):
    answer = publish(
        kresna, "Опасен <script>alert(1)</script> текст", body=HOSTILE, documents=HOSTILE,
        place=HOSTILE, body_en=HOSTILE, shared=True,
    )  # fmt: skip
    library.set_local_part(answer, kresna, HOSTILE, actor=answer.owner)
    db.session.commit()

    pages = {
        "list": client.get("/handbook/KRS"),
        "answer": client.get(f"/handbook/KRS/{answer.id}"),
        "booklet": client.get("/handbook/KRS/booklet"),
        "booklet A4": client.get("/handbook/KRS/booklet?size=a4"),
        "english": client.get(f"/handbook/KRS/{answer.id}?lang=en"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert live_markup(response.text) == [], name
    assert "&lt;script&gt;alert('body')" in pages["answer"].text  # shown as text, harmlessly
    assert "[click me](javascript:alert('link'))" in pages["booklet"].text


def test_an_office_sees_a_shared_answer_with_its_own_local_part_never_anothers_own(app, client):
    kresna = make_office("KRS", municipality="Кресна")
    strumyani = make_office("STR", municipality="Струмяни")
    shared = publish(kresna, "Пенсия за осигурителен стаж", shared=True)
    own = publish(kresna, "Такса смет в Кресна")
    library.set_local_part(shared, kresna, "Местно за Кресна", actor=shared.owner)
    library.set_local_part(shared, strumyani, "Местно за Струмяни", actor=shared.owner)
    db.session.commit()

    listed = client.get("/handbook/STR").text
    assert "Пенсия за осигурителен стаж" in listed
    assert "Такса смет в Кресна" not in listed
    page = client.get(f"/handbook/STR/{shared.id}").text
    assert "Местно за Струмяни" in page and "Местно за Кресна" not in page
    assert "В община Струмяни" in page
    assert client.get(f"/handbook/STR/{own.id}").status_code == 404
    booklet = client.get("/handbook/STR/booklet").text
    assert "Пенсия за осигурителен стаж" in booklet and "Такса смет" not in booklet
    assert "Местно за Кресна" not in booklet
    assert "Местно за Кресна" in client.get(f"/handbook/KRS/{shared.id}").text


def test_search_finds_cyrillic_typed_in_latin_and_in_cyrillic(client, kresna):
    publish(kresna, "Скица на поземлен имот", body="Кадастър и регулация.")
    publish(kresna, "Данък сгради", body="Срокове: 30 юни и 31 октомври.")

    for typed in ("skitsa", "СКИЦА", "kadastar", "Skitsa"):
        found = client.get("/handbook/KRS", query_string={"q": typed}).text
        assert "Скица на поземлен имот" in found, typed
        assert "Данък сгради" not in found, typed
        assert "Намерени отговори: 1." in found
    nothing = client.get("/handbook/KRS", query_string={"q": "пенсия"}).text
    assert "Няма отговор с тези думи" in nothing


def test_the_list_is_grouped_by_category_in_the_taxonomys_order(client, kresna):
    publish(kresna, "Данък сгради", categories=["local_taxes"])
    publish(kresna, "Помощ за отопление", categories=["social_assistance"])
    publish(kresna, "Без категория")

    page = client.get("/handbook/KRS").text

    headings = re.findall(r'<h2 id="section-\d+">([^<]+)</h2>', page)
    assert headings == ["Социално подпомагане и помощи", "Местни данъци и такси", "Друго"]


def test_a_service_filters_the_handbook_and_its_page_lists_the_answers_naming_it(client, kresna):
    register.save(kresna, ServiceData(name="Издаване на скица", code="sketch"), actor=None)
    named = publish(kresna, "Скица на имот", services=["sketch"])
    publish(kresna, "Данък сгради")

    filtered = client.get("/handbook/KRS?service=sketch").text
    assert "Скица на имот" in filtered and "Данък сгради" not in filtered
    assert '<option value="sketch" selected>' in filtered
    page = client.get(f"/handbook/KRS/{named.id}").text
    assert 'href="/services/KRS/sketch"' in page
    service = client.get("/services/KRS/sketch").text
    assert f'href="/handbook/KRS/{named.id}"' in service


def test_the_booklet_has_a_contents_entry_for_every_answer_and_its_page_size(client, kresna):
    titles = ["Адресна регистрация", "Данък сгради", "Помощ за отопление", "Скица"]
    categories = [["civil_registration"], ["local_taxes"], ["social_assistance"], []]
    for title, codes in zip(titles, categories, strict=True):
        publish(kresna, title, categories=codes)
    draft(kresna, "Чернова")

    booklet = client.get("/handbook/KRS/booklet").text

    entries = re.findall(r'<li><a href="#answer-(\d+)">([^<]+)</a></li>', booklet)
    assert sorted(title for _n, title in entries) == titles
    for number, title in entries:
        assert f'id="answer-{number}-title"><span class="answer-number">{number}.</span> {title}'
    assert [int(n) for n, _t in entries] == [1, 2, 3, 4]
    assert "Чернова" not in booklet
    assert "booklet.css" in booklet and "booklet-a4.css" not in booklet
    assert "booklet-a4.css" in client.get("/handbook/KRS/booklet?size=a4").text
    assert client.get("/handbook/KRS/booklet?size=a3").status_code == 400


def test_english_shows_the_english_title_and_text_where_written(client, kresna):
    answer = publish(kresna, "Смяна на личен лекар", title_en="Changing your GP",
                     body="Два пъти в годината.", body_en="Twice a year.")  # fmt: skip
    page = client.get(f"/handbook/KRS/{answer.id}?lang=en").text
    assert "Changing your GP" in page and "Twice a year." in page
    assert "Два пъти в годината." not in page


def test_handbook_chooses_the_only_office_or_lists_them(client, kresna):
    response = client.get("/handbook")
    assert response.status_code == 302 and response.location.endswith("/handbook/KRS")
    make_office("STR", municipality="Струмяни")
    page = client.get("/handbook").text
    assert 'href="/handbook/KRS"' in page and 'href="/handbook/STR"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/handbook/KRS?q=" + "x" * 5_000_000,
        "/handbook/KRS?q=a%00b",
        "/handbook/KRS/booklet?size=%00",
        "/handbook/KRS/2147483648",
        "/handbook/KRS/99999999999999999999999",
        "/handbook/KRS/-1",
        "/handbook/KRS/abc",
        "/handbook/K%00S",
        "/handbook/%ED%A0%80",
        "/handbook/KRS%20DROP",
        "/handbook/NOPE",
    ],
)
def test_hostile_input_is_refused_with_a_4xx(client, kresna, path):
    publish(kresna, "Данък сгради")
    response = client.get(path)
    assert 400 <= response.status_code < 500, response.status_code


def test_a_lone_surrogate_searched_for_finds_nothing(client, kresna):
    publish(kresna, "Данък сгради")
    response = client.get("/handbook/KRS?q=%ED%A0%80")  # bytes that are no UTF-8: kept as typed
    assert response.status_code in (200, 400)
    assert "Данък сгради" not in response.text


def test_another_offices_own_answer_or_a_draft_is_not_found(client, kresna):
    other = make_office("STR")
    theirs = publish(other, "Местна такса в Струмяни")
    mine = draft(kresna, "Чернова")
    assert client.get(f"/handbook/KRS/{theirs.id}").status_code == 404
    assert client.get(f"/handbook/KRS/{mine.id}").status_code == 404
    assert client.get(f"/handbook/STR/{theirs.id}").status_code == 200

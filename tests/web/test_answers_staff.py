"""The answers library through its pages: writing, review by a second person, who may do
what, per-office and shared answers, search, the print view, nothing that runs."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from bureau.domain.answers import library
from bureau.domain.clock import sofia_today
from bureau.extensions import db
from bureau.models import Answer, AnswerStatus, Role
from tests.casework import signed_in
from tests.factories import make_answer, make_office, make_user

HOSTILE = (
    "Преди <script>alert('x')</script> след.\n\n"
    "[натисни](javascript:alert(1)) и <img src=x onerror=alert(2)>\n\n"
    '<a href="javascript:alert(3)">тук</a>'
)
FORM = {
    "title": "Как се получава скица на имот",
    "body": "Подайте заявление в общината.\n\n- лична карта\n- нотариален акт",
    "categories": "local_taxes",
    "review_by": (sofia_today() + timedelta(days=200)).isoformat(),
}


@pytest.fixture
def people(app):
    office = make_office()
    return {
        "office": office,
        "expert": make_user(Role.EXPERT, office=office),
        "coordinator": make_user(Role.COORDINATOR, office=office),
        "second": make_user(Role.COORDINATOR, office=office),
        "desk": make_user(Role.DESK, office=office),
    }


def status_of(answer_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Answer, answer_id).status


class Tags(HTMLParser):
    """The elements of a page as a browser parses them (escaped text is no element)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self.lasttag == "script":
            self.scripts.append(data)


def no_live_markup(html: str) -> None:
    """What an answer's author typed never becomes HTML that runs: no image, no handler,
    no `javascript:` address, no script of its own."""
    tags = Tags(html)
    assert not [tag for tag, _attrs in tags.found if tag in ("img", "iframe", "object")]
    for _tag, attrs in tags.found:
        assert not any(name.startswith("on") for name in attrs), attrs
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript"), attrs
    assert not any("alert" in script for script in tags.scripts)


def test_an_answer_is_written_sent_for_review_and_published_by_a_coordinator(app, people):
    expert = signed_in(app, people["expert"])
    created = expert.post("/answers/new", data=FORM)
    assert created.status_code == 303
    answer_id = int(created.location.rstrip("/").split("/")[-1])
    page = expert.get(f"/answers/{answer_id}").text
    assert "чернова" in page and "Изпрати за одобрение" in page
    assert "<li>нотариален акт</li>" in page  # the light formatting, rendered

    assert expert.post(f"/answers/{answer_id}/submit").status_code == 303
    assert status_of(answer_id) == AnswerStatus.IN_REVIEW
    assert expert.post(f"/answers/{answer_id}/approve").status_code == 403  # an expert

    coordinator = signed_in(app, people["coordinator"])
    assert "Одобри и публикувай" in coordinator.get(f"/answers/{answer_id}").text
    assert coordinator.post(f"/answers/{answer_id}/approve").status_code == 303
    assert status_of(answer_id) == AnswerStatus.PUBLISHED
    history = coordinator.get(f"/answers/{answer_id}").text
    for step in ("създаден", "изпратен за одобрение", "одобрен и публикуван"):
        assert step in history
    assert people["coordinator"].name in history


def test_the_coordinator_who_changed_an_answer_cannot_approve_it(app, people):
    answer = make_answer(people["office"], publish=False, author=people["coordinator"])
    coordinator = signed_in(app, people["coordinator"])
    coordinator.post(f"/answers/{answer.id}/submit")
    page = coordinator.get(f"/answers/{answer.id}").text
    assert "Одобри и публикувай" not in page
    assert "от друг координатор" in page

    refused = coordinator.post(f"/answers/{answer.id}/approve")
    assert refused.status_code == 422
    assert "от друг човек" in refused.text
    assert status_of(answer.id) == AnswerStatus.IN_REVIEW
    assert signed_in(app, people["second"]).post(f"/answers/{answer.id}/approve").status_code == 303
    assert status_of(answer.id) == AnswerStatus.PUBLISHED


def test_an_edit_of_a_published_answer_shows_both_texts_until_approved(app, people):
    answer = make_answer(people["office"], body="Старият текст.")
    expert = signed_in(app, people["expert"])
    form = {**FORM, "title": answer.title, "body": "Новият текст."}
    assert expert.post(f"/answers/{answer.id}/edit", data=form).status_code == 303
    page = expert.get(f"/answers/{answer.id}").text
    assert "Новият текст." in page and "Старият текст." in page
    assert "Какво виждат читателите сега" in page
    assert "Старият текст." in expert.get(f"/answers/{answer.id}/print").text


def test_send_back_needs_a_note_and_keeps_what_was_typed(app, people):
    answer = make_answer(people["office"], publish=False, author=people["expert"])
    library.submit(answer, actor=people["expert"])
    db.session.commit()
    coordinator = signed_in(app, people["coordinator"])
    empty = coordinator.post(f"/answers/{answer.id}/send-back", data={"note": "  "})
    assert empty.status_code == 422 and status_of(answer.id) == AnswerStatus.IN_REVIEW
    sent = coordinator.post(f"/answers/{answer.id}/send-back", data={"note": "Добавете срока."})
    assert sent.status_code == 303 and status_of(answer.id) == AnswerStatus.DRAFT
    assert "Добавете срока." in coordinator.get(f"/answers/{answer.id}").text


def test_archive_and_restore(app, people):
    answer = make_answer(people["office"])
    expert = signed_in(app, people["expert"])
    assert expert.post(f"/answers/{answer.id}/archive").status_code == 303
    assert status_of(answer.id) == AnswerStatus.ARCHIVED
    assert expert.get(f"/answers/{answer.id}/print").status_code == 404
    again = expert.post(f"/answers/{answer.id}/archive")
    assert again.status_code == 422 and "вече е архивиран" in again.text
    assert expert.post(f"/answers/{answer.id}/restore").status_code == 303
    assert status_of(answer.id) == AnswerStatus.DRAFT


def test_a_desk_user_reads_answers_but_cannot_write_them(app, people):
    answer = make_answer(people["office"])
    desk = signed_in(app, people["desk"])
    assert desk.get("/answers/").status_code == 200
    assert desk.get(f"/answers/{answer.id}").status_code == 200
    assert desk.get(f"/answers/{answer.id}/print").status_code == 200
    assert desk.get("/answers/new").status_code == 403
    assert desk.post(f"/answers/{answer.id}/edit", data=FORM).status_code == 403
    assert desk.post(f"/answers/{answer.id}/archive").status_code == 403
    assert "Промени" not in desk.get(f"/answers/{answer.id}").text


def test_a_validation_error_keeps_what_was_typed(app, people):
    expert = signed_in(app, people["expert"])
    refused = expert.post("/answers/new", data={**FORM, "body": ""})
    assert refused.status_code == 422
    assert FORM["title"] in refused.text and "Напишете отговора." in refused.text
    assert db.session.scalar(select(Answer)) is None
    for endpoint in ("answers.new", "answers.edit", "answers.send_back", "answers.local"):
        assert getattr(app.view_functions[endpoint], "keeps_typed", False), endpoint


def test_nothing_an_author_types_runs_on_the_page_or_the_print_view(app, people):
    answer = make_answer(people["office"], body=HOSTILE, documents=HOSTILE, place=HOSTILE)
    coordinator = signed_in(app, people["coordinator"])
    library.set_local_part(answer, people["office"], HOSTILE, actor=people["coordinator"])
    db.session.commit()
    for url in (f"/answers/{answer.id}", f"/answers/{answer.id}/print"):
        html = coordinator.get(url).text
        assert "Преди" in html and "след." in html
        no_live_markup(html)


def test_a_shared_answer_is_read_by_another_office_which_adds_its_local_part(app, people):
    shared = make_answer(people["office"], shared=True, title="Споделен отговор")
    own = make_answer(people["office"], title="Само за Кресна")
    other = make_office("SND")
    visitor = signed_in(app, make_user(Role.COORDINATOR, office=other))

    assert visitor.get(f"/answers/{shared.id}").status_code == 200
    listed = visitor.get("/answers/").text
    assert "Споделен отговор" in listed and "Само за Кресна" not in listed
    assert visitor.get(f"/answers/{shared.id}/edit").status_code == 403
    assert visitor.post(f"/answers/{shared.id}/archive").status_code == 422
    assert status_of(shared.id) == AnswerStatus.PUBLISHED
    for url in (f"/answers/{own.id}", f"/answers/{own.id}/print", f"/answers/{own.id}/edit"):
        assert visitor.get(url).status_code == 404, url
    assert visitor.post(f"/answers/{own.id}/local", data={"text": "x"}).status_code == 404

    local = {"text": "Община Сандански, ул. Македония 55, стая 3"}
    assert visitor.post(f"/answers/{shared.id}/local", data=local).status_code == 303
    assert local["text"] in visitor.get(f"/answers/{shared.id}/print").text
    home = signed_in(app, people["coordinator"])
    assert local["text"] not in home.get(f"/answers/{shared.id}/print").text


@pytest.mark.parametrize("q", ["скица", "skitsa", "СКИЦА", "Skitsa na"])
def test_the_list_finds_answers_in_cyrillic_or_latin(app, people, q):
    make_answer(people["office"], title="Скица на поземлен имот")
    make_answer(people["office"], title="Данък върху превозните средства")
    listed = signed_in(app, people["desk"]).get("/answers/", query_string={"q": q}).text
    assert "Скица на поземлен имот" in listed
    assert "Данък върху превозните средства" not in listed


def test_the_list_filters_by_status_and_flags_answers_to_review(app, people):
    stale = make_answer(people["office"], title="Стар отговор")
    stale.review_by = sofia_today() - timedelta(days=1)
    make_answer(people["office"], title="Пресен отговор")
    make_answer(people["office"], title="Чернова", publish=False)
    db.session.commit()
    desk = signed_in(app, people["desk"])
    to_review = desk.get("/answers/", query_string={"stale": "1"}).text
    assert "Стар отговор" in to_review and "Пресен отговор" not in to_review
    assert "за преглед" in to_review
    drafts = desk.get("/answers/", query_string={"status": "draft"}).text
    assert "Чернова" in drafts and "Пресен отговор" not in drafts
    assert "за преглед" in desk.get(f"/answers/{stale.id}").text


def test_the_list_is_paged(app, people):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        make_answer(people["office"], title=f"Отговор {n}", publish=False)
    desk = signed_in(app, people["desk"])
    assert desk.get("/answers/").text.count('href="/answers/') >= 2
    second = desk.get("/answers/", query_string={"page": 2}).text
    assert second.count("Отговор ") >= 1 and 'aria-current="page"' in second


@pytest.mark.parametrize(
    "url",
    [
        "/answers/0",
        "/answers/99999999999",
        "/answers/abc",
        "/answers/-1/print",
        "/answers/2147483648/edit",
    ],
)
def test_bad_ids_are_not_found(app, people, url):
    assert signed_in(app, people["coordinator"]).get(url).status_code == 404


def test_hostile_input_is_refused_not_failed(app, people):
    expert = signed_in(app, people["expert"])
    huge = expert.post("/answers/new", data={**FORM, "body": "щ" * 5_000_000})
    assert 400 <= huge.status_code < 500
    nul = expert.post("/answers/new", data={**FORM, "title": "a\x00b"})
    assert nul.status_code == 400
    for data in (
        {**FORM, "categories": "no_such_category"},
        {**FORM, "services": "no-such-service"},
        {**FORM, "review_by": "99999-01-01"},
        {**FORM, "title": "т" * 201},
    ):
        assert expert.post("/answers/new", data=data).status_code == 422, data
    assert db.session.scalar(select(Answer)) is None
    assert expert.get("/answers/", query_string={"q": "x" * 10_000}).status_code == 200
    assert expert.get("/answers/", query_string={"page": "9" * 30}).status_code == 200
    assert expert.get("/answers/search", query_string={"q": "\x00"}).status_code == 400

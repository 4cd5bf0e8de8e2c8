"""The answers where people are served: suggested beside the intake form, the inquiry
logged resolved at the first contact, printed or e-mailed from the receipt, inserted into
a case's reply which records it."""

from sqlalchemy import select

from bureau.domain.answers import library
from bureau.extensions import db
from bureau.models import AuditEntry, Inquiry, OutboxMessage, Role, StatRecord, Status
from tests.casework import make_coordinator, make_expert, move_to, signed_in
from tests.factories import make_answer, make_inquiry, make_office, make_user
from tests.web.test_answers_staff import HOSTILE, no_live_markup

INTAKE = {
    "category": "local_taxes",
    "description": "Пита как се плаща данък сгради.",
    "urgency": "normal",
    "channel": "walk_in",
    "anonymous": "y",
    "gender": "undisclosed",
    "age_band": "undisclosed",
}


def desk(app, office=None):
    return signed_in(app, make_user(Role.DESK, office=office or make_office()))


def test_the_desk_is_offered_the_published_answers_of_the_category(app):
    office = make_office()
    published = make_answer(office, title="Данък сгради: как и къде")
    make_answer(office, title="Чернова за данъците", publish=False)
    make_answer(office, title="Детски градини", categories=["education"])
    make_answer(make_office("SND"), title="Данък в Сандански")
    shared = make_answer(make_office("SND"), title="Споделен данъчен отговор", shared=True)
    found = desk(app, office).get("/answers/suggest", query_string={"category": "local_taxes"})
    assert found.status_code == 200 and found.mimetype == "application/json"
    titles = {a["title"] for a in found.json["answers"]}
    assert titles == {"Данък сгради: как и къде", "Споделен данъчен отговор"}
    item = next(a for a in found.json["answers"] if a["id"] == published.id)
    assert item["print_url"] == f"/answers/{published.id}/print" and item["stale"] is False
    assert item["excerpt"].startswith("Данъкът се плаща")
    assert shared.id in {a["id"] for a in found.json["answers"]}
    empty = desk(app, office).get("/answers/suggest")
    assert empty.json == {"answers": []}


def test_the_intake_form_has_the_panel_and_the_hidden_answer(app):
    page = desk(app).get("/desk/new").text
    assert 'id="answer-suggestions"' in page and "/answers/suggest" in page
    assert 'name="answered_with"' in page and "js/answers.js" in page


def test_an_inquiry_answered_at_the_desk_is_logged_resolved_at_first_contact(app):
    office = make_office()
    answer = make_answer(office, title="Данък сгради: как и къде")
    browser = desk(app, office)
    logged = browser.post("/desk/new", data={**INTAKE, "answered_with": str(answer.id)})
    assert logged.status_code == 303 and "/desk/receipt/" in logged.location
    case = db.session.scalar(select(Inquiry))
    assert case.status == Status.RESOLVED and case.outcome == "information_provided"
    assert case.answer_id == answer.id and case.expert_id is None
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))
    assert (record.first_contact, record.answer_id) == (True, answer.id)

    receipt = browser.get(logged.location).text
    assert "Отговорено на място с:" in receipt and "Данък сгради: как и къде" in receipt
    assert f"/answers/{answer.id}/print" in receipt
    assert "Изпрати по e-mail" not in receipt  # an anonymous citizen left no address


def test_an_answer_that_is_not_published_is_refused_and_the_form_kept(app):
    office = make_office()
    draft = make_answer(office, publish=False)
    foreign = make_answer(make_office("SND"))
    browser = desk(app, office)
    for answer_id in (draft.id, foreign.id, 999999):
        refused = browser.post("/desk/new", data={**INTAKE, "answered_with": str(answer_id)})
        assert refused.status_code == 422, answer_id
        assert "Изберете публикуван отговор" in refused.text
        assert INTAKE["description"] in refused.text
    for garbage in ("abc", "-1", "9" * 40, "1 OR 1=1"):
        response = browser.post("/desk/new", data={**INTAKE, "answered_with": garbage})
        assert response.status_code == 400, garbage
    assert db.session.scalar(select(Inquiry)) is None


def test_a_chosen_answer_is_named_after_a_refused_save(app):
    office = make_office()
    answer = make_answer(office, title="Данък сгради: как и къде")
    data = {**INTAKE, "answered_with": str(answer.id), "anonymous": "", "consent": ""}
    refused = desk(app, office).post("/desk/new", data=data)
    assert refused.status_code == 422
    assert 'id="answered-notice"' in refused.text and "Данък сгради: как и къде" in refused.text
    assert f'value="{answer.id}"' in refused.text


def test_the_answer_is_e_mailed_to_the_citizen_through_the_outbox(app):
    office = make_office()
    answer = make_answer(office, title="Данък сгради", body=HOSTILE, place="Общината, стая 5")
    browser = desk(app, office)
    citizen = {"anonymous": "", "name": "Мария Петрова", "email": "maria@example.bg"}
    logged = browser.post(
        "/desk/new", data={**INTAKE, **citizen, "consent": "y", "answered_with": str(answer.id)}
    )
    case = db.session.scalar(select(Inquiry))
    receipt = browser.get(logged.location).text
    assert "Изпрати по e-mail" in receipt
    no_live_markup(receipt)

    sent = browser.post(f"/desk/receipt/{case.reference}/answer")
    assert sent.status_code == 303
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject.contains("Данък сгради"))
    )
    assert message.to == "maria@example.bg" and message.inquiry_id == case.id
    assert "Общината, стая 5" in message.body_text and "Къде:" in message.body_text
    no_live_markup(message.body_html)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer.sent"))
    assert entry.object_id == case.reference and entry.details == {"answer": answer.id}


def test_no_e_mail_without_an_address(app):
    office = make_office()
    answer = make_answer(office)
    browser = desk(app, office)
    browser.post("/desk/new", data={**INTAKE, "answered_with": str(answer.id)})
    case = db.session.scalar(select(Inquiry))
    refused = browser.post(f"/desk/receipt/{case.reference}/answer", follow_redirects=True)
    assert "не е оставил e-mail" in refused.text
    assert db.session.scalar(select(OutboxMessage)) is None
    plain = make_inquiry(office)
    assert browser.post(f"/desk/receipt/{plain.reference}/answer").status_code == 400


def test_the_suggestions_carry_plain_text_only(app):
    office = make_office()
    make_answer(office, title="<img src=x onerror=alert(1)>", body=HOSTILE)
    found = desk(app, office).get("/answers/suggest", query_string={"category": "local_taxes"})
    assert found.mimetype == "application/json"
    assert found.headers.get("X-Content-Type-Options") == "nosniff"
    # Text, which the panel puts in with textContent.
    assert found.json["answers"][0]["title"] == "<img src=x onerror=alert(1)>"


def test_an_expert_finds_an_answer_in_either_script_and_the_reply_records_it(app):
    office = make_office()
    answer = make_answer(office, title="Данък сгради", body="Плаща се до 30 юни.", shared=True)
    answer_part = "Касата на общината, ет. 1"
    library.set_local_part(answer, office, answer_part, actor=make_coordinator(office))
    db.session.commit()
    expert, coordinator = make_expert(office), make_coordinator(office)
    case = move_to(make_inquiry(office), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    browser = signed_in(app, expert)
    page = browser.get(f"/cases/{case.reference}").text
    assert "data-answer-search" in page and 'name="answer_id"' in page
    for q in ("данък", "danak sgradi"):
        found = browser.get("/answers/search", query_string={"q": q}).json["answers"]
        assert [a["id"] for a in found] == [answer.id], q
        assert "Плаща се до 30 юни." in found[0]["text"] and answer_part in found[0]["text"]

    text = found[0]["text"] + "\n\nПоздрави, експертът"
    data = {"body": text, "version": str(case.version), "answer_id": str(answer.id)}
    assert browser.post(f"/cases/{case.reference}/reply", data=data).status_code == 303
    db.session.expire_all()
    case = db.session.get(Inquiry, case.id)
    assert case.answer_id == answer.id and case.public_reply.endswith("експертът")
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))
    assert record.answer_id == answer.id and not record.first_contact
    assert "Отговор от библиотеката:" in browser.get(f"/cases/{case.reference}").text


def test_a_reply_with_another_offices_answer_is_refused(app):
    office = make_office()
    foreign = make_answer(make_office("SND"))
    expert, coordinator = make_expert(office), make_coordinator(office)
    case = move_to(make_inquiry(office), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    browser = signed_in(app, expert)
    data = {"body": "Отговор.", "version": str(case.version), "answer_id": str(foreign.id)}
    assert browser.post(f"/cases/{case.reference}/reply", data=data).status_code == 422
    bad = browser.post(f"/cases/{case.reference}/reply", data={**data, "answer_id": "x"})
    assert bad.status_code == 400
    db.session.expire_all()
    assert db.session.get(Inquiry, case.id).answer_id is None

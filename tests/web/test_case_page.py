"""The case page over HTTP: who may open it, the work done on it, conflicts that lose
nothing typed, and attachments that are checked and only ever downloaded."""

import io
import os
import re

import pytest

from bureau.extensions import db
from bureau.models import Attachment, Event, EventKind, OutboxMessage, Role, Status
from tests.casework import make_coordinator, make_expert, move_to, page_version, signed_in
from tests.factories import make_inquiry, make_office, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
ZIP = (
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 16 + b"\x0b\x00\x00\x00payload.exe"
    + b"\x00" * 64
)  # fmt: skip
MAX_BYTES = 64 * 1024


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads"), "MAX_ATTACHMENT_BYTES": MAX_BYTES}


@pytest.fixture
def people(app):
    office = make_office()
    return {
        "coordinator": make_coordinator(office, name="Анна Координаторова"),
        "expert": make_expert(office, name="Борис Експертов"),
    }


def url(case, action: str = "") -> str:
    return f"/cases/{case.reference}" + (f"/{action}" if action else "")


def form_version(html: str, action: str) -> int:
    """The version carried by the form that posts to `action`."""
    start = html.index(f'action="{action}"')
    return page_version(html[start : html.index("</form>", start)])


def textarea(html: str, name: str) -> list[str]:
    return [
        text.strip()
        for text in re.findall(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    ]


# Who may open a case -------------------------------------------------------------------


def test_expert_cannot_open_case_of_colleague(app, people):
    colleague = make_expert(name="Колега")
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, colleague)
    assert browser.get(url(case)).status_code == 404
    for action, data in [("accept", {}), ("notes", {"body": "Опит."}),
                         ("transition", {"to": "waiting"})]:  # fmt: skip
        assert browser.post(url(case, action), data=data).status_code == 404
    assert not any(e.kind == EventKind.NOTE for e in case.events)


def test_expert_opens_own_case(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = signed_in(app, people["expert"]).get(url(case))
    assert response.status_code == 200
    assert case.reference in response.text


@pytest.mark.parametrize("role", [Role.DESK, Role.COORDINATOR, Role.EXPERT])
def test_staff_of_another_office_get_404(app, people, role):
    case = make_inquiry(citizen={"name": "Тайна Личност", "phone": "0888999000"})
    stranger = make_user(role, office=make_office("STR"))
    response = signed_in(app, stranger).get(url(case))
    assert response.status_code == 404
    assert "Тайна Личност" not in response.text


def test_commission_cannot_open_a_case(app, people):
    case = make_inquiry()
    assert signed_in(app, make_user(Role.COMMISSION)).get(url(case)).status_code == 403


def test_desk_of_the_office_sees_the_case_but_no_work_forms(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = signed_in(app, make_user(Role.DESK)).get(url(case))
    assert response.status_code == 200
    assert url(case, "notes") not in response.text
    assert url(case, "assign") not in response.text


# Assigning, accepting, declining, resolving -------------------------------------------


def test_coordinator_sees_the_ranked_experts_and_assigns_the_suggested_one(app, people):
    make_expert(name="Ана Без Експертиза", categories=["health"])
    case = make_inquiry()
    browser = signed_in(app, people["coordinator"])
    page = browser.get(url(case)).text
    panel = page[page.index('id="assign-panel"') :]
    assert panel.index("Борис Експертов") < panel.index("Ана Без Експертиза")
    assert "препоръчан" in panel[: panel.index("Ана Без Експертиза")]
    response = browser.post(url(case, "assign"), data={
        "expert": people["expert"].id, "version": page_version(page)})  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.ASSIGNED, people["expert"].id)
    assert [m.to for m in db.session.query(OutboxMessage)] == [people["expert"].email]
    assert "Случаят е възложен." in browser.get(response.location).text


def test_expert_accepts_works_and_resolves_through_the_page(app, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    browser = signed_in(app, people["expert"])
    page = browser.get(url(case)).text
    assert "Възложен ви е този случай" in page
    assert (
        browser.post(url(case, "accept"), data={"version": page_version(page)}).status_code == 303
    )
    assert browser.post(url(case, "notes"), data={"body": "Проверих в НАП."}).status_code == 303
    page = browser.get(url(case)).text
    assert "Проверих в НАП." in page
    response = browser.post(url(case, "transition"), data={
        "to": "resolved", "outcome": "advice_given", "summary": "Обяснихме.",
        "version": page_version(page)})  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(case)
    assert (case.status, case.outcome) == (Status.RESOLVED, "advice_given")


def test_resolving_without_an_outcome_is_refused_on_the_page(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, people["expert"])
    page = browser.get(url(case)).text
    response = browser.post(url(case, "transition"), data={
        "to": "resolved", "outcome": "", "summary": "Обяснихме подробно.",
        "version": page_version(page)})  # fmt: skip
    assert response.status_code == 422
    assert "Изберете резултат." in response.text
    assert "Обяснихме подробно." in textarea(response.text, "summary")
    db.session.refresh(case)
    assert case.status == Status.IN_PROGRESS


def test_status_buttons_without_an_outcome_work_as_the_browser_posts_them(app, people):
    """Only the resolve button carries an outcome; waiting, close and reopen do not."""
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    expert = signed_in(app, people["expert"])
    coordinator = signed_in(app, people["coordinator"])
    steps = [
        (expert, {"to": "waiting"}, Status.WAITING),
        (expert, {"to": "in_progress"}, Status.IN_PROGRESS),
        (expert, {"to": "resolved", "outcome": "referred", "summary": "Насочен."}, "resolved"),
        (coordinator, {"to": "closed"}, Status.CLOSED),
        (coordinator, {"to": "in_progress", "reason": "Нов документ."}, Status.IN_PROGRESS),
    ]
    for browser, data, status in steps:
        version = page_version(browser.get(url(case)).text)
        posted = {**data, "version": version, "submit-to": data["to"]}
        response = browser.post(url(case, "transition"), data=posted)
        assert response.status_code == 303, (data, response.text[-3000:])
        db.session.refresh(case)
        assert case.status == status


def test_illegal_transition_posted_by_hand_is_refused(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, people["coordinator"])
    for to in ("closed", "new", "assigned"):
        response = browser.post(url(case, "transition"), data={"to": to, "reason": "x"})
        assert response.status_code == 422, to
        assert "не може да премине" in response.text
    db.session.refresh(case)
    assert case.status == Status.IN_PROGRESS


def test_decline_without_a_reason_keeps_the_case_with_the_expert(app, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    browser = signed_in(app, people["expert"])
    response = browser.post(url(case, "decline"), data={"reason": "  "})
    assert response.status_code == 422
    assert "Посочете причина." in response.text
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.ASSIGNED, people["expert"].id)


def test_decline_returns_the_case_and_mails_the_coordinator(app, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    browser = signed_in(app, people["expert"])
    response = browser.post(url(case, "decline"), data={"reason": "В отпуск съм от утре."})
    assert response.status_code == 303
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.NEW, None)
    [message] = db.session.query(OutboxMessage).all()
    assert message.to == people["coordinator"].email
    assert "В отпуск съм от утре." in message.body_text
    # The case left the expert: the page is no longer theirs.
    assert browser.get(url(case)).status_code == 404


def test_internal_note_is_marked_as_internal_and_kept_out_of_the_public_reply(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, people["expert"])
    browser.post(url(case, "notes"), data={"body": "Само за нас."})
    browser.post(url(case, "reply"), data={"body": "До гражданина.",
                                           "version": case.version})  # fmt: skip
    db.session.refresh(case)
    assert case.public_reply == "До гражданина."
    events = db.session.query(Event).filter_by(inquiry_id=case.id).order_by(Event.id)
    kinds = [e.kind for e in events]
    assert kinds[-2:] == [EventKind.NOTE, EventKind.REPLY]


# Optimistic locking: a stale edit is refused and loses nothing typed ------------------


def test_second_coordinator_assigning_a_stale_page_gets_409_naming_the_first(app, people):
    other_expert = make_expert(name="Вера Експертова")
    second = make_coordinator(name="Димитър Вторият")
    case = make_inquiry()
    first_browser = signed_in(app, people["coordinator"])
    second_browser = signed_in(app, second)
    first_version = page_version(first_browser.get(url(case)).text)
    second_version = page_version(second_browser.get(url(case)).text)

    won = first_browser.post(url(case, "assign"), data={
        "expert": people["expert"].id, "version": first_version})  # fmt: skip
    lost = second_browser.post(url(case, "assign"), data={
        "expert": other_expert.id, "version": second_version})  # fmt: skip

    assert won.status_code == 303
    assert lost.status_code == 409
    assert "променен" in lost.text
    assert "Анна Координаторова" in lost.text
    db.session.refresh(case)
    assert case.expert_id == people["expert"].id
    assert [m.to for m in db.session.query(OutboxMessage)] == [people["expert"].email]


def test_stale_transition_keeps_the_typed_reason(app, people):
    other_expert = make_expert(name="Вера Експертова")
    second = make_coordinator(name="Димитър Вторият")
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    second_browser = signed_in(app, second)
    seen = page_version(second_browser.get(url(case)).text)
    signed_in(app, people["coordinator"]).post(url(case, "assign"), data={
        "expert": other_expert.id, "version": seen})  # fmt: skip

    typed = "Експертът е болен до края на месеца."
    response = second_browser.post(url(case, "transition"), data={
        "to": "new", "reason": typed, "version": seen})  # fmt: skip
    assert response.status_code == 409
    assert "Анна Координаторова" in response.text
    assert typed in textarea(response.text, "reason")
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.ASSIGNED, other_expert.id)


def test_stale_decline_keeps_the_typed_reason(app, people):
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    expert_browser = signed_in(app, people["expert"])
    seen = page_version(expert_browser.get(url(case)).text)
    signed_in(app, people["coordinator"]).post(url(case, "reply"), data={
        "body": "Ще ви се обадим.", "version": seen})  # fmt: skip

    typed = "Познавам семейството, конфликт на интереси."
    response = expert_browser.post(url(case, "decline"), data={"reason": typed, "version": seen})
    assert response.status_code == 409
    assert "променен" in response.text
    assert "Анна Координаторова" in response.text
    assert typed in textarea(response.text, "reason")
    db.session.refresh(case)
    assert (case.status, case.expert_id) == (Status.ASSIGNED, people["expert"].id)


def test_stale_reply_keeps_the_typed_text_and_can_then_be_saved(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    expert_browser = signed_in(app, people["expert"])
    page = expert_browser.get(url(case)).text
    seen = form_version(page, url(case, "reply"))
    signed_in(app, people["coordinator"]).post(url(case, "reply"), data={
        "body": "Отговор на координатора.", "version": seen})  # fmt: skip

    typed = "Подробен отговор, писан половин час."
    response = expert_browser.post(url(case, "reply"), data={"body": typed, "version": seen})
    assert response.status_code == 409
    assert "Анна Координаторова" in response.text
    assert typed in textarea(response.text, "body")
    db.session.refresh(case)
    assert case.public_reply == "Отговор на координатора."

    # Having seen the change, the user saves what they typed: the form now carries the
    # version they were shown, so the second attempt goes through.
    retry = expert_browser.post(url(case, "reply"), data={
        "body": typed, "version": form_version(response.text, url(case, "reply"))})  # fmt: skip
    assert retry.status_code == 303
    db.session.refresh(case)
    assert case.public_reply == typed


@pytest.mark.parametrize("version", ["-1", "abc", "1.0", "9" * 30, " "])
@pytest.mark.parametrize("action", ["reply", "transition", "assign", "service"])
def test_a_version_that_is_no_version_is_refused_not_left_unchecked(app, people, action, version):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    data = {"body": "Отговор от остаряло копие.", "to": "waiting", "reason": "Чакаме документ.",
            "expert": people["expert"].id, "service": ""}  # fmt: skip
    before = case.version
    response = signed_in(app, people["coordinator"]).post(
        url(case, action), data={**data, "version": version}
    )
    assert response.status_code == 400
    assert "version" in response.text
    db.session.refresh(case)
    assert case.version == before and case.public_reply is None


def test_a_form_without_a_version_is_not_checked_as_the_apis(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = signed_in(app, people["expert"]).post(url(case, "reply"), data={"body": "Добре."})
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.public_reply == "Добре."


def test_notes_never_conflict(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    expert_browser = signed_in(app, people["expert"])
    expert_browser.get(url(case))
    signed_in(app, people["coordinator"]).post(url(case, "reply"), data={
        "body": "Отговор.", "version": case.version})  # fmt: skip
    assert expert_browser.post(url(case, "notes"), data={"body": "Бележка."}).status_code == 303


def test_forms_check_the_csrf_token(app, people):
    case = make_inquiry()
    browser = signed_in(app, people["coordinator"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = browser.get(url(case)).text
        data = {"expert": people["expert"].id, "version": page_version(page)}
        assert browser.post(url(case, "assign"), data=data).status_code == 400
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = browser.post(url(case, "assign"), data={**data, "csrf_token": token})
        assert response.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# Attachments --------------------------------------------------------------------------


def upload(browser, case, data: bytes, filename: str):
    return browser.post(url(case, "attachments"), data={"file": (io.BytesIO(data), filename)},
                        content_type="multipart/form-data")  # fmt: skip


@pytest.fixture
def case_with_pdf(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = upload(signed_in(app, people["expert"]), case, PDF, "жалба до общината.pdf")
    assert response.status_code == 303
    return case, db.session.query(Attachment).one()


def test_pdf_is_stored_under_a_random_name(app, case_with_pdf):
    _case, attachment = case_with_pdf
    folder = app.config["UPLOAD_FOLDER"]
    assert attachment.filename == "жалба до общината.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    with open(f"{folder}/{attachment.stored_name}", "rb") as stored:
        assert stored.read() == PDF
    assert os.listdir(folder) == [attachment.stored_name]


@pytest.mark.parametrize("who", ["coordinator", "expert", "desk"])
def test_permitted_users_download_the_file_as_an_attachment(app, people, case_with_pdf, who):
    case, attachment = case_with_pdf
    user = people.get(who) or make_user(Role.DESK)
    response = signed_in(app, user).get(url(case, f"attachments/{attachment.id}"))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "inline" not in response.headers["Content-Disposition"]


def test_control_characters_never_reach_a_stored_file_name(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, people["expert"])
    assert upload(browser, case, PDF, "жалба\x00.pdf").status_code == 400
    assert upload(browser, case, PDF, "жалба\x1b[31m\tчервено\x7f.pdf").status_code == 303
    attachment = db.session.query(Attachment).one()
    assert attachment.filename == "жалба [31m червено .pdf"
    response = browser.get(url(case, f"attachments/{attachment.id}"))
    assert response.status_code == 200 and response.data == PDF
    assert "\n" not in response.headers["Content-Disposition"]


def test_a_file_name_stored_before_the_check_still_downloads(app, people, case_with_pdf):
    case, attachment = case_with_pdf
    # SQLite kept such names before uploads were checked; PostgreSQL never stores a NUL.
    nul = "\x00" if db.engine.dialect.name == "sqlite" else "\x01"
    attachment.filename = f"стар{nul}файл.pdf"
    db.session.commit()
    response = signed_in(app, people["coordinator"]).get(url(case, f"attachments/{attachment.id}"))
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]  # browsers refuse a NUL in the name
    assert "%00" not in disposition and "%01" not in disposition


@pytest.mark.parametrize("role", [Role.DESK, Role.COORDINATOR, Role.EXPERT])
def test_staff_of_another_office_cannot_download(app, case_with_pdf, role):
    case, attachment = case_with_pdf
    stranger = make_user(role, office=make_office("STR"))
    response = signed_in(app, stranger).get(url(case, f"attachments/{attachment.id}"))
    assert response.status_code == 404
    assert response.data != PDF


def test_colleague_expert_cannot_download(app, case_with_pdf):
    case, attachment = case_with_pdf
    response = signed_in(app, make_expert()).get(url(case, f"attachments/{attachment.id}"))
    assert response.status_code == 404


def test_attachment_is_not_served_through_another_case(app, people, case_with_pdf):
    _case, attachment = case_with_pdf
    other = make_inquiry()
    browser = signed_in(app, people["coordinator"])
    assert browser.get(url(other, f"attachments/{attachment.id}")).status_code == 404


def test_commission_cannot_download(app, case_with_pdf):
    case, attachment = case_with_pdf
    browser = signed_in(app, make_user(Role.COMMISSION))
    assert browser.get(url(case, f"attachments/{attachment.id}")).status_code == 403


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (EXE, "фактура.pdf", "Разрешени са PDF"),
        (HTML, "снимка.png", "Разрешени са PDF"),
        (ZIP, "договор.docx", "Разрешени са PDF"),
        (PDF + b"0" * MAX_BYTES, "голям.pdf", "по-голям"),
        (b"", "празен.pdf", "празен"),
    ],
    ids=["exe-as-pdf", "html-as-png", "zip-as-docx", "oversize", "empty"],
)
def test_abusive_upload_is_refused_with_a_message_and_nothing_is_kept(
    app, people, data, filename, message
):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    response = upload(signed_in(app, people["expert"]), case, data, filename)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.query(Attachment).count() == 0
    folder = app.config["UPLOAD_FOLDER"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_a_reply_at_the_limit_with_line_breaks_is_taken_as_the_browser_counted_it(app, people):
    case = move_to(make_inquiry(), Status.IN_PROGRESS, **people)
    browser = signed_in(app, people["expert"])
    typed = ("а" * 99 + "\n") * 50  # 5 000 characters on the screen, 5 050 as sent
    response = browser.post(url(case, "reply"), data={
        "body": typed.replace("\n", "\r\n"), "version": case.version})  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.public_reply == typed.strip()

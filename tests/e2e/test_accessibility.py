"""axe-core finds no serious or critical violation on the public pages and the staff forms.

axe-core comes from the npm registry (`npm ci --prefix tests/e2e`, which `make test` runs)
and is injected into each page. The contexts bypass the Content-Security-Policy, which
forbids inline scripts on the site itself.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bureau.domain.cases import feedback
from bureau.extensions import db
from tests.factories import make_inquiry, make_office, make_user

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page, one line per element."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci --prefix tests/e2e`", pytrace=False)
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], "
        "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary')}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def assert_accessible(page, what: str) -> None:
    found = violations(page)
    assert not found, f"{what}:\n" + "\n".join(found)


@pytest.fixture
def phone(new_page):
    return new_page(viewport=(390, 844), is_mobile=True, has_touch=True, bypass_csp=True)


@pytest.fixture
def desktop(new_page):
    return new_page(bypass_csp=True)


@pytest.mark.parametrize("path", ["/", "/status", "/status?ref=KRS-2026-00001", "/ask"])
def test_public_pages_on_a_phone(phone, path):
    make_office()
    phone.goto(path)
    assert_accessible(phone, path)


def test_public_forms_with_their_errors(phone):
    make_office()
    phone.goto("/ask")
    phone.locator("#ask-submit").click()
    expect(phone.locator("#error-summary")).to_be_focused()
    assert_accessible(phone, "/ask with errors")

    phone.goto("/status")
    phone.fill("#reference", "KRS-2026-09999")
    phone.fill("#pin", "123456")
    phone.locator("#status-submit").click()
    expect(phone.locator("#lookup-refused")).to_be_visible()
    assert_accessible(phone, "/status refused")


def test_status_result_with_the_feedback_form_and_the_feedback_link(phone):
    inquiry = make_inquiry()
    inquiry.status = "resolved"
    inquiry.public_reply = "Отговорът на бюрото."
    token = feedback.issue_link(inquiry)
    db.session.commit()

    phone.goto(f"/status?ref={inquiry.reference}")
    phone.fill("#pin", inquiry.pin)
    phone.locator("#status-submit").click()
    expect(phone.locator("#feedback-form")).to_be_visible()
    assert_accessible(phone, "/status/result")
    phone.locator("#feedback-submit").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    assert_accessible(phone, "/status/result with errors")

    phone.goto(f"/feedback/{token}")
    assert_accessible(phone, "/feedback/<token>")


def test_login_page(desktop):
    desktop.goto("/login")
    assert_accessible(desktop, "/login")


def test_intake_form_and_case_page_of_the_desk(desktop, log_in):
    desk = make_user("desk")
    inquiry = make_inquiry(citizen={"name": "Мария Иванова", "phone": "0888 123 456"})
    log_in(desktop, desk)

    desktop.goto("/desk/new")
    assert_accessible(desktop, "/desk/new")
    desktop.locator("#submit-intake").click()
    expect(desktop.locator("#error-summary")).to_be_visible()
    assert_accessible(desktop, "/desk/new with errors")

    desktop.goto(f"/cases/{inquiry.reference}")
    assert_accessible(desktop, "case page (desk)")
    desktop.goto(f"/cases/{inquiry.reference}/feedback")
    assert_accessible(desktop, "paper feedback form")


def test_case_page_of_the_coordinator(desktop, log_in):
    inquiry = make_inquiry(citizen={"name": "Мария Иванова", "phone": "0888 123 456"})
    log_in(desktop, make_user("coordinator"))
    desktop.goto(f"/cases/{inquiry.reference}")
    assert_accessible(desktop, "case page (coordinator)")


def test_status_lookup_by_keyboard_alone(phone):
    inquiry = make_inquiry()
    phone.goto(f"/status?ref={inquiry.reference}")  # as from the receipt's QR code
    expect(phone.locator("#pin")).to_be_focused()
    phone.keyboard.type(inquiry.pin)
    phone.keyboard.press("Enter")
    expect(phone.locator("#status-label")).to_have_text("ново")


def test_error_summary_leads_to_the_fields(phone):
    make_office()
    phone.goto("/ask")
    phone.locator("#ask-submit").click()
    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Опишете въпроса си").click()
    expect(phone.locator("#description")).to_be_focused()
    phone.keyboard.type("Въпрос, написан след грешката")
    expect(phone.locator("#description")).to_have_attribute("aria-describedby", re.compile("error"))

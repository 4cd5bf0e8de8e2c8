"""Layouts that fit: the reference and the PIN whole and large on every public page from
320 to 430 px (and on tablets and desktops), no page scrolling sideways, and the printed
receipt (80 mm thermal paper and A6) never breaking inside the reference."""

import pytest
from playwright.sync_api import expect

from bureau.domain.cases import receipts
from bureau.extensions import db
from tests.factories import make_inquiry, make_user

PHONES = [320, 360, 390, 430]
WIDTHS = [*PHONES, 768, 1024]
# What the layout must hold: the longest office code (8 letters) and a 7-digit number.
LONGEST_CODE = "ABCDEFGH"

WHOLE = """(selector) => {
  const element = document.querySelector(selector);
  const range = document.createRange();
  range.selectNodeContents(element);
  const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  const box = element.getBoundingClientRect();
  return {
    text: element.textContent.trim(),
    lines: lines.size,
    left: box.left, right: box.right,
    clipped: element.scrollWidth > element.clientWidth + 1,
    size: parseFloat(getComputedStyle(element).fontSize),
  };
}"""


def assert_whole(page, selector: str, text: str, width: int, min_size: float = 22) -> None:
    # Measured once the page's style sheets are in: an element can be in the DOM (and
    # "visible") while a loaded machine still fetches public.css, and then wraps.
    page.wait_for_load_state("load")
    found = page.evaluate(WHOLE, selector)
    assert found["text"] == text, found
    assert found["lines"] == 1, f"{selector} breaks over {found['lines']} lines at {width} px"
    assert not found["clipped"], f"{selector} is cut off at {width} px"
    assert found["left"] >= 0 and found["right"] <= width, f"{selector} overflows at {width} px"
    assert found["size"] >= min_size, f"{selector} is {found['size']} px at {width} px"


def assert_no_sideways_scroll(page, width: int) -> None:
    page.wait_for_load_state("load")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways at {width} px ({scroll} px wide)"


def confirmation(new_page, width, code: str = "KRS"):
    from tests.factories import make_office

    office = make_office(code)
    inquiry = make_inquiry(office)
    token = receipts.issue(inquiry, inquiry.pin, user=None)
    db.session.commit()
    page = new_page(viewport=(width, 800), is_mobile=width < 768, has_touch=width < 768)
    page.goto(f"/ask/done?r={token}")
    return page, inquiry


@pytest.mark.parametrize("width", WIDTHS)
def test_the_online_confirmation_shows_reference_and_pin_whole(new_page, width):
    page, inquiry = confirmation(new_page, width)
    assert_whole(page, "#ask-reference", inquiry.reference, width)
    assert_whole(page, "#ask-pin", inquiry.pin, width)
    assert_no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [320, 360])
def test_the_longest_reference_still_fits_a_small_phone(new_page, width):
    page, inquiry = confirmation(new_page, width, code=LONGEST_CODE)
    assert_whole(page, "#ask-reference", inquiry.reference, width, min_size=16)
    assert_no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_status_page_shows_the_reference_whole(new_page, width):
    inquiry = make_inquiry()
    page = new_page(viewport=(width, 800), is_mobile=width < 768, has_touch=width < 768)
    page.goto(f"/status?ref={inquiry.reference}")
    expect(page.locator("#reference")).to_have_value(inquiry.reference)
    assert_no_sideways_scroll(page, width)
    page.fill("#pin", inquiry.pin)
    page.locator("#status-submit").click()
    expect(page.locator("#status-label")).to_be_visible()
    assert_whole(page, "#status-reference", inquiry.reference, width)
    assert_no_sideways_scroll(page, width)


# --- the printed receipt -----------------------------------------------------------------

PAPER = {"80 mm": 302, "A6": 397}  # CSS pixels at 96 per inch


@pytest.mark.parametrize("code", ["KRS", LONGEST_CODE])
@pytest.mark.parametrize("paper", PAPER)
def test_the_printed_receipt_never_breaks_inside_the_reference(new_page, log_in, paper, code):
    from tests.factories import make_office

    desk = make_user("desk", office=make_office(code))
    page = new_page(viewport=(PAPER[paper], 1100))
    log_in(page, desk)
    inquiry = make_inquiry(desk.office, actor=desk)
    token = receipts.issue(inquiry, inquiry.pin, user=desk)
    db.session.commit()
    page.goto(f"/desk/receipt/{inquiry.reference}?r={token}")
    expect(page.locator("#receipt-pin")).to_have_text(inquiry.pin)
    page.emulate_media(media="print")
    width = PAPER[paper]
    large = 16 if code == "KRS" else 12  # the usual reference, the longest possible one
    assert_whole(page, "#receipt-reference", inquiry.reference, width, min_size=large)
    assert_whole(page, ".receipt-url .reference-part", inquiry.reference, width, min_size=9)
    url = page.evaluate(WHOLE, ".receipt-url")
    assert url["right"] <= width and not url["clipped"]
    assert_no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", PHONES)
def test_the_feedback_link_names_the_reference_whole(new_page, width):
    from bureau.domain.cases import feedback

    inquiry = make_inquiry()
    inquiry.status = "resolved"
    token = feedback.issue_link(inquiry)
    db.session.commit()
    page = new_page(viewport=(width, 800), is_mobile=True, has_touch=True)
    page.goto(f"/feedback/{token}")
    assert_whole(page, "main .reference", inquiry.reference, width, min_size=16)
    assert_no_sideways_scroll(page, width)

"""Staff pages on the bureau's devices: a 1024×768 tablet at the desk, a 768 px tablet
held upright, a 360 px phone. No page scrolls sideways (a wide table scrolls inside
itself), the account menu with "Изход" opens on screen, and the case list keeps what
matters — reference, status, deadline, expert — in view at 1024 and 768 px."""

import re

import pytest
from playwright.sync_api import expect

from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.models import Role
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user

WIDTHS = [(1024, 768), (768, 1024), (360, 740)]
# A long name and a long category label, as real ones are.
CITIZEN = {"name": "Параскева Константинова-Хаджипопова", "phone": "0888123456"}
SERVICE = ServiceData(
    name="Издаване на удостоверение за идентичност на урегулиран поземлен имот с поземлен имот",
    register_number="2083",
    kind="technical",
    term_days=14,
    fee="30 лв. (експресно 60 лв.)",
    department="Дирекция „Устройство на територията и общинска собственост“",
)


@pytest.fixture
def staff(app):
    office = make_office()
    coordinator = make_coordinator(office, name="Мария Константинова Координаторова")
    expert = make_expert(office, name="Светослава Христова-Попиванова",
                         categories=("pensions_disability",))  # fmt: skip
    for _ in range(25):
        case = make_inquiry(office, category="pensions_disability", citizen=CITIZEN)
    move_to(case, "in_progress", coordinator=coordinator, expert=expert)
    register.save(office, SERVICE, actor=None)
    return {
        Role.COORDINATOR: coordinator,
        Role.EXPERT: expert,
        Role.ADMIN: make_user(Role.ADMIN, name="Администратор Администраторов"),
        Role.DESK: make_user(Role.DESK, office=office, name="Иванка Приемна-Дежурна"),
        Role.COMMISSION: make_user(Role.COMMISSION, office=office, name="Петър Комисионов"),
        "case": case.reference,
    }


def pages_of(page) -> list[str]:
    """Every link of the role's bar and its menus, and its home."""
    hrefs = page.eval_on_selector_all(
        "nav.navbar a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return sorted({"/", *hrefs} - {"/logout"})


def page_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=lambda v: str(v))
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.COORDINATOR, Role.DESK, Role.EXPERT, Role.COMMISSION],
    ids=lambda r: r.value,
)  # fmt: skip
def test_no_staff_page_scrolls_sideways(new_page, log_in, staff, role, width, height):
    page = new_page(viewport=(width, height))
    log_in(page, staff[role])
    wide = []
    extra = (
        [f"/cases/{staff['case']}"] if role in (Role.COORDINATOR, Role.EXPERT, Role.DESK) else []
    )
    if role in (Role.COORDINATOR, Role.ADMIN):
        extra.append("/admin/services/new")
    for path in pages_of(page) + extra:
        page.goto(path)
        if (overflow := page_overflow(page)) > 0:
            wide.append(f"{path}: {overflow} px too wide")
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize(("width", "height"), WIDTHS[:2], ids=lambda v: str(v))
def test_the_account_menu_opens_on_screen(new_page, log_in, staff, width, height):
    page = new_page(viewport=(width, height))
    log_in(page, staff[Role.ADMIN])
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened
    page.locator("nav.navbar").get_by_role("button", name=re.compile("Администратор")).click()
    logout = page.locator(".dropdown-menu form[action$='/logout'] button")
    expect(logout).to_be_visible()
    box = logout.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize(("width", "height"), WIDTHS[:2], ids=lambda v: str(v))
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EXPERT], ids=lambda r: r.value)
def test_the_case_list_keeps_reference_status_deadline_and_expert_in_view(
    new_page, log_in, staff, role, width, height
):
    page = new_page(viewport=(width, height))
    log_in(page, staff[role])
    page.goto("/cases/?expert=" if role == Role.COORDINATOR else "/cases/")
    frame = page.locator(".table-responsive").bounding_box()
    for heading in ("Номер", "Статус", "Срок", "Експерт"):
        cell = page.locator("thead th", has_text=heading).first.bounding_box()
        assert cell is not None and cell["width"] > 0, heading
        assert cell["x"] + cell["width"] <= frame["x"] + frame["width"] + 1, f"{heading} cut off"
    row = page.locator("tbody tr", has_text=staff["case"])
    expect(row.locator("td").nth(3)).to_have_text("Светослава Христова-Попиванова")


RENDERED_LABELS = """() => [...document.querySelectorAll('svg.stat-chart')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('.stat-label')].map(
      label => parseFloat(getComputedStyle(label).fontSize) * scale);
  })"""


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=lambda v: str(v))
def test_chart_labels_are_legible_or_the_table_stands_in(new_page, log_in, staff, width, height):
    page = new_page(viewport=(width, height))
    log_in(page, staff[Role.COMMISSION])
    page.goto("/commission/")
    sizes = page.evaluate(RENDERED_LABELS)
    if width < 576:
        assert sizes == []  # no chart squeezed onto a phone...
        expect(page.locator("#table-category_month")).to_be_visible()  # ...its table instead
    else:
        assert sizes and min(sizes) >= 12, sizes


def test_a_printed_case_shows_the_case_not_the_buttons_and_forms(new_page, log_in, staff):
    page = new_page(viewport=(1024, 768))
    log_in(page, staff[Role.COORDINATOR])
    page.goto(f"/cases/{staff['case']}")
    expect(page.locator("#enter-paper-feedback")).to_be_visible()
    expect(page.locator("#evidence summary")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("h1")).to_contain_text(staff["case"])
    expect(page.get_by_text("Параскева Константинова-Хаджипопова").first).to_be_visible()
    for control in ("#enter-paper-feedback", "#evidence", "#assign-panel"):
        expect(page.locator(control)).to_be_hidden()


def test_on_a_phone_each_case_of_the_list_shows_its_facts_without_scrolling_across(
    new_page, log_in, staff
):
    page = new_page(viewport=(360, 740), is_mobile=True, has_touch=True)
    log_in(page, staff[Role.COORDINATOR])
    page.goto("/cases/?expert=")
    row = page.locator("tbody tr", has_text=staff["case"])
    facts = {"Срок": "", "Експерт": "Светослава Христова-Попиванова",
             "Гражданин": "Параскева Константинова-Хаджипопова"}  # fmt: skip
    cells = [row.locator("td").first] + [row.locator(f'td[data-label="{f}"]') for f in facts]
    for cell, text in zip(cells, [staff["case"], *facts.values()], strict=True):
        expect(cell).to_be_visible()
        expect(cell).to_contain_text(text)
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (text, box)
    # Each fact under its own line: the deadline, expert and citizen one above the other.
    tops = [cell.bounding_box()["y"] for cell in cells[1:]]
    assert tops == sorted(tops) and len(set(tops)) == 3, tops
    expect(page.locator("thead a.sort-link", has_text="Срок")).to_be_visible()


def test_the_coordinators_bar_keeps_each_link_on_one_line_on_a_1024_px_tablet(
    new_page, log_in, staff
):
    page = new_page(viewport=(1024, 768))
    log_in(page, staff[Role.COORDINATOR])
    page.goto("/cases/")
    heights = page.eval_on_selector_all(
        "nav.navbar .navbar-nav > .nav-item > .nav-link",
        "links => links.map(a => a.getBoundingClientRect().height)",
    )
    assert len(heights) >= 5 and max(heights) < 1.5 * min(heights)  # "Ново запитване" too
    assert page_overflow(page) <= 0
    # The municipality's name beside the mark is left to screen readers at this width.
    brand = page.locator("a.navbar-brand")
    assert brand.locator(".brand-name-staff").text_content().strip()
    assert brand.bounding_box()["width"] < 100

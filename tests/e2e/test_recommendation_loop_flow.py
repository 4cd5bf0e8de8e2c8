"""From cases to change in a browser, on demo data: an expert flags a case as evidence, the
coordinator approves the vignette on a tablet, the commission freezes a statistics table,
drafts a recommendation citing both, records its submission and acceptance a year ago,
adds two actions, reads the impact before and after, and prints the yearly report."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from bureau.demo import data
from bureau.domain import offices
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import cube
from bureau.extensions import db
from bureau.models import EvidenceItem, Recommendation, Role
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_user

VIGNETTE = (
    "Жителка на село над 65 години чака повече от два месеца удостоверение за данъчна "
    "оценка, нужно за наследство; законовият срок е седем дни."
)


@pytest.fixture
def kresna(app):
    office = offices.create_office(**offices.KRESNA)
    db.session.commit()
    people = make_coordinator(office), make_expert(office)
    data.load(office, 3000, seed=7)  # three years of synthetic inquiries, worked by the expert
    cube.rebuild_all([office.id])
    db.session.commit()
    return office, people


def test_a_case_becomes_evidence_then_a_recommendation_with_a_plan_and_its_impact(
    app, kresna, new_page, log_in, tmp_path
):
    kresna, (coordinator, expert) = kresna
    case = make_inquiry(kresna, citizen={"name": "Стоянка Вълчанова"}, consent=True)
    move_to(case, "in_progress", coordinator=coordinator, expert=expert)
    member = make_user(Role.COMMISSION, office=kresna)

    # The expert, at the office's desktop: the case's evidence form, by keyboard.
    page = new_page(viewport=(1024, 768))
    log_in(page, expert)
    page.goto(f"/cases/{case.reference}")
    page.get_by_text("Отбележи случая като доказателство за комисията").click()
    page.get_by_label("Вид на проблема").select_option("term_exceeded")
    page.get_by_label("Описание без лични данни").fill(VIGNETTE)
    page.get_by_role("button", name="Изпрати за одобрение").click()
    expect(page.locator(".alert-success")).to_contain_text("отбелязан като доказателство")
    expect(page.locator(".evidence-item")).to_have_attribute("data-state", "pending")

    # The coordinator, on a 768 px tablet: the vignette as the commission will read it.
    tablet = new_page(viewport=(768, 1024))
    log_in(tablet, coordinator)
    tablet.goto("/evidence/")
    tablet.locator("#evidence-list a").first.click()
    expect(tablet.locator("#vignette-shown")).to_contain_text("законовият срок")
    ids = tablet.eval_on_selector_all("[id]:not([type=hidden])", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    tablet.get_by_role("button", name="Одобри за комисията").click()
    expect(tablet.locator(".alert-success")).to_contain_text("одобрено")

    # The commission: a table frozen from the dashboard, then a draft citing both.
    desk = new_page(viewport=(1024, 768))
    log_in(desk, member)
    last_year = sofia_today().year - 1
    desk.goto(f"/commission/?period=year&year={last_year}")
    desk.locator("#h-category_month").locator("xpath=..").get_by_role(
        "button", name="Запази за препоръка"
    ).click()
    expect(desk.locator(".frozen-view")).to_have_count(1)
    desk.goto("/commission/recommendations/new")
    desk.get_by_label("Заглавие").fill("Удостоверенията за данъчна оценка — в срок")
    desk.get_by_label("До", exact=True).fill("Кмет на общината")
    desk.get_by_label("Текст на препоръката").fill(
        "Гишето за местни данъци да издава удостоверенията в законовия срок."
    )
    desk.get_by_label("Категории, за които се отнася").select_option("local_taxes")
    desk.get_by_label("Данни от месец").fill(f"{last_year}-01")
    desk.get_by_label("до месец").fill(f"{last_year}-12")
    desk.locator("#evidence input[type=checkbox]").first.check()
    desk.locator("#views input[type=checkbox]").first.check()
    desk.get_by_role("button", name="Запази като чернова").click()
    expect(desk.locator("#cited-evidence")).to_contain_text("законовият срок")
    expect(desk.locator("#cited-views .frozen-view")).to_have_count(1)

    # Submitted fourteen months ago, accepted twelve months ago (dates typed by hand).
    today = sofia_today()
    for status, when in (
        ("submitted", today - relativedelta(months=14)),
        ("accepted", today - relativedelta(months=12)),
    ):
        desk.locator("#status").select_option(status)
        desk.locator("#on").fill(when.isoformat())
        desk.locator("#text").fill("Приета със заповед на кмета." if status == "accepted" else "")
        desk.get_by_role("button", name="Запази", exact=True).click()
        expect(desk.locator(".alert-success")).to_be_visible()

    # Two actions of the plan: one due, one already late.
    for what, due in (
        ("Обновен списък на документите на сайта", today + relativedelta(months=1)),
        ("Второ гише в приемните дни", today - relativedelta(days=5)),
    ):
        desk.get_by_label("Действие", exact=True).fill(what)
        desk.get_by_label("Отговаря").fill("Дирекция „Местни данъци и такси“")
        desk.get_by_label("Срок").fill(due.isoformat())
        desk.get_by_role("button", name="Добави действие").click()
        expect(desk.locator(".alert-success")).to_contain_text("Действието е добавено")
    expect(desk.locator("#actions .action")).to_have_count(2)

    # Impact: six whole months before and after, with figures and a reading in words.
    impact = desk.locator("#impact")
    expect(impact).to_contain_text("Въздействие: преди и след")
    row = impact.locator("tr[data-indicator=inquiries]")
    cells = row.locator("td")
    before, after = cells.nth(0).inner_text(), cells.nth(1).inner_text()
    assert re.fullmatch(r"\d[\d\s]*", before) and re.fullmatch(r"\d[\d\s]*", after), (before, after)
    expect(cells.nth(2)).to_contain_text("запитвания за „")
    median = impact.locator("tr[data-indicator=median_days] td")
    assert re.fullmatch(r"\d+(,\d)?", median.nth(0).inner_text()), median.nth(0).inner_text()
    expect(impact.locator(".impact-caution").last).to_contain_text("не причината")
    # No two fields of the page share an id (each action's forms are named apart).
    ids = desk.eval_on_selector_all("[id]:not([type=hidden])", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})

    # The late action on the commission's home.
    desk.goto("/commission/")
    expect(desk.locator("#follow-up .overdue-action")).to_contain_text("Второ гише")

    # The yearly report of the year it was accepted, printed on A4.
    accepted_year = (today - relativedelta(months=12)).year
    desk.goto(f"/commission/recommendations/report?year={accepted_year}")
    expect(desk.locator("body")).to_contain_text("Удостоверенията за данъчна оценка")
    pdf = desk.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    (tmp_path / "yearly.pdf").write_bytes(pdf)
    desk.screenshot(path=str(tmp_path / "yearly.png"), full_page=True)

    db.session.rollback()
    made = db.session.query(Recommendation).one()
    assert [a.what for a in made.actions] == [
        "Второ гише в приемните дни",
        "Обновен списък на документите на сайта",
    ]
    assert made.evidence == [db.session.query(EvidenceItem).one()]
    # Nothing of the case reached the commission's pages.
    assert "Вълчанова" not in desk.content() and case.reference not in desk.content()

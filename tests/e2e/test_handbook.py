"""The handbook «От А до Я» in a browser: the demo bureau's handbook, an answer and the
booklet fit a 360 px phone with no serious accessibility violation, and the booklet
prints to PDF on A5 (one page for the cover, the contents, then an answer a page).
Screenshots and the PDFs are left in test-artifacts/handbook (or $BUREAU_SHOTS) for a
person to look at."""

import os
import re
from pathlib import Path

import pytest

from bureau.domain import offices
from bureau.domain.answers import handbook
from bureau.extensions import db
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import assert_accessible

SHOTS = Path(os.environ.get("BUREAU_SHOTS") or ARTIFACTS / "handbook")


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    office = offices.get_office("KRS")
    return office, handbook.entries(office)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_handbook_fits_a_phone_and_axe_finds_no_serious_violation(new_page, demo):
    office, entries = demo
    longest = max(entries, key=lambda e: len(e.content.body) + len(e.content.documents))
    local = next(e for e in entries if e.local)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = new_page(viewport=(360, 740), is_mobile=True, has_touch=True, bypass_csp=True)
    for name, path in [
        ("handbook", "/handbook/KRS"),
        ("search", "/handbook/KRS?q=pensia"),
        ("answer", f"/handbook/KRS/{longest.id}"),
        ("local", f"/handbook/KRS/{local.id}"),
        ("booklet", "/handbook/KRS/booklet"),
    ]:
        phone.goto(path)
        assert overflow(phone) <= 0, path
        assert_accessible(phone, path)
        phone.screenshot(path=SHOTS / f"phone-{name}.png", full_page=name != "booklet")
    phone.goto("/handbook/KRS?q=pensia")
    assert phone.get_by_role("link", name=re.compile("пенсия за осигурителен стаж")).count() == 1


def test_the_booklet_prints_on_a5_with_a_page_for_each_answer(new_page, demo):
    office, entries = demo
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=(560, 800))
    page.goto("/handbook/KRS/booklet?size=a5")
    contents = page.locator(".contents-list li")
    assert contents.count() == len(entries)
    page.emulate_media(media="print")
    page.screenshot(path=SHOTS / "booklet-print.png", full_page=False)
    page.locator(".booklet-section").nth(1).screenshot(path=SHOTS / "booklet-answer.png")
    pdf = page.pdf(format="A5", path=SHOTS / "booklet-a5.pdf", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= len(entries) + 2  # the cover, the contents, an answer a page
    page.goto("/handbook/KRS/booklet?size=a4")
    page.pdf(format="A4", path=SHOTS / "booklet-a4.pdf")

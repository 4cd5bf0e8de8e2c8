"""Logging in with the keyboard, the role's navigation, the language switch, logging out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

ADMIN_LINKS = ["Потребители", "Офиси"]


def navbar_link(page, label):
    return page.locator("nav.navbar").get_by_role("link", name=label, exact=True)


def keyboard_login(page, user):
    """From the login page: e-mail, Tab, password, Enter — no mouse."""
    email_field = page.locator("input[name=email]")
    expect(email_field).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("role", ["admin", "coordinator", "desk", "expert", "commission"])
def test_staff_member_logs_in_by_keyboard_and_sees_the_navigation_of_their_role(page, role):
    user = make_user(role)

    page.goto("/")  # the public home: the staff login is one click away
    page.locator("#go-login").click()
    expect(page).to_have_url(re.compile(r"/login(\?.*)?$"))
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", name="Вход за служители")).to_be_visible()

    keyboard_login(page, user)

    # Home, loaded: its scripts (the menus') have run before a menu is opened.
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"), wait_until="load")
    expect(page.get_by_role("heading", name=f"Добре дошли, {user.name}")).to_be_visible()
    if role == "admin":  # the administration pages share one menu of the bar
        page.locator("nav.navbar").get_by_role("button", name="Администрация").click()
    for label in ADMIN_LINKS:
        if role == "admin":
            expect(navbar_link(page, label)).to_be_visible()
        else:
            expect(navbar_link(page, label)).to_have_count(0)


def test_language_switch_to_english_and_logout_through_the_user_menu(page, log_in):
    user = make_user("coordinator")
    log_in(page, user)

    # Logged in, the language is chosen in the account menu (the bar fits a tablet).
    page.locator("nav.navbar").get_by_role("button", name=re.compile(user.name)).click()
    page.locator("nav.navbar").get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))

    page.locator("nav.navbar").get_by_role("button", name=re.compile(user.name)).click()
    logout = page.locator(".dropdown-menu form[action$='/logout'] button")
    expect(logout).to_be_visible()
    logout.click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("input[name=email]")).to_be_visible()
    expect(page.locator("nav.navbar .dropdown-toggle")).to_have_count(0)

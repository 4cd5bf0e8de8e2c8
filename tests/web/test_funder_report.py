"""The funder report over HTTP: page, CSV and XLSX downloads, permissions, audit."""

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from bureau.extensions import db
from bureau.models import AuditEntry, Role
from bureau.web.common import labels as stats_labels
from tests.factories import make_inquiry, make_office, without_adjustment

SECRET = "Христофорина Уникалова"


def log_people(n: int, **citizen) -> None:
    office = make_office()
    for _ in range(n):
        make_inquiry(office, citizen={"name": SECRET, **citizen}, description=SECRET)
    without_adjustment()


def test_page_shows_the_three_tables_suppressed_and_no_person(client, login_as):
    log_people(6, gender="female", age_band="35-44")
    log_people(2, gender="male", age_band="18-24", flags=["unemployed"])
    login_as(Role.COMMISSION)
    page = client.get("/commission/funder")
    assert page.status_code == 200
    for key in ("funder_sex", "funder_age", "funder_disadvantaged"):
        assert f'id="table-{key}"' in page.text
    assert "&lt;5" in page.text
    assert "едно участие" in page.text  # each inquiry is one participation
    assert SECRET not in page.text
    assert "<script>" not in page.text.replace("<script src", "")
    assert "/commission/funder" in client.get("/commission/").text


def test_csv_and_xlsx_carry_the_same_suppressed_cells(client, login_as):
    log_people(6, gender="female", age_band="35-44")
    log_people(2, gender="male", age_band="65+")
    login_as(Role.COMMISSION)
    response = client.get("/commission/funder.csv")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="otchet-za-finansirashtia-organ-KRS-')
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    male = next(r for r in rows if r["Код на таблицата"] == "funder_sex"
                and r["Код на реда"] == "male")  # fmt: skip
    assert (male["Брой"], male["Скрито"], male["Показано като"]) == ("", "да", "<5")
    old = next(r for r in rows if r["Код на таблицата"] == "funder_age"
               and r["Код на реда"] == "55_plus")  # fmt: skip
    assert old["Скрито"] == "да"
    assert SECRET not in text
    book = load_workbook(io.BytesIO(client.get("/commission/funder.xlsx").data))
    assert book.sheetnames == ["За файла", "Участия по пол", "Участия по възраст",
                               "В неравностойно положение"]  # fmt: skip
    sheet = [row[1].value for row in book["Участия по пол"].iter_rows(min_row=3)]
    assert sheet[1] == "<5"
    assert any(row[0].value == "Бележка" for row in book["За файла"].iter_rows())
    actions = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stats.export"))
    assert [a.details.get("table") for a in actions] == ["funder", "funder"]
    assert client.get("/commission/funder.json").status_code == 404


def test_csv_escaping_is_inherited(client, login_as, monkeypatch):
    monkeypatch.setitem(stats_labels.FIXED["funder_sex"], "female", '=HYPERLINK("x","y")')
    log_people(5, gender="female")
    login_as(Role.COMMISSION)
    text = client.get("/commission/funder.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert not re.search(r'(^|[;,])"?=HYPERLINK', text, re.M)


def test_commission_may_desk_may_not(client, login_as):
    login_as(Role.DESK)
    assert client.get("/commission/funder").status_code == 403
    assert client.get("/commission/funder.csv").status_code == 403


def test_coordinator_may_download(client, login_as):
    login_as(Role.COORDINATOR)
    assert client.get("/commission/funder.xlsx").status_code == 200

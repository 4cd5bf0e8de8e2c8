"""What the commission takes away: a CSV that Bulgarian Excel opens as it is (UTF-8 with a
byte-order mark, semicolons, Bulgarian headings), file names that say what they hold, and
workbook sheets named in words."""

import csv
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from bureau.domain.clock import sofia_today
from bureau.models import Role
from tests.factories import make_inquiry, make_office, without_adjustment

BOM = b"\xef\xbb\xbf"
HEADINGS = [
    "Бюро", "Период от", "Период до", "Таблица", "Ред", "Колона", "Брой", "Скрито",
    "Показано като", "Праг", "Код на таблицата", "Код на реда", "Код на колоната",
]  # fmt: skip
FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")


def log(n: int, **fields) -> None:
    office = make_office()
    for _ in range(n):
        make_inquiry(office, **fields)
    without_adjustment()


def rows_of(data: bytes) -> list[dict]:
    """The CSV as Excel reads it: UTF-8 after the byte-order mark, semicolons."""
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM) :].decode("utf-8")), delimiter=";"))


def file_names(response) -> tuple[str, str]:
    """(filename, filename*) of the Content-Disposition header, the second decoded."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment;")
    plain = re.search(r'filename="([^"]+)"', header)[1]
    encoded = re.search(r"filename\*=UTF-8''(\S+)", header)[1]
    return plain, unquote(encoded)


def test_csv_has_a_byte_order_mark_and_bulgarian_headings(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    data = client.get("/commission/export.csv?table=channel").data
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    assert text.splitlines()[0] == ";".join(HEADINGS)
    walk_in = next(r for r in rows_of(data) if r["Код на реда"] == "walk_in")
    assert walk_in["Ред"] == "На място"
    assert walk_in["Таблица"] == "Запитвания по канал"
    assert (walk_in["Брой"], walk_in["Скрито"], walk_in["Показано като"]) == ("6", "не", "6")
    assert walk_in["Код на таблицата"] == "channel"
    phone = next(r for r in rows_of(data) if r["Код на реда"] == "phone")
    assert phone["Скрито"] == "не" and phone["Брой"] == "0"


def test_csv_file_name_says_table_office_and_period(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    response = client.get(
        f"/commission/export.csv?period=quarter&year={sofia_today().year}&quarter=3&table=category_month"
    )
    plain, bulgarian = file_names(response)
    assert plain == f"statistika-KRS-{sofia_today().year}-Q3-po-kategorii-i-mesetsi.csv"
    assert bulgarian == f"статистика-KRS-{sofia_today().year}-Q3-по-категории-и-месеци.csv"
    assert plain.isascii()
    whole_year = client.get(f"/commission/export.xlsx?period=year&year={sofia_today().year}")
    assert file_names(whole_year)[0] == f"statistika-KRS-{sofia_today().year}.xlsx"
    month = client.get(f"/commission/export.json?period=month&year={sofia_today().year}&month=3")
    assert month.status_code == 200
    funder = client.get(f"/commission/funder.csv?period=year&year={sofia_today().year}")
    assert file_names(funder)[0] == f"otchet-za-finansirashtia-organ-KRS-{sofia_today().year}.csv"


@pytest.mark.parametrize("url", ["/commission/export.xlsx", "/commission/funder.xlsx"])
def test_workbook_sheets_are_named_in_words(client, login_as, url):
    log(6)
    login_as(Role.COMMISSION)
    book = load_workbook(io.BytesIO(client.get(url).data))
    names = book.sheetnames
    assert names[0] == "За файла"
    for name in names:
        assert len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(name), name
        assert "_" not in name, name  # a word, not a code such as category_month
    assert len(set(names)) == len(names)
    about = [[c.value for c in row] for row in book["За файла"].iter_rows()]
    assert about[0][:2] == ["Бюро", "KRS"]
    assert about[1][0] == "Период" and about[1][1].startswith("01.01.")


def test_workbook_sheet_of_each_table_as_on_screen(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    book = load_workbook(io.BytesIO(client.get("/commission/export.xlsx").data))
    assert "По категории и месеци" in book.sheetnames
    channel = book["По канал"]
    assert channel["A1"].value == "Запитвания по канал"
    assert [row[0].value for row in channel.iter_rows(min_row=3)][0] == "На място"

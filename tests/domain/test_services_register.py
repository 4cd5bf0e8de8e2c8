"""The register of services: one service's rules, and loading the register from a CSV or
XLSX file — re-imports update, bad rows are named, a bad file writes nothing."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bureau.domain import DomainError
from bureau.domain.services import importing, register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import AuditEntry, Service
from tests.factories import make_office

HEADER = "code,register_number,name,name_en,kind,department,term_days,fee,legal_basis\n"
GOOD = HEADER + (
    "heirs,2016,Издаване на удостоверение за наследници,Certificate of heirs,administrative,"
    'ГРАО,0,5 лв.,"Закон за гражданската регистрация, чл. 24"\n'
    ",,Издаване на скица на поземлен имот,Sketch of a plot,technical,"
    "Устройство на територията,7,20 лв. (експресно 40 лв.),ЗУТ\n"
)
BULGARIAN_HEADINGS = (
    "Наименование;Вид;Звено;Срок (работни дни);Такса;Номер в регистъра\r\n"
    "Удостоверение за данъчна оценка;административна;Местни данъци и такси;5;10 лв.;2113\r\n"
    "Разрешение за строеж;техническа;Устройство на територията;14;по Наредбата;\r\n"
)


def services(office) -> dict[str, Service]:
    query = select(Service).where(Service.office_id == office.id)
    return {s.name: s for s in db.session.scalars(query)}


def load(office, content: bytes, filename: str = "register.csv", **options):
    report = importing.import_services(office, filename, content, actor=None, **options)
    db.session.commit()
    return report


def test_a_good_file_fills_the_register_with_every_column(app):
    office = make_office()
    report = load(office, GOOD.encode())
    assert (report.count("created"), report.refused, report.written) == (2, [], True)
    heirs = services(office)["Издаване на удостоверение за наследници"]
    assert (heirs.code, heirs.register_number, heirs.kind, heirs.term_days, heirs.fee) == (
        "heirs",
        "2016",
        "administrative",
        0,
        "5 лв.",
    )
    assert heirs.legal_basis == "Закон за гражданската регистрация, чл. 24"
    sketch = services(office)["Издаване на скица на поземлен имот"]
    # No code in the file: one from the name, in Latin letters.
    assert (sketch.code, sketch.register_number, sketch.kind) == (
        "izdavane-na-skitsa-na-pozemlen-imot",
        None,
        "technical",
    )


def test_bulgarian_excel_files_are_read_in_windows_1251_and_utf8_with_a_bom(app):
    for number, encoding in enumerate(("cp1251", "utf-8-sig")):
        office = make_office(("TA", "TB")[number])
        report = load(office, BULGARIAN_HEADINGS.encode(encoding))
        assert report.count("created") == 2, report.refused
        tax = services(office)["Удостоверение за данъчна оценка"]
        assert (tax.kind, tax.department, tax.term_days, tax.register_number) == (
            "administrative",
            "Местни данъци и такси",
            5,
            "2113",
        )
        assert services(office)["Разрешение за строеж"].kind == "technical"


def test_an_xlsx_file_is_read_from_its_first_sheet(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "kind", "term_days", "register_number"])
    sheet.append(["Удостоверение за семейно положение", "administrative", 0, 2044])
    sheet.append(["Заверка на план за регулация", "technical", 14.0, None])
    content = io.BytesIO()
    book.save(content)
    office = make_office()
    report = load(office, content.getvalue(), "услуги.xlsx")
    assert report.count("created") == 2, report.refused
    found = services(office)
    assert found["Удостоверение за семейно положение"].register_number == "2044"
    assert found["Заверка на план за регулация"].term_days == 14


def test_a_reimport_updates_by_register_number_or_name_and_never_duplicates(app):
    office = make_office()
    load(office, GOOD.encode())
    changed = GOOD.replace("ГРАО,0,5 лв.", "ГРАО,1,6 лв.").replace(
        "Издаване на удостоверение за наследници", "Удостоверение за наследници"
    )  # renamed, found by its register number
    changed = changed.replace(",7,20 лв.", ",3,20 лв.")  # found by its name
    report = load(office, changed.encode())
    assert (report.count("created"), report.count("updated")) == (0, 2)
    found = services(office)
    assert len(found) == 2
    assert (
        found["Удостоверение за наследници"].term_days,
        found["Удостоверение за наследници"].fee,
    ) == (1, "6 лв.")
    assert found["Издаване на скица на поземлен имот"].term_days == 3
    assert load(office, changed.encode()).count("unchanged") == 2


def test_one_bad_row_writes_nothing_and_each_refusal_names_its_row(app):
    office = make_office()
    bad = GOOD + (
        ",,Услуга с грешен вид,,municipal,,,,\n"
        ",,Услуга с грешен срок,,administrative,,две седмици,,\n"
        ",,,,administrative,ГРАО,,,\n"
        ",2016,Друга услуга със същия номер,,administrative,,,,\n"
    )
    report = load(office, bad.encode())
    assert services(office) == {}
    assert report.written is False
    assert [(row.line, row.outcome) for row in report.rows] == [
        (2, "created"),
        (3, "created"),
        (4, "refused"),
        (5, "refused"),
        (6, "refused"),
        (7, "refused"),
    ]
    reasons = [row.reason for row in report.refused]
    assert "административна" in reasons[0]
    assert "работни дни" in reasons[1]
    assert "наименованието" in reasons[2]
    assert "ред 2" in reasons[3]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "празен"),
        (b"kind,fee\nadministrative,5\n", "name"),
        (b"name\nA\x00B\n", "CSV или XLSX"),
        (b"PK\x03\x04 not really a workbook", "XLSX"),
        (b"name\n" + b"x" * (importing.MAX_BYTES + 1), "5 MB"),
    ],
)
def test_a_file_that_cannot_be_read_writes_nothing_and_says_why(app, content, message):
    office = make_office()
    with pytest.raises(importing.BadFile) as refused:
        load(office, content)
    assert message in str(refused.value.message)
    assert services(office) == {}


def test_a_dry_run_reports_and_writes_nothing(app):
    office = make_office()
    report = load(office, GOOD.encode(), dry_run=True)
    assert (report.count("created"), report.written, services(office)) == (2, False, {})


def test_an_import_is_audited_once_and_each_service_it_changes(app):
    office = make_office()
    load(office, GOOD.encode())
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["services.changed", "services.changed", "services.imported"]


def test_names_codes_and_register_numbers_are_unique_within_an_office_only(app):
    kresna, other = make_office("KRS"), make_office("STR")
    data = ServiceData(name="Удостоверение за наследници", register_number="2016", code="heirs")
    register.save(kresna, data, actor=None)
    register.save(other, data, actor=None)
    for clash in (
        ServiceData(name="удостоверение за НАСЛЕДНИЦИ"),
        ServiceData(name="Друга", register_number="№ 2016"),
        ServiceData(name="Трета", code="heirs"),
    ):
        with pytest.raises(DomainError):
            register.save(kresna, clash, actor=None)


@pytest.mark.parametrize(
    "data, field",
    [
        (ServiceData(name="  "), "name"),
        (ServiceData(name="x" * 301), "name"),
        (ServiceData(name="Услуга", register_number="20-79"), "register_number"),
        (ServiceData(name="Услуга", code="Скица"), "code"),
        (ServiceData(name="Услуга", kind="municipal"), "kind"),
        (ServiceData(name="Услуга", term_days=366), "term_days"),
        (ServiceData(name="Услуга", term_days=-1), "term_days"),
    ],
)
def test_what_a_service_must_say(app, data, field):
    with pytest.raises(DomainError) as refused:
        register.save(make_office(), data, actor=None)
    assert refused.value.field == field


def test_search_finds_a_service_typed_in_latin_or_by_its_number(app):
    office = make_office()
    load(office, GOOD.encode())

    def names(q):
        return [s.name for s in db.session.scalars(register.search([office.id], q))]

    assert names("skitsa") == ["Издаване на скица на поземлен имот"]
    assert names("СКИЦА") == ["Издаване на скица на поземлен имот"]
    assert names("2016") == ["Издаване на удостоверение за наследници"]
    assert names("грао") == ["Издаване на удостоверение за наследници"]
    assert names("нищо такова") == []


def test_two_rows_that_find_the_same_service_are_refused(app):
    office = make_office()
    load(office, GOOD.encode())
    # One row finds the heirs' certificate by its number, the other by its name.
    rows = HEADER + (
        ",2016,Удостоверение за наследници (ново име),,administrative,,,,\n"
        ",,Издаване на удостоверение за наследници,,administrative,,,,\n"
    )
    report = load(office, rows.encode())
    assert [row.outcome for row in report.rows] == ["updated", "refused"]
    assert "ред 2" in report.refused[0].reason
    assert "Издаване на удостоверение за наследници" in services(office)


def test_a_category_column_names_the_taxonomys_category_by_code_or_name(app):
    office = make_office()
    content = (
        "Наименование;Категория\r\n"
        "Скица на имот;Собственост, земя, наследство\r\n"
        "Удостоверение за наследници;civil_registration\r\n"
        "Данъчна оценка;\r\n"
    )
    report = load(office, content.encode("cp1251"))
    assert report.written and not report.refused
    found = services(office)
    assert (found["Скица на имот"].category, found["Удостоверение за наследници"].category) == (
        "property_land",
        "civil_registration",
    )
    assert found["Данъчна оценка"].category == ""
    bad = load(office, "Наименование;Категория\r\nНещо;Няма такава\r\n".encode())
    assert not bad.written
    assert "Няма такава категория" in bad.refused[0].reason


def test_report_is_no_services_code(app):
    """/services/<office>/report is the report card: no service may take that address."""
    office = make_office()
    with pytest.raises(DomainError) as refused:
        register.save(office, ServiceData(name="Отчет", code="report"), actor=None)
    assert refused.value.field == "code"
    assert register.new_code("Report", set()) != "report"

"""The register of services from a spreadsheet: CSV (UTF-8, with or without a byte-order
mark, or Windows-1251; commas, semicolons or tabs) or XLSX (its first sheet).

The first row names the columns, in English codes or the Bulgarian headings of the
README; only `name` is required. A re-import updates a service found by its register
number or its name, never adds it twice. Every row is checked before anything is
written: one refused row and nothing is written, and the report says which row and why.
"""

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from bureau.domain import DomainError, audit, taxonomy
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.domain.text import one_line
from bureau.models import Office, User

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

# Each column's code and the headings people give it (compared in lower case).
COLUMNS = {
    "code": ("code", "код"),
    "register_number": ("register_number", "номер в регистъра", "№ в регистъра", "номер"),
    "name": ("name", "наименование", "услуга"),
    "name_en": ("name_en", "наименование на английски", "наименование (en)", "name (en)"),
    "kind": ("kind", "вид"),
    "department": ("department", "звено", "отдел", "дирекция"),
    "term_days": ("term_days", "срок", "срок (работни дни)", "срок в работни дни"),
    "fee": ("fee", "такса"),
    "legal_basis": ("legal_basis", "правно основание"),
    "category": ("category", "категория"),
    "active": ("active", "активна"),
}
HEADINGS = {heading: key for key, headings in COLUMNS.items() for heading in headings}
KINDS = {
    "administrative": "administrative",
    "административна": "administrative",
    "technical": "technical",
    "техническа": "technical",
}
SAME_DAY = {"в деня", "същия ден", "в деня на заявяването", "same day"}
LIMITS_TEXT = ("name", "code", "register_number", "name_en", "department", "fee", "legal_basis")
YES = {"", "1", "да", "yes", "true", "активна"}
NO = {"0", "не", "no", "false", "неактивна"}


class BadFile(DomainError):
    """The file as a whole cannot be read: nothing in it was looked at row by row."""


@dataclass
class RowResult:
    line: int  # the row's number as the spreadsheet shows it (the headings are row 1)
    name: str
    outcome: str  # created | updated | unchanged | refused
    reason: str = ""


@dataclass
class Report:
    rows: list[RowResult] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == "refused"]


def import_services(
    office: Office, filename: str, content: bytes, *, actor: User | None, dry_run: bool = False
) -> Report:
    """Check every row of the file, then write them all — or none if a row is refused or
    `dry_run` asks only for the report. A BadFile when the file cannot be read at all."""
    records, ignored = read(filename, content)
    report = Report(ignored_columns=ignored)
    planned: list[tuple[ServiceData, object]] = []
    seen: dict[str, int] = {}
    # The register is read once: every row is matched against it in memory.
    services = register.of_office(office.id)
    by_number = {s.register_number: s for s in services if s.register_number}
    by_name = {s.name.casefold(): s for s in services}
    taken_codes = {s.code for s in services}
    categories = _categories()
    for line, record in records:
        try:
            data = register.checked(_data(record, categories), categories=set(categories.values()))
            # The service a row means: by its register number, else by its name.
            existing = by_number.get(data.register_number) or by_name.get(data.name.casefold())
            # A row repeats an earlier one if it names the same service, or finds the
            # same one in the register (one by its number, the other by its name).
            keys = [data.register_number, data.name.casefold(), data.code]
            keys.append(f"#{existing.id}" if existing is not None else "")
            for key in keys:
                if key and key in seen:
                    raise DomainError(_l("Повтаря ред %(n)d на файла.", n=seen[key]))
            for key in keys:
                if key:
                    seen[key] = line
            if existing is None and data.code and data.code in taken_codes:
                raise DomainError(_l("Друга услуга вече има този код."), "code")
        except DomainError as error:
            name = str(record.get("name", ""))[:80]
            report.rows.append(RowResult(line, name, "refused", str(error.message)))
            continue
        if existing is None:
            outcome = "created"
        else:
            outcome = "unchanged" if _same(existing, data) else "updated"
        report.rows.append(RowResult(line, data.name, outcome))
        planned.append((data, existing))
    if dry_run or report.refused or not planned:
        return report
    for data, existing in planned:
        if existing is None or not _same(existing, data):
            register.save(
                office,
                data,
                actor=actor,
                service=existing,
                known=services,
                categories=set(categories.values()),
            )
    details = {"rows": len(planned)}
    audit.record("services.imported", actor=actor, office_id=office.id, details=details)
    report.written = True
    return report


def _same(service, data: ServiceData) -> bool:
    keep = {"code": data.code or service.code, "register_number": data.register_number or None}
    wanted = {**vars(data), **keep}
    return all(getattr(service, key) == value for key, value in wanted.items())


def _categories() -> dict[str, str]:
    """A category's code by its code or its name in either language (in lower case)."""
    found = {}
    for category in taxonomy.categories(active_only=False, subcategories=False):
        for name in (category.code, category.label_bg, category.label_en):
            found[name.casefold()] = category.code
    return found


def _data(record: dict[str, str], categories: dict[str, str]) -> ServiceData:
    values = {key: (record.get(key) or "").strip() for key in COLUMNS}
    category = values["category"].casefold()
    if category and category not in categories:
        raise DomainError(_l("Няма такава категория: %(value)s", value=category[:40]), "category")
    kind = values["kind"].casefold() or "administrative"
    if kind not in KINDS:
        raise DomainError(_l("Вид е „административна“ или „техническа“."), "kind")
    active = values["active"].casefold()
    if active not in YES | NO:
        raise DomainError(_l("Активна е „да“ или „не“."), "active")
    text = {key: values[key] for key in LIMITS_TEXT}
    return ServiceData(
        **text,
        kind=KINDS[kind],
        term_days=_term(values["term_days"]),
        category=categories.get(category, ""),
        active=active in YES,
    )


def _term(value: str) -> int | None:
    if not value:
        return None
    if value.casefold() in SAME_DAY:
        return 0
    number = value.split()[0].removesuffix(".0")  # "14 работни дни"; 14.0 from a sheet
    if not number.isdigit():
        raise DomainError(_l("Срокът е брой работни дни (0 — в деня)."), "term_days")
    return int(number)


def read(filename: str, content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The file's rows as {column code: text} with their row numbers, and the headings
    that name no column (ignored). A BadFile says why the file cannot be read."""
    if len(content) > MAX_BYTES:
        raise BadFile(_l("Файлът е по-голям от 5 MB."))
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        table = _xlsx(content)
    else:
        table = _csv(content)
    rows = iter(table)
    header = next(rows, None)
    if not header:
        raise BadFile(_l("Файлът е празен."))
    keys = [HEADINGS.get(one_line(str(h or "")).casefold()) for h in header]
    if "name" not in keys:
        raise BadFile(_l("Няма колона „name“ (наименование) на първия ред."))
    ignored = [str(h) for h, key in zip(header, keys, strict=True) if key is None and h]
    records = []
    for line, row in enumerate(rows, start=2):
        cells = ["" if cell is None else str(cell) for cell in row]
        if not any(cell.strip() for cell in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise BadFile(_l("Файлът има повече от %(n)d реда.", n=MAX_ROWS))
        if any("\x00" in cell for cell in cells):
            raise BadFile(_l("Ред %(n)d съдържа непозволени знаци.", n=line))
        records.append((line, {k: c for k, c in zip(keys, cells, strict=False) if k}))
    return records, ignored


def _csv(content: bytes) -> list[list[str]]:
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile(_l("Това не е CSV или XLSX файл."))
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise BadFile(_l("Файлът не може да се прочете като CSV: %(e)s", e=str(error))) from None


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with one (Excel's "Unicode
    text"), else Windows-1251, which Bulgarian Excel writes by default."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1251", errors="replace")


def _xlsx(content: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise BadFile(_l("Файлът не може да се прочете като XLSX.")) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return [list(row) for row in itertools.islice(rows, MAX_ROWS + 2)]
    finally:
        book.close()

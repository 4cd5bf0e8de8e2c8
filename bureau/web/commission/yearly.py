"""The commission's yearly report to the municipal council (/commission/recommendations/
report), an A4 document to print, and its XLSX: the year's recommendations with their
history, action plans, reviews, impact and discussion summaries (domain/recommendations/
yearly.py). The commission's own record and anonymised figures only: no case is read.
"""

from dataclasses import dataclass

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import plans, yearly
from bureau.domain.statistics import impact
from bureau.domain.statistics.query import StatsQuery
from bureau.permissions import requires
from bureau.web.commission.views import EXPORT_TYPES, _offices, bp, threshold
from bureau.web.common import audit, stats_export
from bureau.web.common.labels import ACTION_STATUS_LABELS, RECOMMENDATION_STATUS, Labels, label
from bureau.web.common.loaders import stats_query_or_404


@dataclass(frozen=True)
class ImpactLine:
    """One indicator as the report prints it: whose, what, before, after, in words."""

    subject: str
    name: str
    indicator: impact.Indicator
    reading: str | None


def _report() -> tuple[StatsQuery, yearly.YearlyReport]:
    """The office (as the other commission pages choose it) and the `year`; a year that
    does not parse, or is outside the calendar, gives this year with a message."""
    args = {"period": "year", **{k: request.args.get(k, "") for k in ("office", "year")}}
    query = stats_query_or_404(args)
    year = query.period.start.year
    return query, yearly.report(query.office, year, k=threshold(), today=sofia_today())


@bp.get("/recommendations/report")
@requires("stats.view")
def yearly_report():
    query, report = _report()
    labels = Labels([query.office.id])
    return render_template(
        "commission/yearly_report.html",
        report=report,
        query=query,
        labels=labels,
        impact_lines=lambda entry: impact_lines(entry, labels),
        months=months,
        overdue=lambda action: plans.is_overdue(action, report.prepared_on),
        figure=impact.number,
        offices=_offices(),
        statuses=RECOMMENDATION_STATUS,
    )


@bp.get("/recommendations/report.xlsx")
@requires("stats.export")
def yearly_report_xlsx():
    query, report = _report()
    labels = Labels([query.office.id])
    audit.log(
        "stats.export", office_id=query.office.id, format="xlsx", table="yearly", year=report.year
    )
    response = Response(
        stats_export.rows_xlsx(sheets(report, labels)), content_type=EXPORT_TYPES["xlsx"]
    )
    words = _("годишен доклад")
    response.headers.update(stats_export.download(words, query.office.code, query.period, "xlsx"))
    return response


def subject_label(subject: str, labels: Labels) -> str:
    """A subject of impact.measure ("category:health", "service:12") in words."""
    kind, _sep, code = subject.partition(":")
    return labels.row("category" if kind == "category" else "service_problems", code)


def months(period) -> str:
    """A window of impact.measure as months: "01.2026 – 06.2026" ("" without one)."""
    if period is None:
        return ""
    return f"{period.start:%m.%Y} – {period.last_day:%m.%Y}"


def impact_lines(entry: yearly.Entry, labels: Labels) -> list[ImpactLine]:
    """The entry's indicators, exactly as impact.measure gave them, with their names and
    readings (none where a side is withheld)."""
    measured = entry.impact
    lines = []
    for indicator in measured.indicators:
        subject = subject_label(indicator.subject, labels)
        reading = impact.reading(indicator, subject, measured.months)
        lines.append(ImpactLine(subject, str(impact.NAMES[indicator.key]), indicator, reading))
    return lines


RECOMMENDATION_HEADINGS = [
    _l("Препоръка"), _l("До"), _l("Категории"), _l("Статус"), _l("Внесена"), _l("Приета"),
    _l("Изпълнена"), _l("Действия"), _l("Изпълнени"), _l("Отпаднали"), _l("Просрочени"),
    _l("Обобщение на обсъждането"),
]  # fmt: skip
ACTION_HEADINGS = [
    _l("Препоръка"), _l("Действие"), _l("Отговорник"), _l("Срок"), _l("Статус"),
    _l("Изпълнено на"), _l("Причина за отпадане"),
]  # fmt: skip
IMPACT_HEADINGS = [
    _l("Препоръка"), _l("За"), _l("Показател"), _l("Преди"), _l("След"), _l("Накратко"),
    _l("Месеци преди"), _l("Месеци след"),
]  # fmt: skip


def sheets(report: yearly.YearlyReport, labels: Labels) -> dict[str, list[list]]:
    """The XLSX's three tables — recommendations, actions, impact — then what the file is."""
    headings = (RECOMMENDATION_HEADINGS, ACTION_HEADINGS, IMPACT_HEADINGS)
    recs, actions, effects = ([[str(h) for h in row]] for row in headings)
    for entry in report.entries:
        rec = entry.recommendation
        recs.append(_recommendation_row(entry, labels))
        actions += [
            [rec.title, a.what, a.responsible, a.due_on, label(ACTION_STATUS_LABELS, a.status),
             a.done_on, a.dropped_reason or ""]
            for a in rec.actions
        ]  # fmt: skip
        windows = [months(entry.impact.before), months(entry.impact.after)]
        effects += [
            [rec.title, line.subject, line.name, _withheld(line.indicator.before),
             _withheld(line.indicator.after), line.reading or "", *windows]
            for line in impact_lines(entry, labels)
        ]  # fmt: skip
    return {
        _("Препоръки"): recs,
        _("Действия"): actions,
        _("Въздействие"): effects,
        _("За файла"): _about(report),
    }


def _recommendation_row(entry: yearly.Entry, labels: Labels) -> list:
    rec, plan = entry.recommendation, entry.plan
    categories = ", ".join(labels.row("category", code) for code in rec.categories or [])
    status = label(RECOMMENDATION_STATUS, rec.status)
    return [
        rec.title, rec.addressee, categories, status, rec.submitted_on, entry.accepted_on,
        entry.implemented_on, plan.total, plan.done, plan.dropped, plan.overdue,
        rec.discussion_summary or "",
    ]  # fmt: skip


def _about(report: yearly.YearlyReport) -> list[list]:
    note = _(
        "„—“: показателят не се публикува — стои на по-малко от %(k)d случая или е скрит, "
        "за да не се разкрие малък брой.",
        k=report.threshold,
    )
    return [
        [_("Какво"), _("Стойност")],
        [_("Бюро"), report.office.name],
        [_("Година"), report.year],
        [_("Изготвен на"), report.prepared_on],
        [_("Праг"), report.threshold],
        [_("Бележка"), note],
    ]


def _withheld(value: float | None):
    return "—" if value is None else value

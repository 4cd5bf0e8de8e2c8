"""Loaders the views share: a case the current user may act on (or 404), the statistics
query of an office the user may see (or 404), and pages of a query counted only as far as
a list needs."""

from datetime import date

from flask import abort, current_app
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, inspect, select

from bureau.domain.cases import search
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import query as stats_query
from bureau.extensions import db
from bureau.permissions import can
from bureau.web.common import params

# Past this many rows a list says "10 000+" instead of counting a million rows exactly;
# a search stops sooner — "200+" tells the volunteer to type more of the name — since
# counting a common name further costs more than finding its page (issue 18).
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 200


def paginate(
    query: Select,
    *,
    count_query: Select | None = None,
    per_page=None,
    page=None,
    cap=COUNT_CAP,
    counted: tuple[int, bool] | None = None,
):
    """A page of the query, with the total counted only up to `cap` rows (or as the
    caller `counted` it: the total, and whether there may be more).

    The page itself comes from an index; an exact count(*) would read every matching
    row, which at a million cases costs more than everything else on the page. A total
    counted only so far is never less than the rows listed up to this page, and a full
    page of it has a next one (`more`), however far the count went; a page that is not
    full ends the list, so its total is exact."""
    page, per_page = _page_and_size(page, per_page)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    if counted is None:
        count_query = count_query if count_query is not None else query
        entity = count_query.column_descriptions[0]["entity"]
        key = inspect(entity).primary_key[0] if entity is not None else query.selected_columns[0]
        only_keys = count_query.order_by(None).with_only_columns(key).limit(cap + 1)
        total = db.session.scalar(select(func.count()).select_from(only_keys.subquery())) or 0
        counted = (min(total, cap), total > cap)
    total, capped = counted
    # (A page past the end lists nothing and proves nothing.)
    listed = (result.page - 1) * result.per_page + len(result.items) if result.items else 0
    if len(result.items) < result.per_page and (result.items or result.page == 1):
        total, capped = listed, False  # the list ends on this page: its total is known
    result.total, result.total_capped = max(total, listed), capped
    result.more = capped and len(result.items) == result.per_page
    return result


def _page_and_size(page: int | None, per_page: int | None) -> tuple[int, int]:
    """The page asked for (the request's, if not given) and the page size (the app's)."""
    return page or params.page_number(), per_page or current_app.config["PAGE_SIZE"]


class ListPagination(Pagination):
    """A page of a list the domain has already filtered (as `paginate` pages a query)."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list, *, per_page=None) -> ListPagination:
    """A page of `items`, the page number from the request; past the last page, empty."""
    page, per_page = _page_and_size(None, per_page)
    return ListPagination(page=page, per_page=per_page, error_out=False, items=list(items))


def case_page(filters, *, load=(), page=None, per_page=None):
    """A page of the current user's cases matching the filters: web list and API alike,
    counted as search.count decides (never further than a cap); `load`: loader options
    for what else the caller shows of each case."""
    cap = SEARCH_COUNT_CAP if filters.q.strip() else COUNT_CAP
    page, per_page = _page_and_size(page, per_page)
    query, counted = search.listing(current_user, filters, cap=cap, rows=page * per_page)
    return paginate(query.options(*load), counted=counted, page=page, per_page=per_page)


def case_or_404(reference: str, permission: str = "case.view"):
    """The case if the current user may act on it; 404 alike for missing and foreign ones."""
    case = search.find(reference)
    if case is None or not can(current_user, permission, case):
        abort(404)
    return case


def stats_query_or_404(args, today: date | None = None) -> stats_query.StatsQuery:
    """The statistics query of the request's arguments, for an office the user may see."""
    query = stats_query.parse(args, current_user, today or sofia_today())
    if query.office is None:
        abort(404)
    return query

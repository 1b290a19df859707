"""Datasette plugin: the site's facets, counted at build time for the whole table and by SQL for a selection.

Two facet types for metadata.yml: `{counted: column}` counts the values of a column, as Datasette's own
column facet does, and `{month: column}` counts an ISO date column per month ("2015-04"; Datasette's date
facet counts days), selected as a range of days with Datasette's own filters (`event_date__gte=2015-04-01&
event_date__lt=2015-05-01`, which the column's index answers, where a prefix match reads every row). A page
with no filter, no search and no `_where`, or with one value of one facet chosen, reads its counts from the
summary table the build writes (plugin config `table`, filled by scripts/summaries.py): at a million events a
count over the whole table takes tens of milliseconds per facet, a read of the summary well under one. A page
with another selection counts its rows
(the build's composite indexes make that an index range scan), unless it holds more rows than the
config's `most_rows_counted`: then its facets are listed as timed out, as Datasette lists a facet whose count
runs past its time limit, instead of counting a third of a million rows seven times on every visit. The
values, labels of foreign keys, selection links and truncation are those of Datasette's column facet, so a
facet reads the same whichever counts it.
"""

from __future__ import annotations

import fnmatch
import inspect

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

PLUGIN = "counted-facets"
MONTH = "????-??"  # the glob of a month value
# Query string arguments that change how a page shows its rows, not which rows it selects.
LAYOUT_ARGUMENTS = {"_sort", "_sort_desc", "_size", "_next", "_labels", "_nolabels", "_nocount", "_nofacet",
                    "_nosuggest", "_shape", "_json", "_col", "_nocol", "_extra", "_trace", "_dl", "_stream"}


class CountedFacet(Facet):
    """Counts per value of a column (`{counted: column}`)."""

    type = "counted"

    async def suggest(self):
        return []  # offered where metadata.yml configures it, never guessed

    @staticmethod
    def value_sql(column: str) -> tuple[str, str]:
        """The SQL of a row's facet value, and the condition a row must meet to be counted (the build counts
        the whole table with the same SQL: scripts/summaries.py)."""
        return escape_sqlite(column), f"{escape_sqlite(column)} is not null"

    @staticmethod
    def selection(column: str, value) -> dict[str, str]:
        """The query string arguments that select a value (Datasette's own filters)."""
        return {f"{column}__exact" if column.startswith("_") else column: str(value)}

    @classmethod
    def selected_value(cls, column: str, arguments: dict[str, str]):
        """The value these filter arguments select by this facet, or None if they select something else."""
        value = arguments.get(next(iter(cls.selection(column, ""))))
        return value if value is not None and cls.selection(column, value) == arguments else None

    def _selection(self) -> tuple[str, str, str] | None:
        """What the page selects, when the build has counted it: ("", "", "") for the whole table, (facet,
        column, value) for one value of one of the table's facets; None for any other selection (a search, a
        `_where`, several filters), which is counted with SQL."""
        if self.table is None or not self.sql.lstrip().lower().startswith("select"):
            return None
        arguments, other = {}, False
        for key, value in self.get_querystring_pairs():
            if key.startswith("_"):
                other |= not (key in LAYOUT_ARGUMENTS or key.startswith("_facet"))
            else:
                arguments[key] = value
        if other or len(arguments) != len(self.params):
            return None
        if not arguments:
            return ("", "", "") if self.sql.rstrip().endswith(f"from {escape_sqlite(self.table)}") else None
        classes = {klass.type: klass for klass in register_facet_classes()}
        for facet in (self.metadata or {}).get("facets", []):
            kind, column = ("column", facet) if isinstance(facet, str) else next(iter(facet.items()))
            value = classes[kind].selected_value(column, arguments) if kind in classes else None
            if value is not None:
                return kind, column, value
        return None

    async def _counts(self, column: str, limit: int) -> list:
        """(value, count) rows, the most frequent first, `limit` at most."""
        summary = (self.ds.plugin_config(PLUGIN) or {}).get("table")
        selection = self._selection() if summary else None
        if selection is not None:
            sql = (f"select value, count from {escape_sqlite(summary)} where table_name = :table "
                   "and selected_facet = :selected_facet and selected_column = :selected_column "
                   "and selected_value = :selected_value and facet = :facet and column_name = :column "
                   f"order by count desc, value limit {limit}")
            chosen = dict(zip(("selected_facet", "selected_column", "selected_value"), selection, strict=True))
            return list(await self.ds.execute(self.database, sql, {"table": self.table, "facet": self.type,
                                                                  "column": column, **chosen}))
        most = (self.ds.plugin_config(PLUGIN) or {}).get("most_rows_counted")
        if most and self.row_count is not None and self.row_count > most:
            return None  # too many rows to count on every visit: shown as a facet that timed out
        value, counted = self.value_sql(column)
        # grouped and ordered by the expression, not by its alias: a table may have a column named "value"
        sql = (f"select {value} as value, count(*) as count from ({self.sql}) where {counted} "
               f"group by {value} order by count(*) desc, {value} limit {limit}")
        return list(await self.ds.execute(self.database, sql, self.params, truncate=False,
                                          custom_time_limit=self.ds.setting("facet_time_limit_ms")))

    async def _labels(self, column: str, values: list) -> dict:
        if not self.table:
            return {}
        if "actor" in inspect.signature(self.ds.expand_foreign_keys).parameters:  # Datasette 1.0 checks who asks
            return await self.ds.expand_foreign_keys(self.request.actor, self.database, self.table, column, values)
        return await self.ds.expand_foreign_keys(self.database, self.table, column, values)

    async def facet_results(self):
        results, timed_out = [], []
        chosen = self.get_querystring_pairs()
        size = self.get_facet_size()
        for configured in self.get_configs():
            column = configured["config"].get("column") or configured["config"]["simple"]
            try:
                rows = await self._counts(column, size + 1)
            except QueryInterrupted:
                rows = None
            if rows is None:
                timed_out.append(column)
                continue
            labels = await self._labels(column, [row[0] for row in rows[:size]])
            values = []
            for value, count in (tuple(row) for row in rows[:size]):
                selection = self.selection(column, value)
                selected = all(pair in chosen for pair in selection.items())
                change = path_with_removed_args if selected else path_with_added_args
                values.append({"value": value, "label": labels.get((column, value), value), "count": count,
                               "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, change(self.request, selection))})
            results.append({"name": column, "type": self.type, "results": values,
                            "hideable": configured["source"] != "metadata",
                            "toggle_url": path_with_removed_args(self.request, {f"_facet_{self.type}": column}),
                            "truncated": len(rows) > size})
        return results, timed_out


class MonthFacet(CountedFacet):
    """Counts per month of an ISO date column (`{month: column}`), selected as a range of days."""

    type = "month"

    @staticmethod
    def value_sql(column: str) -> tuple[str, str]:
        month = f"substr({escape_sqlite(column)}, 1, 7)"
        return month, f"{month} glob '{MONTH}'"

    @staticmethod
    def selection(column: str, value) -> dict[str, str]:
        """From the first day of the month to the first of the next: a range the column's index answers."""
        year, month = (int(part) for part in str(value).split("-"))
        following = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
        return {f"{column}__gte": f"{value}-01", f"{column}__lt": following}

    @classmethod
    def selected_value(cls, column: str, arguments: dict[str, str]):
        month = arguments.get(f"{column}__gte", "")[:7]
        if not fnmatch.fnmatchcase(month, "[0-9][0-9][0-9][0-9]-[0-9][0-9]") or not 1 <= int(month[5:]) <= 12:
            return None
        return month if cls.selection(column, month) == arguments else None

    async def _labels(self, column: str, values: list) -> dict:
        return {}


@hookimpl
def register_facet_classes():
    return [CountedFacet, MonthFacet]

"""Datasette plugin: a facet by month of a date column (`{month: event_date}` in metadata.yml, or
`?_facet_month=event_date`).

Datasette's own date facet counts per day, which spreads four years of events over hundreds of values.
This one counts per month (the first seven characters of an ISO date, "2015-04") and selects a month
with Datasette's own `__startswith` filter (`event_date__startswith=2015-04`), so the selection is an
ordinary filter that shows in the page's filter form and survives into the CSV and JSON links.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

MONTH = "????-??"  # the glob of a month value


class MonthFacet(Facet):
    type = "month"

    async def suggest(self):
        return []  # offered where metadata.yml configures it, never guessed

    async def facet_results(self):
        results, timed_out = [], []
        chosen = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for configured in self.get_configs():
            column = configured["config"].get("column") or configured["config"]["simple"]
            month = f"substr({escape_sqlite(column)}, 1, 7)"
            sql = (f"select {month} as value, count(*) as count from ({self.sql}) "
                   f"where {month} glob '{MONTH}' group by value order by count desc, value limit {size + 1}")
            try:
                rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                              custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            selector = f"{column}__startswith"
            values = []
            for row in rows[:size]:
                selected = chosen.get(selector) == row["value"]
                change = path_with_removed_args if selected else path_with_added_args
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "selected": selected,
                               "toggle_url": self.ds.absolute_url(self.request, change(self.request, {selector: row["value"]}))})
            results.append({"name": column, "type": self.type, "results": values,
                            "hideable": configured["source"] != "metadata",
                            "toggle_url": path_with_removed_args(self.request, {f"_facet_{self.type}": column}),
                            "truncated": len(rows) > size})
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [MonthFacet]

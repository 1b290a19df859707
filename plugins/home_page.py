"""Datasette plugin: what the home page (templates/index.html) lays out, handed to its template.

Its sections are the `home-page` plugin configuration (hand-kept in metadata.yml, with the coverage,
sources, downloads, citation and row counts the build adds); the canned queries and table descriptions
are read through Datasette's own API, so the page follows the queries and descriptions wherever
Datasette keeps them.
"""

from __future__ import annotations

from datasette import hookimpl


@hookimpl
def extra_template_vars(template, datasette, request):
    if template != "index.html":
        return {}

    async def home():
        config = datasette.plugin_config("home-page") or {}
        database = config.get("database", "")
        actor = request.actor if request else None
        queries = await datasette.get_canned_queries(database, actor) if database in datasette.databases else {}
        described = {name: (datasette.table_metadata(database, name) or {}).get("description", "")
                     for name in config.get("main_tables", [])}
        return {"home": config, "home_database": database, "home_queries": queries, "home_tables": described}

    return home

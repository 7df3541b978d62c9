"""Datasette plugin: the health of every source (``source_status``) on the home page.

The home page's description (``datasette/metadata.yml``) holds an empty
``<div id="modwatch-source-status"></div>``; this ASGI wrapper fills it, server-side, with one line
per source of the ``source_status`` table (worst first: failed, drifted, stale, ok): state, the
reason in one sentence, the newest period covered, the copy kind and the last attempt / success,
each linking to the source's row. So an analyst sees at once which sources are stale or moved
before reading any figure. Text is HTML-escaped; a database without the table shows nothing.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import escape

MARKER = b'<div id="modwatch-source-status"></div>'
_ORDER = "case state when 'failed' then 0 when 'drifted' then 1 when 'stale' then 2 else 3 end, source"


async def status_html(datasette) -> str:
    """The filled ``<div>``: a table per database that has ``source_status`` rows."""
    parts = []
    for name, database in datasette.databases.items():
        if name.startswith("_") or not await database.table_exists("source_status"):
            continue
        result = await database.execute(
            "select source, state, reason, newest_period, copy_kind, last_attempt, last_success "
            f"from source_status order by {_ORDER}"
        )
        rows = list(result.rows)
        if not rows:
            continue
        lines = []
        for row in rows:
            link = datasette.urls.row(name, "source_status", escape(row["source"]))
            lines.append(
                f'<tr class="source-{escape(row["state"])}"><td><a href="{link}">{escape(row["source"])}</a></td>'
                f"<td><strong>{escape(row['state'])}</strong></td><td>{escape(row['reason'] or '')}</td>"
                f"<td>{escape(row['newest_period'] or '')}</td><td>{escape(row['copy_kind'] or '')}</td>"
                f"<td>{escape(row['last_attempt'] or '')}</td><td>{escape(row['last_success'] or '')}</td></tr>"
            )
        parts.append(
            f'<h2>Source health</h2><p>From <a href="{datasette.urls.table(name, "source_status")}">'
            f"source_status</a>: a source that is not <em>ok</em> kept its previous data.</p>"
            '<table class="rows-and-columns"><thead><tr><th>source</th><th>state</th><th>reason</th>'
            "<th>newest period</th><th>copy</th><th>last attempt</th><th>last success</th></tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table>"
        )
    return f'<div id="modwatch-source-status">{"".join(parts)}</div>'


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def home_with_status(scope, receive, send):
            if scope.get("type") != "http" or scope.get("path") != "/":
                await app(scope, receive, send)
                return
            start, chunks = None, []

            async def capture(message):
                nonlocal start
                if message["type"] == "http.response.start":
                    start = message
                    return
                if message["type"] != "http.response.body" or start is None:
                    await send(message)
                    return
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                if MARKER in body:
                    body = body.replace(MARKER, (await status_html(datasette)).encode("utf-8"), 1)
                headers = [(key, value) for key, value in start.get("headers", []) if key.lower() != b"content-length"]
                await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, capture)

        return home_with_status

    return wrap

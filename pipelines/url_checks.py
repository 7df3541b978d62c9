"""Store function of URL re-checks (the ``url_check`` spider): one ``url_checks`` row per check (:mod:`db.history`)."""

from db.history import insert_url_check


def store_url_check(database, item: dict, *, crawl_run_id, spider, stats=None) -> None:
    """Store function of :class:`items.UrlCheckItem` (route in ``pipelines/routes.py``).

    Stats: ``modwatch/url_checks``, ``modwatch/url_checks/gone``.
    """
    with database.atomic():
        insert_url_check(database, item, crawl_run_id)
    if stats is not None:
        stats.inc_value("modwatch/url_checks")
        if item.get("gone"):
            stats.inc_value("modwatch/url_checks/gone")

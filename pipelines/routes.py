"""Where each item goes: :data:`ROUTES`, item class -> store function (used by ``pipelines.store.SQLitePipeline``).

Keyed by the classes themselves, so a reader (or an IDE) follows an item from the spider that yields
it to the function, and the table, that stores it.
"""

from collections.abc import Callable

from items import ArticleItem, DatasetFileItem, LumenPageItem, RejectItem, SorDumpItem, UrlCheckItem
from pipelines.articles import store_article
from pipelines.notices import store_lumen_page, store_sor_dump
from pipelines.rejects import store_reject
from pipelines.transparency import store_dataset_file
from pipelines.url_checks import store_url_check

ROUTES: dict[type, Callable] = {
    ArticleItem: store_article,  # articles, authors, FTS (db/articles.py)
    RejectItem: store_reject,  # rejects
    DatasetFileItem: store_dataset_file,  # transparency report files: datasets, removal_requests ...
    LumenPageItem: store_lumen_page,  # Lumen notices
    SorDumpItem: store_sor_dump,  # EU DSA statements of reasons
    UrlCheckItem: store_url_check,  # url_checks
}

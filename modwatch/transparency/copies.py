"""What kind of copy a downloaded transparency file is, judged by where it came from.

A report read from the platform's own site is the platform's file; one read from a GitHub
repository or the Wayback Machine is an archived third-party copy, which stops where its
keeper stopped (the default Meta, X and TikTok URLs are such copies: they end at 2023-H2,
2020-H2 and 2022-H1). ``datasets.copy_kind`` and ``source_status.copy_kind`` carry the answer,
and the crawl summary prints it beside the newest period, so nobody mistakes an old copy for
the platform's current report.

Pure: no I/O.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PLATFORM, THIRD_PARTY, LOCAL, UNKNOWN = "platform", "third_party_copy", "local_file", "unknown_host"

#: parser -> host suffixes (and optional path prefixes) of the platform's own downloads
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    "google_removals": ("storage.googleapis.com/transparencyreport", "transparencyreport.google.com"),
    "meta_restrictions": ("transparency.meta.com", "transparency.fb.com", "transparency.facebook.com", "fbcdn.net"),
    "x_removals": ("transparency.x.com", "transparency.twitter.com", "twitter.com", "x.com"),
    "tiktok_removals": ("tiktok.com", "tiktokcdn.com", "tiktokcdn-us.com", "tiktokv.com"),
    "dsa_sor": ("transparency.dsa.ec.europa.eu", "dsa-sor-data-dumps.s3.eu-central-1.amazonaws.com"),
}
#: hosts that keep other people's files
ARCHIVE_HOSTS = (
    "raw.githubusercontent.com",
    "github.com",
    "gitlab.com",
    "web.archive.org",
    "archive.org",
    "archive.ph",
    "zenodo.org",
    "figshare.com",
    "kaggle.com",
)

LABELS = {
    PLATFORM: "platform's own file",
    THIRD_PARTY: "archived third-party copy",
    LOCAL: "local file",
    UNKNOWN: "unknown host",
}


def copy_kind(parser: str, url: str) -> str:
    """``platform`` | ``third_party_copy`` | ``local_file`` | ``unknown_host`` for a file of ``parser`` at ``url``."""
    parts = urlsplit(url or "")
    if parts.scheme == "file":
        return LOCAL
    host = (parts.hostname or "").lower()
    where = host + parts.path
    for own in PLATFORM_HOSTS.get(parser.split("/")[0], ()):
        own_host, _, own_path = own.partition("/")
        if (host == own_host or host.endswith("." + own_host)) and where[len(host) :].lstrip("/").startswith(own_path):
            return PLATFORM
    if any(host == archive or host.endswith("." + archive) for archive in ARCHIVE_HOSTS):
        return THIRD_PARTY
    return UNKNOWN

"""Real sample data shared by the transparency tests (parsing, storage and spider tests).

- DSA statements of reasons: the real CSV heads in ``tests/fixtures/dsa/`` (:data:`V1`, the
  2024 schema; :data:`V2`, the 2025 one) and :func:`nested_zip`, which packs CSVs the way the
  daily dumps are packed.
- Lumen: the real 2015 notices in ``tests/fixtures/lumen/`` (:data:`NOTICES`) and
  :func:`search_page`, a ``search.json`` page of the API built from them.
"""

import io
import json
import zipfile
from pathlib import Path

from modwatch.transparency import lumen

DSA_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dsa"
V1 = "sor-global-2024-03-14-full-00000-00000.head29.csv"
V2 = "sor-global-2025-07-01-full-00000-00000.head4.csv"
NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "lumen" / "chillingeffects_2015_notices"


def fixture(name: str) -> bytes:
    """The bytes of ``tests/fixtures/dsa/<name>``."""
    return (DSA_FIXTURES / name).read_bytes()


def nested_zip(parts: dict[str, bytes], stem: str = "sor-global-2024-03-14-full") -> bytes:
    """A daily dump: outer zip of ``<stem>-<part>.csv.zip`` members, each holding one CSV."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as outer:
        for number, (csv_name, data) in enumerate(parts.items()):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as inner_zip:
                inner_zip.writestr(csv_name, data)
            outer.writestr(f"{stem}-{number:05d}.csv.zip", inner.getvalue())
    return out.getvalue()


def search_page(notices: list[dict], *, page=1, per_page=50, total=None) -> bytes:
    """A search.json page in the API's shape: flat notices (the ``type`` root removed)."""
    flat = []
    for notice in notices:
        ((root, attrs),) = notice.items()
        flat.append({"type": lumen._camel(root), **attrs} if "type" not in attrs else dict(attrs))
    total = len(notices) if total is None else total
    meta = {
        "current_page": page,
        "per_page": per_page,
        "total_entries": total,
        "total_pages": -(-total // per_page),
        "next_page": None,
        "previous_page": None,
    }
    return json.dumps({"notices": flat, "meta": meta}).encode()

"""Build the demo snapshot WARC from ``demo/manifest.yaml`` and the files in ``demo/files/``.

    python demo/build_snapshot.py [--manifest demo/manifest.yaml] [--out demo/snapshot.warc.gz]

Each manifest entry (format documented at the top of the manifest) becomes one WARC
``response`` record: the file's bytes unchanged, the entry's URL, status (default 200),
``Content-Type`` and extra headers, written with :func:`modwatch.archive.warc.write_warc`.
Replaying the snapshot (``MODWATCH_REPLAY=demo/snapshot.warc.gz``) answers requests for
those URLs as the sites did. Raises :class:`ManifestError` naming the entry for an invalid
manifest (unknown key, missing url/file/content_type, file not found).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

DEMO_DIR = Path(__file__).resolve().parent
if str(DEMO_DIR.parent) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(DEMO_DIR.parent))

from modwatch.archive.warc import write_warc  # noqa: E402

MANIFEST = DEMO_DIR / "manifest.yaml"
SNAPSHOT = DEMO_DIR / "snapshot.warc.gz"
FILES_DIR = DEMO_DIR / "files"
KEYS = {"url", "file", "content_type", "status", "headers", "note"}


class ManifestError(ValueError):
    """The manifest is invalid; the message names the entry and the problem."""


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    """Entries of the manifest, validated; ``file`` resolved to an absolute path under files/."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise ManifestError(f"{path}: expected a mapping with a 'records:' list")
    entries = []
    for number, entry in enumerate(document["records"], 1):
        where = f"{path}: record #{number}"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: must be a mapping")
        unknown = sorted(set(entry) - KEYS)
        if unknown:
            raise ManifestError(f"{where}: unknown key(s) {unknown}; allowed {sorted(KEYS)}")
        missing = [k for k in ("url", "file", "content_type") if not entry.get(k)]
        if missing:
            raise ManifestError(f"{where}: missing {', '.join(missing)}")
        file = FILES_DIR / entry["file"]
        if not file.is_file():
            raise ManifestError(f"{where} ({entry['url']}): file not found: {file}")
        entries.append({**entry, "file": file})
    return entries


def records(entries: list[dict]):
    """``(url, body, headers, status)`` tuples for :func:`write_warc`."""
    for entry in entries:
        extra = {name: str(value) for name, value in (entry.get("headers") or {}).items()}
        headers = {"Content-Type": entry["content_type"], **extra}
        yield entry["url"], entry["file"].read_bytes(), headers, int(entry.get("status", 200))


def build(manifest: Path = MANIFEST, out: Path = SNAPSHOT) -> int:
    """Write the snapshot; returns the number of records."""
    entries = load_manifest(manifest)
    tmp = Path(out).with_name(Path(out).name + ".tmp")
    write_warc(tmp, records(entries), info={"description": "modwatch demo snapshot; sources in demo/SOURCES.md"})
    tmp.replace(out)
    return len(entries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--out", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    count = build(args.manifest, args.out)
    print(f"wrote {count} records to {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the benchmarks find their data: the real third-party files of ``shared/data``.

``$MODWATCH_SHARED`` may name the ``shared`` folder or its ``data`` folder; without it, the
``shared/data`` folder beside the repository (``../shared/data``) is used. The folders hold
SOURCE.md files with origin and licence. Benchmarks only read them; tests never do.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """The ``shared/data`` folder (it may not exist: callers check their own sub-folder)."""
    base = Path(os.environ.get("MODWATCH_SHARED") or ROOT.parent / "shared")
    return base / "data" if (base / "data").is_dir() or not base.exists() else base

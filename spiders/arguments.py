"""Spider arguments (``-a name=value``): the one parser of comma-separated lists."""


def comma_list(value: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: parts stripped, empty parts dropped; ``[]`` for None or ``""``."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]

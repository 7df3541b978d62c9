"""Hypothesis strategies that mangle a real file: truncated, byte-flipped, lines re-ordered,
duplicated or dropped, garbage inserted — one or several of these at once."""

from __future__ import annotations

from hypothesis import strategies as st


def _truncate(data: bytes, draw) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def _flip(data: bytes, draw) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


def _reorder(data: bytes, draw) -> bytes:
    lines = _lines(data)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def _duplicate_or_drop(data: bytes, draw) -> bytes:
    lines = _lines(data)
    i = draw(st.integers(0, len(lines) - 1))
    if draw(st.booleans()):
        lines.insert(i, lines[i])
    else:
        del lines[i]
    return b"".join(lines)


def _insert(data: bytes, draw) -> bytes:
    at = draw(st.integers(0, len(data)))
    junk = draw(
        st.sampled_from(
            [
                b"\x00",
                b'"',
                b",",
                b"\r",
                b"\n",
                b"<",
                b"]]>",
                b"\xff\xfe",
                b"{",
                b"'",
                b"&#0;",
                b"\xe2\x80",
                b"9" * 30,
                b"-1",
                b"NaN",
            ]
        )
    )
    return data[:at] + junk + data[at:]


MUTATIONS = (_truncate, _flip, _reorder, _duplicate_or_drop, _insert)


@st.composite
def mangled(draw, data: bytes) -> bytes:
    """``data`` after 1-3 mutations drawn from :data:`MUTATIONS`."""
    for _ in range(draw(st.integers(1, 3))):
        data = draw(st.sampled_from(MUTATIONS))(data, draw)
    return data

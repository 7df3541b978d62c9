"""The quality gate: body-text F1 (two corpora) and date accuracy on the in-repo subsets may not fall below the
floors pinned in tests/extract/quality_floors.json (see tests/extract/quality_gate.py for re-pinning)."""

import json

import pytest

from tests.extract import quality_gate

PINNED = json.loads(quality_gate.FLOORS.read_text())


@pytest.fixture(scope="module")
def scores():
    return quality_gate.scores()


def test_the_inputs_are_the_ones_the_floors_were_pinned_on():
    # a changed page or label needs new floors (quality_gate.py --pin), or the old floors would mean nothing
    assert quality_gate.digest() == PINNED["inputs_sha256"]


def test_each_subset_holds_real_labelled_pages():
    assert {name: len(quality_gate.labels(name)) for name in ("zyte", "trafilatura", "dates")} == quality_gate.SIZES


@pytest.mark.parametrize("name", ["zyte_body_f1", "trafilatura_body_f1", "date_accuracy"])
def test_quality_is_not_below_its_floor(scores, name):
    assert scores[name] >= PINNED["floors"][name], f"{name} {scores[name]} fell below its floor"


def test_pinning_refuses_a_lower_floor_without_the_flag(tmp_path, monkeypatch, capsys):
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"inputs_sha256": "x", "floors": {"zyte_body_f1": 1.0}}))
    monkeypatch.setattr(quality_gate, "FLOORS", floors)
    monkeypatch.setattr(quality_gate, "scores", lambda: {"zyte_body_f1": 0.5})
    assert quality_gate.pin(allow_lower=False) == 1
    assert "refusing to lower floors" in capsys.readouterr().err
    assert json.loads(floors.read_text())["floors"] == {"zyte_body_f1": 1.0}
    assert quality_gate.pin(allow_lower=True) == 0
    assert json.loads(floors.read_text())["floors"] == {"zyte_body_f1": 0.5}

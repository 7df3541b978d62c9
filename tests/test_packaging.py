"""pyproject.toml: the licence as an SPDX expression (PEP 639), which setuptools >= 77 reads without a warning."""

import tomllib

from tests.helpers import ROOT


def test_license_is_an_spdx_expression_and_setuptools_reads_it():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "Apache-2.0"  # a table ({text = ...}) is deprecated
    assert "setuptools>=77" in pyproject["build-system"]["requires"]  # first version with PEP 639 licences

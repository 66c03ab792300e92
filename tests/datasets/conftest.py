"""Paths shared by the datasets tests (fixtures live in tests/fixtures/datasets/)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "datasets"
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def crossings_real():
    from trendlib.datasets import load_crossings
    return load_crossings(DATA / "crossings" / "crossings_2022.csv")


@pytest.fixture(scope="session")
def derived_real(crossings_real):
    from trendlib.datasets import derive_crossing_series
    return derive_crossing_series(crossings_real)

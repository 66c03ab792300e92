"""Simulated search series with known effects (no files, no network)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def simulate_daily(*, seed: int, n: int = 120, start: str = "2022-06-01", level: float = 25.0,
                   phi: float = 0.3, sd: float = 0.12, step_at: int | None = None, fold: float = 1.0,
                   weekend: float = 0.15) -> pd.Series:
    """Google-like daily index: level x exp(AR(1) noise + weekend effect), x ``fold`` from ``step_at``,
    rounded to integers and clipped to 0-100."""
    rng = np.random.default_rng(seed)
    e = np.zeros(n)
    u = rng.normal(0, sd, n)
    for i in range(1, n):
        e[i] = phi * e[i - 1] + u[i]
    idx = pd.date_range(start, periods=n, freq="D")
    log_y = np.log(level) + e + weekend * (idx.day_of_week >= 5)
    if step_at is not None:
        log_y[step_at:] += np.log(fold)
    return pd.Series(np.clip(np.round(np.exp(log_y)), 0, 100), index=idx, name="sim")


def simulate_weekly(*, seed: int, n: int = 60, start: str = "2021-03-21", level: float = 20.0,
                    sd: float = 0.1, step_at: int | None = None, fold: float = 1.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq="7D")
    log_y = np.log(level) + rng.normal(0, sd, n)
    if step_at is not None:
        log_y[step_at:] += np.log(fold)
    s = pd.Series(np.clip(np.round(np.exp(log_y)), 0, 100), index=idx, name="weekly")
    return s


@pytest.fixture
def daily():
    return simulate_daily


@pytest.fixture
def weekly():
    return simulate_weekly

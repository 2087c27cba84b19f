"""Properties of the goodput model (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.cluster.goodput import daly_goodput, optimal_goodput
from tokenfab.cluster.reliability import job_mtbf_s

rate = st.floats(1e-9, 1e-4)  # per-accelerator interruptions per second
secs = st.floats(0.0, 3600.0)
pos = st.floats(1e-3, 3600.0)


@settings(max_examples=200, deadline=None)
@given(rate=rate, n=st.integers(1, 2_000_000), delta=secs, r=secs, tau=pos)
def test_goodput_is_between_0_and_1(rate, n, delta, r, tau):
    m = job_mtbf_s(n, rate)
    for g in (daly_goodput(tau, delta, m, r), optimal_goodput(delta, m, r)[0],
              optimal_goodput(delta, m, r, "young")[0]):
        assert 0.0 <= float(g) <= 1.0


@settings(max_examples=200, deadline=None)
@given(rate=rate, n=st.integers(1, 1_000_000), k=st.floats(1.01, 100.0), delta=secs, r=secs)
def test_goodput_falls_as_the_job_grows(rate, n, k, delta, r):
    small, _ = optimal_goodput(delta, job_mtbf_s(n, rate), r)
    large, _ = optimal_goodput(delta, job_mtbf_s(n * k, rate), r)
    assert float(large) <= float(small) + 1e-12


@settings(max_examples=200, deadline=None)
@given(rate=rate, n=st.integers(1, 1_000_000), delta=secs, f=st.floats(0.0, 1.0), r=secs,
       tau=pos)
def test_faster_checkpoints_never_lower_goodput(rate, n, delta, f, r, tau):
    m = job_mtbf_s(n, rate)
    # at a fixed interval
    assert float(daly_goodput(tau, delta * f, m, r)) >= float(daly_goodput(tau, delta, m, r)) - 1e-12
    # at the optimal interval of each: compare with the numerically best tau on a grid
    taus = np.logspace(-3, 6, 2000)
    assert daly_goodput(taus, delta * f, m, r).max() >= daly_goodput(taus, delta, m, r).max() - 1e-12

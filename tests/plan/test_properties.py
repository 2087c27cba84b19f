"""Properties of the rent-or-build LP over random inputs (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.plan import PlanSection, resolve, solve

BASE = dict(start_year=2025, years=5, tokens_per_accelerator_s=1000.0, utilization=0.8,
            rent_price_trend=0.0, rental_cap_growth=0.2, capex="40 USD/W", it_capex_share=0.6,
            it_life="5 years", facility_life="12 years", cost_of_capital=0.08,
            opex_per_year="1 USD/W", power_cap_growth=0.1)


@settings(max_examples=25, deadline=None)
@given(demand=st.floats(1e4, 1e7), users=st.floats(0.0, 2.0), per_user=st.floats(0.0, 2.0),
       speed=st.floats(1.0, 2.0), rent=st.floats(0.5, 8.0), cap=st.floats(0.0, 2e6),
       power_gw=st.floats(0.0, 5.0), lead=st.integers(0, 4), penalty=st.floats(0.0, 20.0))
def test_plan_accounts_for_every_token(demand, users, per_user, speed, rent, cap, power_gw, lead,
                                       penalty):
    p = resolve(PlanSection(**BASE, demand_accelerators=demand, users_growth=users,
                            per_user_growth=per_user, speedup_per_year=speed,
                            rent=[{"name": "a", "years": 1, "price_usd_per_hour": rent}],
                            rental_cap=cap, power_cap_per_year=power_gw * 1e9,
                            lead_time=f"{lead} years",
                            unserved_penalty=f"{penalty} USD/Mtok")).point()
    r = solve(p)
    c = r.columns
    for v in c.values():
        assert np.all(np.isfinite(v))
    # every token is either served or reported unserved
    np.testing.assert_allclose(c["served_tokens"] + c["unserved_tokens"], c["demand_tokens"],
                               rtol=1e-9)
    assert np.all(c["unserved_tokens"] >= 0)
    assert r.present_cost_usd >= -1e-6
    # caps hold
    rcap = cap * 1.2 ** np.arange(5)
    assert np.all(c["rented_accelerators"] <= rcap * (1 + 1e-7) + 1e-6)
    pcap = power_gw * 1e9 * 1.1 ** np.arange(5)
    assert np.all(c["built_w"] <= pcap * (1 + 1e-7) + 1.0)
    # capacity (incl. idle) covers what is served
    served_acc = c["demand_accelerators"] - c["unserved_tokens"] / p.tokens_per_accelerator_year()
    assert np.all(c["capacity_accelerators"] >= served_acc * (1 - 1e-6) - 1e-6)
    # renting alone can never be cheaper than the optimum (same objective, fewer choices)
    ro = solve(p, allow_build=False)
    assert ro.objective_usd >= r.objective_usd * (1 - 1e-7) - 1e-3

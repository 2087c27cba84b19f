"""Compute demand from the three scaling laws, and the supply it takes.

* :mod:`tokenfab.demand.laws` — pre-training ``6 N D``, RL post-training, inference-time
  thinking (chains, trees, agents) as pure vectorized functions.
* :mod:`tokenfab.demand.growth` — exponential / logistic factors, products, decomposition of
  a growth multiple.
* :mod:`tokenfab.demand.supply` — tokens and FLOPs -> accelerators of each year's generation
  -> GW -> capex; the analysts' extrapolation.
* :mod:`tokenfab.demand.fit` — least-squares growth rates with confidence intervals.
* :mod:`tokenfab.demand.project` — the projection (``tokenfab demand``), with Monte Carlo.
* :mod:`tokenfab.demand.scenario` — the ``[demand]`` scenario section and its sourced defaults.
"""

from tokenfab.demand.project import DemandProjection, project
from tokenfab.demand.scenario import DemandSection

__all__ = ["DemandProjection", "DemandSection", "project"]

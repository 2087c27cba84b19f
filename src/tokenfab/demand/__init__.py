"""Compute demand from the three scaling laws, and the supply it takes.

* :mod:`tokenfab.demand.inputs` — every input declared once (:data:`DEMAND_INPUTS`: default,
  source, bounds) and the ``[demand]`` scenario section generated from it.
* :mod:`tokenfab.demand.laws` — pre-training ``6 N D``, RL post-training, inference-time
  thinking (chains, trees, agents) as pure vectorized functions.
* :mod:`tokenfab.demand.growth` — exponential / logistic factors, products, decomposition of
  a growth multiple.
* :mod:`tokenfab.demand.supply` — tokens and FLOPs -> accelerators of each year's generation
  -> GW -> capex; the analysts' extrapolation.
* :mod:`tokenfab.demand.site` — the factory model's site cost per watt, read once.
* :mod:`tokenfab.demand.fit` — least-squares growth rates with confidence intervals.
* :mod:`tokenfab.demand.project` — the projection (``tokenfab demand``), with Monte Carlo.
"""

from tokenfab.demand.inputs import DEMAND_INPUTS, DemandSection, resolve_demand
from tokenfab.demand.project import DemandProjection, project

__all__ = ["DEMAND_INPUTS", "DemandProjection", "DemandSection", "project", "resolve_demand"]

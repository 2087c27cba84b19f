"""Market: the AI market in three layers (replacement, migration, augmentation) and sovereign
AI, from dollars of GDP to gigawatts, with every input a range.

* :mod:`tokenfab.market.layers` -- the pure, vectorized models (equations and sources);
* :mod:`tokenfab.market.inputs` -- ``MARKET_INPUTS`` (every input, default and source) and the
  ``[market]`` scenario section generated from it;
* :mod:`tokenfab.market.sovereign` -- bundled country data and per-country inputs;
* :mod:`tokenfab.market.claims` -- the interview's numbers and where each falls;
* :mod:`tokenfab.market.run` -- :func:`run_market`, the one entry point;
* :mod:`tokenfab.report.figures.market` -- the GDP -> GW waterfall figure (matplotlib, optional).
"""

from tokenfab.market.claims import (
    interview_arithmetic,
    interview_claims,
    interview_figures,
    place_claims,
)
from tokenfab.market.inputs import (
    MARKET_INPUTS,
    MarketOptions,
    MarketSection,
    market_section,
    resolve_inputs,
    resolve_market,
)
from tokenfab.market.layers import market_model
from tokenfab.market.run import MarketResult, run_market
from tokenfab.market.sovereign import Country, country, load_countries

__all__ = [
    "MARKET_INPUTS",
    "Country",
    "MarketOptions",
    "MarketResult",
    "MarketSection",
    "country",
    "interview_arithmetic",
    "interview_claims",
    "interview_figures",
    "load_countries",
    "market_model",
    "market_section",
    "place_claims",
    "resolve_inputs",
    "resolve_market",
    "run_market",
]

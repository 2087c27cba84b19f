"""The ``[factory]`` scenario section: what a factory run needs, validated once.

Example::

    [factory]
    power = "2 GW"
    hardware = "gb200-nvl72"
    model = "deepseek-r1"
    interactivity = "50 tok/s"
    vs = "h100-sxm"                       # optional: compare at equal power
    electricity_price = { low = "40 USD/MWh", likely = "70 USD/MWh", high = "120 USD/MWh" }
    price = "2 USD/Mtok"                  # revenue per million output tokens (reference tier)
    price_curve = { interactivity = [5, 30, 50], multiplier = [0.5, 1, 2] }
    samples = 10000

Any cost input left out takes its catalog default (see :mod:`tokenfab.factory.defaults`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from tokenfab.factory.facility import SECONDS_PER_YEAR
from tokenfab.factory.pricing import check_price_curve
from tokenfab.scenario import Quantity, ScenarioSection, Uncertain, register_section
from tokenfab.uncertainty import Range

PRECISIONS = ("fp4", "fp8", "bf16", "native")


class PriceCurveSpec(ScenarioSection):
    """A price curve: multiplier on ``price`` versus interactivity [tok/s/user]."""

    interactivity: list[Quantity("token_rate", gt=0)]
    multiplier: list[float]
    source: str = "scenario file"

    @model_validator(mode="after")
    def _monotone(self) -> PriceCurveSpec:
        try:
            check_price_curve(self.interactivity, self.multiplier, field="price_curve")
        except Exception as e:  # re-raised as a pydantic error that names the field
            raise ValueError(str(e).removeprefix("price_curve.multiplier: ")
                             .removeprefix("price_curve: ")) from None
        return self


class ClaimCheck(ScenarioSection):
    """What claim a scenario tests, and how the verdict is read.

    ``capex_per_gw``: the claimed all-in capex per GW of site power lies in ``[low, high]``.
    ``revenue_ratio``: at equal power, ``hardware`` earns ``ratio`` x the revenue of ``vs``.
    ``free_challenger_loses``: ``vs`` (the challenger) loses to ``hardware`` even when free.
    """

    kind: Literal["capex_per_gw", "revenue_ratio", "free_challenger_loses"]
    low: Quantity("money_per_power", gt=0) | None = None
    high: Quantity("money_per_power", gt=0) | None = None
    ratio: float | None = None

    @model_validator(mode="after")
    def _needs(self) -> ClaimCheck:
        if self.kind == "capex_per_gw" and (self.low is None or self.high is None):
            raise ValueError("kind 'capex_per_gw' needs 'low' and 'high' (e.g. '50 BUSD/GW')")
        if self.kind == "revenue_ratio" and (self.ratio is None or self.ratio <= 0):
            raise ValueError("kind 'revenue_ratio' needs 'ratio' > 0 (e.g. 30)")
        return self


@register_section("factory")
class FactorySection(ScenarioSection):
    """Inputs of ``tokenfab factory`` (a scenario file's ``[factory]`` table)."""

    power: Quantity("power", gt=0)
    hardware: str
    model: str = "deepseek-r1"
    interactivity: Quantity("token_rate", gt=0) | None = None
    ttft_max: Quantity("time", gt=0) | None = None
    tpot_max: Quantity("time", gt=0) | None = None
    precision: str = "fp8"
    input_tokens: int = 1024
    output_tokens: int = 1024
    #: bypass the performance engine with a given (e.g. measured) throughput
    tokens_per_s_per_accelerator: Uncertain("token_rate", gt=0) | None = None
    throughput_factor: Uncertain("count", gt=0) = 1.0
    accelerator_price: Uncertain("money", ge=0) | None = None

    vs: str | None = None
    vs_tokens_per_s_per_accelerator: Uncertain("token_rate", gt=0) | None = None
    vs_throughput_factor: Uncertain("count", gt=0) = 1.0
    vs_accelerator_price: Uncertain("money", ge=0) | None = None

    #: bounded so that a bare number (read as USD per token) fails loudly: write "2 USD/Mtok"
    price: Uncertain("token_price", gt=0, le=1e-3) | None = None
    #: None: the sourced default curve (:data:`~tokenfab.factory.pricing.DEFAULT_PRICE_CURVE`)
    price_curve: PriceCurveSpec | None = None
    pue: Uncertain("count", ge=1, le=3) | None = None
    #: bounded at $2,000/MWh so that a bare number (read as USD per J) fails: write "80 USD/MWh"
    electricity_price: Uncertain("electricity_price", ge=0, le=2000 / 3.6e9) | None = None
    opex_nonenergy_per_year: Uncertain("money_per_power", ge=0) | None = None
    networking_cost: Uncertain("money_per_power", ge=0) | None = None
    power_cooling_cost: Uncertain("money_per_power", ge=0) | None = None
    building_cost: Uncertain("money_per_power", ge=0) | None = None
    life_it: Uncertain("time", gt=0) | None = None
    life_facility: Uncertain("time", gt=0) | None = None
    cost_of_capital: Uncertain("fraction", ge=0, lt=1) | None = None
    utilization: Uncertain("fraction", gt=0, le=1) | None = None

    samples: int = 0
    seed: int = 0
    check: ClaimCheck | None = None

    @field_validator("precision")
    @classmethod
    def _precision(cls, v: str) -> str:
        if v not in PRECISIONS:
            raise ValueError(f"must be one of {', '.join(PRECISIONS)}; got {v!r}")
        return v

    @field_validator("input_tokens", "output_tokens")
    @classmethod
    def _tokens(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"must be >= 1 token; got {v!r}")
        return v

    @field_validator("samples")
    @classmethod
    def _samples(cls, v: int) -> int:
        if v < 0 or v == 1:
            raise ValueError(f"must be 0 (no Monte Carlo) or >= 2; got {v!r}")
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"must be >= 0 (a NumPy seed); got {v!r}")
        return v

    @model_validator(mode="after")
    def _vs_fields(self) -> FactorySection:
        if self.vs is None:
            for name in ("vs_tokens_per_s_per_accelerator", "vs_accelerator_price"):
                if getattr(self, name) is not None:
                    raise ValueError(f"'{name}' needs 'vs' (the system to compare with)")
        return self


#: section field -> (model input name, factor from the section's SI unit to the model's unit)
COST_FIELDS: dict[str, tuple[str, float]] = {
    "pue": ("pue", 1.0),
    "electricity_price": ("electricity_usd_per_j", 1.0),
    "opex_nonenergy_per_year": ("opex_nonenergy_usd_per_it_w_year", 1.0),
    "networking_cost": ("networking_usd_per_it_w", 1.0),
    "power_cooling_cost": ("power_cooling_usd_per_it_w", 1.0),
    "building_cost": ("building_land_usd_per_it_w", 1.0),
    "life_it": ("life_it_years", 1.0 / SECONDS_PER_YEAR),
    "life_facility": ("life_facility_years", 1.0 / SECONDS_PER_YEAR),
    "cost_of_capital": ("cost_of_capital", 1.0),
    "utilization": ("utilization", 1.0),
    "price": ("price_usd_per_mtok", 1e6),
    "accelerator_price": ("accelerator_price_usd", 1.0),
}


def _scale(v: float | Range, k: float) -> float | Range:
    return v.scaled(k) if isinstance(v, Range) else float(v) * k


def cost_overrides(section: FactorySection, *, prefix: str = "") -> dict[str, Any]:
    """The section's cost inputs as model-input overrides (None where the default applies)."""
    out: dict[str, Any] = {}
    for field, (name, k) in COST_FIELDS.items():
        raw = getattr(section, (prefix + field) if field == "accelerator_price" else field)
        if raw is not None:
            out[name] = _scale(raw, k)
    return out

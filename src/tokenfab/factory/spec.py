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

The numeric fields (power, service level, prices, costs, lives, cost of capital, utilization,
the ``vs_`` system's throughput and price) are generated from
:data:`tokenfab.factory.inputs.FACTORY_INPUTS`; any left out takes its default there (a catalog
row, the accelerator's catalog entry, or a stated value, each with its source). Claims to grade
are ``[[claims]]`` tables at the top level of the file (:func:`tokenfab.claims.claims_from`) whose
``quantity`` is a ``tokenfab factory --json`` key; ``[factory.check]`` is the older way to name
one of three claims and is mapped onto a :class:`~tokenfab.claims.Claim`
(:func:`tokenfab.factory.verdict.claim_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationInfo, field_validator, model_validator

from tokenfab.errors import TokenfabError
from tokenfab.factory.inputs import FACTORY_INPUTS
from tokenfab.factory.pricing import check_price_curve
from tokenfab.inputs import MAX_SAMPLES
from tokenfab.perf.inputs import PREDICT_INPUTS
from tokenfab.scenario import ScenarioSection, register_section
from tokenfab.units import parse_quantity

PRECISIONS = ("fp4", "fp8", "bf16", "native")


def _positive(raw: Any, dimension: str) -> float:
    """A quantity in the dimension's SI unit, > 0 (a pydantic error otherwise)."""
    try:
        v = parse_quantity(raw, dimension)
    except TokenfabError as e:
        raise ValueError(str(e)) from None
    if v <= 0:
        raise ValueError(f"must be > 0; got {raw!r}")
    return v


class PriceCurveSpec(ScenarioSection):
    """A price curve: multiplier on ``price`` versus interactivity [tok/s/user]."""

    interactivity: list[float]
    multiplier: list[float]
    source: str = "scenario file"

    @field_validator("interactivity", mode="before")
    @classmethod
    def _rates(cls, v: Any) -> Any:
        return [_positive(x, "token_rate") for x in v] if isinstance(v, list) else v

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
    low: float | None = None
    high: float | None = None
    ratio: float | None = None

    @field_validator("low", "high", mode="before")
    @classmethod
    def _money_per_w(cls, v: Any) -> Any:
        return None if v is None else _positive(v, "money_per_power")

    @model_validator(mode="after")
    def _needs(self) -> ClaimCheck:
        if self.kind == "capex_per_gw" and (self.low is None or self.high is None):
            raise ValueError("kind 'capex_per_gw' needs 'low' and 'high' (e.g. '50 BUSD/GW')")
        if self.kind == "revenue_ratio" and (self.ratio is None or self.ratio <= 0):
            raise ValueError("kind 'revenue_ratio' needs 'ratio' > 0 (e.g. 30)")
        return self


class FactoryFields(ScenarioSection):
    """The non-numeric fields of ``[factory]`` (ids, precision, workload, price curve, Monte
    Carlo, the claim check); the numeric ones come from :data:`FACTORY_INPUTS`."""

    hardware: str
    model: str = "deepseek-r1"
    precision: str = "fp8"
    input_tokens: int = 1024
    output_tokens: int = 1024
    vs: str | None = None
    #: None: the sourced default curve (:data:`~tokenfab.factory.pricing.DEFAULT_PRICE_CURVE`)
    price_curve: PriceCurveSpec | None = None
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
    def _tokens(cls, v: int, info: ValidationInfo) -> int:
        # the engine's declared bounds (tokenfab.perf.inputs.PREDICT_INPUTS): a whole token to
        # the largest context / output the engine accepts
        top = PREDICT_INPUTS[str(info.field_name)].le or 1e9
        if not 1 <= v <= top:
            raise ValueError(f"must be a whole number of tokens from 1 to {top:,.0f}; got {v!r}")
        return v

    @field_validator("samples")
    @classmethod
    def _samples(cls, v: int) -> int:
        if v < 0 or v == 1 or v > MAX_SAMPLES:
            raise ValueError(f"must be 0 (no Monte Carlo) or 2 to {MAX_SAMPLES:,} draws (memory: "
                             f"a few dozen float64 arrays of that length); got {v!r}")
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"must be >= 0 (a NumPy seed); got {v!r}")
        return v

    @model_validator(mode="after")
    def _vs_fields(self) -> FactoryFields:
        if self.vs is None:
            for name in ("vs_tokens_per_s_per_accelerator", "vs_accelerator_price",
                         "vs_allin_power"):
                if getattr(self, name, None) is not None:
                    raise ValueError(f"'{name}' needs 'vs' (the system to compare with)")
        return self

    def numeric(self) -> dict[str, Any]:
        """The section's numeric inputs (None = take the default), by input name."""
        return {name: getattr(self, name) for name in FACTORY_INPUTS.names}


if TYPE_CHECKING:
    class FactorySection(FactoryFields):
        """``[factory]``: :class:`FactoryFields` plus one field per input of FACTORY_INPUTS."""

        def __getattr__(self, name: str) -> Any: ...
else:
    FactorySection = register_section("factory")(
        FACTORY_INPUTS.section_model(base=FactoryFields, name="FactorySection"))
    FactorySection.__doc__ = ("Inputs of ``tokenfab factory`` (a scenario file's ``[factory]`` "
                              "table): the fields of FactoryFields plus one per input of "
                              "tokenfab.factory.inputs.FACTORY_INPUTS.")

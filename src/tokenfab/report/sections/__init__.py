"""The report's sections, in order: one module per claim of the interview.

Each entry names the module (``tokenfab.report.sections.<module>``, exposing
``build(ctx) -> Section``), the heading, the claim in the interview's words, the library
modules it needs and the scenario files it runs. The list is static so a section whose
module cannot be imported yet still appears in the report, as "not available: <reason>".

The interview: BG2 Pod, "NVIDIA: OpenAI, Future of Compute, and the American Dream",
Jensen Huang with Bill Gurley and Brad Gerstner, 25-26 September 2025.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenfab.report.section import Source


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A registered section: where it lives and what it checks.

    ``module`` is a module name in :mod:`tokenfab.report.sections`, or a dotted absolute name.
    """

    key: str
    module: str
    title: str
    claim: str
    requires: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


INTERVIEW = Source("BG2 Pod: 'NVIDIA: OpenAI, Future of Compute, and the American Dream' "
                   "(Jensen Huang, Bill Gurley, Brad Gerstner; 25-26 Sept 2025)",
                   "https://www.youtube.com/watch?v=pE6sw_E9Gh0")

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "demand", "demand", "Inference demand and the three scaling laws",
        "Compute demand is driven by three scaling laws at once (pre-training, post-training "
        "with reinforcement learning, and inference-time thinking); inference alone is headed "
        "for something like a billion-fold increase.",
        ("tokenfab.demand",), ("three_scaling_laws.toml",)),
    SectionSpec(
        "market", "market", "The three market layers: from GDP to gigawatts",
        "About $50T of world GDP is paid to knowledge work; augmenting it with AI (say $10k of "
        "AI for a $100k employee) means ~$10T a year of token services, which at a 50% gross "
        "margin needs ~$5T a year of AI infrastructure; $3-4T a year by 2030.",
        ("tokenfab.market",), ("three_layers.toml",)),
    SectionSpec(
        "factory_2gw", "factory_2gw", "The 2 GW AI factory",
        "A data center is now an AI factory: its power is fixed, so its revenue is the tokens it "
        "makes per watt times what they sell for. A 2 GW factory is a business of tens of "
        "billions of dollars a year.",
        ("tokenfab.factory",), ("two_gw_factory.toml",)),
    SectionSpec(
        "perf_per_watt", "perf_per_watt", "2x performance per watt gives 2x revenue",
        "On a fixed power budget, twice the performance per watt is twice the revenue.",
        ("tokenfab.factory",), ("perf_per_watt_2x.toml",)),
    SectionSpec(
        "blackwell_30x", "blackwell_30x", "Blackwell ~30x Hopper",
        "Blackwell (GB200 NVL72) delivers about 30 times Hopper's (H100) inference throughput "
        "per GPU on a large reasoning MoE model at the same interactivity, hence ~30x the "
        "revenue from the same power.",
        ("tokenfab.perf", "tokenfab.factory"), ("blackwell_30x.toml", "blackwell_30x_revenue.toml")),
    SectionSpec(
        "free_asic", "free_asic", "Even a free ASIC is a bad deal",
        "Even if a competitor's chips were free, they would not be cheap enough: the power, "
        "building and other costs around them, and the revenue lost by lower tokens per watt, "
        "outweigh the price of the chip.",
        ("tokenfab.factory",), ("free_asic.toml",)),
    SectionSpec(
        "colossus2", "colossus2", "A 500,000-GPU site (Colossus 2)",
        "A 500k-GPU cluster is not 500k GPUs piled together: power, cooling, the network and "
        "stability at that scale all have to hold for it to be useful.",
        ("tokenfab.cluster",), ("colossus2.toml",)),
    SectionSpec(
        "users_x_compute", "users_x_compute", "Users x compute per user: rent or build",
        "The number of users and the compute each user consumes are both growing exponentially "
        "(a double exponential); renting cloud capacity alone cannot keep up, so labs like "
        "OpenAI build their own factories (Stargate, several GW with partners, 10 GW intent).",
        ("tokenfab.demand", "tokenfab.plan"), ("stargate.toml",)),
    SectionSpec(
        "cadence", "cadence", "The annual cadence and the falling cost per token",
        "An annual cadence of new systems (Hopper -> Blackwell -> Blackwell Ultra -> Rubin) "
        "keeps raising tokens per watt, so the cost per token keeps falling.",
        ("tokenfab.factory",), ()),
)


def spec(key: str) -> SectionSpec:
    """The registered section ``key`` (KeyError with the known keys otherwise)."""
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(f"unknown report section {key!r}; known: {', '.join(s.key for s in SECTIONS)}")

"""A site of N accelerators: power and cooling, network fabric, failures, checkpointing,
goodput and time to train.

Pure vectorized models live in :mod:`~tokenfab.cluster.power`,
:mod:`~tokenfab.cluster.network`, :mod:`~tokenfab.cluster.reliability`,
:mod:`~tokenfab.cluster.goodput`, :mod:`~tokenfab.cluster.simulate` and
:mod:`~tokenfab.perf.training`; :mod:`~tokenfab.cluster.site` wires them to the
``[cluster]`` scenario section. Every input, with its default and source, is declared once
in :mod:`~tokenfab.cluster.inputs`; what-if analyses live in :mod:`~tokenfab.cluster.sensitivity`.
"""

from tokenfab.cluster.goodput import daly_goodput, first_order_goodput, optimal_goodput
from tokenfab.cluster.network import Fabric, clos_fabric, design_fabric
from tokenfab.cluster.reliability import (
    daly_interval_s,
    expected_interruptions,
    job_mtbf_s,
    young_interval_s,
)
from tokenfab.cluster.simulate import SimulationResult, simulate_goodput
from tokenfab.perf.training import time_to_train_s, training_flops

__all__ = [
    "Fabric",
    "SimulationResult",
    "clos_fabric",
    "daly_goodput",
    "daly_interval_s",
    "design_fabric",
    "expected_interruptions",
    "first_order_goodput",
    "job_mtbf_s",
    "optimal_goodput",
    "simulate_goodput",
    "time_to_train_s",
    "training_flops",
    "young_interval_s",
]

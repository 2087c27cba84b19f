"""Compatibility for modules not yet on :data:`tokenfab.factory.inputs.FACTORY_INPUTS`.

The factory's inputs, defaults and sources are declared once, in :mod:`tokenfab.factory.inputs`;
this module only re-expresses them in the record type that ``plan`` and ``demand`` still import
(``Default``, ``OWN_DEFAULTS``, ``default_inputs``). Remove it once they read the InputSet.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.factory.inputs import FACTORY_INPUTS
from tokenfab.uncertainty import Range, likely

__all__ = ["OWN_DEFAULTS", "Default", "default_inputs"]


@dataclass(frozen=True, slots=True)
class Default:
    """One default input: its value (number or range), where it comes from, and its kind."""

    value: float | Range
    source: str
    kind: str = "estimate"  # spec | measured | estimate | derived | claim

    @property
    def likely(self) -> float:
        return likely(self.value)


def _own(name: str) -> Default:
    i = FACTORY_INPUTS[name]
    assert isinstance(i.default, (float, Range))
    return Default(i.default, i.source, i.kind)


#: the factory's own (not catalog) defaults, as ``Default`` records
OWN_DEFAULTS: dict[str, Default] = {n: _own(n) for n in ("cost_of_capital", "utilization")}


def default_inputs(hardware: Accelerator | str, catalog: Catalog | None = None,
                   ) -> dict[str, Default]:
    """Every defaulted factory input for ``hardware`` (SI, by input name), as ``Default``s."""
    cat = catalog if catalog is not None else load_catalog()
    res = FACTORY_INPUTS.resolve({"power": 1.0}, cat, {"hardware": (hardware if isinstance(hardware, Accelerator) else cat.hardware(hardware))})
    return {k: Default(v, res.sources[k].text, res.sources[k].kind)
            for k, v in res.values.items() if k != "power"}

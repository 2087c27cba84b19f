"""The sweep specification: which axes to cross and which model chain to run at each point.

A spec is a TOML file (format in ``docs/sweep.md``)::

    title = "Where each system wins"

    [sweep]
    chain = "perf-factory"        # perf | perf-factory | perf-factory-cluster
    samples = 0                   # Monte Carlo draws of the factory's uncertain inputs per point
    seed = 0

    [axes]
    hardware = "all"              # catalog ids, or "all"
    model = ["llama3.1-70b", "deepseek-r1"]
    precision = ["fp8", "native"] # fp4 | fp8 | bf16 | native, or "all"
    interactivity = { start = 10, stop = 200, num = 6, scale = "log" }   # tok/s/user
    workload = ["chat", "reasoning", "rag"]

    [economics]                   # factory inputs by their [factory] name
    power = "1 GW"
    electricity_price = ["40 USD/MWh", "70 USD/MWh", "120 USD/MWh"]   # a list is an axis

Everything is validated here, once: an unknown key, axis, hardware or model id, or a bad range
raises :class:`~tokenfab.errors.TokenfabError` naming the field (``axes.interactivity.num``).
The parsed :class:`SweepSpec` is plain, picklable data: it travels to Dask workers as is.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.schema import PRECISIONS
from tokenfab.errors import TokenfabError, did_you_mean, unknown
from tokenfab.perf.calibration import Calibration
from tokenfab.scenario import load_toml
from tokenfab.sweep.adapter import validate_economics
from tokenfab.uncertainty import Range
from tokenfab.units import parse_quantity

__all__ = ["CHAINS", "WORKLOADS", "Software", "SweepSpec", "Workload", "load_spec", "parse_spec"]

#: model chains a sweep can run at each point
CHAINS: tuple[str, ...] = ("perf", "perf-factory", "perf-factory-cluster")

#: precisions an axis may name (``native``: the narrowest the accelerator runs natively)
AXIS_PRECISIONS: tuple[str, ...] = (*PRECISIONS, "native")

#: the calibration fields a software generation may scale (floats of :class:`Calibration`)
SCALABLE_CALIBRATION: tuple[str, ...] = tuple(
    f for f, t in Calibration.__annotations__.items() if t == "float")

_TOP = ("title", "description", "sweep", "axes", "economics")
_SWEEP_KEYS = ("chain", "samples", "seed", "ttft_max", "catalog")
_AXES = ("hardware", "model", "precision", "interactivity", "workload", "software")
#: Monte Carlo draws per point are capped (a partition holds every draw of its points)
MAX_SAMPLES = 100_000


@dataclass(frozen=True, slots=True)
class Workload:
    """A request shape: mean prompt and output tokens."""

    name: str
    input_tokens: int
    output_tokens: int


#: named workloads: the input/output sequence-length pairs of SemiAnalysis InferenceMAX
#: (2025; https://inferencemax.semianalysis.com): chat 1k/1k, reasoning 1k/8k, RAG 8k/1k
WORKLOADS: dict[str, Workload] = {
    "chat": Workload("chat", 1024, 1024),
    "reasoning": Workload("reasoning", 1024, 8192),
    "rag": Workload("rag", 8192, 1024),
}


@dataclass(frozen=True, slots=True)
class Software:
    """A software generation: multipliers on the hardware family's calibration constants.

    ``scale`` maps calibration fields (``compute_eff``, ``mem_eff``, ...) to factors; an
    empty ``scale`` is the engine's own calibration (MLPerf Inference v5.x era).
    """

    name: str
    scale: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the axes, the chain and the economics (SI values).

    Attributes
    ----------
    hardware, model : tuple of str
        Catalog ids; one partition of the results store per (hardware, model) pair.
    precision : tuple of str
        ``fp4``, ``fp8``, ``bf16`` or ``native``.
    interactivity : tuple of float
        Service levels [tok/s/user]: each point is the best throughput at >= this.
    workload, software : tuples of :class:`Workload`, :class:`Software`
    chain : str
        One of :data:`CHAINS`.
    samples, seed : int
        Monte Carlo draws of the factory's uncertain inputs at each point (0: likely values).
    ttft_max_s : float or None
        p99 time-to-first-token limit [s].
    economics_fixed : dict
        Factory inputs (``[factory]`` names) with one value or a :class:`Range` (sampled).
    economics_axes : dict
        Factory inputs swept over a list of values (SI).
    catalog_files : tuple of str
        User catalog files (resolved paths) the workers load.
    """

    hardware: tuple[str, ...]
    model: tuple[str, ...]
    precision: tuple[str, ...] = ("fp8",)
    interactivity: tuple[float, ...] = (20.0, 50.0)
    workload: tuple[Workload, ...] = (WORKLOADS["chat"],)
    software: tuple[Software, ...] = (Software("default"),)
    chain: str = "perf"
    samples: int = 0
    seed: int = 0
    ttft_max_s: float | None = None
    economics_fixed: dict[str, float | Range] = field(default_factory=dict)
    economics_axes: dict[str, tuple[float, ...]] = field(default_factory=dict)
    catalog_files: tuple[str, ...] = ()
    title: str = ""

    @property
    def uses_factory(self) -> bool:
        return self.chain != "perf"

    @property
    def draws(self) -> int:
        """Rows per point and economics combination (1 without Monte Carlo)."""
        return max(1, self.samples) if self.uses_factory else 1

    def economics_combinations(self) -> list[dict[str, float]]:
        """The cartesian product of the economics axes (one empty dict when there are none)."""
        if not self.uses_factory or not self.economics_axes:
            return [{}]
        names = list(self.economics_axes)
        return [dict(zip(names, vals, strict=True))
                for vals in itertools.product(*(self.economics_axes[n] for n in names))]

    def partitions(self) -> list[tuple[str, str]]:
        """(hardware, model) pairs: one task and one Parquet file each."""
        return [(h, m) for h in self.hardware for m in self.model]

    def points_per_partition(self) -> int:
        """Rows each partition writes."""
        return (len(self.workload) * len(self.precision) * len(self.software)
                * len(self.interactivity) * len(self.economics_combinations()) * self.draws)

    def total_points(self) -> int:
        return self.points_per_partition() * len(self.partitions())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, canonical (the manifest stores it; its hash identifies the sweep)."""
        def val(v: float | Range) -> Any:
            return ({"low": v.low, "likely": v.likely, "high": v.high, "dist": v.dist}
                    if isinstance(v, Range) else v)

        return {
            "title": self.title,
            "chain": self.chain, "samples": self.samples, "seed": self.seed,
            "ttft_max_s": self.ttft_max_s,
            "axes": {
                "hardware": list(self.hardware), "model": list(self.model),
                "precision": list(self.precision), "interactivity": list(self.interactivity),
                "workload": [{"name": w.name, "input_tokens": w.input_tokens,
                              "output_tokens": w.output_tokens} for w in self.workload],
                "software": [{"name": s.name, "scale": dict(s.scale)} for s in self.software],
            },
            "economics": {"fixed": {k: val(v) for k, v in sorted(self.economics_fixed.items())},
                          "axes": {k: list(v) for k, v in sorted(self.economics_axes.items())}},
            "catalog_files": list(self.catalog_files),
        }

    def digest(self) -> str:
        """sha256 of the canonical spec (what ``--resume`` checks against the manifest)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def catalog(self) -> Catalog:
        """The catalog this sweep runs against (built-in plus its user files)."""
        return load_catalog(list(self.catalog_files), use_env=False)


# ------------------------------------------------------------------------------------------
# parsing
# ------------------------------------------------------------------------------------------
def _unknown_key(key: str, allowed: Sequence[str], where: str) -> TokenfabError:
    guess = did_you_mean(key, allowed)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return TokenfabError(f"unknown key '{key}'{hint} (allowed: {', '.join(allowed)})",
                         field=f"{where}.{key}" if where else key)


def _check_keys(table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for k in table:
        if k not in allowed:
            raise _unknown_key(k, allowed, where)


def _table(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    t = data.get(name, {})
    if not isinstance(t, dict):
        raise TokenfabError(f"must be a table, got {type(t).__name__}", field=name)
    return t


def _ids(raw: Any, field_name: str, known: Sequence[str], kind: str) -> tuple[str, ...]:
    if raw == "all":
        return tuple(known)
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items or not all(isinstance(x, str) for x in items):
        raise TokenfabError(f"must be \"all\" or a non-empty list of {kind} ids, got {raw!r}",
                            field=field_name, value=raw)
    for x in items:
        if x not in known:
            raise unknown(kind, x, known, field=field_name)
    if len(set(items)) != len(items):
        raise TokenfabError("lists an id twice", field=field_name, value=raw)
    return tuple(items)


def _precisions(raw: Any) -> tuple[str, ...]:
    if raw == "all":
        return PRECISIONS
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise TokenfabError(f"must be \"all\" or a non-empty list of {', '.join(AXIS_PRECISIONS)}",
                            field="axes.precision", value=raw)
    for p in items:
        if p not in AXIS_PRECISIONS:
            raise unknown("precision", str(p), AXIS_PRECISIONS, field="axes.precision")
    return tuple(dict.fromkeys(items))


def _number_range(raw: Mapping[str, Any], where: str, dimension: str) -> tuple[float, ...]:
    """``{start, stop, num, scale}`` -> values (``scale`` linear or log; ``num`` >= 1)."""
    _check_keys(raw, ("start", "stop", "num", "scale"), where)
    for k in ("start", "stop", "num"):
        if k not in raw:
            raise TokenfabError("missing required key", field=f"{where}.{k}")
    start = parse_quantity(raw["start"], dimension, field=f"{where}.start")
    stop = parse_quantity(raw["stop"], dimension, field=f"{where}.stop")
    num = raw["num"]
    if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= 10_000:
        raise TokenfabError(f"must be a whole number in [1, 10000], got {num!r}",
                            field=f"{where}.num", value=num)
    scale = raw.get("scale", "linear")
    if scale not in ("linear", "log"):
        raise unknown("scale", str(scale), ("linear", "log"), field=f"{where}.scale")
    if stop < start:
        raise TokenfabError(f"stop ({stop:g}) must be >= start ({start:g})",
                            field=f"{where}.stop", value=raw["stop"])
    if num == 1:
        return (start,)
    if scale == "log":
        if start <= 0:
            raise TokenfabError(f"a log range needs start > 0, got {start:g}",
                                field=f"{where}.start", value=raw["start"])
        step = (math.log(stop) - math.log(start)) / (num - 1)
        vals = [math.exp(math.log(start) + i * step) for i in range(num)]
        vals[-1] = stop
        return tuple(vals)
    return tuple(start + (stop - start) * i / (num - 1) for i in range(num))


def _interactivity(raw: Any) -> tuple[float, ...]:
    where = "axes.interactivity"
    if isinstance(raw, dict):
        vals = _number_range(raw, where, "token_rate")
    elif isinstance(raw, list) and raw:
        vals = tuple(parse_quantity(x, "token_rate", field=f"{where}[{i}]")
                     for i, x in enumerate(raw))
    else:
        vals = (parse_quantity(raw, "token_rate", field=where),)
    for i, v in enumerate(vals):
        if not v > 0:
            raise TokenfabError(f"must be > 0 tok/s/user, got {v:g}", field=f"{where}[{i}]",
                                value=v)
    return tuple(sorted(set(vals)))


def _tokens(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10_000_000:
        raise TokenfabError(f"must be a whole number of tokens in [1, 1e7], got {raw!r}",
                            field=where, value=raw)
    return raw


def _workloads(raw: Any) -> tuple[Workload, ...]:
    where = "axes.workload"
    items = [raw] if isinstance(raw, (str, dict)) else raw
    if raw == "all":
        items = list(WORKLOADS)
    if not isinstance(items, list) or not items:
        raise TokenfabError("must be a workload name, \"all\" or a non-empty list of names "
                            "and {name, input_tokens, output_tokens} tables", field=where, value=raw)
    out: list[Workload] = []
    for i, w in enumerate(items):
        if isinstance(w, str):
            if w not in WORKLOADS:
                raise unknown("workload", w, WORKLOADS, field=f"{where}[{i}]")
            out.append(WORKLOADS[w])
        elif isinstance(w, dict):
            _check_keys(w, ("name", "input_tokens", "output_tokens"), f"{where}[{i}]")
            for k in ("name", "input_tokens", "output_tokens"):
                if k not in w:
                    raise TokenfabError("missing required key", field=f"{where}[{i}].{k}")
            if not isinstance(w["name"], str) or not w["name"]:
                raise TokenfabError("must be a non-empty string", field=f"{where}[{i}].name")
            out.append(Workload(w["name"], _tokens(w["input_tokens"], f"{where}[{i}].input_tokens"),
                                _tokens(w["output_tokens"], f"{where}[{i}].output_tokens")))
        else:
            raise TokenfabError(f"must be a name or a table, got {w!r}", field=f"{where}[{i}]")
    names = [w.name for w in out]
    if len(set(names)) != len(names):
        raise TokenfabError(f"names a workload twice: {names}", field=where)
    return tuple(out)


def _software(raw: Any) -> tuple[Software, ...]:
    where = "axes.software"
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        raise TokenfabError("must be a non-empty list of {name, scale = {field = factor}} tables",
                            field=where, value=raw)
    out: list[Software] = []
    for i, s in enumerate(items):
        w = f"{where}[{i}]"
        if not isinstance(s, dict):
            raise TokenfabError(f"must be a table, got {s!r}", field=w)
        _check_keys(s, ("name", "scale"), w)
        name = s.get("name")
        if not isinstance(name, str) or not name:
            raise TokenfabError("must be a non-empty string", field=f"{w}.name", value=name)
        scale = s.get("scale", {})
        if not isinstance(scale, dict):
            raise TokenfabError("must be a table of calibration field = factor", field=f"{w}.scale")
        _check_keys(scale, SCALABLE_CALIBRATION, f"{w}.scale")
        for k, v in scale.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 10:
                raise TokenfabError(f"must be a factor in (0, 10], got {v!r}",
                                    field=f"{w}.scale.{k}", value=v)
        out.append(Software(name, tuple(sorted((k, float(v)) for k, v in scale.items()))))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise TokenfabError(f"names a software generation twice: {names}", field=where)
    return tuple(out)


def _int(raw: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not lo <= raw <= hi:
        raise TokenfabError(f"must be a whole number in [{lo}, {hi}], got {raw!r}",
                            field=where, value=raw)
    return raw


def parse_spec(data: Mapping[str, Any], *, catalog_files: Sequence[str] = (),
               file: str | None = None, base_dir: Path | None = None) -> SweepSpec:
    """Validate a spec given as a mapping (the TOML document).

    ``catalog_files`` (e.g. the CLI's ``--catalog``) are loaded after the spec's own
    ``sweep.catalog`` files; the workers load the same list.

    Raises
    ------
    TokenfabError
        Naming the field (``axes.hardware``, ``economics.pue[1]``, ...), the value and what
        is allowed.
    """
    try:
        return _parse(data, catalog_files, base_dir or Path.cwd())
    except TokenfabError as e:
        if file and not e.file:
            err = TokenfabError(str(e), value=e.value, file=file)
            err.field = e.field
            raise err from None
        raise


def _parse(data: Mapping[str, Any], extra_files: Sequence[str], base_dir: Path) -> SweepSpec:
    _check_keys(data, _TOP, "")
    sw = _table(data, "sweep")
    _check_keys(sw, _SWEEP_KEYS, "sweep")
    chain = sw.get("chain", "perf")
    if chain not in CHAINS:
        raise unknown("chain", str(chain), CHAINS, field="sweep.chain")
    samples = _int(sw.get("samples", 0), "sweep.samples", 0, MAX_SAMPLES)
    if samples == 1:
        raise TokenfabError("must be 0 (likely values) or >= 2 draws, got 1", field="sweep.samples",
                            value=1)
    seed = _int(sw.get("seed", 0), "sweep.seed", 0, 2**32 - 1)
    ttft = sw.get("ttft_max")
    ttft_s = None if ttft is None else parse_quantity(ttft, "time", field="sweep.ttft_max")
    if ttft_s is not None and not ttft_s > 0:
        raise TokenfabError(f"must be > 0 s, got {ttft!r}", field="sweep.ttft_max", value=ttft)
    files_raw = sw.get("catalog", [])
    files_raw = [files_raw] if isinstance(files_raw, str) else files_raw
    if not isinstance(files_raw, list) or not all(isinstance(f, str) for f in files_raw):
        raise TokenfabError("must be a file name or a list of file names", field="sweep.catalog")
    files = tuple(str((base_dir / f).resolve()) for f in files_raw) + tuple(
        str(Path(f).resolve()) for f in extra_files)
    for f in files:
        if not Path(f).is_file():
            raise TokenfabError("catalog file not found", field="sweep.catalog", value=f)
    cat = load_catalog(list(files), use_env=False)

    axes = _table(data, "axes")
    _check_keys(axes, _AXES, "axes")
    for k in ("hardware", "model"):
        if k not in axes:
            raise TokenfabError("missing required axis (a list of ids or \"all\")", field=f"axes.{k}")
    hardware = _ids(axes["hardware"], "axes.hardware", cat.hardware_ids, "accelerator")
    model = _ids(axes["model"], "axes.model", cat.model_ids, "model")
    precision = _precisions(axes.get("precision", ["fp8"]))
    inter = _interactivity(axes.get("interactivity", [20.0, 50.0]))
    workload = _workloads(axes.get("workload", ["chat"]))
    software = _software(axes["software"]) if "software" in axes else (Software("default"),)

    econ = _table(data, "economics")
    if econ and chain == "perf":
        raise TokenfabError("the perf chain runs no economics; use chain = \"perf-factory\" or "
                            "remove [economics]", field="economics")
    fixed, ax = validate_economics(econ, hardware[0], model[0])
    if chain != "perf" and "power" not in fixed and "power" not in ax:
        fixed["power"] = 1e9  # 1 GW: a round reference site (results scale with it)
    title = data.get("title", "")
    if not isinstance(title, str):
        raise TokenfabError("must be a string", field="title")
    return SweepSpec(hardware=hardware, model=model, precision=precision, interactivity=inter,
                     workload=workload, software=software, chain=chain, samples=samples,
                     seed=seed, ttft_max_s=ttft_s, economics_fixed=fixed, economics_axes=ax,
                     catalog_files=files, title=title)


def load_spec(path: str | Path, catalog_files: Sequence[str] = ()) -> SweepSpec:
    """Read and validate a spec file (``catalog_files``: extra user catalog files)."""
    p = Path(path)
    data = load_toml(p)
    return parse_spec(data, catalog_files=catalog_files, file=str(p),
                      base_dir=p.resolve().parent)

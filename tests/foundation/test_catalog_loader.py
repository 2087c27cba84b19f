"""The catalog loader: shipped data, user TOML entries and overrides, and bad input."""

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenfab.catalog import load_catalog
from tokenfab.catalog.schema import ACCELERATOR_FIELDS, MODEL_FIELDS
from tokenfab.cli import main
from tokenfab.errors import TokenfabError

REQUIRED_HW = ["h100-sxm", "h200-sxm", "b200", "b300", "gb200-nvl72", "gb300-nvl72", "vr200-nvl144",
               "mi300x", "mi325x", "mi355x", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-v7", "trainium2",
               "gaudi2", "gaudi3"]
REQUIRED_MODELS = ["llama2-70b", "llama3.1-8b", "llama3.1-70b", "llama3.1-405b", "mixtral-8x7b",
                   "deepseek-v3", "deepseek-r1", "gpt-moe-1.8t", "gpt-oss-120b", "gpt-j-6b",
                   "qwen3-235b-a22b"]


def test_every_required_id_is_shipped_with_sources():
    cat = load_catalog(use_env=False)
    for hid in REQUIRED_HW:
        a = cat.hardware(hid)
        for f in ACCELERATOR_FIELDS:
            v = getattr(a, f.name)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and f.name != "scaleup_domain_size" \
                    and f.name != "accelerators_per_system":
                assert math.isfinite(v)
                assert f.name in a.provenance, f"{hid}.{f.name} has no source"
                assert a.provenance[f.name].source.strip()
                assert a.provenance[f.name].kind in ("spec", "measured", "estimate", "derived")
    for mid in REQUIRED_MODELS:
        m = cat.model(mid)
        assert m.layers > 0 and m.provenance


def test_units_are_si_h100():
    """H100 SXM: 989 TFLOP/s BF16 dense, 80 GB, 3.35 TB/s, 450 GB/s NVLink one way, 700 W
    (NVIDIA H100 datasheet)."""
    a = load_catalog(use_env=False).hardware("h100-sxm")
    assert a.bf16_dense_flops_per_s == pytest.approx(989e12, rel=1e-3)
    assert a.fp8_dense_flops_per_s == pytest.approx(1979e12, rel=1e-3)
    assert a.fp4_dense_flops_per_s is None
    assert a.hbm_capacity_bytes == pytest.approx(80e9)
    assert a.hbm_bw_bytes_per_s == pytest.approx(3.35e12)
    assert a.scaleup_bw_bytes_per_s_unidir == pytest.approx(450e9)
    assert a.tdp_w == 700
    assert a.peak_flops_per_s("fp4") == a.fp8_dense_flops_per_s  # no FP4 units: runs at FP8 rate


def test_unknown_ids_suggest_the_closest():
    cat = load_catalog(use_env=False)
    with pytest.raises(TokenfabError) as e:
        cat.hardware("h1000")
    assert "unknown accelerator 'h1000'; did you mean 'h100-sxm'?" in str(e.value)
    with pytest.raises(TokenfabError, match="did you mean 'llama3.1-70b'"):
        cat.model("llama3-70b")


def _user(tmp_path, text, name="user.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_user_entry_added_and_override_reported(tmp_path, capsys):
    p = _user(tmp_path, """
[[accelerator]]
id = "my-asic"
base = "h100-sxm"
name = "Hopper-like ASIC"
family = "hopper"
price_usd = { value = 5000, kind = "estimate", source = "https://example.org/quote" }

[[accelerator]]
id = "h100-sxm"
base = "h100-sxm"
hbm_bw_bytes_per_s = "4 TB/s"

[[model]]
id = "tiny"
base = "llama3.1-8b"
layers = 2
""")
    cat = load_catalog([p], use_env=False)
    a = cat.hardware("my-asic")
    assert a.price_usd == 5000 and a.provenance["price_usd"].kind == "estimate"
    assert a.bf16_dense_flops_per_s == cat.hardware("h100-sxm").bf16_dense_flops_per_s
    assert cat.hardware("h100-sxm").hbm_bw_bytes_per_s == 4e12
    assert cat.hardware("h100-sxm").provenance["hbm_bw_bytes_per_s"].kind == "user"
    assert cat.model("tiny").layers == 2
    assert any("overrides the shipped entry" in o for o in cat.overrides)
    # the CLI reports the override and shows the user entry
    assert main(["--catalog", str(p), "catalog", "show", "my-asic", "--json"]) == 0
    out = capsys.readouterr()
    rec = json.loads(out.out)
    assert rec["id"] == "my-asic" and rec["sources"]["price_usd"]["kind"] == "estimate"
    assert "overrides the shipped entry" in out.err


def test_env_var_catalog(tmp_path, monkeypatch):
    p = _user(tmp_path, '[[model]]\nid = "envmodel"\nbase = "llama2-70b"\n')
    monkeypatch.setenv("TOKENFAB_CATALOG", str(p))
    assert load_catalog().model("envmodel").layers == 80


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\ntdp_w = -5', ["accelerator[x].tdp_w", "must be > 0", "-5"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nhbm_bw_bytes_per_s = "3 TQ/s"', ["unknown unit"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nhbm_bandwidth = 1', ["unknown field 'hbm_bandwidth'", "did you mean 'hbm_bw_bytes_per_s'"]),
        ('[[accelerator]]\nid = "x"\nbase = "h1000"', ["unknown accelerator 'h1000'", "did you mean 'h100-sxm'"]),
        ('[[accelerator]]\nid = "x"\nname = "no base"', ["accelerator[x].", "missing required value"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nfamily = "volta"', ["family must be one of"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nallin_power_w = 100', ["must be >= tdp_w"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nscaleup_domain_size = 2.5', ["whole number"]),
        ('[[accelerator]]\nid = "x"\nbase = "h100-sxm"\nprice_usd = { value = 1, kind = "rumour" }', ["kind must be one of"]),
        ('[[accelerator]]\nbase = "h100-sxm"', ["missing 'id'"]),
        ('[[model]]\nid = "m"\nbase = "llama2-70b"\nattention_type = "sparse"', ["attention_type must be one of"]),
        ('[[model]]\nid = "m"\nbase = "mixtral-8x7b"\nmoe_top_k = 9', ["moe_top_k (9) must be <= moe_experts (8)"]),
        ('[[model]]\nid = "m"\nbase = "llama2-70b"\nkv_heads = 7', ["multiple of kv_heads"]),
        ('[[models]]\nid = "m"', ["unknown section 'models'", "did you mean 'model'"]),
        ('[[model]\nid = "m"', ["not valid TOML"]),
    ],
)
def test_bad_user_catalog_is_named_and_exits_2(tmp_path, capsys, text, fragments):
    p = _user(tmp_path, text)
    with pytest.raises(TokenfabError) as e:
        load_catalog([p], use_env=False)
    for f in fragments:
        assert f in str(e.value), str(e.value)
    assert str(p) in str(e.value)
    assert main(["--catalog", str(p), "catalog", "hardware"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


_FIELDS = [f.name for f in ACCELERATOR_FIELDS if f.name not in ("id",)]
_values = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=10), st.booleans(), st.lists(st.integers(), max_size=2))


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v) if not isinstance(v, list) else "[" + ", ".join(map(str, v)) + "]"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(_FIELDS + ["bogus_field"]), _values, min_size=1, max_size=3))
def test_fuzzed_user_accelerators_give_clear_errors_or_valid_finite_entries(tmp_path, entry):
    body = '[[accelerator]]\nid = "fz"\nbase = "h100-sxm"\n' + "\n".join(
        f"{k} = {_toml_value(v)}" for k, v in entry.items())
    p = _user(tmp_path, body, "fuzz.toml")
    try:
        cat = load_catalog([p], use_env=False)
    except TokenfabError as e:
        assert "fuzz.toml" in str(e)
        return
    a = cat.hardware("fz")
    for f in ACCELERATOR_FIELDS:
        v = getattr(a, f.name)
        if isinstance(v, float):
            assert math.isfinite(v)
            if f.minimum is not None:
                assert v > f.minimum if f.exclusive_minimum else v >= f.minimum


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from([f.name for f in MODEL_FIELDS if f.name != "id"]), _values,
                       min_size=1, max_size=3))
def test_fuzzed_user_models_give_clear_errors_or_valid_entries(tmp_path, entry):
    body = '[[model]]\nid = "fm"\nbase = "deepseek-v3"\n' + "\n".join(
        f"{k} = {_toml_value(v)}" for k, v in entry.items())
    p = _user(tmp_path, body, "fuzzm.toml")
    try:
        cat = load_catalog([p], use_env=False)
    except TokenfabError as e:
        assert "fuzzm.toml" in str(e)
        return
    m = cat.model("fm")
    assert m.layers >= 1 and m.vocab_size >= 1


def test_assumption_ranges_written_as_text_are_read_as_ranges():
    """Rows published as 'low-high' (e.g. GB300 NVL72 rack 120-135 kW, kept in as_published)
    are stored as low / value / high in SI."""
    a = load_catalog(use_env=False).cluster["power.gb300_nvl72_rack"]
    assert (a.low, a.value, a.high) == (120e3, 127.5e3, 135e3)  # SI: W
    assert "formula.young" not in load_catalog(use_env=False).cluster  # formulas are not values

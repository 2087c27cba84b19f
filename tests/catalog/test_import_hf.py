"""``tokenfab catalog import-hf``: public configs reproduce their published parameter counts.

The fixtures are public ``config.json`` files (trimmed to the architecture keys); where each
one and each published count comes from is in ``fixtures/hf/SOURCES.md``. The published
counts below are the labs' own numbers, not outputs of this code, so these tests can fail.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.cli import main
from tokenfab.errors import TokenfabError
from tokenfab.importers.hf import ARCHITECTURES, import_hf
from tokenfab.perf.params import param_counts

HF = Path(__file__).parent / "fixtures" / "hf"

#: fixture -> (published total, published active or None, active convention, source)
PUBLISHED: dict[str, tuple[float, float | None, str, str]] = {
    "llama-3.1-8b-instruct": (8.0e9, None, "active", "Meta Llama 3.1 model card: 8B"),
    "mistral-7b-instruct-v0.1": (7.3e9, None, "active", "Mistral AI announcement: 7.3B"),
    "qwen3-8b": (8_190_735_360, None, "active", "keras-hub qwen3_8b_en params"),
    "qwen3-30b-a3b": (30.5e9, 3.3e9, "active", "Qwen3-30B-A3B model card: 30.5B / 3.3B"),
    "mixtral-8x7b-instruct-v0.1": (46.7e9, 12.9e9, "active", "arXiv:2401.04088: 46.7B / 12.9B"),
    "deepseek-v2-lite-chat": (15.7e9, 2.4e9, "excl_input_embedding",
                              "DeepSeek-V2-Lite model card: 15.7B / 2.4B"),
    "deepseek-v3": (671e9, 37e9, "excl_input_embedding", "DeepSeek-V3 README_WEIGHTS: 671B / 37B"),
    "gpt-oss-20b": (20.9e9, 3.6e9, "excl_input_embedding", "gpt-oss model card: 20.9B / 3.6B"),
    "glm-4.5-air": (106e9, 12e9, "excl_embeddings", "transformers Glm4Moe docs: 106B / 12B"),
    "kimi-k2-instruct": (1.04e12, 32e9, "excl_input_embedding", "Kimi K2 report: 1.04T / 32B"),
    "llama-4-scout-17b-16e": (109e9, 17e9, "active", "Meta Llama 4 blog: 109B / 17B"),
}
TOTAL_TOL = 0.02
#: active counts follow each lab's own convention (see tests/test_params.py); looser
ACTIVE_TOL = 0.05


def test_fixtures_cover_eight_architectures() -> None:
    archs = {json.loads((HF / f / "config.json").read_text())["architectures"][0]
             for f in PUBLISHED}
    assert len(archs) >= 8, archs
    assert archs <= set(ARCHITECTURES)
    assert all((HF / f).is_dir() for f in PUBLISHED)
    sources = (HF / "SOURCES.md").read_text()
    assert all(f"`{f}`" in sources for f in PUBLISHED)


@pytest.mark.parametrize("fixture", sorted(PUBLISHED))
def test_import_reproduces_published_total(fixture: str) -> None:
    total, _, _, ref = PUBLISHED[fixture]
    res = import_hf(HF / fixture, fixture)
    derived = param_counts(res.model).total
    assert abs(derived / total - 1) <= TOTAL_TOL, (
        f"{fixture}: derived {derived / 1e9:.3f}B vs published {total / 1e9:.3f}B ({ref})")


@pytest.mark.parametrize("fixture", sorted(f for f, v in PUBLISHED.items() if v[1]))
def test_import_reproduces_published_active(fixture: str) -> None:
    _, active, convention, ref = PUBLISHED[fixture]
    c = param_counts(import_hf(HF / fixture, fixture).model)
    derived = {"active": c.active, "excl_input_embedding": c.active_excl_input_embedding,
               "excl_embeddings": c.active_excl_embeddings}[convention]
    assert abs(derived / active - 1) <= ACTIVE_TOL, (
        f"{fixture} ({convention}): {derived / 1e9:.3f}B vs {active / 1e9:.3f}B ({ref})")


def test_every_field_is_sourced_to_the_file() -> None:
    res = import_hf(HF / "deepseek-v3", "dsv3")
    for k, v in res.values.items():
        if k == "id" or v is None:
            continue
        p = res.provenance[k]
        assert p.source == res.config_file or k == "name", (k, p)
        assert p.kind in ("spec", "derived", "user"), (k, p)
    assert res.provenance["layers"].note == "config.json 'num_hidden_layers'"
    assert res.values["mtp_layers"] == 1 and res.values["moe_dense_layers"] == 3
    assert res.values["attention_type"] == "mla" and res.values.get("kv_heads") is None


def test_architecture_specific_mappings() -> None:
    oss = import_hf(HF / "gpt-oss-20b", "oss").values
    assert (oss["sliding_window_tokens"], oss["sliding_window_layers"]) == (128, 12)
    scout = import_hf(HF / "llama-4-scout-17b-16e", "scout").values
    assert scout["moe_shared_experts"] == 1 and scout["moe_dense_layers"] == 0
    assert (scout["sliding_window_tokens"], scout["sliding_window_layers"]) == (8192, 36)
    lite = import_hf(HF / "deepseek-v2-lite-chat", "lite").values
    assert lite.get("mla_q_lora_rank") is None and lite["moe_shared_experts"] == 2
    mistral = import_hf(HF / "mistral-7b-instruct-v0.1", "m").values
    assert (mistral["sliding_window_tokens"], mistral["sliding_window_layers"]) == (4096, 32)


def test_maverick_interleaved_moe_counts_dense_layers(tmp_path: Path) -> None:
    """Maverick shape (interleave step 2, 128 experts): 400B published (Meta Llama 4 blog)."""
    cfg = json.loads((HF / "llama-4-scout-17b-16e" / "config.json").read_text())
    t = cfg["text_config"]
    t.update(num_local_experts=128, interleave_moe_layer_step=2)
    del t["moe_layers"]
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    res = import_hf(tmp_path, "mav")
    assert res.values["moe_dense_layers"] == 24
    assert res.values["moe_dense_ffn_size"] == 16384
    assert abs(param_counts(res.model).total / 400e9 - 1) <= TOTAL_TOL


def test_checkpoint_size_check() -> None:
    res = import_hf(HF / "llama-3.1-8b-instruct", "l8")
    c = res.checkpoint
    assert c is not None and c.bytes_per_weight == 2.0 and not c.approximate
    assert c.total_size_bytes == 16_060_522_496
    assert c.rel_diff == pytest.approx(0.0, abs=1e-9)  # 8,030,261,248 weights exactly


def test_published_counts_need_a_source() -> None:
    with pytest.raises(TokenfabError, match="params-source"):
        import_hf(HF / "qwen3-8b", "q", total_params=8.2e9)
    res = import_hf(HF / "qwen3-8b", "q", total_params=8.2e9, params_source="https://x.org")
    assert res.provenance["total_params_published"].kind == "spec"


def test_unknown_architecture_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "architectures": ["FalconH1ForCausalLM"], "hidden_size": 1024, "num_hidden_layers": 4,
        "mamba_d_state": 16, "num_local_experts": 4}))
    with pytest.raises(TokenfabError) as e:
        import_hf(tmp_path, "f")
    msg = str(e.value)
    assert "FalconH1ForCausalLM" in msg and "config.json" in msg
    assert "attention_heads" in msg and "vocab_size" in msg  # fields it could not map
    assert "mamba_d_state" in msg and "num_local_experts" in msg  # keys not understood


@pytest.mark.parametrize(("content", "needle"), [
    (None, "file not found"),
    ("{not json", "not valid JSON"),
    ('{"architectures": ["LlamaForCausalLM"], "hidden_size": 64}', "required keys missing"),
    ('{"architectures": ["Qwen2ForCausalLM"], "use_sliding_window": true}', "use_sliding_window"),
])
def test_bad_input_exits_2_without_traceback(tmp_path: Path, capsys, content, needle) -> None:
    if content is not None:
        (tmp_path / "config.json").write_text(content)
    target = tmp_path / "config.json"
    assert main(["catalog", "import-hf", str(target), "--id", "x"]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_cli_writes_a_catalog_that_loads(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine.toml"
    assert main(["catalog", "import-hf", str(HF / "qwen3-30b-a3b"), "--id", "qwen3-30b-a3b-x",
                 "--total-params", "30.5e9", "--active-params", "3.3e9",
                 "--params-source", "https://huggingface.co/Qwen/Qwen3-30B-A3B",
                 "--source-date", "2025-04-29", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "derived 30.532B" in err and "published total 30.500B" in err
    tomllib.loads(out.read_text())
    m = load_catalog([out], use_env=False).model("qwen3-30b-a3b-x")
    assert m.moe_experts == 128 and m.provenance["layers"].kind == "spec"
    assert m.provenance["layers"].date == "2025-04-29"
    assert m.provenance["total_params_published"].source == "https://huggingface.co/Qwen/Qwen3-30B-A3B"

"""docs/nomenclature.md lists exactly the fields of the result types (generated, checked)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import tokenfab
from tokenfab.report.nomenclature import RESULT_TYPES, markdown, unit_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "nomenclature.md"


def test_page_is_generated_from_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- BEGIN generated: tokenfab\.report\.nomenclature\.markdown\(\) -->\n"
                  r"(.*?)\n<!-- END generated -->", text, re.S)
    assert m, "the generated block is missing"
    assert m.group(1) == markdown(), "rerun: python scripts/gen_docs.py"


def test_every_field_is_on_the_page_and_every_name_on_the_page_is_a_field() -> None:
    text = DOC.read_text(encoding="utf-8")
    for _, cls in RESULT_TYPES:
        fields = {f.name for f in dataclasses.fields(cls)}
        block = text.split(f"### `{cls.__name__}`", 1)[1].split("\n### ", 1)[0]
        listed = set(re.findall(r"^\| `(\w+)` \|", block, re.M))
        assert listed == fields, cls.__name__


def test_every_model_result_with_to_frame_is_listed() -> None:
    """A new result type (a frozen dataclass with to_dict and to_frame in a model package)
    must be added to the page."""
    listed = {cls for _, cls in RESULT_TYPES}
    missing = []
    for m in pkgutil.walk_packages(tokenfab.__path__, "tokenfab."):
        if m.name.split(".")[1] in ("cli", "report", "app", "sweep"):
            continue
        mod = importlib.import_module(m.name)
        for obj in vars(mod).values():
            if (inspect.isclass(obj) and dataclasses.is_dataclass(obj)
                    and obj.__module__ == mod.__name__ and hasattr(obj, "to_dict")
                    and hasattr(obj, "to_frame") and obj not in listed):
                missing.append(f"{mod.__name__}.{obj.__name__}")
    assert not missing, missing


def test_units_are_read_from_names() -> None:
    assert unit_of("capex_usd") == "USD"
    assert unit_of("it_power_w") == "W"
    assert unit_of("revenue_usd_per_year") == "USD per year"
    assert unit_of("output_tokens_per_s") == "tokens/s"
    assert unit_of("gross_margin") == ""

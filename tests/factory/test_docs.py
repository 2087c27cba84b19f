"""docs/factory.md: the defaults table is the one generated from FACTORY_INPUTS."""

from __future__ import annotations

from pathlib import Path

from tokenfab.factory.inputs import inputs_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "factory.md"


def test_defaults_table_in_the_docs_is_generated_from_the_input_set() -> None:
    text = DOC.read_text(encoding="utf-8")
    begin = "<!-- BEGIN generated: tokenfab.factory.inputs.inputs_table() -->\n"
    end = "\n<!-- END generated -->"
    table = text[text.index(begin) + len(begin):text.index(end)]
    assert table == inputs_table(), "rerun: python -c 'from tokenfab.factory.inputs import " \
        "inputs_table; print(inputs_table())' and paste it into docs/factory.md"

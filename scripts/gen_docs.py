"""Regenerate the generated blocks of the docs (defaults tables, the nomenclature page).

    python scripts/gen_docs.py          # rewrites docs/*.md in place

A block is ``<!-- BEGIN generated: module.function() -->`` ... ``<!-- END generated -->``; its
content is the function's return value. Tests check each block equals the function's output,
so the docs cannot drift from the declarations.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"(<!-- BEGIN generated: ([\w.]+)\(\) -->\n)(.*?)\n?(<!-- END generated -->)",
                   re.S)


def render(call: str) -> str:
    module, _, func = call.rpartition(".")
    return str(getattr(importlib.import_module(module), func)())


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + render(m.group(2)) + "\n" + m.group(4), text)


def main() -> None:
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = regenerate(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"regenerated {path.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()

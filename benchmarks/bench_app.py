"""Benchmark: the dashboard's response to an input change, measured in a real headless browser.

Target (issue 15): <= 1 s from changing an input to the frontier or factory tab showing the
new number. Prints, for each control, the seconds until the number on screen changed, first
with a value not seen before (computed) and then returning to the previous value (cached).

Run: ``python benchmarks/bench_app.py`` (needs /usr/bin/chromium, playwright, streamlit).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "report"))

from report_browser import browser_page, time_to_update  # noqa: E402

from tokenfab.app.server import running_app  # noqa: E402

TARGET_S = 1.0


def main() -> None:
    errors: list[str] = []
    rows: list[tuple[str, float, float]] = []
    with running_app(timeout_s=90) as url, browser_page(errors) as page:
        page.goto(url)
        page.get_by_text("Download the results (JSON)").wait_for(timeout=120_000)

        def metric(tab: str, label: str) -> object:
            page.get_by_role("tab", name=tab).click()
            loc = page.get_by_role("tabpanel", name=tab).locator(
                '[data-testid="stMetric"]', has_text=label).locator(
                '[data-testid="stMetricValue"]').first
            loc.wait_for(timeout=60_000)
            page.wait_for_function("(el) => /\\d/.test(el.innerText)",
                                   arg=loc.element_handle(), timeout=60_000)
            return loc

        def typed(label: str, value: str) -> object:
            def go() -> None:
                box = page.get_by_label(label)
                box.fill(value)
                box.press("Enter")
            return go

        cases = [
            ("electricity price -> factory TCO", "Factory P&L", "TCO per year",
             "Electricity [USD/MWh]", "150", None),
            ("site power -> factory accelerators", "Factory P&L", "Accelerators",
             "Site power [MW]", "1500", None),
            ("output tokens -> frontier tokens/s per GPU", "Frontier", "tokens/s per GPU",
             "Output tokens", "2048", None),
        ]
        for name, tab, label, control, value, _ in cases:
            loc = metric(tab, label)
            old = page.get_by_label(control).input_value()
            t_new = time_to_update(page, typed(control, value), loc)
            t_back = time_to_update(page, typed(control, old), loc)
            rows.append((name, t_new, t_back))
            print(f"  {name}: {t_new:.2f} s computed, {t_back:.2f} s back to the old value",
                  flush=True)
        # the market inputs apply with a form: one recompute per "Apply"
        loc = metric("Market layers", "Layer 3")
        page.get_by_text("Market and cluster", exact=True).click()

        def apply_market() -> None:
            box = page.get_by_label("Knowledge-work GDP [USD trillion]")
            box.fill("80")
            page.get_by_role("button", name="Apply market and cluster inputs").click()

        rows.append(("knowledge-work GDP (form, Apply) -> market layer 3",
                     time_to_update(page, apply_market, loc), float("nan")))
    print(f"dashboard response to one input change (target <= {TARGET_S:g} s on the frontier "
          "and factory tabs)")
    print(f"{'control -> number on screen':55s} {'computed':>9s} {'cached':>8s}")
    for name, a, b in rows:
        back = "-" if b != b else f"{b:7.2f}s"
        print(f"{name:55s} {a:8.2f}s {back:>8s}")
    if errors:
        print(f"console errors: {errors}")


if __name__ == "__main__":
    main()

"""The landscape of a sweep directory (``tokenfab report --sweep DIR``).

Not one of the interview's claims: the section tests the question a sweep answers, "does one
system win everywhere?", against the sweep's own results (winner per model x interactivity,
computed in DuckDB by :func:`tokenfab.sweep.landscape`).
"""

from __future__ import annotations

from pathlib import Path

from tokenfab.report.context import ReportContext
from tokenfab.report.figures.sweep import distribution_figure, winner_heatmap
from tokenfab.report.section import Row, Section, Table, Verdict
from tokenfab.report.sections import SectionSpec
from tokenfab.sweep import landscape

SPEC = SectionSpec(
    "sweep", "sweep", "The landscape of a sweep: where each system wins",
    "One system wins everywhere: it is the best choice for every model at every interactivity.",
    ("tokenfab.sweep",))


def build(ctx: ReportContext) -> Section:
    directory = Path(ctx.extras["sweep_dir"])
    land = landscape(directory)
    w = land.winners
    counts = w["winner"].value_counts()
    top, wins = str(counts.index[0]), int(counts.iloc[0])
    share = wins / len(w)
    verdict = (Verdict.SUPPORTED if share == 1 else
               Verdict.PARTLY if share >= 0.5 else Verdict.NOT_SUPPORTED)
    better = "lowest" if land.lower_is_better else "highest"
    reason = (f"{top} has the {better} median {land.metric} in {wins} of {len(w)} "
              f"(model, interactivity) cells; {len(counts)} systems win at least one")
    rows = [Row(f"cells won by {s}", int(n), "", "") for s, n in counts.items()]
    rows.append(Row("median margin of the winner over the runner-up",
                    float(w["margin"].median()), "x"))
    table = w.rename(columns={"interactivity_target": "interactivity [tok/s/user]",
                              "best": f"median {land.metric}"})
    figs = [ctx.figure("winner per model x interactivity", winner_heatmap, land,
                       caption=f"workload {land.workload}, software {land.software}; text: "
                       "the winner and its margin over the runner-up"),
            ctx.figure(f"{land.metric} by system", distribution_figure, land)]
    return Section(SPEC.key, SPEC.title, SPEC.claim, verdict, reason=reason + ".",
                   assumption=f"medians over the sweep's Monte Carlo draws and economics axes "
                   f"of the best precision of each system; sweep directory {directory}",
                   rows=rows, tables=[Table("winners", table)], figures=figs)

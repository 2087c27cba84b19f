"""What a section gets to build itself: the catalog, the scenario folder, sampling settings."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenfab.errors import TokenfabError
from tokenfab.report.section import FigureData

#: where the interview's scenarios live, relative to a checkout (or the working directory)
SCENARIO_SUBDIR = Path("scenarios") / "interview"


def default_scenario_dir() -> Path:
    """``scenarios/interview`` of the working directory, else of the source checkout.

    Raises
    ------
    TokenfabError
        If neither exists (an installed package without the repository): pass ``--scenarios``.
    """
    candidates = [Path.cwd() / SCENARIO_SUBDIR,
                  Path(__file__).resolve().parents[3] / SCENARIO_SUBDIR]
    for c in candidates:
        if c.is_dir():
            return c
    raise TokenfabError("cannot find the interview scenarios (looked in "
                        + ", ".join(str(c) for c in candidates) + "); pass --scenarios DIR",
                        field="scenarios")


@dataclass
class ReportContext:
    """Shared inputs of every section.

    Attributes
    ----------
    catalog
        The :class:`tokenfab.catalog.Catalog` (with any user files merged in).
    scenario_dir
        Folder of the interview scenarios (``scenarios/interview``).
    samples
        Monte Carlo draws per uncertain output (kept modest so the report builds quickly).
    seed
        Random seed of every Monte Carlo run (the report is reproducible).
    explicit
        Which of ``samples`` / ``seed`` the user gave (``tokenfab report --samples N``): those
        win over a scenario file's own; otherwise a section that runs a scenario file runs it
        with the file's ``samples`` / ``seed``, exactly as ``tokenfab <command> FILE`` does
        (one scenario, one answer: :meth:`draws`).
    """

    catalog: Any
    scenario_dir: Path
    samples: int = 2000
    seed: int = 0
    explicit: frozenset[str] = frozenset()
    figure_dpi: int = 110
    extras: dict[str, Any] = field(default_factory=dict)

    def draws(self, section: Any) -> tuple[int, int]:
        """``(samples, seed)`` to run a scenario file's section with: the report's own where the
        user set them, else the file's (what the CLI runs on that file), else the report's."""
        given: set[str] = set(getattr(section, "model_fields_set", ()))
        samples = self.samples
        if "samples" not in self.explicit and "samples" in given and section.samples is not None:
            samples = int(section.samples)
        seed = self.seed
        if "seed" not in self.explicit and "seed" in given and section.seed is not None:
            seed = int(section.seed)
        return samples, seed

    def scenario(self, name: str) -> Path:
        """Path of ``scenario_dir/name``; a missing file is a :class:`TokenfabError`."""
        p = self.scenario_dir / name
        if not p.is_file():
            raise TokenfabError(f"scenario file {name} not found in {self.scenario_dir} "
                                "(the --scenarios folder)",
                                field="scenario", value=name)
        return p

    def figure(self, title: str, draw: Callable[..., Any], /, *args: Any, caption: str = "",
               **kwargs: Any) -> FigureData:
        """Call ``draw(*args, **kwargs)`` -> a matplotlib Figure (or PNG bytes) and render it.

        A failing chart does not take its section down: it becomes a placeholder with the error.
        """
        from tokenfab.report.figures import to_png

        try:
            fig = draw(*args, **kwargs)
            png = fig if isinstance(fig, bytes) else to_png(fig, dpi=self.figure_dpi)
            return FigureData(title, png, caption)
        except ImportError as e:
            return FigureData(title, None, caption, error=f"plotting needs matplotlib ({e})")
        except Exception as e:  # a chart failing is reported, not fatal
            tb = traceback.extract_tb(e.__traceback__)[-1]
            return FigureData(title, None, caption,
                              error=f"{type(e).__name__}: {e} ({Path(tb.filename).name}:{tb.lineno})")

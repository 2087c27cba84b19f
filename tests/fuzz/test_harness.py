"""The harness itself: discovery, classification, the allow-list, the last-resort net."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from tests.fuzz import harness as H
from tests.fuzz import strategies as S
from tokenfab.cli import _net_message, main


def _help_commands(argv: list[str]) -> set[str]:
    """The command names ``tokenfab ... --help`` lists (independent of the introspection)."""
    out = subprocess.run([sys.executable, "-c", "import sys; from tokenfab.cli import main; "
                          "sys.exit(main(sys.argv[1:]))", *argv, "--help"],
                         capture_output=True, text=True, check=True).stdout
    block = out.split("Commands:", 1)[1] if "Commands:" in out else ""
    return {m.group(1) for m in re.finditer(r"^  (\S+)", block, re.M)}


def test_discovery_finds_every_command_and_flag() -> None:
    keys = {c.key for c in S.commands()}
    top = _help_commands([])
    groups = {c.path[0] for c in H.discover() if c.has_subcommands and len(c.path) == 1}
    for name in top - groups:
        assert name in keys, name
    for g in groups:
        for sub in _help_commands([g]):
            assert f"{g} {sub}" in keys
    factory = S.command_index()["factory"]
    flags = {o for opt in factory.options for o in opt.opts}
    assert {"--power", "--hardware", "--json"} <= flags
    # every option gets a pool of values (no option is skipped by the generator)
    for cmd in S.commands():
        for opt in cmd.options:
            assert opt.is_flag or S.values_for(cmd, opt), (cmd.key, opt.name)


def _o(rc: int | None, out: str = "", err: str = "", **kw: object) -> H.Outcome:
    return H.Outcome(rc=rc, stdout=out, stderr=err, seconds=0.1, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("case", "outcome", "cls"), [
    (H.Case(argv=("factory", "--json")), _o(0, '{"a": 1.5}'), "ok"),
    (H.Case(argv=("factory", "--json")), _o(0, '{"a": NaN}'), "nonfinite"),
    (H.Case(argv=("factory", "--json")), _o(0, '{"a": Infinity}'), "nonfinite"),
    (H.Case(argv=("factory",)), _o(0, "profit  nan USD"), "nonfinite"),
    (H.Case(argv=("factory",)), _o(0, "tokens inf/s"), "nonfinite"),
    (H.Case(argv=("factory",)), _o(0, "a ratio of 'infinity' is not a throughput; inference"),
     "ok"),
    (H.Case(argv=("factory", "--power", "-1"), targets=("--power",), absurd=True), _o(0),
     "absurd_accepted"),
    (H.Case(argv=("factory", "--power", "-1"), targets=("--power",), absurd=True),
     _o(0, err="warning: --power -1 W is outside the plausible range"), "ok"),
    (H.Case(argv=("factory", "--power", "x"), targets=("--power",)),
     _o(2, err="error: --power: cannot parse 'x'"), "rejected"),
    (H.Case(argv=("factory", "--power", "x"), targets=("--power",)),
     _o(2, err="error: something went wrong"), "vague"),
    (H.Case(argv=("factory", "--power", "x"), targets=("--power",)), _o(2), "vague"),
    (H.Case(argv=("factory", "--samples", "9"), targets=("--samples",)),
     _o(2, err="error: factory: --samples 9 too large for memory"), "net"),
    (H.Case(argv=("factory",)), _o(None, exc_type="KeyError", exc_where="x.py:f"), "traceback"),
    (H.Case(argv=("factory",)), _o(1, err="Traceback (most recent call last):\n..."),
     "traceback"),
    (H.Case(argv=("factory",)), _o(1, err="aborted"), "bad_exit"),
    (H.Case(argv=("factory",)), _o(None, timed_out=True), "hang"),
    (H.Case(argv=("factory",)), _o(None, exc_type="MemoryError", exc_where="x"), "resource"),
    (H.Case(argv=("factory",)), _o(None, died="worker died (exit -9)"), "resource"),
])
def test_classify(case: H.Case, outcome: H.Outcome, cls: str) -> None:
    assert H.classify(case, outcome)[0] == cls


def test_pool_runs_cases_and_survives_a_hang(tmp_path: Path) -> None:
    """A case over the limit is a hang (the SIGALRM in the worker), and the pool goes on."""
    cases = [H.Case(argv=("catalog", "hardware", "--json")),
             H.Case(argv=("factory", "--power", "x", "--hardware", "h100-sxm"),
                    targets=("--power",)),
             H.Case(api="predict", api_args="(('llama2-70b', 'h100-sxm'), {})")]
    with H.Pool(workers=1, limit_s=20, scratch=tmp_path) as pool:
        res = pool.run(cases)
    assert [r.cls for r in res] == ["ok", "rejected", "ok"]
    with H.Pool(workers=1, limit_s=0.001, grace_s=5, scratch=tmp_path / "b") as pool:
        hung = pool.run([H.Case(argv=("pareto", "--model", "llama2-70b", "--hardware",
                                      "h100-sxm"))])
    assert hung[0].cls == "hang"


def test_known_failures_parse(tmp_path: Path) -> None:
    known = H.load_known(Path(H.__file__).with_name("known_failures.txt"))  # may be empty
    for k in known:
        assert k.why and k.cls in H.FAIL
    p = tmp_path / "k.txt"
    p.write_text("# the format's header\n\n# why: an example\nvague | vague predict: * | "
                 "predict --count 0\n")
    (k,) = H.load_known(p)
    assert (k.cls, k.pattern, k.why, k.line) == ("vague", "vague predict: *", "why: an example", 4)
    assert k.reproducer.argv == ("predict", "--count", "0")
    p.write_text("traceback | * | factory\n")
    with pytest.raises(ValueError, match="why"):
        H.load_known(p)
    p.write_text("# why\nexplodes | * | factory\n")
    with pytest.raises(ValueError, match="class"):
        H.load_known(p)


def test_api_reproducer_syntax() -> None:
    c = H.parse_reproducer("api predict(None, 'h100-sxm', count=nan)")
    args, kwargs = H.api_eval(c.api_args)
    assert args == (None, "h100-sxm") and kwargs["count"] != kwargs["count"]
    c = H.parse_reproducer("factory --power '2 GW' --json")
    assert c.argv == ("factory", "--power", "2 GW", "--json") and c.targets == ("--power",
                                                                                 "--json")


def test_case_json_round_trip_and_command() -> None:
    c = H.Case(argv=("--catalog", "{c.toml}", "catalog", "show", "fz"),
               files=(("c.toml", "x"),), targets=("a",), note="n")
    assert H.Case.from_json(json.loads(json.dumps(c.to_json()))) == c
    assert c.command == "catalog show"
    assert H.Case(argv=("factory", "--power", "1")).command == "factory"


@pytest.mark.parametrize(("exc", "argv", "fragments"), [
    (MemoryError(), ["factory", "--samples", "10000000"],
     ["factory", "--samples 10000000 too large for memory"]),
    (MemoryError(), ["--catalog", "x.toml", "cluster"], ["cluster", "too large for memory"]),
    (OverflowError("math range error"), ["cluster", "--days", "1e308"],
     ["cluster: input out of range", "OverflowError"]),
    (FloatingPointError("overflow encountered"), ["demand"], ["demand: input out of range"]),
    (RecursionError(), ["plan"], ["plan: recursion too deep"]),
])
def test_net_message(exc: BaseException, argv: list[str], fragments: list[str]) -> None:
    msg = _net_message(exc, argv)
    for f in fragments:
        assert f in msg, msg


def test_main_nets_a_memory_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() turns a MemoryError of a command into exit 2 with the run size, no traceback."""
    import tokenfab.catalog as catalog

    def boom(*a: object, **k: object) -> object:
        raise MemoryError

    monkeypatch.setattr(catalog, "load_catalog", boom)
    monkeypatch.setattr("tokenfab.cli.common.load_catalog", boom)
    err = io.StringIO()
    with redirect_stderr(err):
        rc = main(["catalog", "hardware", "--json"])
    assert rc == 2
    assert "too large for memory" in err.getvalue() and "Traceback" not in err.getvalue()

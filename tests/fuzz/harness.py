"""The fuzzing harness: discover the CLI, run a case, classify what happened.

* :func:`discover` walks the typer/click app (``typer.main.get_command(tokenfab.cli.app)``)
  and returns every command path with its options, so a new command or flag is fuzzed
  without editing this file. :func:`api_functions` does the same for the Python API
  (``tokenfab.predict`` / ``tokenfab.pareto`` and their signatures).
* A :class:`Case` is one invocation: CLI ``argv`` (with ``{name}`` placeholders for files the
  case writes first: scenario TOML, user catalog, validate CSV) or one API call.
* :class:`Pool` runs cases in-process in forked workers (``tokenfab.cli.main(argv)`` with
  stdout/stderr captured), each case under a wall-clock limit (``SIGALRM`` raising
  :class:`Timeout`; a worker that does not come back within the limit plus a grace is killed
  and the case is a hang) and a memory limit (``RLIMIT_AS`` in the worker). :func:`run_subprocess`
  runs a case as the real console script, to check the real exit code and that nothing leaks.
* :func:`classify` sorts an outcome into :data:`CLASSES`.

The harness is test code: it never edits the package.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import io
import json
import math
import multiprocessing as mp
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: every class an outcome can get; the first two are passes
CLASSES = (
    "ok",               # exit 0 (with --json: strict JSON, every number finite)
    "rejected",         # exit 2, one message on stderr naming the flag/field
    "net",              # exit 2 from main()'s last-resort net (MemoryError, overflow...): a
                        # declared bound is missing in the model; listed so it gets one
    "vague",            # exit 2 but the message names neither the flag/field nor the value
    "absurd_accepted",  # exit 0 on a clearly absurd value (negative, 1e308, nan...) with no
                        # warning on stderr
    "nonfinite",        # exit 0 with NaN/inf in the output (or --json output that is not JSON)
    "traceback",        # an exception escaped main() / exit 1 with a Python traceback
    "bad_exit",         # any other exit code (1 without traceback, 3, ...)
    "hang",             # over the wall-clock limit
    "resource",         # MemoryError escaping, or the worker died (killed, segfault)
)
PASS = frozenset({"ok", "rejected"})
#: classes that are failures of the target (0 wanted)
FAIL = tuple(c for c in CLASSES if c not in PASS)

#: the marker main()'s last-resort net puts in its messages (tokenfab.cli.main)
NET_MARKERS = ("input out of range", "too large for memory", "recursion too deep")

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- discovery of the CLI ----

@dataclass(frozen=True)
class Opt:
    """One option or argument of a command, as the harness needs it."""

    name: str                 # the Python parameter name (``electricity_price``)
    opts: tuple[str, ...]     # ``('--electricity-price',)``; empty for an argument
    secondary: tuple[str, ...]  # ``('--aggregated',)`` of a ``--x/--y`` flag
    kind: str                 # bool | int | float | str | path | list
    is_flag: bool
    multiple: bool
    required: bool
    argument: bool
    help: str
    metavar: str
    nargs: int = 1
    min: float | None = None
    max: float | None = None

    @property
    def flag(self) -> str:
        return self.opts[0] if self.opts else self.name


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]     # ('catalog', 'show')
    options: tuple[Opt, ...]
    has_subcommands: bool

    @property
    def key(self) -> str:
        return " ".join(self.path)


def _kind(p: Any) -> str:
    ann = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if ann is not None:
        text = getattr(ann, "__name__", str(ann))
        if "list" in str(ann).lower() or getattr(p, "multiple", False):
            return "list"
        if text in ("bool", "int", "float", "str"):
            return text
        if "Path" in text:
            return "path"
        return "str"
    t = getattr(p, "type", None)  # plain click
    name = getattr(t, "name", "text")
    return {"boolean": "bool", "integer": "int", "float": "float", "path": "path",
            "integer range": "int", "float range": "float"}.get(name, "str")


def _opt(p: Any) -> Opt:
    argument = type(p).__name__.endswith("Argument")
    return Opt(
        name=str(p.name), opts=() if argument else tuple(p.opts),
        secondary=tuple(getattr(p, "secondary_opts", ()) or ()), kind=_kind(p),
        is_flag=bool(getattr(p, "is_flag", False)), multiple=bool(getattr(p, "multiple", False)),
        required=bool(p.required), argument=argument, help=str(getattr(p, "help", "") or ""),
        metavar=str(getattr(p, "metavar", "") or ""), nargs=int(getattr(p, "nargs", 1) or 1),
        min=getattr(p, "min", None), max=getattr(p, "max", None))


def root_command() -> Any:
    import typer

    import tokenfab.cli as cli

    cli._register_all()
    return typer.main.get_command(cli.app)


def discover() -> list[Command]:
    """Every command path of the app (the root included, as ``()``), with its options."""
    out: list[Command] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None) or {}
        params = tuple(_opt(p) for p in cmd.params if p.name != "help")
        out.append(Command(path, params, bool(subs)))
        for name, sub in sorted(subs.items()):
            if not getattr(sub, "hidden", False):
                walk(sub, (*path, name))

    walk(root_command(), ())
    return out


def api_functions() -> dict[str, list[tuple[str, bool]]]:
    """The public API functions (``tokenfab.__all__``) -> [(parameter, has_default)]."""
    import inspect

    import tokenfab

    funcs: dict[str, list[tuple[str, bool]]] = {}
    for name in getattr(tokenfab, "__all__", []):
        f = getattr(tokenfab, name)
        if callable(f):
            sig = inspect.signature(f)
            funcs[name] = [(p.name, p.default is not inspect.Parameter.empty)
                           for p in sig.parameters.values()]
    return funcs


_KEYS: set[str] = set()


def command_keys() -> set[str]:
    """The command paths of the app (``factory``, ``catalog show``), discovered once."""
    if not _KEYS:
        _KEYS.update(c.key for c in discover() if c.path)
    return _KEYS


_FLAGS: set[str] = set()


def all_flags() -> set[str]:
    """Every ``--flag`` of the app (a rejection naming one names a field)."""
    if not _FLAGS:
        _FLAGS.update(o for c in discover() for p in c.options for o in (*p.opts, *p.secondary)
                      if o.startswith("--"))
    return _FLAGS


#: names an API case's argument text may use beyond literals
API_NAMES = {"nan": float("nan"), "inf": float("inf"), "__builtins__": {}}


def api_eval(text: str) -> Any:
    """Evaluate an API case's ``((args), {kwargs})`` text (literals, nan, inf, ``10**9``)."""
    return eval(text, dict(API_NAMES))  # noqa: S307 - the harness's own generated text


# ---------------------------------------------------------------------------- cases ----

@dataclass(frozen=True)
class Case:
    """One fuzz case: a CLI invocation or an API call.

    ``argv`` may hold ``{name}`` placeholders, replaced by the path of ``files[name]``
    (written into the worker's scratch folder before the run). ``targets`` are the flags or
    fields the case fuzzes (a rejection must name one of them, or its value); ``absurd``
    says a value is outside any physical sense (negative, 1e308, nan, ...): accepting it
    silently is a finding.
    """

    argv: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()      # (name, content); name's suffix is kept
    api: str = ""                                # "predict" / "pareto" for an API case
    api_args: str = ""                           # repr of (args, kwargs) for an API case
    targets: tuple[str, ...] = ()
    absurd: bool = False
    note: str = ""                               # what was mutated (file cases)
    origin: str = "cli"                          # cli | scenario | catalog | csv | api | path

    @property
    def command(self) -> str:
        """The command path the case runs (``factory``, ``catalog show``, ``api.predict``)."""
        if self.api:
            return f"api.{self.api}"
        argv = list(self.argv)
        while argv[:1] == ["--catalog"]:
            argv = argv[2:]
        keys = command_keys()
        for n in (2, 1):
            k = " ".join(argv[:n])
            if k in keys:
                return k
        return argv[0] if argv else ""

    def label(self) -> str:
        """A one-line form: what allow-list patterns match and reproducers use."""
        if self.api:
            return f"api {self.api}{self.api_args}"
        text = shlex.join(self.argv)
        if self.note:
            text += f"  ## {self.note}"
        return text

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["label"] = self.label()
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Case:
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for k in ("argv", "targets"):
            d[k] = tuple(d.get(k, ()))
        d["files"] = tuple(tuple(x) for x in d.get("files", ()))
        return cls(**d)


@dataclass
class Outcome:
    rc: int | None
    stdout: str
    stderr: str
    seconds: float
    exc_type: str = ""
    exc_where: str = ""       # innermost tokenfab frame: file:function
    tb: str = ""
    died: str = ""            # the worker died: signal / reason
    timed_out: bool = False


@dataclass
class Result:
    case: Case
    cls: str
    outcome: Outcome
    why: str = ""

    @property
    def signature(self) -> str:
        """What groups equal failures: class, command, exception and where, or the message."""
        o = self.outcome
        if o.exc_type:
            return f"{self.cls} {self.case.command}: {o.exc_type} at {o.exc_where}"
        if self.cls in ("absurd_accepted", "hang", "resource"):
            what = ", ".join(t for t in self.case.targets if t.startswith("-") or "." in t)
            return f"{self.cls} {self.case.command}: {what or self.case.note or self.why}"
        msg = o.stderr.strip().splitlines()[-1] if o.stderr.strip() else self.why
        return f"{self.cls} {self.case.command}: {_shape(msg)}"

    def record(self) -> dict[str, Any]:
        return {"label": self.case.label(), "class": self.cls, "command": self.case.command,
                "signature": self.signature, "seconds": round(self.outcome.seconds, 3),
                "rc": self.outcome.rc, "why": self.why,
                "message": _tail(self.outcome.stderr, 600) if self.cls != "ok" else "",
                "case": self.case.to_json()}


def _tail(text: str, n: int = 200) -> str:
    return text.strip()[-n:]


def _shape(msg: str) -> str:
    """A message with its numbers, quoted values and paths blanked (for grouping)."""
    msg = msg.strip().splitlines()[0] if msg.strip() else ""
    msg = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", msg)
    msg = re.sub(r"(/[\w.\-]+)+", "PATH", msg)
    msg = re.sub(r"[-+]?\d[\d.,eE+\-]*", "N", msg)
    return msg[:90]


# ---------------------------------------------------------------- classification ----

# a NaN or inf printed as a number (not the word in quotes or prose: "a ratio of 'infinity'")
_NONFINITE_TEXT = re.compile(r"(?<![\w.'\"])[-+]?(nan|inf)(?![\w'\"])", re.IGNORECASE)


def _strict_json(text: str) -> Any:
    def bad(c: str) -> Any:
        raise ValueError(f"non-finite JSON constant {c}")

    return json.loads(text, parse_constant=bad)


def _finite_tree(x: Any) -> bool:
    if isinstance(x, float):
        return math.isfinite(x)
    if isinstance(x, dict):
        return all(_finite_tree(v) for v in x.values())
    if isinstance(x, list | tuple):
        return all(_finite_tree(v) for v in x)
    return True


def _names(case: Case) -> list[str]:
    """The words a good rejection of ``case`` mentions, one of: a fuzzed flag or field (or
    its bare name), or a value of the argv (a path, an id, a number as typed)."""
    words: list[str] = [a for a in case.argv if "{" not in a and len(a.strip()) >= 2]
    for t in case.targets:
        words.append(t)
        bare = t.lstrip("-").split(".")[-1].split("[")[0]
        words += [bare, bare.replace("-", "_"), bare.replace("_", " "), bare.replace("-", " ")]
    return [w for w in words if len(w) >= 2]


def classify(case: Case, o: Outcome) -> tuple[str, str]:
    """(class, why) of one outcome; see :data:`CLASSES`."""
    err = o.stderr
    if o.timed_out:
        return "hang", f"over the time limit ({o.seconds:.1f} s)"
    if o.died:
        return "resource", o.died
    if o.exc_type in ("MemoryError", "_ArrayMemoryError"):
        return "resource", f"{o.exc_type} escaped"
    if o.exc_type:
        return "traceback", f"{o.exc_type} at {o.exc_where}"
    if "Traceback (most recent call last)" in err:
        return "traceback", "a traceback on stderr"
    if o.rc == 0:
        if "--json" in case.argv or case.api:
            body = o.stdout.strip()
            if body:
                try:
                    data = _strict_json(body)
                except ValueError as e:
                    return "nonfinite", f"--json output is not strict JSON: {str(e)[:80]}"
                if not _finite_tree(data):
                    return "nonfinite", "a non-finite number in the JSON"
        elif _NONFINITE_TEXT.search(o.stdout):
            m = _NONFINITE_TEXT.search(o.stdout)
            assert m is not None
            line = o.stdout[max(0, m.start() - 40):m.end() + 20].replace("\n", " ")
            return "nonfinite", f"'{m.group(0)}' in the output: …{line}…"
        if case.absurd and not re.search(r"warn|implausible|outside", err, re.IGNORECASE):
            return "absurd_accepted", "an absurd value accepted without a warning"
        return "ok", ""
    if o.rc == 2:
        low = err.lower()
        if any(m in low for m in NET_MARKERS):
            return "net", _shape(err)
        if not err.strip():
            return "vague", "exit 2 with nothing on stderr"
        names = _names(case)
        named_flag = any(f in all_flags() for f in re.findall(r"--[a-z][\w-]*", err))
        if case.targets and not named_flag and not any(n.lower() in low for n in names):
            return "vague", f"names none of {', '.join(case.targets)}"
        return "rejected", ""
    if o.rc == 130:
        return "bad_exit", "exit 130 (interrupted) without an interrupt"
    return "bad_exit", f"exit {o.rc}"


# ----------------------------------------------------------------- running a case ----

class Timeout(BaseException):
    """Raised by SIGALRM in a worker when a case runs past its limit (a BaseException so no
    ``except Exception`` in the package swallows it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout()


def _where(tb: Any) -> str:
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "tokenfab" in f.filename and "/tests/" not in f.filename]
    f = (ours or frames)[-1] if (ours or frames) else None
    if f is None:
        return "?"
    name = f.filename.split("src/")[-1] if "src/" in f.filename else Path(f.filename).name
    return f"{name}:{f.name}"


def _materialize(case: Case, scratch: Path) -> list[str]:
    """Write the case's files into ``scratch`` and return argv with placeholders filled."""
    paths: dict[str, str] = {}
    for name, content in case.files:
        p = scratch / "in" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
        paths[name] = str(p)
    paths["repo"] = str(REPO)
    out = []
    for a in case.argv:
        for name, p in paths.items():
            a = a.replace("{" + name + "}", p)
        out.append(a)
    return out


def _api_call(case: Case) -> tuple[int, str, str]:
    import tokenfab
    from tokenfab.errors import TokenfabError
    from tokenfab.serialize import to_jsonable

    args, kwargs = api_eval(case.api_args) if case.api_args else ((), {})
    fn = getattr(tokenfab, case.api)
    try:
        res = fn(*args, **kwargs)
    except TokenfabError as e:
        return 2, "", f"error: {e}"
    data = res.to_dict() if hasattr(res, "to_dict") else res
    return 0, json.dumps(to_jsonable(data), allow_nan=True), ""


def run_inprocess(case: Case, scratch: Path, limit_s: float) -> Outcome:
    """Run one case in this process (call it in a worker), under a SIGALRM limit."""
    import tokenfab.cli as cli

    argv = _materialize(case, scratch)
    out, err = io.StringIO(), io.StringIO()
    o = Outcome(rc=None, stdout="", stderr="", seconds=0.0)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit_s)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if case.api:
                o.rc, api_out, api_err = _api_call(case)
                out.write(api_out)
                err.write(api_err)
            else:
                o.rc = cli.main(list(argv))
    except Timeout:
        o.timed_out = True
    except BaseException as e:  # noqa: BLE001 - everything escaping main() is a finding
        o.exc_type = type(e).__name__
        o.exc_where = _where(e.__traceback__)
        o.tb = "".join(traceback.format_exception(e))[-3000:]
        if isinstance(e, SystemExit):
            o.exc_type, o.rc = "", int(e.code) if isinstance(e.code, int) else 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    o.seconds = time.perf_counter() - t0
    o.stdout, o.stderr = out.getvalue(), err.getvalue()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    return o


def make_scratch(root: Path) -> Path:
    """A scratch folder a case's relative outputs land in, with the fixtures path values
    point to: ``existing_dir/``, ``existing.png``, ``ro/`` (read-only)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "existing_dir").mkdir(exist_ok=True)
    (root / "existing.png").write_bytes(b"not a png")
    ro = root / "ro"
    ro.mkdir(exist_ok=True)
    ro.chmod(0o555)
    return root


def _reset_scratch(scratch: Path) -> None:
    keep = {"existing_dir", "existing.png", "ro", "in"}
    for p in scratch.iterdir():
        if p.name not in keep:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
    (scratch / "existing.png").write_bytes(b"not a png")


def _worker(conn: Any, scratch: str, limit_s: float, mem_bytes: int) -> None:
    os.environ.pop("TOKENFAB_CATALOG", None)
    os.environ["MPLBACKEND"] = "Agg"
    if mem_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    path = make_scratch(Path(scratch))
    os.chdir(path)
    import tokenfab.cli as cli

    cli._register_all()
    done = 0
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        case = Case.from_json(msg)
        try:
            o = run_inprocess(case, path, limit_s)
        except MemoryError:
            o = Outcome(rc=None, stdout="", stderr="", seconds=0.0, exc_type="MemoryError",
                        exc_where="harness")
        _reset_scratch(path)
        done += 1
        if done % 100 == 0:  # a full collection costs ~0.3 s: not after every case
            gc.collect()
        conn.send(asdict(o))


class Pool:
    """Forked workers running cases in-process; a worker that overruns is killed and replaced.

    ``limit_s``: a case's wall-clock limit (SIGALRM in the worker; the parent kills the
    worker at ``limit_s + grace_s``, e.g. when NumPy is stuck in one C call).
    ``mem_mb``: the worker's address-space limit (RLIMIT_AS; 0 = none).
    """

    def __init__(self, workers: int = 2, limit_s: float = 20.0, grace_s: float = 10.0,
                 mem_mb: int = 3072, scratch: Path | None = None) -> None:
        self.workers = max(1, workers)
        self.limit_s, self.grace_s = limit_s, grace_s
        self.mem_bytes = mem_mb * 2**20
        self._tmp = tempfile.TemporaryDirectory(prefix="tokenfab-fuzz-")
        self.scratch = Path(scratch or self._tmp.name)
        self._ctx = mp.get_context("fork")

    def _start(self, i: int) -> tuple[Any, Any]:
        parent, child = self._ctx.Pipe()
        p = self._ctx.Process(target=_worker, daemon=True,
                              args=(child, str(self.scratch / f"w{i}"), self.limit_s,
                                    self.mem_bytes))
        p.start()
        child.close()
        return p, parent

    def run(self, cases: Sequence[Case],
            progress: Callable[[int, int], None] | None = None) -> list[Result]:
        results: list[Result | None] = [None] * len(cases)
        lock = threading.Lock()
        nxt = iter(range(len(cases)))
        done = [0]

        def drive(i: int) -> None:
            proc, conn = self._start(i)
            try:
                while True:
                    with lock:
                        k = next(nxt, None)
                    if k is None:
                        break
                    case = cases[k]
                    t0 = time.perf_counter()
                    conn.send(case.to_json())
                    o: Outcome | None = None
                    if conn.poll(self.limit_s + self.grace_s):
                        try:
                            o = Outcome(**conn.recv())
                        except (EOFError, OSError):
                            o = None
                    if o is None:
                        alive = proc.is_alive()
                        code = proc.exitcode
                        proc.kill()
                        proc.join()
                        secs = time.perf_counter() - t0
                        if alive:
                            o = Outcome(rc=None, stdout="", stderr="", seconds=secs,
                                        timed_out=True)
                        else:
                            o = Outcome(rc=None, stdout="", stderr="", seconds=secs,
                                        died=f"worker died (exit {code})")
                        proc, conn = self._start(i)
                    cls, why = classify(case, o)
                    results[k] = Result(case, cls, o, why)
                    with lock:
                        done[0] += 1
                        if progress:
                            progress(done[0], len(cases))
            finally:
                with contextlib.suppress(Exception):
                    conn.send(None)
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
                    proc.join()

        threads = [threading.Thread(target=drive, args=(i,), daemon=True)
                   for i in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [r for r in results if r is not None]

    def close(self) -> None:
        for p in self.scratch.rglob("ro"):
            with contextlib.suppress(OSError):
                p.chmod(0o755)
        self._tmp.cleanup()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_subprocess(case: Case, limit_s: float = 60.0) -> tuple[Result, list[str]]:
    """Run ``case`` as the real console script (``python -m``-free: ``tokenfab.cli:main``) in
    its own session; returns the result and the paths the run left in its scratch folder
    beyond its outputs' declared targets (temporary ``.part`` files: leaks)."""
    with tempfile.TemporaryDirectory(prefix="tokenfab-fuzz-sp-") as d:
        scratch = make_scratch(Path(d))
        argv = _materialize(case, scratch)
        env = {k: v for k, v in os.environ.items() if k != "TOKENFAB_CATALOG"}
        env["MPLBACKEND"] = "Agg"
        code = ("import sys; from tokenfab.cli import main; sys.exit(main(sys.argv[1:]))"
                if not case.api else
                f"import sys, json; sys.path.insert(0, {str(REPO)!r}); from tests.fuzz.harness import "
                "Case, _api_call; rc, o, e = _api_call(Case.from_json(json.loads(sys.argv[1])));"
                " sys.stdout.write(o); sys.stderr.write(e); sys.exit(rc)")
        args = [sys.executable, "-c", code] + (argv if not case.api
                                               else [json.dumps(case.to_json())])
        t0 = time.perf_counter()
        p = subprocess.Popen(args, cwd=scratch, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = p.communicate(timeout=limit_s)
            o = Outcome(rc=p.returncode, stdout=out, stderr=err,
                        seconds=time.perf_counter() - t0)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            o = Outcome(rc=None, stdout=out, stderr=err, seconds=time.perf_counter() - t0,
                        timed_out=True)
        if o.rc is not None and o.rc < 0:
            o.died = f"killed by signal {-o.rc}"
        m = re.search(r"^(\w+(?:Error|Exception)?)\b.*$", err.strip().splitlines()[-1]
                      if err.strip() else "", re.M)
        if "Traceback (most recent call last)" in err and m:
            o.exc_type = m.group(1)
        leaks = [str(p.relative_to(scratch)) for p in scratch.rglob("*")
                 if p.name.endswith(".part") or ".part." in p.name]
        for p in scratch.rglob("ro"):
            p.chmod(0o755)
        cls, why = classify(case, o)
        return Result(case, cls, o, why), leaks


# ------------------------------------------------------------------- known failures ----

@dataclass(frozen=True)
class Known:
    """One allow-list entry: ``class | pattern | reproducer`` (+ the comment above); the
    pattern matches a case's label or its :attr:`Result.signature`."""

    cls: str
    pattern: str
    reproducer: Case
    why: str
    line: int

    def matches(self, r: Result) -> bool:
        """Same class, and the pattern matches the case's label or its failure signature."""
        return r.cls == self.cls and (fnmatch.fnmatchcase(r.case.label(), self.pattern)
                                      or fnmatch.fnmatchcase(r.signature, self.pattern))


def parse_reproducer(text: str) -> Case:
    """A reproducer: shell words (``factory --power -1 --hardware h100-sxm``), ``api NAME(args)``
    (``api predict(None, 'h100-sxm')``), or a JSON case (for cases with files)."""
    text = text.strip()
    if text.startswith("{"):
        return Case.from_json(json.loads(text))  # '{repo}' in argv: the repository
    if text.startswith("api "):
        m = re.fullmatch(r"api (\w+)(\(.*\))", text)
        if not m:
            raise ValueError(f"bad api reproducer {text!r}")
        # "(a, b, k=v)" -> "((a, b), {'k': v})": the call's own text, evaluated as a call
        args_text = f"(lambda *a, **k: (a, k)){m.group(2)}"
        api_eval(args_text)  # a bad reproducer fails here, at load time
        return Case(api=m.group(1), api_args=args_text, origin="api")
    argv = tuple(shlex.split(text))
    return Case(argv=argv, targets=tuple(a.split("=")[0] for a in argv if a.startswith("--")))


def load_known(path: Path) -> list[Known]:
    """Parse the allow-list (see the header of ``known_failures.txt``)."""
    entries: list[Known] = []
    why: list[str] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            why = []
            continue
        if line.startswith("#"):
            why.append(line.lstrip("# ").rstrip())
            continue
        parts = [p.strip() for p in line.split(" | ", 2)]
        if len(parts) != 3 or parts[0] not in FAIL:
            raise ValueError(f"{path}:{n}: want 'class | pattern | reproducer' with class in "
                             f"{', '.join(FAIL)}; got {line!r}")
        if not why:
            raise ValueError(f"{path}:{n}: an entry needs a '# why' comment above it")
        entries.append(Known(parts[0], parts[1], parse_reproducer(parts[2]), " ".join(why), n))
    return entries


def write_jsonl(results: Iterable[Result], path: Path, only_failures: bool = True) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for r in results:
            if only_failures and r.cls in PASS:
                continue
            f.write(json.dumps(r.record()) + "\n")
            n += 1
    return n


def summarize(results: Sequence[Result]) -> dict[str, Any]:
    """Counts per class, per command x class, the distinct failure signatures, the slowest."""
    from collections import Counter, defaultdict

    by_class = Counter(r.cls for r in results)
    by_cmd: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by_cmd[r.case.command][r.cls] += 1
    sigs: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        if r.cls not in PASS:
            sigs[r.signature].append(r)
    top = sorted(sigs.items(), key=lambda kv: -len(kv[1]))
    slow = sorted(results, key=lambda r: -r.outcome.seconds)[:10]
    return {
        "cases": len(results),
        "classes": {c: by_class.get(c, 0) for c in CLASSES},
        "commands": {k: dict(v) for k, v in sorted(by_cmd.items())},
        "signatures": [{"signature": s, "count": len(rs), "example": rs[0].case.label(),
                        "class": rs[0].cls, "why": rs[0].why} for s, rs in top],
        "slowest": [{"seconds": round(r.outcome.seconds, 2), "class": r.cls,
                     "case": r.case.label()} for r in slow],
    }


def chunks(seq: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]

"""Output paths: checked before any computation, written atomically, never deleting others' files.

Every file tokenfab writes (``--plot``, ``--save-scenario``, ``report -o DIR``, sweep results)
goes through this module:

* :func:`check_output_file` / :func:`check_output_dir` run *before* the model, so a run of
  minutes never ends in "cannot write"; a bad path is a :class:`TokenfabError` naming the flag,
  the path and what is wrong (empty, a directory, a missing parent, not writable, a suffix not
  allowed).
* :func:`atomic_target` yields a temporary file beside the target and renames it over the
  target only when writing succeeded, so an interrupted run (Ctrl-C, a crash) never leaves a
  half-written file, and an existing file is replaced only by a complete one. The temporary
  file is the only thing it ever deletes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tokenfab.errors import TokenfabError

__all__ = ["atomic_target", "atomic_write", "check_output_dir", "check_output_file"]


#: longest file or folder name most file systems accept (POSIX NAME_MAX) [bytes]
NAME_MAX = 255


def _check_names(p: Path, raw: str, flag: str) -> None:
    for part in p.parts:
        if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX:
            raise TokenfabError(f"a name in the path is longer than {NAME_MAX} bytes "
                                f"({len(part)} characters)", field=flag, value=raw[:80] + "...")
    if "\x00" in raw:
        raise TokenfabError("the path contains a NUL character", field=flag)
    bad = sorted({c for c in raw if ord(c) < 32 or ord(c) == 127})
    if bad:  # a newline or tab in a file name is almost always a quoting slip of the shell
        raise TokenfabError(f"the path contains control characters ({', '.join(map(repr, bad))})"
                            f"; got {raw!r}: give a file name without them", field=flag,
                            value=raw)


def _probe(folder: Path, raw: str, flag: str) -> None:
    """Create (and remove) a temporary file in ``folder``: the only sure test that a file can be
    written there (``os.access`` says yes to root in /proc or on a read-only mount)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tokenfab-probe.", dir=str(folder))
    except OSError as e:
        raise TokenfabError(f"cannot write in the folder {str(folder)!r}: {e.strerror or e}",
                            field=flag, value=raw) from None
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


def check_output_file(path: str | os.PathLike[str] | None, *, flag: str,
                      suffixes: Sequence[str] | None = None) -> Path:
    """The path of a file to write, checked: not empty, not a directory, its folder exists and
    is writable, and (when given) its suffix is one of ``suffixes``.

    >>> check_output_file("", flag="--plot")
    Traceback (most recent call last):
    ...
    tokenfab.errors.TokenfabError: --plot: needs a file name; got ''
    """
    raw = "" if path is None else os.fspath(path)
    if not raw.strip():
        raise TokenfabError(f"needs a file name; got {raw!r}", field=flag, value=raw)
    p = Path(raw).expanduser()
    _check_names(p, raw, flag)
    if raw.endswith(("/", os.sep)) or p.is_dir():
        example = p / ("out" + (suffixes[0] if suffixes else ""))
        raise TokenfabError(f"{raw!r} is a directory; give a file name inside it "
                            f"(e.g. {str(example)!r})", field=flag, value=raw)
    if suffixes is not None and p.suffix.lower() not in {s.lower() for s in suffixes}:
        raise TokenfabError(f"must end in {' or '.join(suffixes)}; got {p.name!r}", field=flag,
                            value=raw)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise TokenfabError(f"the folder {str(parent)!r} does not exist (create it first)",
                            field=flag, value=raw)
    if not parent.is_dir():
        raise TokenfabError(f"{str(parent)!r} is not a folder", field=flag, value=raw)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise TokenfabError(f"the folder {str(parent)!r} is not writable", field=flag, value=raw)
    if p.exists() and not os.access(p, os.W_OK):
        raise TokenfabError(f"{raw!r} exists and is not writable", field=flag, value=raw)
    _probe(parent, raw, flag)
    return p


def check_output_dir(path: str | os.PathLike[str] | None, *, flag: str) -> Path:
    """A folder to write into: an existing writable folder, or one whose parent exists (it is
    created when the run writes). A file in its place is an error."""
    raw = "" if path is None else os.fspath(path)
    if not raw.strip():
        raise TokenfabError(f"needs a folder name; got {raw!r}", field=flag, value=raw)
    p = Path(raw).expanduser()
    _check_names(p, raw, flag)
    if p.exists() and not p.is_dir():
        raise TokenfabError(f"{raw!r} is a file, not a folder", field=flag, value=raw)
    target = p if p.exists() else p.parent
    if not target.exists():
        raise TokenfabError(f"the folder {str(target)!r} does not exist (create it first)",
                            field=flag, value=raw)
    if not os.access(target, os.W_OK | os.X_OK):
        raise TokenfabError(f"the folder {str(target)!r} is not writable", field=flag, value=raw)
    _probe(target, raw, flag)
    return p


def _mode_for(target: Path) -> int:
    """Permission bits for a new file at ``target``: an existing file's, else 0666 & ~umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and ``path``
    is left as it was.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part" + target.suffix,
                               dir=str(target.parent) if str(target.parent) else ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); give it the mode a plain open() would: the
        # replaced file's, else 0666 less the umask (a published report must be readable)
        os.chmod(tmp_path, _mode_for(target))
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes | str, *,
                 encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_target`)."""
    target = Path(path)
    with atomic_target(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding=encoding)
        else:
            tmp.write_bytes(data)
    return target

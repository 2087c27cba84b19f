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
    if raw.endswith(("/", os.sep)) or p.is_dir():
        raise TokenfabError(f"{raw!r} is a directory; give a file name inside it "
                            f"(e.g. {str(p / 'out.png')!r})", field=flag, value=raw)
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
    return p


def check_output_dir(path: str | os.PathLike[str] | None, *, flag: str) -> Path:
    """A folder to write into: an existing writable folder, or one whose parent exists (it is
    created when the run writes). A file in its place is an error."""
    raw = "" if path is None else os.fspath(path)
    if not raw.strip():
        raise TokenfabError(f"needs a folder name; got {raw!r}", field=flag, value=raw)
    p = Path(raw).expanduser()
    if p.exists() and not p.is_dir():
        raise TokenfabError(f"{raw!r} is a file, not a folder", field=flag, value=raw)
    target = p if p.exists() else p.parent
    if not target.exists():
        raise TokenfabError(f"the folder {str(target)!r} does not exist (create it first)",
                            field=flag, value=raw)
    if not os.access(target, os.W_OK | os.X_OK):
        raise TokenfabError(f"the folder {str(target)!r} is not writable", field=flag, value=raw)
    return p


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

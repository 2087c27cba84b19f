"""Output paths are checked before a run and written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenfab.errors import TokenfabError
from tokenfab.outputs import atomic_target, atomic_write, check_output_dir, check_output_file


@pytest.mark.parametrize("bad, words", [
    ("", "needs a file name"),
    ("/", "is a directory"),
    ("{tmp}/missing/dir/out.png", "does not exist"),
])
def test_bad_output_files_are_named(bad: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(TokenfabError, match=words) as e:
        check_output_file(bad.format(tmp=tmp_path), flag="--plot")
    assert "--plot" in str(e.value)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(TokenfabError, match="is a directory"):
        check_output_file(tmp_path, flag="--plot")


def test_suffix_is_checked(tmp_path: Path) -> None:
    with pytest.raises(TokenfabError, match=r"\.png"):
        check_output_file(tmp_path / "x.txt", flag="--plot", suffixes=(".png",))
    assert check_output_file(tmp_path / "x.PNG", flag="--plot", suffixes=(".png",)).name == "x.PNG"


def test_output_dir(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(TokenfabError, match="is a file"):
        check_output_dir(f, flag="--out")
    assert check_output_dir(tmp_path / "new", flag="--out") == tmp_path / "new"
    with pytest.raises(TokenfabError, match="does not exist"):
        check_output_dir(tmp_path / "a" / "b", flag="--out")


def test_atomic_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_target(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_write_gives_the_mode_a_plain_open_would(tmp_path: Path) -> None:
    """mkstemp's private 0600 must not reach the written file: a new file gets 0666 less the
    umask (a report published on a web server must be readable), a replaced one keeps its own."""
    import os
    import stat

    from tokenfab.outputs import atomic_write

    old = os.umask(0o022)
    try:
        new = atomic_write(tmp_path / "report.html", "<html></html>")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("{}")
        kept.chmod(0o640)
        atomic_write(kept, "[]")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "[]"
    finally:
        os.umask(old)

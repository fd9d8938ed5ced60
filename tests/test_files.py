"""The one writer (`micrograd_like.util.files`): whole files or none, the old file kept on a full disk,
pipes and devices written into (never renamed over), frames as a whole set or none.

A full disk is simulated by replacing `os.write` (which the writer calls for every byte it
writes) with one that lets a few bytes through and then fails with ENOSPC, as a filling disk
does; /dev/full is a real one for the paths written in place.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from micrograd_like.util import files
from micrograd_like.util.files import write_bytes, write_files, write_text

real_write = os.write


def fill_disk(monkeypatch: pytest.MonkeyPatch, room: int = 10) -> None:
    """From now on only `room` more bytes fit into regular files (pipes, as to `dot`, are free)."""
    left = [room]

    def write(fd: int, data: bytes | memoryview) -> int:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return real_write(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real_write(fd, bytes(data[: left[0]]))
        left[0] -= done
        return done

    monkeypatch.setattr(os, "write", write)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class Reader(threading.Thread):
    """Reads a FIFO to its end (as `cat FIFO` would), so a writer can open it."""

    def __init__(self, fifo: Path) -> None:
        super().__init__(daemon=True)
        self.fifo, self.data = fifo, b""

    def run(self) -> None:
        with open(self.fifo, "rb") as pipe:
            self.data = pipe.read()


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    yield path
    assert stat.S_ISFIFO(path.lstat().st_mode)  # still a pipe, whatever the test did


# --- one file ------------------------------------------------------------------------------------


def test_a_new_file_gets_the_umask_permissions_and_no_temporary_is_left(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        path = write_text(tmp_path / "a.txt", "héllo\n")
    finally:
        os.umask(umask)
    assert path == tmp_path / "a.txt" and path.read_bytes() == "héllo\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and names(tmp_path) == ["a.txt"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o604)
    write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o604


@pytest.mark.parametrize("room", [0, 3, 4096])
def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"the old contents")
    fill_disk(monkeypatch, room)
    with pytest.raises(OSError) as caught:
        write_bytes(path, b"x" * 10_000)
    assert caught.value.errno == errno.ENOSPC
    assert (
        str(caught.value)
        == f"cannot write {str(path)!r}: No space left on device; {str(path)!r} is unchanged"
    )
    assert path.read_bytes() == b"the old contents" and names(tmp_path) == ["a.txt"]
    new = tmp_path / "b.txt"
    with pytest.raises(OSError, match="nothing was written"):
        write_bytes(new, b"x" * 10_000)
    assert names(tmp_path) == ["a.txt"]


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new" and names(tmp_path) == ["link.svg", "real.svg"]


def test_a_fifo_is_written_into_not_replaced(fifo: Path) -> None:
    reader = Reader(fifo)
    reader.start()
    write_bytes(fifo, b"through the pipe" * 10_000)  # more than a pipe's buffer
    reader.join(10)
    assert reader.data == b"through the pipe" * 10_000


def test_dev_null_stays_a_device() -> None:
    before = os.stat("/dev/null")
    write_text("/dev/null", "nothing")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_dev_full_is_a_worded_error_and_stays_a_device() -> None:
    with pytest.raises(OSError) as caught:
        write_text("/dev/full", "nothing fits")
    assert str(caught.value) == "cannot write '/dev/full': No space left on device"
    assert caught.value.errno == errno.ENOSPC and stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dev_stdout_is_written_in_place_even_when_it_leads_to_a_regular_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with open(out, "wb") as file:
        # /proc/self/fd/N names this process's descriptor N, a regular file here: written into
        write_text(f"/proc/self/fd/{file.fileno()}", "into the descriptor")
    assert out.read_text() == "into the descriptor" and names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize(
    ("where", "kind", "message"),
    [
        ("", IsADirectoryError, "cannot write '{tmp}': it is a directory (name a file in it)"),
        ("missing/a.txt", FileNotFoundError, "cannot write '{tmp}/missing/a.txt': no folder '{tmp}/missing'"),
        ("file/a.txt", NotADirectoryError, "cannot write '{tmp}/file/a.txt': Not a directory"),
    ],
)
def test_what_cannot_be_written_says_why_and_leaves_nothing(
    tmp_path: Path, where: str, kind: type[OSError], message: str
) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(kind) as caught:
        write_text(tmp_path / where if where else tmp_path, "text")
    assert str(caught.value).startswith(message.format(tmp=tmp_path)) and caught.value.errno
    assert names(tmp_path) == ["file"]


# --- a set of files ------------------------------------------------------------------------------


def frames(count: int, fail_at: int | None = None) -> Iterator[tuple[str, bytes]]:
    for k in range(1, count + 1):
        if k == fail_at:
            raise RuntimeError(f"frame {k} could not be drawn")
        yield f"step_{k:02d}.svg", f"<svg>{k}</svg>".encode()


def test_a_set_goes_into_a_new_folder_whole(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "frames"
    paths = write_files(folder, frames(3))
    assert paths == [folder / f"step_0{k}.svg" for k in (1, 2, 3)]
    assert [p.read_text() for p in paths] == ["<svg>1</svg>", "<svg>2</svg>", "<svg>3</svg>"]
    assert names(tmp_path / "deep") == ["frames"]


def test_a_set_goes_into_an_existing_folder_beside_what_is_there(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "step_01.svg").write_text("old")
    write_files(tmp_path, frames(2))
    assert names(tmp_path) == ["notes.txt", "step_01.svg", "step_02.svg"]
    assert (tmp_path / "step_01.svg").read_text() == "<svg>1</svg>"


@pytest.mark.parametrize("existing", [False, True])
def test_a_full_disk_writes_no_frame_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    folder = tmp_path / "frames"
    if existing:
        folder.mkdir()
        (folder / "step_01.svg").write_text("old")
    fill_disk(monkeypatch, room=len("<svg>1</svg>") + 3)  # the first frame fits, the second does not
    with pytest.raises(OSError) as caught:
        write_files(folder, frames(5))
    assert str(caught.value) == (
        f"cannot write into {str(folder)!r}: No space left on device; "
        "nothing was written (the partial set was removed)"
    )
    assert caught.value.errno == errno.ENOSPC
    assert names(tmp_path) == (["frames"] if existing else [])
    if existing:
        assert names(folder) == ["step_01.svg"] and (folder / "step_01.svg").read_text() == "old"


def test_a_failing_generator_leaves_nothing_and_its_error_passes_through(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="frame 3 could not be drawn"):
        write_files(tmp_path / "frames", frames(5, fail_at=3))
    assert names(tmp_path) == []


def test_a_move_that_fails_takes_back_the_files_already_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    moves = [0]
    real_replace = os.replace

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        moves[0] += 1
        if moves[0] == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(OSError, match=r"Input/output error; removed the 2 of 4 files already moved in"):
        write_files(tmp_path, frames(4))
    assert names(tmp_path) == ["notes.txt"]


def test_names_must_be_plain_file_names(tmp_path: Path) -> None:
    for bad in ("../escape.svg", "a/b.svg", ".hidden"):
        with pytest.raises(ValueError, match="is not a plain file name"):
            write_files(tmp_path / "frames", [(bad, b"")])
    assert names(tmp_path) == []


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "frames").write_text("x")
    with pytest.raises(NotADirectoryError, match="it exists and is not a directory"):
        write_files(tmp_path / "frames", frames(1))

"""Write output files whole or not at all: the one writer behind every file the package makes
(`html -o`, `graph -o` in every format, `--frames`, `render()`, `MLP.save`).

- `write_bytes` / `write_text`: a new or regular file is replaced in one rename. The data goes
  to a temporary file beside it, is flushed to disk, and is renamed over the path, so a reader
  sees the old contents or the new, never half; on any failure (a full disk) the old file is
  untouched and the temporary file removed. The file keeps its permissions; a new one gets
  what `open()` would give it (0o666 less the umask). A symlink is followed: its target is
  replaced and the link stays.
- A path that exists and is not a regular file (a FIFO, /dev/null, a terminal), or any path
  under /dev or /proc (/dev/stdout, /proc/self/fd/1), is opened and written as `cat > PATH`
  would: a rename would swap the pipe or device node itself for a plain file.
- `write_files`: a set of files (frames of a picture) written into a temporary folder and
  moved into place whole; on a failure the temporary folder is removed and the error says
  that nothing was written.

Every error is an OSError of the usual kind (FileNotFoundError, IsADirectoryError, ...) with
the errno, whose message is one sentence: the path, the reason, and what was left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

_IN_PLACE_ROOTS = ("/dev/", "/proc/")  # kernel namespaces: /dev/stdout, /proc/self/fd/1, ...


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` as UTF-8 to `path`, whole or not at all (see the module); returns the path."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path`, whole or not at all (see the module); returns the path as given."""
    target = Path(path)
    shown = repr(str(target))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:  # e.g. a path through a file: "a.txt/b"
        raise _error(error, f"cannot write {shown}: {_reason(error)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise _error(IsADirectoryError(), f"cannot write {shown}: it is a directory (name a file in it)")
    if mode is not None and (not stat.S_ISREG(mode) or _kernel_path(target)):
        _write_in_place(target, data, shown)
        return target
    real = Path(os.path.realpath(target))  # a symlink's target is replaced; the link stays
    folder = real.parent
    if not folder.is_dir():
        raise _error(
            FileNotFoundError(), f"cannot write {shown}: no folder {str(folder)!r} (it does not exist)"
        )
    try:
        temporary, fd = _new_file(folder, real.name)
    except OSError as error:
        raise _error(error, f"cannot write {shown}: {_reason(error)}") from None
    try:
        _fill(fd, data, sync=True)
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, real)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(error, OSError):
            raise
        left = f"{shown} is unchanged" if mode is not None else "nothing was written"
        raise _error(error, f"cannot write {shown}: {_reason(error)}; {left}") from None
    return target


def write_files(folder: str | os.PathLike[str], files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write every (name, data) of `files` into `folder`, all of them or none; returns the paths.

    `files` may be a generator that makes each file's data as it is asked for: whatever it
    raises (or the disk filling up) leaves `folder` as it was, with no temporary files. A
    missing `folder` is created (its parents too) by renaming the finished temporary folder;
    into an existing one the files are moved one rename each, replacing files of the same name.
    """
    target = Path(folder)
    shown = repr(str(target))
    if target.exists() and not target.is_dir():
        raise _error(NotADirectoryError(), f"cannot write into {shown}: it exists and is not a directory")
    existed = target.is_dir()
    try:
        if not existed:
            target.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(target if existed else target.parent, target.name)
    except OSError as error:
        raise _error(error, f"cannot write into {shown}: {_reason(error)}") from None
    written: list[str] = []
    try:
        for name, data in files:
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"{name!r} is not a plain file name")
            _fill(os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), data, sync=True)
            written.append(name)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(error, OSError):
            raise
        raise _error(
            error,
            f"cannot write into {shown}: {_reason(error)}; nothing was written (the partial set was removed)",
        ) from None
    if not existed:
        try:
            os.rename(staging, target)
            return [target / name for name in written]
        except OSError:  # the folder appeared meanwhile: move the files in one by one
            pass
    moved: list[Path] = []
    try:
        for name in written:
            os.replace(staging / name, target / name)
            moved.append(target / name)
    except OSError as error:
        for path in moved:
            with contextlib.suppress(OSError):
                path.unlink()
        raise _error(
            error,
            f"cannot write into {shown}: {_reason(error)}; removed the {len(moved)} of {len(written)} "
            "files already moved in",
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return moved


def is_stdout(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the file this process's stdout writes to (`-o /dev/stdout`, or the file
    `> out.txt` made): the commands then write there as stdout, and print no "wrote ..." line into
    the output (a second open would also write from the file's start over what stdout wrote)."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file, or stdout is not a real file
        return False


def _kernel_path(path: Path) -> bool:
    """/dev/stdout and the like: written in place even when they lead to a regular file."""
    return os.path.abspath(path).startswith(_IN_PLACE_ROOTS)


def _write_in_place(path: Path, data: bytes, shown: str) -> None:
    """Open and write, as `cat > PATH` does (a FIFO waits here for its reader)."""
    try:
        _fill(os.open(path, os.O_WRONLY | os.O_TRUNC), data, sync=False)  # a pipe cannot be synced
    except OSError as error:
        raise _error(error, f"cannot write {shown}: {_reason(error)}") from None


def _new_file(folder: Path, name: str) -> tuple[Path, int]:
    """A new empty file `.NAME.XXXXXXXX.tmp` in `folder` (made with the umask's permissions), open."""
    while True:
        path = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _new_folder(parent: Path, name: str) -> Path:
    """A new empty folder `.NAME.XXXXXXXX.tmp` in `parent`, made with the umask's permissions."""
    while True:
        path = parent / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            path.mkdir(0o777)
            return path
        except FileExistsError:
            continue


def _fill(fd: int, data: bytes, *, sync: bool) -> None:
    """Write all of `data` to `fd` and close it; `sync` flushes it to disk first (so the rename
    after it never exposes a file whose blocks were not written yet)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _error(cause: OSError, message: str) -> OSError:
    """An OSError of `cause`'s kind and errno whose str() is `message` alone."""
    error = type(cause)(message)
    error.errno = cause.errno or _ERRNO.get(type(cause), 0)
    return error


_ERRNO = {IsADirectoryError: errno.EISDIR, FileNotFoundError: errno.ENOENT, NotADirectoryError: errno.ENOTDIR}

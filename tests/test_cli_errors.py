"""The CLI when things go wrong: every bad argument of every subcommand is one line
`micrograd-like <cmd>: error: ...` on stderr with exit code 2, refused before any work is done;
training that diverges says where and what to try; a full disk or a closed stdin is no traceback.
"""

from __future__ import annotations

import errno
import importlib
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest
from test_files import Reader, fill_disk

from micrograd_like.cli import build_parser, main
from micrograd_like.learn.modules import MLP

render = importlib.import_module(
    "micrograd_like.show.render"
)  # the module (the package exports the function)

QUICK = ["--samples", "10", "--epochs", "1", "--no-progress"]  # a train run that takes no time


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse's own errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(command: str, code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr that names the command; returns that line."""
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith(f"micrograd-like {command}: error: ") and err.count("\n") == 1, err
    return err.strip()


# --- the sweep: nan, inf, negative, huge and empty values for every flag ------------------------

SWEEP: list[tuple[str, ...]] = [
    *[
        ("train", "--samples", v)
        for v in ("", "nan", "inf", "-1", "0", "1", "1e308", "100001", "100000000000")
    ],
    *[("train", "--epochs", v) for v in ("", "nan", "-1", "0", "100001", "100000000000", "1e3")],
    *[("train", "--noise", v) for v in ("", "nan", "inf", "-inf", "-1", "1e308", "101", "1e400")],
    *[("train", "--lr", v) for v in ("", "nan", "inf", "-inf", "-1", "0", "1e-400", "1e400")],
    *[("train", "--hidden", v) for v in ("", ",", "0", "-1", "1e3", "nan", "1001", "100000000000", "16,,16")],
    ("train", "--hidden", "1000,1000"),  # each width is allowed; the graph they make is not
    *[("train", "--seed", v) for v in ("", "nan", "1e3", "inf")],
    ("train", "--dataset", ""),
    ("train", "--optimizer", ""),
    ("train", "--activation", ""),
    ("train", "--save", ""),
    ("train", "--bogus", "1"),
    *[("example", "--digits", v) for v in ("", "nan", "0", "-1", "18", "100000000000")],
    ("example", "--param", ""),
    *[("example", "--set", v) for v in ("", "=", "x1=", "x1=nan", "x1=inf", "x1=1e400", "lr=0", "lr=-1")],
    ("graph", "-o", ""),
    ("graph", "--frames", ""),
    ("graph", "-o", "g.svg", "--format", ""),
    ("graph", "-o", "g.svg", "--highlight", "nope"),
    ("graph", "-o", "g.svg", "--set", "x1=nan"),
    ("graph", "-o", "g.svg", "--direction", ""),
    ("graph", "-o", "g.svg", "--renderer", ""),
    ("graph",),
    (),
]


@pytest.mark.parametrize("argv", SWEEP, ids=" ".join)
def test_every_bad_argument_is_one_line_and_nothing_is_written(
    argv: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    extra = QUICK if argv[:1] == ("train",) and argv[1] not in ("--samples", "--epochs") else []
    code, out, err = run(capsys, *argv, *extra)
    command = f" {argv[0]}" if argv else ""
    assert code == 2 and out == "" and "Traceback" not in err, err
    assert err.startswith(f"micrograd-like{command}: error: ") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_the_limits_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        ("--samples", "100000000000"): "--samples must be an integer in [2, 100000], got 100000000000",
        ("--epochs", "100000000000"): "--epochs must be an integer in [1, 100000], got 100000000000",
        ("--hidden", "100000000000"): "--hidden widths must be integers in [1, 1000]; got 100000000000",
        ("--noise", "1e308"): "--noise must be a finite number in [0, 100], got 1e+308",
        ("--lr", "inf"): "--lr must be a finite number > 0, got inf",
        ("--lr", "1e-400"): "--lr must be a finite number > 0, got 0.0",
        ("--save", ""): "--save needs a file name",
        ("--hidden", ""): "--hidden needs at least one width",
    }
    for argv, message in cases.items():
        line = assert_usage_error("train", *run(capsys, "train", *argv))
        assert line.startswith(f"micrograd-like train: error: {message}"), line


def test_a_graph_too_large_to_build_is_refused_with_the_budget(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_usage_error("train", *run(capsys, "train", "--samples", "30000", "--hidden", "64"))
    # 2-64-1 with biases: 2·64 + 64 + 64 + 1 = 257 parameters; 30000 · 257 = 7,710,000
    assert "30000 samples × 257 parameters = 7,710,000" in line and "2,000,000" in line


def test_argparse_errors_are_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_usage_error("train", *run(capsys, "train", "--epochs", "x"))
    assert "argument --epochs: invalid int value: 'x'" in line and "micrograd-like train --help" in line


# --- training that diverges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("--dataset", "regression", "--optimizer", "sgd", "--lr", "10"),
        ("--dataset", "moons", "--optimizer", "adam", "--lr", "1e308"),
    ],
)
def test_divergence_says_where_and_what_to_try(
    argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save = tmp_path / "model.json"
    code, out, err = run(capsys, "train", "--no-progress", "--save", str(save), *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    started, line = err.strip().split("\n")  # the "training ..." line, then the error
    assert started.startswith("training MLP(")
    assert line.startswith("micrograd-like train: error: training diverged in epoch ")
    assert f"try a smaller --lr (this run used {float(argv[-1]):g})" in line
    assert not save.exists()


# --- the other holes ----------------------------------------------------------------------------


def test_example_step_with_stdin_closed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", None)  # what Python gives a program started with <&-
    code, out, err = run(capsys, "example", "--step")
    assert (code, err) == (0, "") and "== 7. After the step ==" in out and "[Enter" not in out


def test_example_step_with_stdin_closed_as_a_process() -> None:
    done = subprocess.run(
        f"'{sys.executable}' -m micrograd_like.cli example --step <&-",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "" and "== 7. After the step ==" in done.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv", [("example",), ("example", "--json"), ("graph", "-o", "g.svg")], ids=" ".join
)
def test_a_full_disk_is_one_line_and_no_traceback(argv: tuple[str, ...], tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "micrograd_like.cli", *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    assert (
        done.stderr == f"micrograd-like {argv[0]}: error: cannot write the output: No space left on device\n"
    )


# every command that writes to stdout, and argparse's own output
WRITERS: list[tuple[str, ...]] = [
    ("example",),
    ("example", "--json"),
    ("explain",),
    ("graph", "--format", "text"),
    ("graph", "-o", "-"),
    ("html", "-o", "page.html"),
    ("train", *QUICK),
    ("--help",),
    ("--version",),
    ("example", "--help"),
]


def cli(argv: tuple[str, ...], cwd: Path, **streams: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", *argv],
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        check=False,
        **streams,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize("argv", WRITERS, ids=" ".join)
def test_a_reader_that_left_ends_the_command_silently_with_cats_status(
    argv: tuple[str, ...], tmp_path: Path
) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader left before the first byte (`| head -0`): every write fails with EPIPE
    try:
        done = cli(argv, tmp_path, stdout=write)
    finally:
        os.close(write)
    # like `cat big.txt | head -1`: no message and the status of a process ended by SIGPIPE
    assert (done.returncode, done.stderr if argv[0] != "train" else "") == (141, "")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_head_1_in_a_shell_pipeline_shows_the_first_line_and_nothing_else(tmp_path: Path) -> None:
    done = subprocess.run(
        f"set -o pipefail; '{sys.executable}' -m micrograd_like.cli graph --format text | head -1",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.stdout.count("\n") == 1 and done.stderr == ""
    assert done.returncode in (0, 141)  # 0 when all of it fit in the pipe before head left


@pytest.mark.parametrize("argv", WRITERS, ids=" ".join)
def test_a_closed_stdout_is_reported_on_stderr_with_exit_code_1_as_cat_does(
    argv: tuple[str, ...], tmp_path: Path
) -> None:
    done = subprocess.run(
        " ".join([f"'{sys.executable}'", "-m", "micrograd_like.cli", *argv, ">&-"]),
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    command = (
        f"micrograd-like {argv[0]}"
        if not argv[0].startswith("-") and "--help" not in argv
        else "micrograd-like"
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.endswith(f"{command}: error: cannot write the output: Bad file descriptor\n"), (
        done.stderr
    )
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_train_saves_the_model_even_when_stdout_is_closed(tmp_path: Path) -> None:
    done = subprocess.run(
        f"'{sys.executable}' -m micrograd_like.cli train {' '.join(QUICK)} --save m.json >&-",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1 and done.stderr.endswith("cannot write the output: Bad file descriptor\n")
    assert MLP.load(tmp_path / "m.json").nin == 2


def test_frames_where_no_folder_can_be_made_is_a_worded_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    target = tmp_path / "frames"
    line = assert_usage_error("graph", *run(capsys, "graph", "--frames", str(target)))
    assert (
        line
        == f"micrograd-like graph: error: --frames {target}: cannot create the folder: Read-only file system"
    )


def test_frames_in_proc_is_a_worded_error(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_usage_error("graph", *run(capsys, "graph", "--frames", "/proc/micrograd-like-frames"))
    assert "--frames /proc/micrograd-like-frames: cannot create the folder: " in line and "[Errno" not in line


def test_the_renderer_choices_come_from_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "Renderer", Literal["auto", "native", "embedded", "wasm"])
    args = build_parser().parse_args(["graph", "-o", "g.svg", "--renderer", "wasm"])
    assert args.renderer == "wasm"


@pytest.mark.parametrize(
    ("redirect", "code", "stream"),
    [("2>&-", 0, "stdout"), (">&-", 1, "stderr")],
    ids=["stderr closed", "stdout closed"],
)
def test_a_closed_output_stream_is_no_crash_and_no_mixup(
    redirect: str, code: int, stream: str, tmp_path: Path
) -> None:
    # with stderr closed, print(file=sys.stderr) would write the "training ..." line into stdout
    done = subprocess.run(
        f"'{sys.executable}' -m micrograd_like.cli train --samples 10 --epochs 2 --progress {redirect}",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == code, done.stderr
    left = done.stdout if stream == "stdout" else done.stderr
    expected = "training accuracy" if stream == "stdout" else "training MLP("
    assert left.startswith(expected) and "Traceback" not in left and "training MLP(" not in done.stdout


def test_save_onto_something_that_is_not_a_regular_file_is_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = assert_usage_error("train", *run(capsys, "train", *QUICK, "--save", str(fifo)))
    assert line.endswith(f"--save {fifo}: not a regular file (it would be replaced, not written to)")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --- output files: whole or not at all, pipes and devices written into, never replaced ------------

GRAPH_OUTPUTS = [("text", "g.txt"), ("table", "g.txt"), ("svg", "g.svg"), ("dot", "g.dot")]


@pytest.mark.parametrize(("fmt", "name"), GRAPH_OUTPUTS)
def test_graph_on_a_full_disk_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str, name: str
) -> None:
    target = tmp_path / name
    target.write_text("the old graph")
    fill_disk(monkeypatch, room=100)  # a truncated file and no old one is what a full disk used to leave
    line = assert_usage_error("graph", *run(capsys, "graph", "--format", fmt, "-o", str(target)))
    assert line.endswith(
        f"cannot write {str(target)!r}: No space left on device; {str(target)!r} is unchanged"
    )
    assert target.read_text() == "the old graph" and [p.name for p in tmp_path.iterdir()] == [name]


def test_html_and_train_on_a_full_disk_keep_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page, model = tmp_path / "page.html", tmp_path / "model.json"
    page.write_text("the old page")
    model.write_text("the old model")
    fill_disk(monkeypatch, room=100)
    line = assert_usage_error("html", *run(capsys, "html", "-o", str(page), "--renderer", "embedded"))
    assert line.endswith(f"{str(page)!r} is unchanged") and "No space left on device" in line
    code, _, err = run(capsys, "train", *QUICK, "--save", str(model))
    last = err.splitlines()[-1]  # after the "training ..." progress line
    assert (
        code == 2
        and last.startswith("micrograd-like train: error: --save ")
        and last.endswith(f"No space left on device; {str(model)!r} is unchanged")
    )
    assert page.read_text() == "the old page" and model.read_text() == "the old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "page.html"]


@pytest.mark.parametrize("existing", [False, True])
def test_frames_on_a_full_disk_write_no_frame_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], existing: bool
) -> None:
    folder = tmp_path / "frames"
    if existing:
        folder.mkdir()
    fill_disk(monkeypatch, room=20_000)  # a frame or two fit, five do not
    argv = ("graph", "--frames", str(folder), "--expr", "tanh(a*b)", "--set", "a=1", "--set", "b=2")
    line = assert_usage_error("graph", *run(capsys, *argv))
    assert line.endswith("No space left on device; nothing was written (the partial set was removed)")
    assert [p.name for p in tmp_path.iterdir()] == (["frames"] if existing else [])
    assert not existing or not list(folder.iterdir())


@pytest.mark.parametrize(
    "argv",
    [("html", "--renderer", "embedded"), ("graph", "--format", "text"), ("graph", "--format", "svg")],
    ids=" ".join,
)
def test_a_fifo_output_is_written_into_and_stays_a_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    code, out, err = run(capsys, *argv, "-o", str(fifo))
    reader.join(30)
    assert code == 0, err
    assert out.startswith(f"wrote {fifo}") and stat.S_ISFIFO(fifo.lstat().st_mode)
    start = {"html": b"<!DOCTYPE html>", "text": b"L = ", "svg": b"<?xml"}[
        argv[-1] if argv[0] == "graph" else "html"
    ]
    assert reader.data.startswith(start), reader.data[:80]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.parametrize(
    "argv",
    [("html", "--renderer", "embedded"), ("graph", "--format", "text"), ("graph", "--format", "svg")],
    ids=" ".join,
)
def test_dev_null_stays_a_device(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    before = os.stat("/dev/null")
    code, _, err = run(capsys, *argv, "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize(
    "argv", [("graph", "--format", "text"), ("graph", "--format", "png"), ("html",)], ids=" ".join
)
def test_dev_full_is_a_worded_error(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    line = assert_usage_error(argv[0], *run(capsys, *argv, "-o", "/dev/full", "--renderer", "embedded"))
    assert line.endswith("cannot write '/dev/full': No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize(
    "argv", [("graph", "--format", "text"), ("graph", "--format", "png"), ("html",)], ids=" ".join
)
def test_a_directory_output_is_a_worded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    line = assert_usage_error(argv[0], *run(capsys, *argv, "-o", str(tmp_path), "--renderer", "embedded"))
    assert f"{str(tmp_path)!r}" in line and "is a directory" in line
    assert not list(tmp_path.iterdir())


def test_a_fifo_output_through_the_real_command(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "micrograd_like.cli", "graph", "--format", "table", "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and b"w[2]12" in reader.data


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (("graph", "--format", "table"), "node "),
        (("graph", "--format", "svg"), "<?xml"),
        (("html",), "<!DOCTYPE"),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, tuple) else "",
)
def test_dev_stdout_into_a_file_is_the_output_and_nothing_else(
    tmp_path: Path, argv: tuple[str, ...], start: str
) -> None:
    out = tmp_path / "out"
    with open(out, "wb") as file:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "micrograd_like.cli",
                *argv,
                "-o",
                "/dev/stdout",
                "--renderer",
                "embedded",
            ],
            stdout=file,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0 and done.stderr == ""
    text = out.read_text()
    assert text.startswith(start) and "wrote /dev/stdout" not in text
    assert text.rstrip().endswith(("</svg>", "</html>")) or argv[-1] == "table"

"""nn when things go wrong: model files that lie about their size, overflow, nest or are not files;
saving keeps the file's permissions and refuses broken weights; arguments that are not what they
seem (dicts as samples, "no" as a bool, numpy integers as sizes)."""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from micrograd_like.learn import modules as nn
from micrograd_like.learn.modules import MLP, Layer, ModelFileError, Neuron, parameter_count, parameter_names


def model_file(tmp_path: Path, architecture: dict[str, object], state: object) -> Path:
    doc = {"format": nn.FILE_FORMAT, "version": nn.FILE_VERSION, "architecture": architecture}
    doc["state_dict"] = state
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc))
    return path


ARCH = {"nin": 2, "nouts": [2, 1], "activation": "tanh", "output_activation": None, "bias": True}


@pytest.fixture
def nothing_is_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail loudly if anything builds a neuron: a bad file must be refused before that."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Neuron was built for a file that is refused")

    monkeypatch.setattr(Neuron, "__init__", refuse)
    yield


def test_a_small_file_declaring_a_huge_network_is_refused_before_building(
    tmp_path: Path, nothing_is_built: None
) -> None:
    path = model_file(tmp_path, {**ARCH, "nin": 4000, "nouts": [4000, 1]}, {})
    assert path.stat().st_size < 200
    with pytest.raises(ModelFileError) as caught:
        MLP.load(path)
    message = str(caught.value)
    assert str(path) in message and "16,008,001" in message and "0 entries" in message


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("bias", "yes", "bias must be True or False"),
        ("bias", 1, "bias must be True or False"),
        ("nin", "2", "nin must be an integer"),
        ("nin", 2.0, "nin must be an integer"),
        ("nin", True, "nin must be an integer"),
        ("nin", 0, "nin must be an integer >= 1"),
        ("nin", 10**400, "parameters"),  # the count, not a float conversion, refuses it
        ("nouts", 3, "nouts must be a list"),
        ("nouts", [], "nouts is empty"),
        ("nouts", [2, "1"], r"nouts[1] must be an integer"),
        ("nouts", [2, -1], r"nouts[1] must be an integer >= 1"),
        ("activation", None, "activation must be one of"),
        ("output_activation", 7, "output_activation must be one of"),
    ],
)
def test_every_architecture_field_is_checked_before_building(
    tmp_path: Path, nothing_is_built: None, field: str, value: object, words: str
) -> None:
    state = dict.fromkeys(parameter_names(2, [2, 1], bias=True), 0.5)
    path = model_file(tmp_path, {**ARCH, field: value}, state)
    with pytest.raises(ModelFileError) as caught:
        MLP.load(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def full_state(value: object) -> dict[str, object]:
    state: dict[str, object] = dict.fromkeys(parameter_names(2, [2, 1], bias=True), 0.5)
    state["w[2]12"] = value
    return state


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1" * 401, "'w[2]12' must be a finite number"),  # a 401-digit integer: no float holds it
        ("1e400", "'w[2]12' must be a finite number"),  # JSON's reader makes this inf
        ("NaN", "'w[2]12' must be a finite number"),
        ("-Infinity", "'w[2]12' must be a finite number"),
        ('"0.5"', "'w[2]12' must be a number"),
        ("true", "'w[2]12' must be a number"),
        ("[0.5]", "'w[2]12' must be a number"),
    ],
)
def test_every_weight_must_be_a_finite_number(tmp_path: Path, text: str, words: str) -> None:
    path = model_file(tmp_path, ARCH, full_state("PLACEHOLDER"))
    path.write_text(path.read_text().replace('"PLACEHOLDER"', text))
    with pytest.raises(ModelFileError) as caught:
        MLP.load(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than the JSON reader recurses
        '{"format": ' + "9" * 5000 + "}",  # more digits than Python turns into an int
    ],
    ids=["deeply nested", "5000 digits"],
)
def test_files_the_json_reader_chokes_on_are_model_file_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match="not valid JSON") as caught:
        MLP.load(path)
    assert str(path) in str(caught.value)


def test_names_missing_or_extra_are_listed(tmp_path: Path, nothing_is_built: None) -> None:
    state = full_state(0.5)
    del state["w[1]21"]
    state["w[9]99"] = 1.0  # same count, one wrong name
    with pytest.raises(ModelFileError, match=r"missing w\[1\]21; unexpected w\[9\]99"):
        MLP.load(model_file(tmp_path, ARCH, state))


def test_a_directory_is_not_a_model_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="is a directory") as caught:
        MLP.load(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_an_unreadable_file_is_a_model_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = model_file(tmp_path, ARCH, full_state(0.5))

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ModelFileError, match="cannot read it: Permission denied") as caught:
        MLP.load(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        MLP.load(tmp_path / "nope.json")
    assert "nope.json" in str(caught.value) and "no model file" in str(caught.value)


def test_a_good_file_still_loads(tmp_path: Path) -> None:
    net = MLP(2, [2, 1], seed=3)
    path = tmp_path / "m.json"
    net.save(path)
    assert MLP.load(path).state_dict() == net.state_dict()


# --- names and sizes without building -----------------------------------------------------------


@pytest.mark.parametrize(
    ("nin", "nouts", "bias"),
    [(2, [2, 1], False), (2, [16, 1], True), (12, [3, 10, 2], True), (1, [1], False), (10, [10], True)],
)
def test_parameter_names_are_the_models_names(nin: int, nouts: list[int], bias: bool) -> None:
    names = list(MLP(nin, nouts, bias=bias, seed=0).named_parameters())
    assert list(parameter_names(nin, nouts, bias=bias)) == names
    assert parameter_count(nin, nouts, bias=bias) == len(names)


# --- save ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_save_keeps_an_existing_files_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "model.json"
    path.write_text("{}")
    path.chmod(mode)
    MLP(2, [1], seed=0).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert MLP.load(path).nin == 2


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_save_gives_a_new_file_the_umask_default(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "model.json"
    old = os.umask(umask)
    try:
        MLP(2, [1], seed=0).save(path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_save_refuses_non_finite_weights_and_keeps_the_old_file(tmp_path: Path, bad: float) -> None:
    path = tmp_path / "model.json"
    net = MLP(2, [2, 1], seed=0)
    net.save(path)
    before = path.read_bytes()
    net.named_parameters()["w[2]11"].data = bad  # only by hand: optimizers refuse such steps
    with pytest.raises(ValueError, match=r"w\[2\]11") as caught:
        net.save(path)
    assert repr(bad) in str(caught.value)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


# --- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [{0: 1.0, 1: 2.0}, {1.0, 2.0}, "12", b"12", (x for x in (1.0, 2.0))])
def test_a_sample_must_be_a_list_or_tuple(sample: object) -> None:
    for call in (MLP(2, [1], seed=0), MLP(2, [1], seed=0).outputs, Layer(2, 1)):
        with pytest.raises(TypeError, match="list or tuple"):
            call(sample)  # type: ignore[operator]


def test_sequences_and_numpy_rows_are_samples() -> None:
    net = MLP(2, [3, 1], seed=0)
    expected = net([0.5, -1.0]).data  # type: ignore[union-attr]
    assert net((0.5, -1.0)).data == expected  # type: ignore[union-attr]
    assert net(np.array([0.5, -1.0])).data == expected  # type: ignore[union-attr, arg-type]
    assert net([np.float32(0.5), np.int64(-1)]).data == expected  # type: ignore[union-attr, list-item]


@pytest.mark.parametrize("bias", ["no", 0, 1, None, np.float64(1.0)], ids=repr)
def test_bias_must_be_a_real_bool(bias: object) -> None:
    for make in (
        lambda: MLP(2, [1], bias=bias),
        lambda: Layer(2, 1, bias=bias),
        lambda: Neuron(2, bias=bias),
    ):
        with pytest.raises(TypeError, match="bias must be True or False"):
            make()  # type: ignore[no-untyped-call]


def test_numpy_integers_are_sizes() -> None:
    net = MLP(np.int64(2), [np.int32(3), np.uint8(1)], seed=np.int64(4))  # type: ignore[arg-type, list-item]
    assert repr(net) == repr(MLP(2, [3, 1], seed=4))
    assert net.state_dict() == MLP(2, [3, 1], seed=4).state_dict()
    assert json.dumps(net.architecture()) == json.dumps(MLP(2, [3, 1]).architecture())
    assert Layer(np.int64(3), np.int64(2)).neurons[0].nin == 3  # type: ignore[arg-type]
    assert Neuron(np.int16(4)).nin == 4  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: MLP(2.0, [1]), TypeError, "nin must be an integer"),  # type: ignore[arg-type]
        (lambda: MLP(2, [1.5]), TypeError, r"nouts[0] must be an integer"),  # type: ignore[list-item]
        (lambda: MLP(2, {1: 2}), TypeError, "nouts must be a list"),  # type: ignore[arg-type]
        (lambda: MLP(2, [1], seed="x"), TypeError, "seed must be an integer"),  # type: ignore[arg-type]
        (lambda: Layer("2", 3), TypeError, "nin must be an integer"),  # type: ignore[arg-type]
        (lambda: Layer(2, 0), ValueError, "nout must be an integer >= 1"),
        (lambda: Layer(2, 1, index=0), ValueError, "index must be an integer >= 1"),
        (lambda: Neuron(2, layer="1"), TypeError, "layer must be an integer"),  # type: ignore[arg-type]
        (lambda: Neuron(2, rng=3), TypeError, "rng must be a random.Random"),  # type: ignore[arg-type]
    ],
)
def test_other_arguments_are_named(make: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        make()  # type: ignore[operator]
    assert words in str(caught.value)


def test_load_state_dict_with_a_number_too_large_for_a_float() -> None:
    net = MLP(2, [1], seed=0)
    before = net.state_dict()
    state: dict[str, object] = dict(before)
    state["w[1]12"] = 10**400
    with pytest.raises(ValueError, match=r"state dict entry 'w\[1\]12' must be a finite number"):
        net.load_state_dict(state)
    assert net.state_dict() == before
    net.load_state_dict({name: np.float32(0.5) for name in before})
    assert set(net.state_dict().values()) == {0.5}


def test_save_refuses_to_replace_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # like /dev/full or /dev/null: os.replace would swap the node for a plain file
    with pytest.raises(OSError, match="not a regular file") as caught:
        MLP(2, [1], seed=0).save(fifo)
    assert str(fifo) in str(caught.value) and stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(IsADirectoryError, match="is a directory") as caught:
        MLP(2, [1], seed=0).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_save_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no folder") as caught:
        MLP(2, [1], seed=0).save(tmp_path / "nope" / "model.json")
    assert str(tmp_path / "nope") in str(caught.value)


def test_parameter_names_and_count_check_their_arguments() -> None:
    with pytest.raises(TypeError, match="nin must be an integer"):
        parameter_count("2", [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bias must be True or False"):
        list(parameter_names(2, [1], bias="yes"))  # type: ignore[arg-type]
    assert parameter_count(np.int64(2), [np.int64(3)]) == 9  # type: ignore[arg-type, list-item]

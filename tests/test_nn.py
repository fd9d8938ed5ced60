"""nn: the post's parameter names, the exact forward pass, state dicts, and JSON save/load."""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from oracles import POST_WEIGHTS

from micrograd_like import Value
from micrograd_like.learn import modules as nn
from micrograd_like.learn.modules import (
    MLP,
    Layer,
    ModelFileError,
    Module,
    Neuron,
    parameter_count,
    parameter_names,
)


def post_network() -> MLP:
    net = MLP(2, [2, 1], activation="tanh", bias=False)
    net.load_state_dict(POST_WEIGHTS)
    return net


# --- names --------------------------------------------------------------------------------------


def test_post_network_has_exactly_the_posts_weights_in_order() -> None:
    net = MLP(2, [2, 1], activation="tanh", bias=False)
    assert list(net.named_parameters()) == ["w[1]11", "w[1]12", "w[1]21", "w[1]22", "w[2]11", "w[2]12"]
    for name, p in net.named_parameters().items():
        assert p.label == name
        assert p.kind == "parameter"
        assert p.is_leaf
    assert net.parameters() == list(net.named_parameters().values())


def test_biases_follow_each_layers_weights() -> None:
    net = MLP(2, [3, 1], seed=0)
    assert list(net.named_parameters()) == [
        *[f"w[1]{j}{k}" for j in (1, 2, 3) for k in (1, 2)],
        "b[1]1",
        "b[1]2",
        "b[1]3",
        "w[2]11",
        "w[2]12",
        "w[2]13",
        "b[2]1",
    ]


def test_wide_layers_separate_unit_and_input_so_names_never_collide() -> None:
    net = MLP(12, [11, 1], seed=0)
    names = list(net.named_parameters())
    assert len(names) == len(set(names)) == 12 * 11 + 11 + 11 + 1
    assert "w[1]1,11" in names and "w[1]11,1" in names  # "w[1]111" would have been both
    assert "w[2]1,11" in names  # layer 2 has 11 inputs
    assert len(net.parameters()) == 12 * 11 + 11 + 11 + 1


def test_neuron_weight_k_multiplies_input_k() -> None:
    # w[1]12 connects input 2 to unit 1: only it changes when input 2 does
    net = post_network()
    params = net.named_parameters()
    y = net([Value(1.0, "x1"), Value(1.0, "x2")])
    assert isinstance(y, Value)
    y.backward()
    x2 = Value(0.0, "x2")
    net.zero_grad()
    y = net([Value(1.0), x2])
    assert isinstance(y, Value)
    y.backward()
    assert params["w[1]12"].grad == 0.0 and params["w[1]22"].grad == 0.0
    assert params["w[1]11"].grad != 0.0


# --- the forward pass ---------------------------------------------------------------------------


def test_post_forward_pass_equals_the_formulas_in_plain_floats() -> None:
    x1 = x2 = 1.0
    s11 = 0.25 * x1 + -0.40 * x2
    s12 = 0.60 * x1 + 0.10 * x2
    z11, z12 = math.tanh(s11), math.tanh(s12)
    s2 = -0.70 * z11 + 0.35 * z12
    y_hat = math.tanh(s2)
    out = post_network()([x1, x2])
    assert isinstance(out, Value)
    assert out.data == y_hat  # the same float operations in the same order: equal to the last bit
    s = out.parents[0]
    assert out.op == "tanh" and s.op == "add" and s.data == s2


def test_linear_part_is_a_left_fold_from_the_first_product() -> None:
    n = Neuron(3, "tanh", bias=True, rng=None)
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    z = n(xs)
    s = z.parents[0]
    # s = ((w1*x1 + w2*x2) + w3*x3) + b
    assert s.op == "add" and s.parents[1] is n.b
    left = s.parents[0]
    assert left.op == "add" and left.parents[1].op == "mul" and left.parents[1].parents == (n.w[2], xs[2])
    first = left.parents[0]
    assert first.op == "add"
    assert first.parents[0].op == "mul" and first.parents[0].parents == (n.w[0], xs[0])
    assert first.parents[1].parents == (n.w[1], xs[1])
    assert s.data == ((n.w[0].data * 1.0 + n.w[1].data * 2.0) + n.w[2].data * 3.0) + n.b.data


def test_no_bias_means_no_bias_node_and_no_zero_constant() -> None:
    n = Neuron(1, "linear", bias=False)
    x = Value(2.0)
    out = n(x=[x])
    assert out.op == "mul" and out.parents == (n.w[0], x)  # linear: z is s itself


@pytest.mark.parametrize(
    ("activation", "op", "f"),
    [
        ("tanh", "tanh", math.tanh),
        ("relu", "relu", lambda s: max(s, 0.0)),
        ("sigmoid", "sigmoid", lambda s: 1.0 / (1.0 + math.exp(-s))),
        ("linear", "add", lambda s: s),
    ],
)
def test_activations(activation: str, op: str, f: object) -> None:
    n = Neuron(2, activation, bias=True)
    n.w[0].data, n.w[1].data = 0.5, -1.5
    assert n.b is not None
    n.b.data = 0.25
    out = n([1.0, 0.3])
    s = 0.5 * 1.0 + -1.5 * 0.3 + 0.25
    assert out.op == op
    assert out.data == pytest.approx(f(s), abs=1e-15)  # type: ignore[operator]


def test_output_activation_applies_to_the_last_layer_only() -> None:
    net = MLP(2, [3, 3, 2], activation="relu", output_activation="linear", seed=1)
    assert [layer.activation for layer in net.layers] == ["relu", "relu", "linear"]
    outs = net([0.5, -0.5])
    assert isinstance(outs, list) and len(outs) == 2
    assert all(o.op == "add" for o in outs)
    hidden = net.layers[0]([0.5, -0.5])
    assert all(h.op == "relu" for h in hidden)


def test_one_output_is_a_value_but_layers_and_outputs_give_lists() -> None:
    net = MLP(2, [4, 1], seed=3)
    assert isinstance(net([1.0, 2.0]), Value)
    assert isinstance(net.outputs([1.0, 2.0]), list) and len(net.outputs([1.0, 2.0])) == 1
    one = Layer(2, 1, "tanh", rng=None)
    assert isinstance(one([1.0, 2.0]), list) and len(one([1.0, 2.0])) == 1


def test_floats_and_values_give_the_same_output() -> None:
    net = MLP(3, [4, 2], seed=5)
    a = net([0.1, -0.2, 0.3])
    b = net([Value(0.1), Value(-0.2), Value(0.3)])
    assert isinstance(a, list) and isinstance(b, list)
    assert [v.data for v in a] == [v.data for v in b]


def test_wrong_input_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        MLP(2, [1], seed=0)([1.0, 2.0, 3.0])


def test_gradients_match_finite_differences() -> None:
    net = MLP(2, [3, 2, 1], activation="tanh", seed=7)
    x, target = [0.7, -1.3], 0.5

    def loss() -> Value:
        out = net([x[0], x[1]])
        assert isinstance(out, Value)
        return (out - target) ** 2

    net.zero_grad()
    loss().backward()
    eps = 1e-6
    for name, p in net.named_parameters().items():
        original = p.data
        p.data = original + eps
        up = loss().data
        p.data = original - eps
        down = loss().data
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8), name


def test_zero_grad_clears_every_parameter() -> None:
    net = MLP(2, [3, 1], seed=0)
    out = net([1.0, 1.0])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_seed_makes_initialisation_reproducible() -> None:
    assert MLP(2, [5, 1], seed=42).state_dict() == MLP(2, [5, 1], seed=42).state_dict()
    assert MLP(2, [5, 1], seed=42).state_dict() != MLP(2, [5, 1], seed=43).state_dict()
    bound = 1 / math.sqrt(2)
    assert all(-bound <= w <= bound for w in MLP(2, [50], seed=1).state_dict().values())


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((2, [3]), {"activation": "softplus"}, "activation must be one of tanh, relu, sigmoid, linear"),
        ((2, [3]), {"output_activation": "nope"}, "output_activation must be one of"),
        ((0, [3]), {}, "nin must be an integer >= 1, got 0"),
        ((2, []), {}, "nouts is empty"),
        ((2, [3, 0]), {}, r"nouts\[1\] must be an integer >= 1, got 0"),
    ],
)
def test_bad_architecture_is_a_clear_error(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(*args, **kwargs)


def test_nouts_must_be_a_list() -> None:
    with pytest.raises(TypeError, match="nouts must be a list"):
        MLP(2, "16")  # type: ignore[arg-type]


def test_reprs() -> None:
    net = MLP(2, [3, 1], activation="relu", output_activation="linear", seed=0)
    assert repr(net) == "MLP(2, [3, 1], activation='relu', output_activation='linear', bias=True)"
    assert repr(MLP(2, [2, 1], bias=False)) == "MLP(2, [2, 1], activation='tanh', bias=False)"
    assert repr(net.layers[0]) == "Layer(2, 3, activation='relu', bias=True)"
    assert repr(net.layers[1].neurons[0]) == "Neuron(3, activation='linear', bias=True)"


def test_base_module_has_no_parameters() -> None:
    assert Module().parameters() == [] and Module().state_dict() == {}


# --- state dicts --------------------------------------------------------------------------------


def test_state_dict_round_trip() -> None:
    a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert list(a.state_dict()) == list(a.named_parameters())
    assert all(type(v) is float for v in a.state_dict().values())


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda d: d.pop("w[2]12"), ValueError, r"missing w\[2\]12"),
        (lambda d: d.update({"w[3]11": 1.0}), ValueError, r"unexpected w\[3\]11"),
        (lambda d: d.update({"w[2]12": "0.5"}), TypeError, r"'w\[2\]12' must be a number"),
        (lambda d: d.update({"w[2]12": True}), TypeError, "must be a number"),
        (lambda d: d.update({"w[2]12": None}), TypeError, "must be a number"),
        (lambda d: d.update({"w[2]12": float("nan")}), ValueError, "must be a finite number, got nan"),
    ],
)
def test_load_state_dict_is_all_or_nothing(change: object, error: type, message: str) -> None:
    net = post_network()
    before = net.state_dict()
    state = {name: 9.0 for name in before}  # every other entry would change a weight
    change(state)  # type: ignore[operator]
    with pytest.raises(error, match=message):
        net.load_state_dict(state)
    assert net.state_dict() == before


def test_load_state_dict_error_lists_stay_short() -> None:
    big = MLP(2, [16, 1], seed=0)
    with pytest.raises(ValueError, match=r"missing w\[1\]1,1, w\[1\]1,2, .*, w\[1\]3,2, \.\.\. \(59 more\)$"):
        big.load_state_dict({})


def test_load_state_dict_needs_a_mapping() -> None:
    with pytest.raises(TypeError, match="needs a mapping"):
        post_network().load_state_dict([("w[1]11", 1.0)])  # type: ignore[arg-type]


# --- files --------------------------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    net = MLP(2, [4, 3], activation="relu", output_activation="sigmoid", seed=9)
    path = tmp_path / "model.json"
    net.save(path)
    doc = json.loads(path.read_text())
    assert doc["architecture"] == {
        "nin": 2,
        "nouts": [4, 3],
        "activation": "relu",
        "output_activation": "sigmoid",
        "bias": True,
    }
    loaded = MLP.load(path)
    assert repr(loaded) == repr(net)
    assert loaded.state_dict() == net.state_dict()  # JSON keeps floats exactly
    a, b = net([0.3, -0.8]), loaded([0.3, -0.8])
    assert isinstance(a, list) and isinstance(b, list)
    assert [v.data for v in a] == [v.data for v in b]
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left


def test_save_replaces_atomically_and_a_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    old = MLP(2, [2, 1], seed=1)
    old.save(path)
    before = path.read_bytes()

    def crash(fd: int) -> None:  # the text is written, then the machine "dies" before the rename
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk on fire"):
        MLP(2, [2, 1], seed=2).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    assert MLP.load(path).state_dict() == old.state_dict()


def test_load_truncated_file_names_file_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ModelFileError, match=r"model\.json: not valid JSON \(truncated or corrupt\?\)"):
        MLP.load(path)


def test_load_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelFileError, match=r"model\.json: not a text file"):
        MLP.load(path)


def _saved_doc(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    return path, json.loads(path.read_text())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="something else"), "not a micrograd_like model file"),
        (lambda d: d.update(version=99), "unsupported model file version 99"),
        (lambda d: d.pop("state_dict"), "must both be JSON objects"),
        (lambda d: d["architecture"].update(nouts=[3, 1]), r"missing w\[1\]31"),
        (lambda d: d["architecture"].update(bias=False), r"unexpected b\[1\]1"),
        (lambda d: d["architecture"].update(activation="swish"), "activation must be one of"),
        (lambda d: d["architecture"].update(extra=1), "architecture must have exactly"),
        (lambda d: d["state_dict"].update({"w[1]11": "x"}), "must be a number"),
    ],
)
def test_load_mismatched_file_is_a_clear_error(tmp_path: Path, edit: object, message: str) -> None:
    path, doc = _saved_doc(tmp_path)
    edit(doc)  # type: ignore[operator]
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFileError, match=message) as info:
        MLP.load(path)
    assert str(path) in str(info.value)


def test_load_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nope.json")


# --- when things go wrong --------------------------------------------------------------------------
# nn when things go wrong: model files that lie about their size, overflow, nest or are not files; saving
# keeps the file's permissions and refuses broken weights; arguments that are not what they seem (dicts as
# samples, "no" as a bool, numpy integers as sizes).


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
            call(sample)  # type: ignore[arg-type]


def test_sequences_and_numpy_rows_are_samples() -> None:
    net = MLP(2, [3, 1], seed=0)
    expected = net([0.5, -1.0]).data  # type: ignore[union-attr]
    assert net((0.5, -1.0)).data == expected  # type: ignore[union-attr]
    assert net(np.array([0.5, -1.0])).data == expected  # type: ignore[union-attr, arg-type]
    assert net([np.float32(0.5), np.int64(-1)]).data == expected  # type: ignore[union-attr]


@pytest.mark.parametrize("bias", ["no", 0, 1, None, np.float64(1.0)], ids=repr)
def test_bias_must_be_a_real_bool(bias: object) -> None:
    for make in (
        lambda: MLP(2, [1], bias=bias),  # type: ignore[arg-type]
        lambda: Layer(2, 1, bias=bias),  # type: ignore[arg-type]
        lambda: Neuron(2, bias=bias),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError, match="bias must be True or False"):
            make()


def test_numpy_integers_are_sizes() -> None:
    net = MLP(np.int64(2), [np.int32(3), np.uint8(1)], seed=np.int64(4))
    assert repr(net) == repr(MLP(2, [3, 1], seed=4))
    assert net.state_dict() == MLP(2, [3, 1], seed=4).state_dict()
    assert json.dumps(net.architecture()) == json.dumps(MLP(2, [3, 1]).architecture())
    assert Layer(np.int64(3), np.int64(2)).neurons[0].nin == 3
    assert Neuron(np.int16(4)).nin == 4


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
    assert parameter_count(np.int64(2), [np.int64(3)]) == 9

"""The model file: an MLP's architecture and weights as JSON, written atomically, read back checked.

`write(path, architecture, state)` and `read(path)` know the file's format only; what the
architecture and the weights must be (sizes, activations, exactly the parameter names) is the
network's to check (`MLP.load`).
"""

from __future__ import annotations

import errno
import json
import math
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..util import checks
from ..util.files import write_text

FILE_FORMAT = "micrograd_like.MLP"
FILE_VERSION = 1
ARCHITECTURE_FIELDS = frozenset({"nin", "nouts", "activation", "output_activation", "bias"})


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file and the problem."""


def write(path: Path, architecture: Mapping[str, Any], state: Mapping[str, float]) -> None:
    """Write the architecture and weights as JSON, atomically (a crash never leaves half a file).

    `files.write_text` writes it: a temporary file in the same folder, flushed to disk, then
    one rename over `path`; the file keeps the permissions it had (a new one gets the usual
    0o666 less the umask). A weight that is inf or NaN is refused: JSON cannot hold it. So is
    a path that is not a regular file (a pipe, a device): a model file is a file.
    """
    for name, weight in state.items():
        if not math.isfinite(weight):
            raise ValueError(
                f"cannot save {path}: weight {name!r} is {weight!r}, and a model file holds finite "
                "numbers only; load or train good weights first"
            )
    doc = {"format": FILE_FORMAT, "version": FILE_VERSION, "architecture": dict(architecture)}
    doc["state_dict"] = dict(state)
    text = json.dumps(doc, indent=2, allow_nan=False) + "\n"
    _refuse_special(path)
    write_text(path, text)


def read(path: Path) -> tuple[dict[str, Any], dict[str, object]]:
    """(architecture, state dict) as the file holds them, its format checked; a ModelFileError
    names the file and what is wrong (FileNotFoundError if there is no file)."""
    doc = _read_document(path)
    try:
        return _check_document(doc)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: {error}") from None


def _refuse_special(path: Path) -> None:
    """Only a regular file (or none) may be saved to: the writer would write into a pipe or a
    device (/dev/null), which `load` could never read back."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # no such file yet; the writer says what else is wrong
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise OSError(errno.EINVAL, "not a regular file (a model goes to a file load can read)", str(path))


def _read_document(path: Path) -> object:
    """The JSON in `path`, or a ModelFileError (FileNotFoundError if there is no file)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"no model file {str(path)!r} (it does not exist)") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: is a directory, not a model file") from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot read it: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{path}: not a text file ({error.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{path}: not valid JSON (truncated or corrupt?): {error}") from None
    except (ValueError, RecursionError) as error:  # a number of > 4300 digits; nesting too deep
        raise ModelFileError(f"{path}: not valid JSON for a model file: {error}") from None


def _check_document(doc: object) -> tuple[dict[str, Any], dict[str, object]]:
    """(architecture, state dict) from a parsed model file; ValueError if its form is wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
        raise ValueError(f"not a micrograd_like model file (no format {FILE_FORMAT!r})")
    version = doc.get("version")
    if type(version) is not int or version != FILE_VERSION:
        raise ValueError(f"unsupported model file version {checks.show(version)}")
    arch, state = doc.get("architecture"), doc.get("state_dict")
    if not isinstance(arch, dict) or not isinstance(state, dict):
        raise ValueError("'architecture' and 'state_dict' must both be JSON objects")
    if set(arch) != ARCHITECTURE_FIELDS:
        raise ValueError(f"architecture must have exactly {sorted(ARCHITECTURE_FIELDS)}, got {sorted(arch)}")
    return arch, state

"""The digests stored on disk keep their values: the calibration cache's and the shipped
posterior's key, a sweep's fingerprint and its manifest's input digests.

The pinned hex strings were computed on main at 6dca59a, before the three hashers became
:mod:`forceratio.digest`; a change of any canonical form fails here before it calls the
shipped posterior stale or every existing sweep store foreign."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic
import pytest

import forceratio
from forceratio.calibration.cache import cache_key, code_version
from forceratio.digest import json_digest, sha256_hex, value_digest
from forceratio.scenarios.record_fit import _digest as table_digest
from forceratio.sweeps.inputs import manifest_fingerprint


@dataclasses.dataclass(frozen=True)
class Pair:
    name: str
    value: np.ndarray


class Model(pydantic.BaseModel):
    name: str
    weight: float


DATA = {
    "b": [1, 2.5, None, True],
    "a": {"x": np.float64(0.1), "y": np.arange(3)},
    "p": Path("/tmp/t.csv"),
    "s": "Ostrołęka",
}
SPEC = {"b": 1, "a": [1.5, "x"]}


def value() -> dict[object, object]:
    return {
        "pair": Pair("p", np.array([[1.0, -0.0], [np.inf, 2.0]])),
        "model": Model(name="m", weight=0.5),
        "ints": np.arange(4, dtype=np.int32),
        "scalar": np.float32(1.5),
        "none": None,
        3: (True, "x", 2.0),
        "list": [1, [2, 3]],
    }


def test_the_calibration_cache_key_is_pinned() -> None:
    key = cache_key(data=DATA, scenarios={"n": 1}, settings={"seed": 0}, version="v1")
    assert key == "09e2505d7f51ebed23dfd9179c24e291272493f93eba5b2c2eb3febb532407c7"
    # the shipped key's form: a version in place of the code's hash, no scenarios, no settings
    shipped_form = cache_key(data={"a": 1}, version="record1941-1")
    assert shipped_form == "a53b74c39f11813434c3834f76188fa0913e0863c7f12d0530df6b6498f791b7"


def test_the_sweep_fingerprint_is_pinned() -> None:
    assert (
        manifest_fingerprint({"spec": SPEC})
        == "96cd3441b2bbfcba44d3527c64ea37eaf1e07aa1bb5fb5aa3e4be728b19ea89c"
    )
    inputs = {"scenario": "ab", "forceratio": "0.1"}
    assert (
        manifest_fingerprint({"spec": SPEC, "inputs": inputs})
        == "a84054b9edadba7008229d7db2f36b5b9c9a35bd29c3258ac9e38392f6318efb"
    )


def test_the_manifest_value_digest_is_pinned() -> None:
    assert value_digest(value()) == (
        "c6bf658d62773299e546d94723c14a3ac241c1031b229053e858da5a49fb7dae"
    )


def test_the_shipped_keys_table_digest_is_pinned() -> None:
    df = pd.DataFrame({"a": [1.5, 2.0], "source": ["x", "y"], "b": ["u", "v"]})
    # the provenance column "source" is left out of the digest
    assert table_digest(df) == "1c5c13d16fd14171bea03c0cb1835f7b5791b16e4d8e4241aa67602598cee4ab"
    assert table_digest(df.drop(columns="source")) == table_digest(df)


@pytest.mark.parametrize("compact", [True, False])
def test_json_digest_is_sha256_of_sorted_json(compact: bool) -> None:
    obj = {"z": [1, 2.5, None], "a": {"c": "Ostrołęka", "b": False}}
    seps = (",", ":") if compact else (", ", ": ")
    text = json.dumps(obj, sort_keys=True, separators=seps)
    assert json_digest(obj, compact=compact) == hashlib.sha256(text.encode()).hexdigest()
    assert json_digest(obj, compact=True) != json_digest(obj, compact=False)


def test_json_digest_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot key a object"):
        json_digest({"a": object()})


def test_code_version_hashes_every_source_by_its_path() -> None:
    root = Path(forceratio.__file__).parent
    h = hashlib.sha256()  # the form of the cache entries already on disk, restated
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    assert code_version() == f"{forceratio.__version__}+{h.hexdigest()[:16]}"
    assert sha256_hex(b"ab", b"c") == hashlib.sha256(b"abc").hexdigest()


def test_value_digest_tells_dtype_shape_and_class_apart() -> None:
    a = np.arange(4.0)
    assert value_digest(a) != value_digest(a.astype(np.float32))
    assert value_digest(a) != value_digest(a.reshape(2, 2))
    assert value_digest(a[::2]) == value_digest(np.array([0.0, 2.0]))  # contiguity ignored
    assert value_digest({"a": 1, "b": 2}) == value_digest({"b": 2, "a": 1})
    assert value_digest(np.float64(1.5)) == value_digest(1.5)
    assert value_digest(1) != value_digest(1.0) != value_digest(True)
    assert value_digest([1, 2]) == value_digest((1, 2))  # sequences alike, as before
    with pytest.raises(TypeError, match="cannot digest a set"):
        value_digest({1, 2})

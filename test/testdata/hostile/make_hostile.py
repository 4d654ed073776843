"""Makes the hostile and nasty-but-valid inputs of test/testdata/hostile/ and records what NumPy
does with each (run with a python3 that has NumPy, from the repository root):

    python3 test/testdata/hostile/make_hostile.py

- headers/*.npy: a 3 x 2 float64 payload under headers NumPy accepts or refuses; headers.json
  says which, with np.load's values when accepted ("numpy" is the version that decided).
- numbers/*.npy: valid files whose values are easy to convert wrongly (booleans that are not
  0/1, 64-bit integers near 2^62, -2^63 and 2^64), with NumPy's astype(float64) in numbers.json;
  and data whose squared distances overflow or underflow float64 (refused by our readers).
scikit-learn's answers on numbers/ come from make_hostile_sklearn.py. Large and sparse files
(2 GB) are made by the tests at run time in /tmp, never committed.
"""
import hashlib
import io
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PAYLOAD = np.arange(6, dtype="<f8").reshape(3, 2) / 4


def npy(header_text, version=(1, 0), payload=PAYLOAD.tobytes(), encoding="latin1", raw=None):
    """Bytes of a .npy file with exactly this header text (padded to 64 bytes with spaces and a newline
    unless `raw` gives the header bytes themselves)."""
    body = raw if raw is not None else header_text.encode(encoding)
    length_size = 2 if version[0] == 1 else 4
    if raw is None:
        total = 6 + 2 + length_size + len(body) + 1
        body = body + b" " * ((-total) % 64) + b"\n"
    return (b"\x93NUMPY" + bytes(version) + len(body).to_bytes(length_size, "little") + body + payload)


GOOD = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }"
HEADERS = {
    "version_1_5": npy(GOOD, (1, 5)),
    "version_2_1": npy(GOOD, (2, 1)),
    "version_3_0": npy(GOOD, (3, 0)),
    "extra_key": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1}"),
    "latin1_key": npy("{'descr': '<f8', 'fortran_order': False, 'shap\xe9': (3, 2)}"),
    "latin1_key_v3": npy("{'descr': '<f8', 'fortran_order': False, 'shap\xe9': (3, 2)}", (3, 0), encoding="utf-8"),
    "unit_descr": npy("{'descr': '<f8[s]', 'fortran_order': False, 'shape': (3, 2), }"),
    "nbsp_padding": npy("", raw=(GOOD.encode() + b"\xa0" * 3 + b"\n")),
    "nbsp_padding_v3": npy("", (3, 0), raw=(GOOD.encode() + "\xa0".encode() * 3 + b"\n")),
    "nul_padding": npy("", raw=(GOOD.encode() + b"\0" * 3 + b"\n")),
    "tab_padding": npy("", raw=(GOOD.encode() + b"\t\t\n")),
    "formfeed_padding": npy("", raw=(GOOD.encode() + b"\x0c\n")),
    "vtab_padding": npy("", raw=(GOOD.encode() + b"\x0b\n")),
    "crlf_padding": npy("", raw=(GOOD.encode() + b"  \r\n")),
    "leading_space": npy("  " + GOOD),
    "leading_newline": npy("\n" + GOOD),
    "comment": npy(GOOD + "  # written by hand"),
    "comment_latin1": npy(GOOD + "  # caf\xe9"),
    "invalid_utf8_v3": npy("", (3, 0), raw=(GOOD.encode() + b" # \xff\n")),
    "python2_long": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 2L), }"),
    "python2_long_v3": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 2L), }", (3, 0)),
    "duplicate_key": npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)}"),
    "double_quotes": npy('{"descr": "<f8", "fortran_order": False, "shape": (3, 2)}'),
    "hex_shape": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0x3, 0b10)}"),
    "underscore_shape": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0_2)}"),
    "leading_zero_shape": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (03, 2)}"),
    "plus_sign_shape": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (+3, 2)}"),
    "escaped_descr": npy("{'descr': '\\x3cf8', 'fortran_order': False, 'shape': (3, 2)}"),
    "unicode_prefix": npy("{u'descr': u'<f8', 'fortran_order': False, 'shape': (3, 2)}"),
    "type_code_descr": npy("{'descr': 'd', 'fortran_order': False, 'shape': (3, 2)}"),
    "concatenated_descr": npy("{'descr': '<' 'f8', 'fortran_order': False, 'shape': (3, 2)}"),
    "continuation": npy("{'descr': '<f8', \\\n 'fortran_order': False, 'shape': (3, 2)}"),
    "shape_not_tuple": npy("{'descr': '<f8', 'fortran_order': False, 'shape': [3, 2]}"),
    "shape_parenthesised_int": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", payload=np.arange(6, dtype="<f8").tobytes()),
    "shape_float": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3.0, 2)}"),
    "fortran_int": npy("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 2)}"),
    "missing_key": npy("{'descr': '<f8', 'shape': (3, 2)}"),
    "set_literal": npy("{'descr', 'fortran_order', 'shape'}"),
    "too_long": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }" + " " * 10_100, (2, 0)),
    "declared_4gb_header": b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + GOOD.encode(),
}


def numpy_verdict(data):
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as error:  # noqa: BLE001 - any refusal counts
        return {"numpy": "refused", "reason": f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"}
    return {"numpy": "accepted", "values": np.asarray(array, dtype="<f8").tolist()}


def main():
    os.makedirs(os.path.join(HERE, "headers"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "numbers"), exist_ok=True)
    verdicts = {"numpy_version": np.__version__, "files": {}}
    for name, data in HEADERS.items():
        with open(os.path.join(HERE, "headers", f"{name}.npy"), "wb") as f:
            f.write(data)
        verdicts["files"][f"{name}.npy"] = numpy_verdict(data)
    with open(os.path.join(HERE, "headers.json"), "w") as f:
        json.dump(verdicts, f, indent=1)
        f.write("\n")

    rng = np.random.default_rng(14)
    centres = np.array([[0.0, 0.0], [3e6, 0.0], [0.0, 3e6]])
    blobs = (centres[rng.integers(0, 3, 2000)] + rng.normal(0, 4e5, (2000, 2))).round()
    numbers = {
        # Zero bytes and bytes from 1 to 255, which NumPy's bool reads as True.
        "bool_nonzero": np.frombuffer(
            np.where(rng.random(4000) < 0.3, 0, rng.integers(1, 256, 4000)).astype(np.uint8).tobytes(), dtype="|b1"
        ).reshape(2000, 2),
        "int64_near_2e62": (blobs.astype(np.int64) + (2**62 + 12345)).astype("<i8"),
        "int64_be_near_min": (blobs.astype(np.int64) + (-(2**63) + 2 * 10**7)).astype(">i8"),
        "uint64_near_2e64": (blobs.astype(np.int64).astype(np.uint64) + np.uint64(2**64 - 2 * 10**7)).astype("<u8"),
        "big_1e200": rng.normal(0, 1, (500, 2)) * 1e200,
        "outlier_1e200": np.vstack([rng.normal(0, 1, (499, 2)), [[1e200, 0.0]]]),
        "tiny_1e-200": rng.normal(0, 1, (500, 2)) * 1e-200,
    }
    reference = {}
    for name, array in numbers.items():
        np.save(os.path.join(HERE, "numbers", f"{name}.npy"), array)
        as_float = array.astype(np.float64)
        reference[f"{name}.npy"] = {
            "dtype": array.dtype.str,
            # The exact float64 values, as a digest of their little-endian bytes, and a few of them.
            "sha256": hashlib.sha256(as_float.astype("<f8").tobytes()).hexdigest(),
            "first": as_float[:3].tolist(),
        }
    with open(os.path.join(HERE, "numbers.json"), "w") as f:
        json.dump({"numpy_version": np.__version__, "files": reference}, f, indent=1)
        f.write("\n")
    for name, verdict in verdicts["files"].items():
        print(f"{name:32} {verdict['numpy']:9} {verdict.get('reason', '')}")


if __name__ == "__main__":
    main()

"""Fixtures for the Deno tests, made by NumPy (the reference the TypeScript core must match).

Run from the repository root with the pyenv python3 (NumPy 2.x):

    python3 test/testdata/make_fixtures.py

It regenerates everything in test/testdata/ that comes from NumPy, deterministically:

- shuffle.json      NumPy's legacy RandomState: seeded shuffles of arange(n), the raw MT19937
                    stream, random_sample, uniform, standard_normal and randint(high).
- npy/*.npy         one small 2-D matrix per value group in every encoding the reader accepts
                    (dtypes, byte orders, C/Fortran order, format versions 1.0, 2.0, 3.0),
                    with npy/values.json holding the values every encoding must decode to.
- csv/*.csv|tsv     the float matrix as delimited text (header or not, tab, semicolon, CRLF, BOM).
- bad/*             malformed .npy and .csv files the readers must refuse.

It does not write bad/expected.json (the exact messages our readers give for bad/*): after
changing bad/, regenerate that with
    node_modules/.bin/deno run --allow-read --allow-write=test/testdata test/testdata/make_expected.ts
and read every message. The scikit-learn fixtures come from make_sklearn_fixtures.py.
"""

import hashlib
import io
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(*parts):
    return os.path.join(HERE, *parts)


def sha256_int32(values):
    return hashlib.sha256(np.asarray(values).astype("<i4").tobytes()).hexdigest()


def sha256_uint32(values):
    return hashlib.sha256(np.asarray(values).astype("<u4").tobytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# RandomState fixtures
# ---------------------------------------------------------------------------------------------

FIXED_SEEDS = [0, 1, 45689, 2**31 - 1, 2**32 - 1]
# "Some random ones", drawn once from a fixed generator so the file is reproducible.
RANDOM_SEEDS = [int(s) for s in np.random.default_rng(20240601).integers(0, 2**32, size=3)]
SEEDS = FIXED_SEEDS + RANDOM_SEEDS
SIZES = [1, 2, 3, 10, 100, 1000, 65535, 65536, 65537, 100000]
FULL_UP_TO = 100


def mt19937_raw(seed, count):
    """The first `count` tempered MT19937 outputs computed from RandomState's own state vector,
    independently of any NumPy draw method, to prove which method exposes the raw stream."""
    _, key, pos, _, _ = np.random.RandomState(seed).get_state()
    assert pos == 624
    mt = [int(k) for k in key]
    out = []
    i = 624
    while len(out) < count:
        if i == 624:
            for j in range(624):
                y = (mt[j] & 0x80000000) | (mt[(j + 1) % 624] & 0x7FFFFFFF)
                mt[j] = mt[(j + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            i = 0
        y = mt[i]
        i += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        out.append(y & 0xFFFFFFFF)
    return out


def shuffle_fixture(n, seed):
    np.random.seed(seed)
    idx = np.arange(n)
    np.random.shuffle(idx)
    # permutation() is the same draw sequence; checking it here keeps the TS API honest.
    assert np.array_equal(np.random.RandomState(seed).permutation(n), idx)
    entry = {"n": n, "seed": seed, "sha256": sha256_int32(idx)}
    if n <= FULL_UP_TO:
        entry["order"] = idx.tolist()
    else:
        entry["first20"] = idx[:20].tolist()
        entry["last20"] = idx[-20:].tolist()
    return entry


def random_state_fixtures():
    shuffles = [shuffle_fixture(n, seed) for n in SIZES for seed in SEEDS]
    # A few pairs with odd sizes, so the masks of every bit width are exercised.
    extra = np.random.default_rng(7)
    for _ in range(12):
        n = int(extra.integers(4, 5000))
        seed = int(extra.integers(0, 2**32))
        shuffles.append(shuffle_fixture(n, seed))

    raw = []
    for seed in SEEDS:
        # 2000 draws cross the 624-word regeneration boundary three times.
        independent = mt19937_raw(seed, 2000)
        via_randint = np.random.RandomState(seed).randint(0, 2**32, size=2000, dtype=np.uint32)
        # randint over the full uint32 range must be one raw 32-bit draw per value.
        assert [int(v) for v in via_randint] == independent, seed
        raw.append({"seed": seed, "first10": independent[:10], "sha256_2000": sha256_uint32(independent)})

    samples = []
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        samples.append({"seed": seed, "values": [float(v) for v in rs.random_sample(10)]})

    uniforms = []
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        uniforms.append({"seed": seed, "low": -2.5, "high": 7.0,
                         "values": [float(v) for v in rs.uniform(-2.5, 7.0, size=10)]})

    normals = []
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        normals.append({"seed": seed, "values": [float(v) for v in rs.standard_normal(11)]})

    # Scalar randint(high) calls in sequence from one generator: checks the values and how many
    # raw draws each bound consumes (high = 1 consumes none; 2^32 is a raw draw).
    highs = [1, 2, 3, 5, 7, 10, 100, 1000, 65535, 65536, 65537, 2**31 - 1, 2**31, 2**31 + 1,
             3_000_000_000, 2**32 - 1, 2**32]
    randints = []
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        calls = [{"high": h, "values": [int(rs.randint(h)) for _ in range(5)]} for h in highs]
        randints.append({"seed": seed, "calls": calls})

    # Interleaved calls share one stream and the cached second normal of the polar method.
    rs = np.random.RandomState(45689)
    interleaved = []
    for step in ["standard_normal", "random_sample", "standard_normal", "randint:10",
                 "standard_normal", "standard_normal", "uniform", "standard_normal"]:
        if step == "standard_normal":
            value = float(rs.standard_normal())
        elif step == "random_sample":
            value = float(rs.random_sample())
        elif step == "uniform":
            value = float(rs.uniform())
        else:
            value = int(rs.randint(10))
        interleaved.append({"call": step, "value": value})

    return {
        "note": "Made by test/testdata/make_fixtures.py with NumPy " + np.__version__
                + " (legacy RandomState). Shuffles: np.random.seed(seed); idx = np.arange(n); "
                "np.random.shuffle(idx); sha256 is of idx.astype('<i4').tobytes(); the full order "
                f"is stored for n <= {FULL_UP_TO}. raw: RandomState(seed).randint(0, 2**32, "
                "dtype=np.uint32), verified against MT19937 tempering of get_state()'s key; "
                "sha256_2000 is of the first 2000 as '<u4'.",
        "shuffles": shuffles,
        "raw_uint32": raw,
        "random_sample": samples,
        "uniform": uniforms,
        "standard_normal": normals,
        "randint": randints,
        "interleaved_seed45689": interleaved,
    }


# ---------------------------------------------------------------------------------------------
# .npy encodings
# ---------------------------------------------------------------------------------------------

# Exact in float16 (at most 11 significant bits, |x| <= 65504), so every float dtype decodes to
# the same doubles; negatives, fractions and a zero included.
FLOATS = np.array([
    [0.5, -1.25, 3.0],
    [-0.125, 2.75, -7.5],
    [100.0, -0.0625, 0.375],
    [1.5, 2.0, -3.5],
    [-1000.0, 0.25, 6.125],
    [12.5, -9.75, 0.0],
    [0.03125, 42.0, -0.5],
])
SIGNED = np.array([[0, -1, 2], [127, -128, 5], [-7, 8, 9], [10, -11, 12],
                   [-13, 100, -100], [1, 0, -2], [64, -64, 33]])
UNSIGNED = np.array([[0, 1, 2], [255, 128, 5], [7, 8, 9], [10, 11, 12],
                     [13, 100, 200], [1, 0, 254], [64, 63, 33]])
BOOLS = np.array([[True, False, True], [False, False, True], [True, True, True],
                  [False, True, False], [True, False, False], [False, False, False],
                  [True, True, False]])
# Values only the wide types can hold, each exactly representable as a double.
WIDE = {
    "i8": np.array([[2**53, -(2**53)], [-(2**62), 2**62], [-1, 1]], dtype=np.int64),
    "u8": np.array([[2**63, 2**64 - 2**11], [0, 2**53]], dtype=np.uint64),
    "i4": np.array([[2**31 - 1, -(2**31)], [0, -1]], dtype=np.int32),
    "u4": np.array([[2**32 - 1, 0], [2**31, 1]], dtype=np.uint32),
    "i2": np.array([[32767, -32768]], dtype=np.int16),
    "u2": np.array([[65535, 0]], dtype=np.uint16),
    # float32 values that are not exact decimals: the reader must give the float32's exact double.
    "f4": np.array([[0.1, -0.2], [1e30, -1e-30], [3.4028234663852886e38, 1.1754943508222875e-38]],
                   dtype=np.float32),
    # float16 extremes: largest finite, smallest subnormal, smallest normal.
    "f2": np.array([[65504.0, -65504.0], [2.0**-24, -(2.0**-14)]], dtype=np.float16),
}

GROUPS = {
    "float": (FLOATS, ["f8", "f4", "f2"]),
    "signed": (SIGNED, ["i8", "i4", "i2", "i1", "f8"]),
    "unsigned": (UNSIGNED, ["u8", "u4", "u2", "u1", "i2", "f8"]),
    "bool": (BOOLS, ["b1", "u1", "f8"]),
}
VERSIONS = [(1, 0), (2, 0), (3, 0)]


def npy_bytes(arr, version=None):
    f = io.BytesIO()
    np.lib.format.write_array(f, arr, version=version, allow_pickle=False)
    return f.getvalue()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def npy_fixtures():
    directory = path("npy")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    manifest = {"groups": {}, "wide": {}}
    for group, (values, dtypes) in GROUPS.items():
        files = []
        for code in dtypes:
            orders = ["|"] if code in ("b1", "u1", "i1") else ["<", ">"]
            for byteorder in orders:
                typed = values.astype(np.dtype(byteorder + code) if byteorder != "|" else code)
                for layout in ("C", "F"):
                    arr = np.ascontiguousarray(typed) if layout == "C" else np.asfortranarray(typed)
                    for version in VERSIONS:
                        end = {"<": "le", ">": "be", "|": "na"}[byteorder]
                        name = f"{group}_{code}_{end}_{layout}_v{version[0]}.npy"
                        data = npy_bytes(arr, version)
                        assert np.array_equal(np.load(io.BytesIO(data)), values)
                        write(os.path.join(directory, name), data)
                        files.append(name)
        manifest["groups"][group] = {"values": values.astype(np.float64).tolist(), "files": files}
    for code, values in WIDE.items():
        files = []
        for byteorder in ("<", ">"):
            for layout in ("C", "F"):
                typed = values.astype(values.dtype.newbyteorder(byteorder))
                arr = np.ascontiguousarray(typed) if layout == "C" else np.asfortranarray(typed)
                end = {"<": "le", ">": "be"}[byteorder]
                name = f"wide_{code}_{end}_{layout}.npy"
                write(os.path.join(directory, name), npy_bytes(arr))
                files.append(name)
        # int(v) / float(v) keep integers exact in JSON; the test compares as doubles.
        as_numbers = [[int(v) if values.dtype.kind in "iu" else float(v) for v in row] for row in values]
        manifest["wide"][code] = {"values": as_numbers, "files": files}
    manifest["note"] = ("Made by test/testdata/make_fixtures.py with NumPy " + np.__version__
                        + ": every file in a group must decode to that group's values (row-major).")
    with open(os.path.join(directory, "values.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def csv_fixtures():
    directory = path("csv")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    rows = [[repr(float(v)) for v in row] for row in FLOATS]

    def text(delimiter, header=None, newline="\n"):
        lines = ([delimiter.join(header)] if header else []) + [delimiter.join(r) for r in rows]
        return newline.join(lines) + newline

    files = {
        "float.csv": text(","),
        "float_header.csv": text(",", ["x", "y", "z"]),
        "float.tsv": text("\t"),
        "float_header.tsv": text("\t", ["x", "y", "z"]),
        "float_semicolon.csv": text(";", ["x", "y", "z"]),
        "float_crlf.csv": text(",", ["x", "y", "z"], "\r\n"),
        "float_bom.csv": "\ufeff" + text(",", ["x", "y", "z"]),
        "float_bom_crlf_noheader.csv": "\ufeff" + text(",", None, "\r\n"),
        # NumPy's own writer: 18 significant digits in exponent notation, space-free.
        "float_savetxt.csv": None,
        # pandas-style quoted header with an index-free layout and no trailing newline.
        "float_quoted_header.csv": text(",", ['"x"', '"y"', '"z"']).rstrip("\n"),
    }
    for name, content in files.items():
        target = os.path.join(directory, name)
        if content is None:
            np.savetxt(target, FLOATS, delimiter=",")
        else:
            write(target, content.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------------------------

def npy_with_header(header_text, body=b"", version=(1, 0)):
    """A .npy file with a hand-written header dict text, padded as NumPy pads (to 64 bytes)."""
    length_bytes = 2 if version[0] == 1 else 4
    raw = header_text.encode("latin1")
    total = 8 + length_bytes + len(raw) + 1
    raw += b" " * ((64 - total % 64) % 64) + b"\n"
    length = len(raw).to_bytes(length_bytes, "little")
    return b"\x93NUMPY" + bytes(version) + length + raw + body


def bad_fixtures():
    directory = path("bad")
    expected = os.path.join(directory, "expected.json")
    kept = open(expected, "rb").read() if os.path.exists(expected) else None
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    if kept is not None:
        write(expected, kept)

    good = npy_bytes(FLOATS)
    header_end = good.index(b"\n") + 1
    files = {
        "bad_magic.npy": b"\x93NUMPX" + good[6:],
        "csv_named_npy.npy": b"x,y\n1,2\n3,4\n",
        "empty.npy": b"",
        "magic_only.npy": good[:8],
        "truncated_length_v2.npy": npy_bytes(FLOATS, (2, 0))[:11],
        "truncated_header.npy": good[: header_end - 30],
        "truncated_data.npy": good[: len(good) - 12],
        "header_only.npy": good[:header_end],
        # A claimed 16 TB array with a 16-byte body: must be refused without allocating.
        "huge_shape.npy": npy_with_header(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 2), }", b"\0" * 16),
        "overflow_shape.npy": npy_with_header(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 99999999999999999999), }",
            b"\0" * 16),
        "version4.npy": good[:6] + bytes([4, 0]) + good[8:],
        "version0.npy": good[:6] + bytes([0, 0]) + good[8:],
        "header_not_dict.npy": npy_with_header("[1, 2, 3]"),
        "header_tuple.npy": npy_with_header("('<f8', False, (2, 2))"),
        "header_malformed.npy": npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (7, 3)"),
        "header_expression.npy": npy_with_header(
            "{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (7, 3), }"),
        "header_no_shape.npy": npy_with_header("{'descr': '<f8', 'fortran_order': False, }"),
        "header_negative_shape.npy": npy_with_header(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-7, 3), }"),
        "header_bad_fortran.npy": npy_with_header(
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (7, 3), }", FLOATS.tobytes()),
        "header_no_descr.npy": npy_with_header("{'fortran_order': False, 'shape': (7, 3), }",
                                               FLOATS.tobytes()),
        "header_bad_descr.npy": npy_with_header(
            "{'descr': 'float64', 'fortran_order': False, 'shape': (7, 3), }", FLOATS.tobytes()),
        "complex.npy": npy_bytes(FLOATS.astype(np.complex128)),
        "unicode.npy": npy_bytes(np.array([["a", "b"], ["c", "d"]])),
        "bytes.npy": npy_bytes(np.array([[b"a", b"b"], [b"c", b"d"]])),
        "structured.npy": npy_bytes(np.array([(1.0, 2.0), (3.0, 4.0)], dtype=[("x", "<f8"), ("y", "<f8")])),
        "datetime.npy": npy_bytes(np.array([["2024-01-01", "2024-01-02"]], dtype="datetime64[D]")),
        "longdouble.npy": npy_bytes(FLOATS.astype(np.longdouble)),
        "one_d.npy": npy_bytes(np.arange(5.0)),
        "three_d.npy": npy_bytes(np.zeros((2, 3, 4))),
        "zero_d.npy": npy_bytes(np.array(3.5)),
        "zero_rows.npy": npy_bytes(np.zeros((0, 2))),
        "zero_columns.npy": npy_bytes(np.zeros((3, 0))),
    }
    f = io.BytesIO()
    np.save(f, np.array([[1, None]], dtype=object), allow_pickle=True)
    files["object_pickle.npy"] = f.getvalue()

    # Several non-finite values (NaN, +inf, -inf; the first in row 2) so the message can count.
    nonfinite = FLOATS.copy()
    nonfinite[2, 1] = np.nan
    nonfinite[4, 0] = np.inf
    nonfinite[4, 2] = np.nan
    nonfinite[6, 1] = -np.inf
    files["nonfinite.npy"] = npy_bytes(nonfinite)
    files["nonfinite_fortran_f4.npy"] = npy_bytes(np.asfortranarray(nonfinite.astype(">f4")))
    one_nan = FLOATS.copy()
    one_nan[0, 0] = np.nan
    files["one_nan_f2.npy"] = npy_bytes(one_nan.astype("<f2"))

    csv_lines = [",".join(repr(float(v)) for v in row) for row in FLOATS]
    files.update({
        "empty.csv": b"",
        "blank_lines.csv": b"\n\n  \n",
        "header_only.csv": b"x,y,z\n",
        "ragged.csv": ("x,y,z\n" + "\n".join(csv_lines[:3]) + "\n1.0,2.0\n").encode(),
        "ragged_long.csv": ("\n".join(csv_lines[:2]) + "\n1,2,3,4\n").encode(),
        "non_numeric.csv": ("x,y,z\n" + "\n".join(csv_lines[:4]) + "\n1.0,abc,3.0\n").encode(),
        "empty_cell.csv": b"x,y\n1,2\n3,\n",
        "hex_cell.csv": b"1,2\n0x10,3\n",
        "nan.csv": ("x,y,z\n" + csv_lines[0] + "\n" + csv_lines[1] + "\n1.0,NaN,2.0\nnan,inf,-Infinity\n").encode(),
        "comma_decimal.csv": b"x;y\n1,5;2,5\n3,0;4,0\n",
        "prose.csv": b"Dear reader\nThank you for your letter, which arrived today.\nWe will write again soon, as promised.\n",
    })
    for name, data in files.items():
        write(os.path.join(directory, name), data)


def main():
    with open(path("shuffle.json"), "w") as f:
        json.dump(random_state_fixtures(), f, separators=(",", ":"))
        f.write("\n")
    npy_fixtures()
    csv_fixtures()
    bad_fixtures()
    print("wrote", HERE)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the Arrow IPC stream fixtures of lakegate's arrow/format unit tests.

Run with the project venv (pyarrow):  .venv/bin/python tests/unit/arrow/make_fixtures.py

For every fixture NAME it writes tests/fixtures/arrow/NAME.arrows (an IPC
stream made by pyarrow) and, unless the stream must be rejected, NAME.json:
the JSON envelope lakegate must produce, {"resource":[...],"row_count":N},
computed here by an independent implementation of the DESIGN.md §4 rules
(Python's date arithmetic, Decimal, printf-style float search), so the C++
tests compare byte for byte against something that did not come from C++.
Fixtures that must be rejected get NAME.error holding a word of the message.
The output is deterministic; rerun after changing this script and commit.
"""

import datetime
import decimal
import math
import pathlib
import struct

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "arrow"
UNITS_PER_SECOND = {"s": 1, "ms": 1000, "us": 1000000, "ns": 1000000000}


# ---- the expected rendering (independent of the C++ code) -------------------------------


def json_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\n\r\t\b\f":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}[ch])
        elif code < 0x20:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def shortest_float(value, single):
    """The text std::to_chars gives: fewest characters of %f or %e style, tie → %f."""
    if math.isnan(value):
        return '"NaN"'
    if math.isinf(value):
        return '"Infinity"' if value > 0 else '"-Infinity"'
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"

    def round_trips(text):
        if single:
            return struct.unpack("<f", struct.pack("<f", float(text)))[0] == value
        return float(text) == value

    for precision in range(0, 18):
        scientific = "%.*e" % (precision, value)
        if round_trips(scientific):
            break
    sign = "-" if value < 0 else ""
    mantissa, exponent = scientific.lstrip("-").split("e")
    digits = mantissa.replace(".", "")
    exponent = int(exponent)
    sci = sign + digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sci += "e%s%02d" % ("-" if exponent < 0 else "+", abs(exponent))
    if exponent >= len(digits) - 1:
        fixed = str(int(abs(value)))  # %f style prints the exact integer value
    elif exponent < 0:
        fixed = "0." + "0" * (-exponent - 1) + digits
    else:
        fixed = digits[: exponent + 1] + "." + digits[exponent + 1 :]
    fixed = sign + fixed
    return fixed if len(fixed) <= len(sci) else sci


def decimal_text(value, scale):
    sign, digit_tuple, exponent = value.as_tuple()
    unscaled = int("".join(map(str, digit_tuple)) or "0") * 10 ** (exponent + scale)
    digits = str(unscaled)
    if scale > 0:
        digits = digits.rjust(scale + 1, "0")
        digits = digits[:-scale] + "." + digits[-scale:]
    return ("-" if sign and unscaled != 0 else "") + digits


def fraction_text(fraction, unit):
    if fraction == 0:
        return ""
    if unit == "ns":
        return ".%09d" % fraction
    return ".%06d" % (fraction * (1000000 // UNITS_PER_SECOND[unit]))


def clock_text(seconds, fraction, unit):
    return "%02d:%02d:%02d%s" % (
        seconds // 3600, seconds % 3600 // 60, seconds % 60, fraction_text(fraction, unit))


def timestamp_text(value, unit, tz):
    per_second = UNITS_PER_SECOND[unit]
    days, rest = divmod(value, 86400 * per_second)
    day = datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
    seconds, fraction = divmod(rest, per_second)
    return day.isoformat() + "T" + clock_text(seconds, fraction, unit) + ("+00:00" if tz else "")


def iso_duration(months, days, nanos, zero):
    parts = [(months, "months"), (days, "days"), (nanos, "nanos")]
    nonzero = [v for v, _ in parts if v != 0]
    if not nonzero:
        return zero
    all_negative = all(v < 0 for v in nonzero)

    def signed(v, n):
        return ("-" if v < 0 and not all_negative else "") + str(n)

    text = ("-" if all_negative else "") + "P"
    if months:
        years, rest = divmod(abs(months), 12)
        text += (signed(months, years) + "Y" if years else "") + (signed(months, rest) + "M" if rest else "")
    if days:
        text += signed(days, abs(days)) + "D"
    if nanos:
        seconds, fraction = divmod(abs(nanos), 1000000000)
        text += "T"
        if seconds // 3600:
            text += signed(nanos, seconds // 3600) + "H"
        if seconds % 3600 // 60:
            text += signed(nanos, seconds % 3600 // 60) + "M"
        if seconds % 60 or fraction:
            text += signed(nanos, seconds % 60)
            if fraction:
                text += ("." + "%09d" % fraction).rstrip("0")
            text += "S"
    return text


def duration_text(value, unit):
    per_second = UNITS_PER_SECOND[unit]
    sign = -1 if value < 0 else 1
    seconds, fraction = divmod(abs(value), per_second)
    days, seconds = divmod(seconds, 86400)
    nanos = seconds * 1000000000 + fraction * (1000000000 // per_second)
    return iso_duration(0, sign * days, sign * nanos, "PT0S")


def render(arrow_type, scalar):
    if not scalar.is_valid:
        return "null"
    t = arrow_type
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_boolean(t):
        return "true" if scalar.as_py() else "false"
    if pa.types.is_integer(t):
        return str(scalar.as_py())
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return shortest_float(float(scalar.as_py()), True)
    if pa.types.is_float64(t):
        return shortest_float(scalar.as_py(), False)
    if pa.types.is_decimal(t):
        return decimal_text(scalar.as_py(), t.scale)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return json_string(scalar.as_py())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return '"' + __import__("base64").b64encode(scalar.as_py()).decode() + '"'
    if pa.types.is_date32(t):
        return '"%s"' % (datetime.date(1970, 1, 1) + datetime.timedelta(days=scalar.value)).isoformat()
    if pa.types.is_date64(t):
        days = scalar.value // 86400000
        return '"%s"' % (datetime.date(1970, 1, 1) + datetime.timedelta(days=days)).isoformat()
    if pa.types.is_timestamp(t):
        return '"%s"' % timestamp_text(scalar.value, t.unit, t.tz)
    if pa.types.is_time(t):
        seconds, fraction = divmod(scalar.value, UNITS_PER_SECOND[t.unit])
        return '"%s"' % clock_text(seconds, fraction, t.unit)
    if pa.types.is_duration(t):
        return '"%s"' % duration_text(scalar.value, t.unit)
    if t == pa.month_day_nano_interval():
        v = scalar.as_py()
        return '"%s"' % iso_duration(v.months, v.days, v.nanoseconds, "PT0S")
    if pa.types.is_map(t):
        entries = scalar.values
        keys, items = entries.field(0), entries.field(1)
        if pa.types.is_string(t.key_type) or pa.types.is_large_string(t.key_type):
            return "{" + ",".join(
                json_string(keys[k].as_py()) + ":" + render(t.item_type, items[k])
                for k in range(len(entries))) + "}"
        return "[" + ",".join(
            '{"key":' + render(t.key_type, keys[k]) + ',"value":' + render(t.item_type, items[k]) + "}"
            for k in range(len(entries))) + "]"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        values = scalar.values
        return "[" + ",".join(render(t.value_type, values[k]) for k in range(len(values))) + "]"
    if pa.types.is_struct(t):
        return "{" + ",".join(
            json_string(t.field(k).name) + ":" + render(t.field(k).type, scalar[k])
            for k in range(t.num_fields)) + "}"
    raise ValueError("no rendering for %s" % t)


def variant_text(value, metadata):
    """The JSON of a Spark Variant (value, metadata bytes), for the subset the
    fixtures use: null, booleans, int8/16/32/64, double, short strings,
    objects and arrays with 1-byte ids/offsets and counts."""
    keys = []
    size = metadata[1]
    offsets = metadata[2:3 + size]
    strings = metadata[3 + size:]
    keys = [strings[offsets[i]:offsets[i + 1]].decode() for i in range(size)]

    def one(b):
        basic, header = b[0] & 3, b[0] >> 2
        if basic == 1:
            return json_string(b[1:1 + header].decode())
        if basic == 0:
            if header in (0, 1, 2):
                return ("null", "true", "false")[header]
            if header in (3, 4, 5, 6):
                width = {3: 1, 4: 2, 5: 4, 6: 8}[header]
                return str(int.from_bytes(b[1:1 + width], "little", signed=True))
            if header == 7:
                return shortest_float(struct.unpack("<d", b[1:9])[0], False)
            raise ValueError("fixture variant type %d" % header)
        count = b[1]
        if basic == 2:
            ids = b[2:2 + count]
            offs = b[2 + count:3 + 2 * count]
            data = b[3 + 2 * count:]
            return "{" + ",".join(json_string(keys[ids[i]]) + ":" + one(data[offs[i]:]) for i in range(count)) + "}"
        offs = b[2:3 + count]
        data = b[3 + count:]
        return "[" + ",".join(one(data[offs[i]:]) for i in range(count)) + "]"

    return one(value)


def is_variant(field):
    return (pa.types.is_struct(field.type) and [c.name for c in field.type] == ["value", "metadata"]
            and (field.metadata or {}).get(b"variant") == b"true")


def cell(field, scalar):
    if is_variant(field) and scalar.is_valid:
        return variant_text(scalar["value"].as_py(), scalar["metadata"].as_py())
    return render(field.type, scalar)


def envelope(schema, batches):
    rows = []
    for batch in batches:
        for i in range(batch.num_rows):
            cells = [json_string(f.name) + ":" + cell(f, batch.column(k)[i])
                     for k, f in enumerate(schema)]
            rows.append("{" + ",".join(cells) + "}")
    return '{"resource":[' + ",".join(rows) + '],"row_count":%d}' % len(rows)


# ---- the fixtures ---------------------------------------------------------------------


def write(name, schema, batches, options=None, expect_error=None):
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, schema, options=options) as writer:
        for batch in batches:
            writer.write_batch(batch)
    (OUT / (name + ".arrows")).write_bytes(sink.getvalue().to_pybytes())
    if expect_error:
        (OUT / (name + ".error")).write_text(expect_error + "\n")
    else:
        (OUT / (name + ".json")).write_text(envelope(schema, batches), encoding="utf-8")


def table_batch(columns):
    return pa.RecordBatch.from_arrays([c for _, c in columns], names=[n for n, _ in columns])


def primitives():
    i64 = [-(2**63), 2**63 - 1, 0, None, -1]
    columns = [
        ("bool", pa.array([True, False, None, True, False], pa.bool_())),
        ("int8", pa.array([-128, 127, 0, None, -1], pa.int8())),
        ("int16", pa.array([-32768, 32767, 0, None, 7], pa.int16())),
        ("int32", pa.array([-(2**31), 2**31 - 1, 0, None, 42], pa.int32())),
        ("int64", pa.array(i64, pa.int64())),
        ("uint8", pa.array([0, 255, 1, None, 9], pa.uint8())),
        ("uint16", pa.array([0, 65535, 1, None, 9], pa.uint16())),
        ("uint32", pa.array([0, 2**32 - 1, 1, None, 9], pa.uint32())),
        ("uint64", pa.array([0, 2**64 - 1, 1, None, 9], pa.uint64())),
        ("float32", pa.array([1.5, float("nan"), float("inf"), None, 0.1], pa.float32())),
        ("float64", pa.array([0.1, float("-inf"), -0.0, None, 1e300], pa.float64())),
        ("float16", pa.array(np.array([1.5, 0.1, -65504, 0, 6e-8], dtype=np.float16))),
        ("doubles", pa.array([1e16, 123456789012345680000.0, 1e-7, 5e-324, 2.5e-5], pa.float64())),
        ("more", pa.array([1.7976931348623157e308, 100.0, 0.001, 123.456, -1e22], pa.float64())),
        ("nulls", pa.nulls(5)),
    ]
    batch = table_batch(columns)
    write("primitives", batch.schema, [batch])


def decimals():
    D = decimal.Decimal
    columns = [
        ("d10_2", pa.array([D("8.00"), D("-0.05"), D("0.00"), None, D("12345678.90")], pa.decimal128(10, 2))),
        ("d38_0", pa.array([D("9" * 38), D("-" + "9" * 38), D("0"), None, D("1")], pa.decimal128(38, 0))),
        ("d38_18", pa.array([D("12345678901234567890.123456789012345678"), D("-0.000000000000000001"),
                             D("0"), None, D("-1.5")], pa.decimal128(38, 18))),
        ("d5_5", pa.array([D("0.00001"), D("-0.99999"), D("0"), None, D("0.5")], pa.decimal128(5, 5))),
        ("d76_10", pa.array([D("9" * 66 + "." + "9" * 10), D("-1.0000000001"), D("0"), None,
                             D("-" + "1" * 60)], pa.decimal256(76, 10))),
    ]
    batch = table_batch(columns)
    write("decimals", batch.schema, [batch])


def strings():
    texts = ['plain', 'quote " backslash \\ slash /', "ctl \x00\x01\x1f\x7f tab\tnl\ncr\r",
             None, "unicode é 中文 🚀 \u2028", ""]
    blobs = [b"\x00\xff\xfe\x80 not utf-8", b"", b"abc", None, b"\xc3\x28", b"\xf0\x9f\x9a"]
    columns = [
        ("utf8", pa.array(texts, pa.string())),
        ("large_utf8", pa.array(texts, pa.large_string())),
        ("binary", pa.array(blobs, pa.binary())),
        ("large_binary", pa.array(blobs, pa.large_binary())),
        ("fixed4", pa.array([b"\x00\x01\x02\x03", b"abcd", b"\xff\xff\xff\xff", None, b"    ", b"1234"],
                            pa.binary(4))),
        ('we"ird,name\n', pa.array([1, 2, 3, 4, 5, 6], pa.int32())),
    ]
    batch = table_batch(columns)
    write("strings", batch.schema, [batch])


def temporal():
    day = datetime.date
    dt = datetime.datetime
    utc = datetime.timezone.utc
    ts = [dt(2024, 1, 2, 3, 4, 5, 678901), dt(1, 1, 1), dt(9999, 12, 31, 23, 59, 59, 999999),
          None, dt(1969, 12, 31, 23, 59, 59, 500000), dt(2000, 2, 29, 12, 0, 0)]
    ns = [1704164645678901234, -1, 0, None, 1000, 951825600000000000]
    columns = [
        ("date", pa.array([day(2024, 2, 29), day(1, 1, 1), day(9999, 12, 31), None,
                           day(1969, 12, 31), day(1970, 1, 1)], pa.date32())),
        ("date64", pa.array([day(2024, 2, 29), day(1, 1, 1), day(9999, 12, 31), None,
                             day(1969, 12, 31), day(1900, 3, 1)], pa.date64())),
        ("ts_utc", pa.array([t.replace(tzinfo=utc) if t else None for t in ts], pa.timestamp("us", "UTC"))),
        ("ts_ny", pa.array([t.replace(tzinfo=utc) if t else None for t in ts],
                           pa.timestamp("us", "America/New_York"))),
        ("ts_ntz", pa.array(ts, pa.timestamp("us"))),
        ("ts_s", pa.array([0, -1, 253402300799, None, -62135596800, 86399], pa.timestamp("s"))),
        ("ts_ms", pa.array([1, -1, 1500, None, 999, 0], pa.timestamp("ms", "UTC"))),
        ("ts_ns", pa.array(ns, pa.timestamp("ns", "UTC"))),
        ("time_s", pa.array([0, 86399, 3661, None, 1, 43200], pa.time32("s"))),
        ("time_ms", pa.array([0, 86399999, 1, None, 1500, 43200000], pa.time32("ms"))),
        ("time_us", pa.array([0, 86399999999, 1, None, 1500000, 43200000001], pa.time64("us"))),
        ("time_ns", pa.array([0, 86399999999999, 1, None, 1500000000, 43200000000001], pa.time64("ns"))),
        ("dur_us", pa.array([0, 93784500000, -7200000000, None, 1, -86400000000], pa.duration("us"))),
        ("dur_s", pa.array([0, 90061, -1, None, 86400, 2**62], pa.duration("s"))),
        ("dur_ms", pa.array([1, -1500, 3600000, None, 60000, 0], pa.duration("ms"))),
        ("dur_ns", pa.array([1, -2**63, 1000, None, 3723000000001, 0], pa.duration("ns"))),
        ("mdn", pa.array([pa.MonthDayNano([1, 2, 1000]), pa.MonthDayNano([0, 0, 0]),
                          pa.MonthDayNano([-14, -1, -3600000000000]), None,
                          pa.MonthDayNano([12, -2, 90000000000000]), pa.MonthDayNano([0, 0, 1500000000])],
                         pa.month_day_nano_interval())),
    ]
    batch = table_batch(columns)
    write("temporal", batch.schema, [batch])


def nested():
    map_si = pa.map_(pa.string(), pa.int32())
    inner = pa.struct([("m", map_si), ("tag", pa.string())])
    columns = [
        ("list_int", pa.array([[1, 2, None], [], None, [4]], pa.list_(pa.int32()))),
        ("large_list_str", pa.array([["a", None], None, [], ["x\"y"]], pa.large_list(pa.string()))),
        ("fixed_list", pa.array([[1, 2, 3], None, [4, None, 6], [7, 8, 9]], pa.list_(pa.int64(), 3))),
        ("struct", pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": None}, {"a": -1, "b": ""}],
                            pa.struct([("a", pa.int32()), ("b", pa.string())]))),
        ("map_str", pa.array([[("k1", 1), ("k2", None)], [], None, [("k\"", 3)]], map_si)),
        ("map_int", pa.array([[(1, "one"), (2, None)], None, [], [(-5, "neg")]],
                             pa.map_(pa.int32(), pa.string()))),
        ("deep", pa.array([[{"m": [("a", 1)], "tag": "t"}, None, {"m": None, "tag": None}], None, [],
                           [{"m": [], "tag": "e"}]], pa.list_(inner))),
        ("list_list", pa.array([[[1], [], None], None, [[2, 3]], []], pa.list_(pa.list_(pa.int8())))),
    ]
    batch = table_batch(columns)
    write("nested", batch.schema, [batch])


def variant_like():
    field = pa.field("v", pa.struct([pa.field("value", pa.binary(), nullable=False),
                                     pa.field("metadata", pa.binary(), nullable=False)]),
                     metadata={"variant": "true"})
    # 1; "hi"; {"k": [true, -2.5]} (dictionary ["k"]); null (the variant null).
    obj = bytes([0x02, 1, 0, 0, 15]) + bytes([0x03, 2, 0, 1, 10, 0x04]) + bytes([0x1C]) + \
        struct.pack("<d", -2.5)
    array = pa.array([{"value": b"\x0c\x01", "metadata": b"\x01\x00\x00"},
                      {"value": b"\x09hi", "metadata": b"\x01\x00\x00"},
                      {"value": obj, "metadata": b"\x01\x01\x00\x01k"},
                      {"value": b"\x00", "metadata": b"\x01\x00\x00"},
                      None], field.type)
    schema = pa.schema([field])
    write("variant_like", schema, [pa.RecordBatch.from_arrays([array], schema=schema)])


def sliced():
    base = table_batch([
        ("s", pa.array(["zero", "one", None, "three", "four", "five", "six", "seven", "eight", "nine"])),
        ("b", pa.array([True, False, None, True, True, False, True, None, False, True])),
        ("i", pa.array([0, 1, 2, None, 4, 5, 6, 7, 8, 9], pa.int64())),
        ("l", pa.array([[0], [1, 1], None, [3], [], [5, 5, 5], [6], None, [8], [9]], pa.list_(pa.int16()))),
        ("m", pa.array([[("k", i)] for i in range(10)], pa.map_(pa.string(), pa.int32()))),
        ("st", pa.array([{"x": str(i)} if i % 3 else None for i in range(10)], pa.struct([("x", pa.string())]))),
    ])
    write("sliced", base.schema, [base.slice(3, 5), base.slice(9, 1), base.slice(1, 0)])


def many_batches():
    schema = pa.schema([("n", pa.int32()), ("s", pa.string())])
    batches = [pa.RecordBatch.from_arrays([pa.array([k * 10 + i for i in range(k % 4)], pa.int32()),
                                           pa.array(["r%d" % i for i in range(k % 4)])], schema=schema)
               for k in range(20)]
    write("many_batches", schema, batches)


def empty_and_schema_only():
    schema = pa.schema([("a", pa.int64()), ("b", pa.list_(pa.string()))])
    empty = pa.RecordBatch.from_arrays([pa.array([], pa.int64()), pa.array([], pa.list_(pa.string()))],
                                       schema=schema)
    write("empty_batch", schema, [empty])
    write("schema_only", schema, [])
    write("no_columns", pa.schema([]), [])
    dup = table_batch([("x", pa.array([1, 2])), ("x", pa.array(["a", "b"]))])
    write("duplicate_names", dup.schema, [dup])


def taxi(rows=1024):
    """Shaped like nyctaxi.trips (2 timestamps, double, decimal(10,2), 3 ints): also the bench input."""
    start = 1420070400000000  # 2015-01-01 UTC, micros
    pickup = [start + i * 37000123 for i in range(rows)]
    dropoff = [p + 600000000 + (i % 900) * 1000000 + (i % 7) for i, p in enumerate(pickup)]
    columns = [
        ("tpep_pickup_datetime", pa.array(pickup, pa.timestamp("us", "Etc/UTC"))),
        ("tpep_dropoff_datetime", pa.array(dropoff, pa.timestamp("us", "Etc/UTC"))),
        ("trip_distance", pa.array([round((i % 97) * 0.37 + 0.1, 2) for i in range(rows)], pa.float64())),
        ("fare_amount", pa.array([decimal.Decimal(((i * 7919) % 20000) - 500).scaleb(-2) for i in range(rows)],
                                 pa.decimal128(10, 2))),
        ("pickup_zip", pa.array([10000 + (i * 31) % 1000 for i in range(rows)], pa.int32())),
        ("dropoff_zip", pa.array([10000 + (i * 17) % 1000 if i % 50 else None for i in range(rows)], pa.int32())),
        ("passenger_count", pa.array([1 + i % 4 for i in range(rows)], pa.int32())),
    ]
    batch = table_batch(columns)
    write("taxi", batch.schema, [batch])


def rejected():
    dictionary = pa.array(["a", "b", "a"]).dictionary_encode()
    batch = table_batch([("d", dictionary)])
    write("dictionary", batch.schema, [batch], expect_error="dictionary")
    plain = table_batch([("n", pa.array(list(range(100)), pa.int64()))])
    for codec in ("lz4", "zstd"):
        write("compressed_" + codec, plain.schema, [plain],
              options=ipc.IpcWriteOptions(compression=codec), expect_error="compressed")
    union = pa.UnionArray.from_sparse(pa.array([0, 1], pa.int8()), [pa.array([1, 2]), pa.array(["a", "b"])])
    batch = table_batch([("u", union)])
    write("union", batch.schema, [batch], expect_error="unsupported")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if old.suffix in (".arrows", ".json", ".error"):
            old.unlink()
    for make in (primitives, decimals, strings, temporal, nested, variant_like, sliced, many_batches,
                 empty_and_schema_only, taxi, rejected):
        make()
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print("wrote %d files, %d bytes, to %s" % (len(list(OUT.iterdir())), total, OUT))


if __name__ == "__main__":
    main()

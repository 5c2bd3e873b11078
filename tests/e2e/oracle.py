"""The end-to-end oracle: renders what pyspark reads (as Arrow) under lakegate's
lossless JSON rules (DESIGN.md §4), independently of lakegate's C++ code.

Compare with `same_json(expected, actual)`; lakegate's response must be parsed
with `parse_exact` so decimals keep their digits.
"""
import base64
import datetime
import decimal
import json
import math
import struct

import pyarrow as pa


def parse_exact(text):
    """Parses JSON keeping number text exact: fractions/exponents as Decimal."""
    with decimal.localcontext() as context:
        context.prec = 100
        return json.loads(text, parse_float=decimal.Decimal)


def _float_value(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _decimal_value(value, scale):
    """decimal(p,0) is a JSON integer; otherwise a number with exactly `scale` digits."""
    if scale == 0:
        return int(value)
    with decimal.localcontext() as context:
        context.prec = 100
        return decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-scale))


def _fraction(micros):
    return f".{micros:06d}" if micros else ""


def _timestamp_text(value, with_zone):
    if with_zone:
        value = value.astimezone(datetime.timezone.utc)
    base = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.year < 1000:
        base = f"{value.year:04d}" + base[base.index("-"):]
    return base + _fraction(value.microsecond) + ("+00:00" if with_zone else "")


def _seconds_text(total_micros):
    seconds, micros = divmod(total_micros, 1_000_000)
    if micros == 0:
        return f"{seconds}"
    return f"{seconds}.{micros:06d}".rstrip("0")


def day_time_text(total_micros):
    """ISO 8601 for a day-time duration in microseconds: P1DT2H3M4.5S, PT0S, -P1D."""
    if total_micros == 0:
        return "PT0S"
    sign = "-" if total_micros < 0 else ""
    rest = abs(total_micros)
    days, rest = divmod(rest, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    out = sign + "P" + (f"{days}D" if days else "")
    time_part = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (
        f"{_seconds_text(rest)}S" if rest else "")
    if time_part:
        out += "T" + time_part
    return out


def year_month_text(months):
    """ISO 8601 for a year-month interval in months: P1Y2M, P0M, -P1Y."""
    if months == 0:
        return "P0M"
    sign = "-" if months < 0 else ""
    years, rest = divmod(abs(months), 12)
    return sign + "P" + (f"{years}Y" if years else "") + (f"{rest}M" if rest else "")


def render(value, dtype):
    """The JSON value lakegate must produce for `value` of Arrow type `dtype`."""
    if value is None:
        return None
    if pa.types.is_boolean(dtype) or pa.types.is_integer(dtype):
        return value
    if pa.types.is_floating(dtype):
        return _float_value(value)
    if pa.types.is_decimal(dtype):
        return _decimal_value(value, dtype.scale)
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return value
    if pa.types.is_binary(dtype) or pa.types.is_large_binary(dtype):
        return base64.b64encode(value).decode()
    if pa.types.is_date(dtype):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if pa.types.is_timestamp(dtype):
        return _timestamp_text(value, dtype.tz is not None)
    if pa.types.is_duration(dtype):
        delta = value
        return day_time_text((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return [render(v, dtype.value_type) for v in value]
    if pa.types.is_map(dtype):
        if pa.types.is_string(dtype.key_type):
            return {k: render(v, dtype.item_type) for k, v in value}
        return [{"key": render(k, dtype.key_type), "value": render(v, dtype.item_type)} for k, v in value]
    if pa.types.is_struct(dtype):
        return {dtype.field(i).name: render(value[dtype.field(i).name], dtype.field(i).type)
                for i in range(dtype.num_fields)}
    raise NotImplementedError(f"oracle has no rule for {dtype}")


def render_table(table):
    """Rows of a pyarrow Table rendered under lakegate's rules."""
    columns = [(field.name, field.type, table.column(i).to_pylist())
               for i, field in enumerate(table.schema)]
    return [{name: render(values[row], dtype) for name, dtype, values in columns}
            for row in range(table.num_rows)]


def same_json(expected, actual, path="$"):
    """Asserts `actual` (parsed with parse_exact) equals the oracle's `expected`.

    Decimals must match digit for digit (scale included); floats compare as
    doubles (or as float32 when the oracle value came from a float column).
    """
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected object, got {actual!r}"
        assert list(expected) == list(actual), f"{path}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            same_json(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected array, got {actual!r}"
        assert len(expected) == len(actual), f"{path}: length {len(actual)} != {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            same_json(e, a, f"{path}[{i}]")
    elif isinstance(expected, decimal.Decimal):
        assert isinstance(actual, decimal.Decimal), f"{path}: expected decimal {expected}, got {actual!r}"
        assert str(actual) == str(expected), f"{path}: {actual} != {expected}"
    elif isinstance(expected, float):
        assert isinstance(actual, (decimal.Decimal, int)), f"{path}: expected number, got {actual!r}"
        got = float(actual)
        if got != expected:
            # float32 columns: lakegate prints the shortest float32 text
            pack = lambda x: struct.pack("<f", x)
            assert pack(got) == pack(expected), f"{path}: {got!r} != {expected!r}"
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected and type(actual) is type(expected), f"{path}: {actual!r} != {expected!r}"
    elif isinstance(expected, int):
        assert isinstance(actual, int) and not isinstance(actual, bool) and actual == expected, \
            f"{path}: {actual!r} != {expected!r}"
    else:
        raise AssertionError(f"{path}: unexpected oracle value {expected!r}")

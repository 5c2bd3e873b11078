// Renders one cell of an Arrow array as JSON text, per DESIGN.md §4:
//   null → null; bool → true/false; integers → exact digits;
//   float/double (and half) → shortest round-trip text (std::to_chars), with
//     NaN, Infinity and -Infinity as the JSON strings "NaN", "Infinity", "-Infinity";
//   decimal(p,s) → a JSON number with exactly s fraction digits (decimal_text.h);
//   date, timestamp, time, duration, interval → JSON strings (temporal_text.h);
//   string → JSON string (invalid UTF-8 replaced by U+FFFD); binary and
//     fixed-size binary → base64 string;
//   list → array; struct → object with the fields in order (duplicate names
//     repeat); map with Utf8 keys → object (a null key, which Arrow forbids,
//     renders as ""); map with any other key type → [{"key":…,"value":…},…].
// Spark's Variant (a struct of binaries value/metadata flagged variant=true)
// is rendered as the JSON it holds (variant_json.h).
//
// Nothing here allocates except by growing `out`. The std::string forms are
// conveniences (tests, small outputs) over the TextBuffer ones.
#pragma once

#include <cstdint>
#include <string>

#include "core/record_batch.h"
#include "format/text_buffer.h"

namespace lakegate::format {

// Appends the JSON text of row `row` of `array` (typed by `field`) to `out`.
// REQUIRES: `array` was validated by the reader against `field`; 0 <= row < length.
void append_json_value(TextBuffer& out, const arrow::Field& field, const arrow::ArrayView& array,
                       int64_t row);
void append_json_value(std::string& out, const arrow::Field& field, const arrow::ArrayView& array,
                       int64_t row);

// A renderer of one column's cells, chosen once per schema: a specialised
// function for the common scalar types (no per-cell type dispatch), else
// append_json_value itself. Same output as append_json_value.
using CellRenderer = void (*)(TextBuffer& out, const arrow::Field& field,
                              const arrow::ArrayView& array, int64_t row);
CellRenderer cell_renderer_for(const arrow::Field& field);

// Appends a double as JSON (shortest round-trip; NaN/±Infinity as strings).
void append_json_double(std::string& out, double value);
void append_json_double(TextBuffer& out, double value);
// The same for a float, with the shortest text that round-trips as a float.
void append_json_float(std::string& out, float value);
void append_json_float(TextBuffer& out, float value);

}  // namespace lakegate::format

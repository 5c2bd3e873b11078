// Spark's VARIANT as the JSON it holds. Spark Connect sends a VARIANT column
// as an Arrow struct of two binaries, `value` and `metadata` (flagged with
// field metadata variant=true), in the Variant binary encoding (Spark's
// common/variant spec): a metadata dictionary of key strings, and a value
// that is a primitive, a short string, an object (keys by dictionary id) or
// an array. Rendered losslessly, by the same rules as lakegate's columns:
// integers and decimals with their exact digits (decimal scale kept),
// doubles and floats shortest round-trip (NaN/±Infinity as strings; -0
// kept), dates and timestamps as strings (temporal_text.h), binary as
// base64, strings with invalid UTF-8 replaced. Objects keep the encoding's
// key order (sorted by key). Bytes that do not follow the spec (or a type
// this version does not know, or nesting deeper than 512) are rendered as
// the raw struct {"value":"<base64>","metadata":"<base64>"} instead: never
// a guess.
#pragma once

#include <string_view>

#include "core/record_batch.h"
#include "format/text_buffer.h"

namespace lakegate::format {

// True for Spark's Variant struct: two binary children named value and
// metadata, with variant=true on the struct or on its metadata child.
bool is_variant_field(const arrow::Field& field);

// Appends the JSON of the variant (`value`, `metadata`); false (and the raw
// struct form appended instead) when the bytes are not a valid variant.
bool append_variant_json(TextBuffer& out, std::string_view value, std::string_view metadata);

}  // namespace lakegate::format

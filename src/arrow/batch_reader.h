// Internal to lakegate_arrow: builds a RecordBatch of zero-copy ArrayViews
// from a verified RecordBatch flatbuffer and its body, validating every node,
// buffer and offset against the schema so the views can be read unchecked.
#pragma once

#include <string_view>

#include "core/record_batch.h"
#include "arrow_ipc_generated.h"
#include "util/result.h"

namespace lakegate::arrow::internal {

// Longest array accepted (Arrow Java, hence Spark, is limited to int32 too).
inline constexpr int64_t kMaxArrayLength = 0x7FFFFFFF;

// Decodes `source` + `body` into `out`, reusing its vectors' capacity.
Status read_record_batch(const Schema& schema, const fb::RecordBatch& source, std::string_view body,
                         RecordBatch& out);

}  // namespace lakegate::arrow::internal

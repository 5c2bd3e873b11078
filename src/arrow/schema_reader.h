// Internal to lakegate_arrow: converts a verified Schema flatbuffer into
// lakegate's Schema, refusing types lakegate cannot render (dictionary
// encoding, unions, view and run-end encoded types, big-endian data).
#pragma once

#include "core/record_batch.h"
#include "arrow_ipc_generated.h"
#include "util/result.h"

namespace lakegate::arrow::internal {

Result<Schema> read_schema(const fb::Schema& schema);

}  // namespace lakegate::arrow::internal

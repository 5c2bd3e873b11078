// Random (version 4) UUIDs for Spark Connect session and operation ids.
// Thread-safe: each thread owns its own generator, seeded from
// std::random_device.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::backend::spark_connect {

// A fresh lower-case UUID v4, e.g. "3f1c0a9e-6b2d-4e8f-9a7b-0c1d2e3f4a5b".
std::string new_uuid_v4();

// True if `text` has the 8-4-4-4-12 hex layout of a UUID (any version).
bool is_uuid(std::string_view text);

}  // namespace lakegate::backend::spark_connect

// Placeholder until the metadata cache lands: every lookup answers 501.
#include "catalog/metadata_cache.h"

namespace lakegate::catalog {
namespace {
Error not_yet() { return Error(ErrorCode::kNotImplemented, "catalog metadata is not implemented yet"); }
}  // namespace

struct MetadataCache::State {};

Result<TableName> resolve_table_name(std::string_view, const config::ServiceConfig&) {
  return not_yet();
}

MetadataCache::MetadataCache(backend::Backend&, const config::ServiceConfig&, std::chrono::seconds)
    : state_(std::make_shared<State>()) {}

Result<std::shared_ptr<const TableSchema>> MetadataCache::describe(const TableName&,
                                                                   const backend::CancelToken&) {
  return not_yet();
}
Result<std::vector<std::string>> MetadataCache::catalogs(const backend::CancelToken&) {
  return not_yet();
}
Result<std::vector<std::string>> MetadataCache::schemas(const std::string&,
                                                        const backend::CancelToken&) {
  return not_yet();
}
Result<std::vector<TableEntry>> MetadataCache::tables(const std::string&, const std::string&,
                                                      const backend::CancelToken&) {
  return not_yet();
}
Result<int64_t> MetadataCache::delta_version(const TableName&, const backend::CancelToken&) {
  return not_yet();
}
void MetadataCache::invalidate() {}
void MetadataCache::invalidate(const TableName&) {}

}  // namespace lakegate::catalog

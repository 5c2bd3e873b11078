// open_database: picks the driver from the URL's scheme.
#include "store/database.h"

#include <string_view>

#include "store/database_drivers.h"

namespace lakegate::store {

Result<std::unique_ptr<Database>> open_database(const std::string& url) {
  const std::string_view text = url;
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return open_postgresql_database(url);
  }
  constexpr std::string_view kSqliteScheme = "sqlite://";
  // "sqlite:///abs/path.db" keeps the path's leading slash; "sqlite://x.db" is relative.
  if (text.starts_with(kSqliteScheme)) {
    return open_sqlite_database(std::string(text.substr(kSqliteScheme.size())));
  }
  if (const auto scheme_end = text.find("://"); scheme_end != std::string_view::npos) {
    return Error(ErrorCode::kBadConfig, "unsupported store URL scheme \"" +
                                            std::string(text.substr(0, scheme_end)) +
                                            "\" (use sqlite:// or postgresql://)");
  }
  return open_sqlite_database(url);
}

}  // namespace lakegate::store

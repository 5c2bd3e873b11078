// build_select and build_count (sql/table_statements.h).
#include <limits>

#include "sql/statement_parts.h"
#include "sql/table_statements.h"
#include "util/ascii.h"

namespace lakegate::sql {
namespace {

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

using util::equals_ignore_case;
using util::trim_whitespace;

enum class Aggregate { kNone, kSum, kCount, kAvg, kMin, kMax };

// One selected item: a column, or an aggregate of a column (or COUNT(*)).
struct SelectItem {
  Aggregate aggregate = Aggregate::kNone;
  const catalog::Column* column = nullptr;  // null only for COUNT(*)
  std::string alias;                        // SUM_col / COUNT_ALL ("" for plain columns)
};

struct AggregateName {
  const char* word;
  Aggregate aggregate;
  FixedSql call;    // "SUM("
  FixedSql prefix;  // alias prefix "SUM_"
};

constexpr AggregateName kAggregates[] = {{"SUM", Aggregate::kSum, "SUM(", "SUM_"},
                                         {"COUNT", Aggregate::kCount, "COUNT(", "COUNT_"},
                                         {"AVG", Aggregate::kAvg, "AVG(", "AVG_"},
                                         {"MIN", Aggregate::kMin, "MIN(", "MIN_"},
                                         {"MAX", Aggregate::kMax, "MAX(", "MAX_"}};

const AggregateName& aggregate_name(Aggregate aggregate) {
  for (const auto& name : kAggregates) {
    if (name.aggregate == aggregate) return name;
  }
  return kAggregates[0];
}

// "SUM(col)" → aggregate + column; a plain name → column.
Result<SelectItem> resolve_select_item(const catalog::TableSchema& table, std::string_view field,
                                       bool grouping) {
  std::string_view text = trim_whitespace(field);
  size_t open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')' || text.front() == '`') {
    auto column = resolve_field(table, text);
    if (!column) return column.error();
    return SelectItem{Aggregate::kNone, *column, ""};
  }
  std::string_view function = trim_whitespace(text.substr(0, open));
  std::string_view argument = trim_whitespace(text.substr(open + 1, text.size() - open - 2));
  Error invalid = bad_request("Invalid field requested: " + std::string(text));
  if (!grouping) {
    return invalid.with("reason", "aggregates are allowed only with group");
  }
  for (const auto& name : kAggregates) {
    if (!equals_ignore_case(function, name.word)) continue;
    if (argument == "*") {
      if (name.aggregate != Aggregate::kCount) return invalid;
      return SelectItem{Aggregate::kCount, nullptr, "COUNT_ALL"};
    }
    auto column = resolve_field(table, argument);
    if (!column) return invalid;
    return SelectItem{name.aggregate, *column, std::string(name.word) + "_" + (*column)->name};
  }
  return invalid;
}

void append_item(SqlFragment& out, const SelectItem& item) {
  if (item.aggregate == Aggregate::kNone) {
    out.add_column(*item.column);
    return;
  }
  if (item.column == nullptr) {
    out.add("COUNT(*) AS `COUNT_ALL`");
    return;
  }
  const AggregateName& name = aggregate_name(item.aggregate);
  out.add(name.call).add_column(*item.column).add(") AS ").add_alias(name.prefix, *item.column);
}

bool wants_all_columns(const std::vector<std::string>& fields) {
  return fields.empty() || (fields.size() == 1 && trim_whitespace(fields.front()) == "*");
}

Result<std::vector<const catalog::Column*>> resolve_group(const catalog::TableSchema& table,
                                                          const std::vector<std::string>& group) {
  std::vector<const catalog::Column*> columns;
  for (const auto& name : group) {
    const catalog::Column* column = table.find(trim_whitespace(name));
    if (column == nullptr) {
      return bad_request("Invalid field '" + std::string(trim_whitespace(name)) +
                         "' in group by clause.");
    }
    columns.push_back(column);
  }
  return columns;
}

// SELECT list (no "SELECT "), checking fields against the group.
Result<SqlFragment> select_list(const catalog::TableSchema& table, const ReadRequest& request,
                                const std::vector<const catalog::Column*>& group,
                                std::vector<SelectItem>& items) {
  bool grouping = !group.empty();
  if (wants_all_columns(request.fields)) {
    if (!grouping && !table.columns_hidden) return SqlFragment("*");
    if (grouping) {
      for (const auto* column : group) items.push_back({Aggregate::kNone, column, ""});
    } else {
      for (const auto& column : table.columns) items.push_back({Aggregate::kNone, &column, ""});
    }
  } else {
    for (const auto& field : request.fields) {
      if (trim_whitespace(field).empty()) continue;
      auto item = resolve_select_item(table, field, grouping);
      if (!item) return item.error();
      bool grouped_column = false;
      for (const auto* column : group) grouped_column |= column == item->column;
      if (grouping && item->aggregate == Aggregate::kNone && !grouped_column) {
        return bad_request("Invalid field requested: " + std::string(trim_whitespace(field)))
            .with("reason", "with group, fields must be grouped columns or aggregates");
      }
      items.push_back(std::move(*item));
    }
    if (items.empty()) {
      if (!table.columns_hidden) return SqlFragment("*");
      for (const auto& column : table.columns) items.push_back({Aggregate::kNone, &column, ""});
    }
  }
  SqlFragment out;
  for (size_t index = 0; index < items.size(); ++index) {
    if (index > 0) out.add(", ");
    append_item(out, items[index]);
  }
  return out;
}

Status append_order(SqlFragment& out, const catalog::TableSchema& table,
                    const std::vector<OrderTerm>& order, const std::vector<SelectItem>& items) {
  for (size_t index = 0; index < order.size(); ++index) {
    const OrderTerm& term = order[index];
    out.add(index == 0 ? FixedSql(" ORDER BY ") : ", ");
    const SelectItem* aggregate = nullptr;
    for (const auto& item : items) {
      if (!item.alias.empty() && equals_ignore_case(item.alias, trim_whitespace(term.column)))
        aggregate = &item;
    }
    if (aggregate != nullptr && aggregate->column == nullptr) {
      out.add("`COUNT_ALL`");
    } else if (aggregate != nullptr) {
      out.add_alias(aggregate_name(aggregate->aggregate).prefix, *aggregate->column);
    } else {
      const catalog::Column* column = table.find(trim_whitespace(term.column));
      if (column == nullptr) {
        return bad_request("Invalid field '" + term.column + "' in order by clause.");
      }
      out.add_column(*column);
    }
    out.add(term.descending ? FixedSql(" DESC") : " ASC");
    if (term.nulls_first) out.add(*term.nulls_first ? FixedSql(" NULLS FIRST") : " NULLS LAST");
  }
  return {};
}

WhereInputs where_inputs(const ReadRequest& request) {
  return WhereInputs{request.filter, &request.params, &request.ids, &request.id_fields};
}

}  // namespace

Result<backend::Statement> build_select(const catalog::TableSchema& table,
                                        const ReadRequest& request, bool fetch_one_more,
                                        const PolicyFilter& policy) {
  if (request.limit < 0) return bad_request("limit must not be negative");
  if (request.offset < 0) return bad_request("offset must not be negative");
  auto group = resolve_group(table, request.group);
  if (!group) return group.error();
  std::vector<SelectItem> items;
  auto list = select_list(table, request, *group, items);
  if (!list) return list.error();

  SqlFragment out("SELECT ");
  out.add(*list).add(" FROM ").add_table(table.name);
  if (auto travel = append_time_travel(out, request.time_travel); !travel) return travel.error();
  auto where = build_where(table, where_inputs(request), policy);
  if (!where) return where.error();
  append_where(out, *where);
  for (size_t index = 0; index < group->size(); ++index) {
    out.add(index == 0 ? FixedSql(" GROUP BY ") : ", ").add_column(*(*group)[index]);
  }
  if (auto order = append_order(out, table, request.order, items); !order) return order.error();
  if (request.limit > 0) {
    int64_t limit = request.limit;
    if (fetch_one_more && limit < std::numeric_limits<int64_t>::max()) ++limit;
    out.add(" LIMIT ").add_integer(limit);
  }
  if (request.offset > 0) out.add(" OFFSET ").add_integer(request.offset);
  return std::move(out).to_statement();
}

Result<backend::Statement> build_count(const catalog::TableSchema& table,
                                       const ReadRequest& request, const PolicyFilter& policy) {
  auto group = resolve_group(table, request.group);
  if (!group) return group.error();
  SqlFragment source;
  source.add_table(table.name);
  if (auto travel = append_time_travel(source, request.time_travel); !travel) {
    return travel.error();
  }
  auto where = build_where(table, where_inputs(request), policy);
  if (!where) return where.error();
  append_where(source, *where);
  SqlFragment out("SELECT count(*) AS `count` FROM ");
  if (group->empty()) return std::move(out.add(source)).to_statement();
  out.add("(SELECT 1 FROM ").add(source);
  for (size_t index = 0; index < group->size(); ++index) {
    out.add(index == 0 ? FixedSql(" GROUP BY ") : ", ").add_column(*(*group)[index]);
  }
  return std::move(out.add(") AS `grouped`")).to_statement();
}

}  // namespace lakegate::sql

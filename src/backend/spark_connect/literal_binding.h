// Binds statement parameters as typed Spark Connect literals: the values
// never become SQL text. backend::Value → Expression.Literal; positional
// values fill SQL.pos_arguments (`?` markers), named values fill
// SQL.named_arguments (`:name` markers; a leading ':' on the name is
// stripped). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/backend.h"
#include "core/value.h"
#include "spark/connect/relations.pb.h"
#include "util/result.h"

namespace lakegate::backend::spark_connect {

// A decimal written without exponent, with the precision and scale Spark
// needs to hold it exactly.
struct DecimalDigits {
  std::string text;   // e.g. "-0.050", "100000"
  int precision = 1;  // significant digits, at least `scale`, at least 1
  int scale = 0;      // digits after the point
};

inline constexpr int kMaxDecimalPrecision = 38;

// Normalises "[+-]digits[.digits][(e|E)[+-]digits]" (".5" and "5." too).
// Precision counts digits without leading zeros (so "-0.050" is (3,3),
// "123" is (3,0), "0" is (1,0)); an exponent is applied to the digits
// ("1e5" → "100000" (6,0), "1.5e-3" → "0.0015" (4,4), "1.20e1" → "12.0"
// (3,1)). More than 38 digits of precision → kUnsupportedType; malformed
// text → kBadRequest.
Result<DecimalDigits> normalize_decimal(std::string_view text);

// The literal expression for one value.
Result<spark::connect::Expression> to_literal(const Value& value);

// Sets `sql.query` and its arguments from `statement`. Mixing positional and
// named parameters → kBadRequest.
Status bind_statement(const Statement& statement, spark::connect::SQL& sql);

}  // namespace lakegate::backend::spark_connect

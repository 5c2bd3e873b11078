// A typed value bound as a statement parameter. Values never become SQL text
// (except through sql/literal for protocols without parameters): each backend
// binds them natively as typed literals.
#pragma once

#include <cstdint>
#include <string>

namespace lakegate::backend {

struct Value {
  enum class Kind { kNull, kBool, kInt64, kDouble, kDecimal, kString, kBinary };

  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  // kDecimal: the exact decimal digits as written ("-12.340"); kString: UTF-8
  // text; kBinary: raw bytes.
  std::string text;

  static Value null() { return {}; }
  static Value boolean(bool v) {
    Value x;
    x.kind = Kind::kBool;
    x.bool_value = v;
    return x;
  }
  static Value int64(int64_t v) {
    Value x;
    x.kind = Kind::kInt64;
    x.int_value = v;
    return x;
  }
  static Value float64(double v) {
    Value x;
    x.kind = Kind::kDouble;
    x.double_value = v;
    return x;
  }
  static Value decimal(std::string digits) {
    Value x;
    x.kind = Kind::kDecimal;
    x.text = std::move(digits);
    return x;
  }
  static Value string(std::string v) {
    Value x;
    x.kind = Kind::kString;
    x.text = std::move(v);
    return x;
  }
  static Value binary(std::string v) {
    Value x;
    x.kind = Kind::kBinary;
    x.text = std::move(v);
    return x;
  }
};

}  // namespace lakegate::backend

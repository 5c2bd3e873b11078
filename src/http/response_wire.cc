#include "http/response_wire.h"

#include <algorithm>
#include <boost/beast/http/status.hpp>

#include "util/ascii.h"

namespace lakegate::http {

namespace {

std::string_view reason_phrase(int status) {
  if (status == 499) return "Client Closed Request";
  const auto known = boost::beast::http::int_to_status(static_cast<unsigned>(status));
  if (known == boost::beast::http::status::unknown) return "Status";
  const auto text = boost::beast::http::obsolete_reason(known);
  return {text.data(), text.size()};
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  out.append("\r\n");
}

// Headers the server sets itself.
bool is_server_header(const std::string& name) {
  const std::string lower = util::ascii_lower(name);
  return lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
         lower == "x-request-id" || lower == "server";
}

}  // namespace

std::string response_head(const Request& request, const Response& response, bool keep_alive,
                          BodyFraming framing, uint64_t content_length) {
  const int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  std::string head;
  head.reserve(256);
  head.append("HTTP/1.1 ");
  head.append(std::to_string(status));
  head.push_back(' ');
  head.append(reason_phrase(status));
  head.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || name.find_first_of("\r\n: ") != std::string::npos) continue;
    if (is_server_header(name)) continue;
    append_header(head, name, value);
  }
  append_header(head, "X-Request-Id", request.request_id);
  append_header(head, "Server", "lakegate");
  if (!status_allows_body(status)) {
    // 1xx, 204 and 304 carry no body and no framing header.
  } else if (framing == BodyFraming::kChunked) {
    append_header(head, "Transfer-Encoding", "chunked");
  } else {
    append_header(head, "Content-Length", std::to_string(content_length));
  }
  if (!keep_alive) append_header(head, "Connection", "close");
  head.append("\r\n");
  return head;
}

bool status_allows_body(int status) {
  return status >= 200 && status != 204 && status != 304;
}

std::string chunk_size_line(size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string digits;
  do {
    digits.push_back(kHex[size & 0xf]);
    size >>= 4;
  } while (size != 0);
  std::reverse(digits.begin(), digits.end());
  digits.append("\r\n");
  return digits;
}

}  // namespace lakegate::http

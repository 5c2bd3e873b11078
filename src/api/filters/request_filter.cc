#include "api/filters/request_filter.h"

namespace lakegate::api {

http::Response run_filter_chain(const std::vector<std::unique_ptr<RequestFilter>>& filters,
                                RequestContext& context,
                                const std::function<http::Response(RequestContext&)>& terminal) {
  size_t reached = 0;
  std::optional<http::Response> response;
  for (; reached < filters.size(); ++reached) {
    response = filters[reached]->on_request(context);
    if (response) {
      ++reached;  // the filter that answered sees its own reply
      break;
    }
  }
  if (!response) response = terminal(context);
  while (reached > 0) filters[--reached]->on_response(context, *response);
  return std::move(*response);
}

}  // namespace lakegate::api

// /api/v2/system/{service,role,app,user,admin,limit,limit_cache,audit}[/{id}]:
// the admin API, sys-admins only (the Gateway checks). DreamFactory's shapes
// (api/system_json.h): lists as {"resource":[…]}, one record by id as the bare
// object, POST creates one or many ({"resource":[…]}), PUT/PATCH update by id,
// DELETE by id. Secrets are never returned. Every change is persisted in the
// store and takes effect at once (services are swapped into the registry,
// identity data reloaded); other nodes follow within the reload interval.
//   POST /system/app/{id}/key  issues a new API key (the old one stops working)
//   GET  /system/audit?user=&app=&service=&verb=&status=&since=&until=&limit=&offset=
//   GET|DELETE /system/limit_cache  (DELETE refills every bucket)
#pragma once

#include <string>
#include <vector>

#include "api/security.h"
#include "http/handler.h"

namespace lakegate::api {

http::Response handle_system(const http::Request& request, Security& security,
                             const std::vector<std::string>& path);

}  // namespace lakegate::api

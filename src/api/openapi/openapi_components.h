// The fixed parts of lakegate's OpenAPI documents (openapi_document.h):
// reusable query parameters (DreamFactory's filter, fields, limit, …), the
// shared schemas (error envelope, meta, list shapes, _query's request and
// response, DreamFactory table and field descriptions) and the error
// response, written under "components". Each has a $ref helper.
#pragma once

#include <string>

#include "api/catalog/catalog_json.h"

namespace lakegate::api::openapi {

// {"$ref": "#/components/<kind>/<name>"}
void write_ref(JsonWriter& json, const char* kind, const std::string& name);
inline void parameter_ref(JsonWriter& json, const char* name) {
  write_ref(json, "parameters", name);
}
inline void schema_ref(JsonWriter& json, const std::string& name) {
  write_ref(json, "schemas", name);
}

// "parameters": {…} (the fixed ones).
void write_parameters(JsonWriter& json);
// The fixed schemas, as members of an open "schemas" object.
void write_shared_schemas(JsonWriter& json);
// "responses": {"Error": …}.
void write_responses(JsonWriter& json);
// components.securitySchemes: the app API key, the session token header and
// Authorization: Bearer (DreamFactory's credentials).
void write_security_schemes(JsonWriter& json);
// The top-level `security`: any one of those schemes.
void write_security_requirement(JsonWriter& json);

// "responses": {"200": <schema ref or inline>, "default": Error} helpers:
// a 200 whose application/json body is the component schema `schema`.
void write_ok_responses(JsonWriter& json, const std::string& description,
                        const std::string& schema);

}  // namespace lakegate::api::openapi

// The OpenAPI 3.1 document of the REST API, served at /openapi.json. Its source is
// src/http/openapi.json, compiled in by CMake; http/openapi_test.cc checks that every route
// of api_router.h is in it and that every path in it is routed.
#pragma once

#include <string_view>

namespace issuetracker::http {

std::string_view OpenApiDocument();

}  // namespace issuetracker::http

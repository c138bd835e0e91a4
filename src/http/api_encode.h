// The JSON representations of the domain's values in the REST API, and their ETags.
//
// Members are named as the spec's stored attributes (issue_id, assigned_user, ...), minus
// the storage-only ones (keys, counters, incarnations). docs/api.md shows each; the OpenAPI
// document (/openapi.json) declares them.
//
// ETags are strong validators: an issue's is its version ("\"7\""), which every change of
// the issue raises; the other resources' are a 64-bit hash of their representation.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "http/api_json.h"
#include "tracker/api_key_repository.h"
#include "tracker/model.h"

namespace issuetracker::http {

void EncodeCompany(JsonWriter& w, const tracker::Company& c);
void EncodeUser(JsonWriter& w, const tracker::User& u);
void EncodeTeam(JsonWriter& w, const tracker::Team& t);
void EncodeIssue(JsonWriter& w, const tracker::Issue& i);
void EncodeComment(JsonWriter& w, const tracker::Comment& c);
// Without the hash (the key itself is shown once, by the handler that creates it).
void EncodeApiKey(JsonWriter& w, const tracker::ApiKeyRecord& k);

// "\"<version>\"".
std::string IssueETag(const tracker::Issue& issue);
// "\"h<16 hex>\"" of a representation.
std::string HashETag(std::string_view representation);

}  // namespace issuetracker::http

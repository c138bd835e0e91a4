// Legacy parameters: the pre-expression request parameters DynamoDB still accepts
// (AttributesToGet, KeyConditions, QueryFilter, ScanFilter, Expected, AttributeUpdates,
// ConditionalOperator) and the Select rules that involve them.
//
// One shared translator validates a request's legacy parameters with DynamoDB's errors and
// rewrites them into the equivalent expressions, so that a backend evaluates only
// expressions:
//   AttributesToGet            -> ProjectionExpression
//   KeyConditions              -> KeyConditionExpression (conditions ANDed)
//   QueryFilter / ScanFilter   -> FilterExpression (ANDed, or ORed by ConditionalOperator)
//   Expected                   -> ConditionExpression (likewise)
//   AttributeUpdates           -> UpdateExpression (PUT -> SET, ADD -> ADD, or SET with
//                                 list_append for lists, DELETE -> REMOVE or DELETE)
// Attribute names and values become placeholders ("#lgc0", ":lgc0") whose prefix is chosen
// so that it cannot collide with placeholders the request already has (DynamoDB allows
// KeyConditions together with a FilterExpression or ProjectionExpression).
//
// Errors (ValidationException, DynamoDB's messages), among others:
//  - "Can not use both expression and non-expression parameters in the same request:
//    Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}"
//  - "One or more parameter values were invalid: Invalid number of argument(s) for the
//    BETWEEN ComparisonOperator", "... ComparisonOperator LT is not valid for SS
//    AttributeValue type", "... AttributeValues inside AttributeValueList must be of same type"
//  - "The BETWEEN condition was provided a range where the lower bound is greater than the
//    upper bound", "Attempted conditional constraint is not an indexable operation"
//  - Expected: "... Value must be provided when Exists is null for Attribute: a", ...
//  - AttributeUpdates: "... ADD action is not supported for the type S", ...
//  - Select: "Cannot specify the AttributesToGet when choosing to get only the Count", ...
//
// Thread-safety: stateless functions.
#pragma once

#include "common/result.h"
#include "dynamo/types.h"

namespace issuetracker::dynamo::legacy {

// Whether the request carries a legacy parameter (then Translate must run before the
// request is evaluated).
bool Uses(const GetItemRequest& r);
bool Uses(const PutItemRequest& r);
bool Uses(const UpdateItemRequest& r);
bool Uses(const DeleteItemRequest& r);
bool Uses(const QueryRequest& r);
bool Uses(const ScanRequest& r);
bool Uses(const BatchGetItemRequest& r);

// Validates *r's legacy parameters and replaces them by expressions (the legacy members
// are cleared). On error *r is unspecified.
Status Translate(GetItemRequest* r);
Status Translate(PutItemRequest* r);
Status Translate(UpdateItemRequest* r);
Status Translate(DeleteItemRequest* r);
Status Translate(QueryRequest* r);
Status Translate(ScanRequest* r);
Status Translate(BatchGetItemRequest* r);

// `s`, an error of an update translated from AttributeUpdates, in DynamoDB's legacy words:
// an action that does not fit the attribute's type is "Type mismatch for attribute to
// update", not the update expression's "An operand in the update expression has an
// incorrect data type".
Status LegacyUpdateError(const Status& s);

// Calls `call(request)` with the legacy parameters rewritten: with `r` itself when it has
// none, else with a translated copy; returns the translation's error instead when it fails,
// and a failed AttributeUpdates call's error through LegacyUpdateError.
template <typename Request, typename Call>
auto Apply(const Request& r, Call&& call) -> decltype(call(r)) {
  if (!Uses(r)) return call(r);
  Request translated = r;
  if (Status s = Translate(&translated); !s.ok()) return s;
  auto result = call(static_cast<const Request&>(translated));
  if constexpr (requires { r.attribute_updates; }) {
    if (!result.ok() && !r.attribute_updates.empty()) return LegacyUpdateError(result.status());
  }
  return result;
}

}  // namespace issuetracker::dynamo::legacy

// /v1/companies (platform operators), /v1/company and /v1/api-keys (the caller's company),
// and the dispatch table of every route.
#include "http/api_encode.h"
#include "http/api_internal.h"
#include "tracker/permissions.h"

namespace issuetracker::http {

using tracker::Action;
using tracker::Company;
using tracker::CompanyId;

RouteHandler IssueHandlerFor(RouteId route);
RouteHandler TeamHandlerFor(RouteId route);
RouteHandler UserHandlerFor(RouteId route);

namespace {

std::string CompanyJson(const Company& c) {
  std::string out;
  JsonWriter w(out);
  EncodeCompany(w, c);
  return out;
}

// A company's ETag covers what can be written (limits, subscription), not the live
// api_calls_used counter, so a client can write after reading without racing its own calls.
std::string CompanyETag(Company c) {
  c.api_calls_used = 0;
  return HashETag(CompanyJson(c));
}

void WriteCompany(Call& call, int status, const Company& c) {
  WriteJson(call, status, CompanyJson(c), CompanyETag(c));
}

tenancy::AdminAccess PlatformAccess(const Call& call) {
  return tenancy::AdminAccess::Grant("REST platform operator " + call.principal->user);
}

Status CreateCompany(Call& call) {
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto id, body.String("company_id", true));
  IT_ASSIGN_OR_RETURN(auto name, body.String("company_name", true));
  IT_ASSIGN_OR_RETURN(auto tier_name, body.String("company_tier", true));
  IT_ASSIGN_OR_RETURN(auto contact, body.String("contact_email", true));
  IT_ASSIGN_OR_RETURN(auto quota, body.Int("monthly_quota"));
  IT_ASSIGN_OR_RETURN(auto max_users, body.Int("max_users"));
  IT_ASSIGN_OR_RETURN(auto root, body.Object("root_user", true));
  IT_ASSIGN_OR_RETURN(auto root_email, root->String("email", true));
  IT_ASSIGN_OR_RETURN(auto root_name, root->String("full_name", true));
  IT_RETURN_IF_ERROR(root->Finish());
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(CompanyId company_id, CompanyId::Parse(*id));
  IT_ASSIGN_OR_RETURN(tracker::Tier tier, tenancy::ParseTier(*tier_name));
  IT_ASSIGN_OR_RETURN(tracker::UserEmail contact_email, tracker::UserEmail::Parse(*contact));
  IT_ASSIGN_OR_RETURN(tracker::UserEmail root_address, tracker::UserEmail::Parse(*root_email));
  auto plan = call.state.options.plans.find(tier);
  tracker::NewCompany in{.company_id = company_id,
                         .company_name = std::move(*name),
                         .tier = tier,
                         .contact_email = std::move(contact_email),
                         .monthly_quota = quota,
                         .max_users = max_users};
  if (!in.monthly_quota && plan != call.state.options.plans.end()) {
    in.monthly_quota = plan->second.monthly_quota;
  }
  tenancy::AdminAccess admin = PlatformAccess(call);
  IT_ASSIGN_OR_RETURN(Company created, call.state.tracker.companies().Create(admin, in));
  // Its first user, a Root User, so that someone can sign in and manage it.
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*call.state.tracker.store().backend,
                                       *call.state.tracker.store().layout, company_id));
  IT_ASSIGN_OR_RETURN(tracker::User root_user,
                      call.state.tracker.users().Create(
                          ctx, {root_address, std::move(*root_name), tracker::Role::kRootUser}));
  IT_ASSIGN_OR_RETURN(created, call.state.tracker.companies().Get(ctx));
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("company");
  EncodeCompany(w, created);
  w.Key("root_user");
  EncodeUser(w, root_user);
  w.EndObject();
  call.resp.headers.Set("Location", "/v1/companies/" + company_id.str());
  WriteJson(call, 201, std::move(out));
  return Status::Ok();
}

Status ChangeTier(Call& call) {
  IT_ASSIGN_OR_RETURN(CompanyId id, PathId<CompanyId>(call, "company_id", "Company"));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto tier_name, body.String("company_tier", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::Tier tier, tenancy::ParseTier(*tier_name));
  IT_RETURN_IF_ERROR(call.state.tracker.companies().ChangeTier(PlatformAccess(call), id, tier));
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Member("company_id", id.str())
      .Member("company_tier", tenancy::TierName(tier))
      .EndObject();
  WriteJson(call, 200, std::move(out));
  return Status::Ok();
}

Status ResetUsage(Call& call) {
  IT_ASSIGN_OR_RETURN(CompanyId id, PathId<CompanyId>(call, "company_id", "Company"));
  tenancy::AdminAccess admin = PlatformAccess(call);
  IT_RETURN_IF_ERROR(call.state.tracker.companies().ResetApiUsage(admin, id));
  IT_ASSIGN_OR_RETURN(tenancy::TenantContext ctx,
                      admin.ContextFor(*call.state.tracker.store().backend,
                                       *call.state.tracker.store().layout, id));
  IT_ASSIGN_OR_RETURN(Company company, call.state.tracker.companies().Get(ctx));
  call.state.usage.Refresh(company);
  call.resp.status = 204;
  return Status::Ok();
}

Status OffboardCompany(Call& call) {
  IT_ASSIGN_OR_RETURN(CompanyId id, PathId<CompanyId>(call, "company_id", "Company"));
  IT_RETURN_IF_ERROR(call.state.tracker.companies().Offboard(PlatformAccess(call), id));
  call.state.credentials.DropApiKeys();
  call.resp.status = 204;
  return Status::Ok();
}

Status GetCompany(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kViewCompany));
  IT_ASSIGN_OR_RETURN(Company c, call.state.tracker.companies().Get(*call.ctx));
  WriteCompany(call, 200, c);
  return Status::Ok();
}

Status UpdateLimits(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageCompany));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto quota, body.Int("monthly_quota"));
  IT_ASSIGN_OR_RETURN(auto max_users, body.Int("max_users"));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(Company current, call.state.tracker.companies().Get(*call.ctx));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, CompanyETag(current)));
  IT_ASSIGN_OR_RETURN(Company c,
                      call.state.tracker.companies().UpdateLimits(*call.ctx, quota, max_users));
  call.state.usage.Refresh(c);
  WriteCompany(call, 200, c);
  return Status::Ok();
}

Status SetSubscription(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageCompany));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto status_name, body.String("subscription_status", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(tracker::SubscriptionStatus status,
                      tracker::ParseSubscriptionStatus(*status_name));
  IT_ASSIGN_OR_RETURN(Company current, call.state.tracker.companies().Get(*call.ctx));
  IT_RETURN_IF_ERROR(CheckIfMatch(call, CompanyETag(current)));
  IT_ASSIGN_OR_RETURN(Company c,
                      call.state.tracker.companies().SetSubscriptionStatus(*call.ctx, status));
  WriteCompany(call, 200, c);
  return Status::Ok();
}

Status ListApiKeys(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageCompany));
  IT_ASSIGN_OR_RETURN(auto keys, call.state.tracker.api_keys().List(*call.ctx));
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("items").BeginArray();
  for (const tracker::ApiKeyRecord& k : keys) EncodeApiKey(w, k);
  w.EndArray().EndObject();
  WriteJson(call, 200, std::move(out));
  return Status::Ok();
}

Status CreateApiKey(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageCompany));
  IT_ASSIGN_OR_RETURN(JsonObject body, BodyOf(call));
  IT_ASSIGN_OR_RETURN(auto name, body.String("name", true));
  IT_RETURN_IF_ERROR(body.Finish());
  IT_ASSIGN_OR_RETURN(GeneratedApiKey key, GenerateApiKey());
  IT_ASSIGN_OR_RETURN(
      tracker::ApiKeyRecord record,
      call.state.tracker.api_keys().Create(*call.ctx, {.key_id = key.key_id,
                                                       .key_hash = call.state.hasher->Hash(key.key),
                                                       .name = std::move(*name)}));
  // The only time the key itself is shown: only its hash is stored.
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("api_key").String(key.key).Key("record");
  EncodeApiKey(w, record);
  w.EndObject();
  call.resp.headers.Set("Location", "/v1/api-keys/" + record.key_id);
  call.resp.headers.Set("Cache-Control", "no-store");
  WriteJson(call, 201, std::move(out));
  return Status::Ok();
}

Status RevokeApiKey(Call& call) {
  IT_RETURN_IF_ERROR(tracker::Check(*call.ctx, Action::kManageCompany));
  IT_RETURN_IF_ERROR(
      call.state.tracker.api_keys().Revoke(*call.ctx, call.match.Param("key_id")).status());
  call.state.credentials.DropApiKeys();
  call.resp.status = 204;
  return Status::Ok();
}

RouteHandler CompanyHandlerFor(RouteId route) {
  switch (route) {
    case RouteId::kCreateCompany:
      return CreateCompany;
    case RouteId::kChangeTier:
      return ChangeTier;
    case RouteId::kResetUsage:
      return ResetUsage;
    case RouteId::kOffboardCompany:
      return OffboardCompany;
    case RouteId::kGetCompany:
      return GetCompany;
    case RouteId::kUpdateLimits:
      return UpdateLimits;
    case RouteId::kSetSubscription:
      return SetSubscription;
    case RouteId::kListApiKeys:
      return ListApiKeys;
    case RouteId::kCreateApiKey:
      return CreateApiKey;
    case RouteId::kRevokeApiKey:
      return RevokeApiKey;
    default:
      return nullptr;
  }
}

Status NoHandler(Call& call) {
  return ApiError(404, "route_not_found", "No resource at " + call.req.path);
}

}  // namespace

RouteHandler HandlerFor(RouteId route) {
  for (RouteHandler (*family)(RouteId) :
       {CompanyHandlerFor, UserHandlerFor, TeamHandlerFor, IssueHandlerFor}) {
    if (RouteHandler h = family(route)) return h;
  }
  return NoHandler;
}

}  // namespace issuetracker::http

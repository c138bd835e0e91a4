#include "tenancy/lifecycle.h"

#include <ctime>
#include <random>

#include "tenancy/layout_internal.h"
#include "tenancy/provision.h"
#include "tenancy/schema_names.h"

namespace issuetracker::tenancy {

using dynamo::Item;
using internal::FindS;
using internal::S;

namespace {

constexpr std::string_view kStateNames[] = {"onboarding", "active", "offboarding", "retired"};

std::string CompanyTable(const Layout& layout) {
  return layout.SystemTableName(SystemTable::kCompanyManagement).str();
}

bool IsConditionFailure(const Status& s) { return s.Is(Code::kConditionalCheckFailed); }

Status NotFound(const CompanyId& company) {
  return Status::NotFound("Company " + company.str() + " does not exist");
}

}  // namespace

std::string_view LifecycleStateName(LifecycleState state) {
  return kStateNames[static_cast<size_t>(state)];
}

Result<LifecycleState> ParseLifecycleState(std::string_view text) {
  for (size_t i = 0; i < std::size(kStateNames); ++i) {
    if (text == kStateNames[i]) return static_cast<LifecycleState>(i);
  }
  return Status::Validation("Invalid lifecycle state \"" + std::string(text.substr(0, 40)) +
                            "\": expected onboarding, active, offboarding or retired");
}

Result<CompanyState> ParseCompanyState(const Layout& layout, const Item& item) {
  IT_ASSIGN_OR_RETURN(CompanyId id, layout.CompanyOf(item));
  CompanyState state{id, LifecycleState::kActive, "", std::nullopt, "", std::nullopt};
  auto bad = [&id](std::string_view why) {
    return Status::Corruption("Company " + id.str() + " has a bad lifecycle: " + std::string(why));
  };
  if (const std::string* s = FindS(item, attr::kLifecycleState)) {
    auto parsed = ParseLifecycleState(*s);
    if (!parsed.ok()) return bad(parsed.status().message());
    state.state = *parsed;
    const std::string* inc = FindS(item, attr::kIncarnation);
    if (inc == nullptr || inc->empty()) return bad("no incarnation");
    state.incarnation = *inc;
  } else if (item.contains(attr::kLifecycleState)) {
    return bad("lifecycle_state is not a string");
  }
  if (const std::string* tier = FindS(item, attr::kCompanyTier)) {
    auto parsed = ParseTier(*tier);
    if (!parsed.ok()) return bad(parsed.status().message());
    state.tier = *parsed;
  } else if (state.state != LifecycleState::kRetired) {
    return bad("no company_tier");
  }
  if (const std::string* started = FindS(item, attr::kOffboardingStarted)) {
    state.offboarding_started = *started;
  }
  if (const std::string* registered = FindS(item, attr::kRegisteredAt)) {
    state.registered_at_micros = ParseUtcMicros(*registered);
    if (!state.registered_at_micros) return bad("registered_at is not a UTC timestamp");
  } else if (item.contains(attr::kRegisteredAt)) {
    return bad("registered_at is not a string");
  }
  return state;
}

Result<CompanyState> LoadCompanyState(dynamo::Backend& backend, const Layout& layout,
                                      const CompanyId& company) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    dynamo::GetItemRequest get{CompanyTable(layout), layout.CompanyKey(company), true};
    IT_ASSIGN_OR_RETURN(dynamo::GetItemResponse got, backend.GetItem(get));
    if (!got.item) return NotFound(company);
    IT_ASSIGN_OR_RETURN(CompanyState state, ParseCompanyState(layout, *got.item));
    if (!state.incarnation.empty()) return state;
    // Written before the lifecycle existed: adopt it as active, with an incarnation.
    dynamo::UpdateItemRequest adopt;
    adopt.table_name = get.table_name;
    adopt.key = get.key;
    adopt.update_expression = "SET #s = :active, #i = :inc";
    adopt.condition_expression = "attribute_exists(#c) AND attribute_not_exists(#s)";
    adopt.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                        {"#i", std::string(attr::kIncarnation)},
                                        {"#c", std::string(attr::kCompanyId)}};
    adopt.expression_attribute_values = {
        {":active", S(LifecycleStateName(LifecycleState::kActive))}, {":inc", S(NewIncarnation())}};
    auto adopted = backend.UpdateItem(adopt);
    if (!adopted.ok() && !IsConditionFailure(adopted.status())) return adopted.status();
    // Adopted (by us or a concurrent reader): read it again.
  }
  return Status::Conflict("Company " + company.str() + " is changing; try again");
}

std::string NewIncarnation() {
  thread_local std::mt19937_64 rng([] {
    std::random_device device;  // /dev/urandom
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i) out[half * 16 + i] = kHex[(v >> (4 * i)) & 0xf];
  }
  return out;
}

std::string FormatUtcMicros(int64_t micros) {
  time_t seconds = static_cast<time_t>(micros / 1'000'000);
  int64_t fraction = micros % 1'000'000;
  if (fraction < 0) {
    fraction += 1'000'000;
    --seconds;
  }
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char buf[128];  // room for any value of every field
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return buf;
}

std::optional<int64_t> ParseUtcMicros(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ": digits where FormatUtcMicros writes them, and nothing
  // else; whatever it parses must format back to the same text.
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  auto number = [&text](size_t at, size_t len) {
    int64_t v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  struct tm tm {};
  tm.tm_year = static_cast<int>(number(0, 4)) - 1900;
  tm.tm_mon = static_cast<int>(number(5, 2)) - 1;
  tm.tm_mday = static_cast<int>(number(8, 2));
  tm.tm_hour = static_cast<int>(number(11, 2));
  tm.tm_min = static_cast<int>(number(14, 2));
  tm.tm_sec = static_cast<int>(number(17, 2));
  const int64_t micros = static_cast<int64_t>(timegm(&tm)) * 1'000'000 + number(20, 6);
  if (FormatUtcMicros(micros) != text) return std::nullopt;  // e.g. February 30th
  return micros;
}

CompanyLifecycle::CompanyLifecycle(dynamo::Backend& backend, const SchemaCatalog& catalog,
                                   const Clock& clock, LifecycleOptions options)
    : backend_(backend), catalog_(catalog), clock_(clock), options_(options) {}

std::string CompanyLifecycle::Now() const { return FormatUtcMicros(clock_.NowMicros()); }

// ------------------------------------------------------------------ registration

Result<CompanyScope> CompanyLifecycle::Register(const AdminAccess& admin, const CompanyId& company,
                                                Tier tier, Item record, bool activate) {
  const Layout& layout = catalog_.layout();
  const std::string* tier_name = FindS(record, attr::kCompanyTier);
  if (tier_name == nullptr || *tier_name != TierName(tier) ||
      record.contains(attr::kLifecycleState) || record.contains(attr::kIncarnation) ||
      record.contains(attr::kRegisteredAt)) {
    return Status::Validation("A registration record names its tier and no lifecycle fields");
  }
  CompanyScope scope(company, tier, NewIncarnation());
  for (auto& [name, value] : layout.CompanyKey(company)) record.insert_or_assign(name, value);
  internal::Set(&record, attr::kLifecycleState, S(LifecycleStateName(LifecycleState::kOnboarding)));
  internal::Set(&record, attr::kIncarnation, S(scope.incarnation()));
  // In the same conditional write: no state of the id before this moment belongs to this
  // registration, so a per-company restore never goes back before it (restore.h).
  internal::Set(&record, attr::kRegisteredAt, S(Now()));
  dynamo::PutItemRequest put;
  put.table_name = CompanyTable(layout);
  put.item = std::move(record);
  const std::string cutoff =
      FormatUtcMicros(clock_.NowMicros() - options_.reregistration_quarantine_micros);
  put.condition_expression = "attribute_not_exists(#c) OR (#s = :retired AND #o <= :cutoff)";
  put.expression_attribute_names = {{"#c", std::string(attr::kCompanyId)},
                                    {"#s", std::string(attr::kLifecycleState)},
                                    {"#o", std::string(attr::kOffboardingStarted)}};
  put.expression_attribute_values = {{":retired", S(LifecycleStateName(LifecycleState::kRetired))},
                                     {":cutoff", S(cutoff)}};
  auto written = backend_.PutItem(put);
  if (!written.ok()) {
    if (!IsConditionFailure(written.status())) return written.status();
    auto existing = LoadCompanyState(backend_, layout, company);
    if (existing.ok() && existing->state == LifecycleState::kRetired) {
      return Status::Conflict(
          "Company id " + company.str() + " was offboarded at " + existing->offboarding_started +
          "; it can be registered again once its quarantine of " +
          std::to_string(options_.reregistration_quarantine_micros / 1'000'000) + " s has passed");
    }
    return Status::Conflict("Company " + company.str() + " already exists");
  }
  if (scope.silo()) {
    Provisioner provisioner(backend_, catalog_);
    auto onboarded = provisioner.OnboardPlatinum(admin, scope, Now());
    if (!onboarded.ok()) {
      Status removed = RemoveFailedRegistration(scope);
      if (!removed.ok()) {
        return Status(onboarded.status().code(), onboarded.status().message() +
                                                     " (and the registration record could not " +
                                                     "be removed: " + removed.ToString() + ")");
      }
      return onboarded.status();
    }
  }
  if (activate) IT_RETURN_IF_ERROR(Activate(admin, scope));
  return scope;
}

Status CompanyLifecycle::RemoveFailedRegistration(const CompanyScope& scope) {
  // Nothing can have been written for it: it had no sessions and no contexts.
  dynamo::DeleteItemRequest del;
  del.table_name = CompanyTable(catalog_.layout());
  del.key = catalog_.layout().CompanyKey(scope.company_id());
  del.condition_expression = "#s = :onboarding AND #i = :inc";
  del.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                    {"#i", std::string(attr::kIncarnation)}};
  del.expression_attribute_values = {
      {":onboarding", S(LifecycleStateName(LifecycleState::kOnboarding))},
      {":inc", S(scope.incarnation())}};
  auto deleted = backend_.DeleteItem(del);
  if (!deleted.ok() && !IsConditionFailure(deleted.status())) return deleted.status();
  return Status::Ok();
}

Status CompanyLifecycle::Activate(const AdminAccess& /*admin*/, const CompanyScope& scope) {
  dynamo::UpdateItemRequest update;
  update.table_name = CompanyTable(catalog_.layout());
  update.key = catalog_.layout().CompanyKey(scope.company_id());
  update.update_expression = "SET #s = :active";
  update.condition_expression = "#s = :onboarding AND #i = :inc AND #t = :tier";
  update.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                       {"#i", std::string(attr::kIncarnation)},
                                       {"#t", std::string(attr::kCompanyTier)}};
  update.expression_attribute_values = {
      {":active", S(LifecycleStateName(LifecycleState::kActive))},
      {":onboarding", S(LifecycleStateName(LifecycleState::kOnboarding))},
      {":inc", S(scope.incarnation())},
      {":tier", S(TierName(scope.tier()))}};
  auto updated = backend_.UpdateItem(update);
  if (updated.ok()) return Status::Ok();
  if (!IsConditionFailure(updated.status())) return updated.status();
  return Status::Conflict("Company " + scope.company_id().str() +
                          " is no longer being onboarded in this registration");
}

Result<CompanyScope> CompanyLifecycle::ReopenForBulkLoad(const AdminAccess& /*admin*/,
                                                         const CompanyId& company, Tier tier) {
  const Layout& layout = catalog_.layout();
  IT_ASSIGN_OR_RETURN(CompanyState state, LoadCompanyState(backend_, layout, company));
  if (state.state != LifecycleState::kActive && state.state != LifecycleState::kOnboarding) {
    return Status::Conflict("Company " + company.str() + " is " +
                            std::string(LifecycleStateName(state.state)));
  }
  if (state.tier != tier) {
    return Status::Conflict("Company " + company.str() + " is registered on another tier");
  }
  dynamo::UpdateItemRequest update;
  update.table_name = CompanyTable(layout);
  update.key = layout.CompanyKey(company);
  update.update_expression = "SET #s = :onboarding";
  update.condition_expression = "(#s = :active OR #s = :onboarding) AND #i = :inc AND #t = :tier";
  update.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                       {"#i", std::string(attr::kIncarnation)},
                                       {"#t", std::string(attr::kCompanyTier)}};
  update.expression_attribute_values = {
      {":active", S(LifecycleStateName(LifecycleState::kActive))},
      {":onboarding", S(LifecycleStateName(LifecycleState::kOnboarding))},
      {":inc", S(state.incarnation)},
      {":tier", S(TierName(tier))}};
  auto updated = backend_.UpdateItem(update);
  if (!updated.ok()) {
    if (!IsConditionFailure(updated.status())) return updated.status();
    return Status::Conflict("Company " + company.str() + " changed meanwhile; try again");
  }
  return CompanyScope(company, tier, state.incarnation);
}

Status CompanyLifecycle::ChangePooledTier(const AdminAccess& /*admin*/, const CompanyId& company,
                                          Tier from, Tier to) {
  if (from == Tier::kPlatinum || to == Tier::kPlatinum) {
    return Status::Validation(
        "Moving a company to or from Platinum moves its data between pooled and silo tables, "
        "which is not supported; offboard it and register it again");
  }
  const Layout& layout = catalog_.layout();
  dynamo::UpdateItemRequest update;
  update.table_name = CompanyTable(layout);
  update.key = layout.CompanyKey(company);
  update.update_expression = "SET #t = :to";
  update.condition_expression = "#s = :active AND #t = :from";
  update.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                       {"#t", std::string(attr::kCompanyTier)}};
  update.expression_attribute_values = {{":active", S(LifecycleStateName(LifecycleState::kActive))},
                                        {":from", S(TierName(from))},
                                        {":to", S(TierName(to))}};
  auto updated = backend_.UpdateItem(update);
  if (updated.ok()) return Status::Ok();
  if (!IsConditionFailure(updated.status())) return updated.status();
  return Status::Conflict("Company " + company.str() + " is not an active " +
                          std::string(TierName(from)) + " company");
}

// ------------------------------------------------------------------ offboarding

Status CompanyLifecycle::Offboard(const AdminAccess& admin, const CompanyId& company,
                                  const OffboardOptions& options) {
  CompanyState state{company, LifecycleState::kActive, "", std::nullopt, "", std::nullopt};
  IT_RETURN_IF_ERROR(Fence(company, options, &state));
  if (state.state == LifecycleState::kRetired) return Status::Ok();
  if (!state.tier) return Status::Corruption("Company " + company.str() + " has no tier");
  const CompanyScope scope(company, *state.tier, state.incarnation);
  Provisioner provisioner(backend_, catalog_);
  Status purged = provisioner.PurgeCompany(admin, scope, options_.max_purge_passes);
  if (purged.Is(Code::kConflict)) {
    // A concurrent offboarding may have finished (retired the id) since the fence was read;
    // every purge step is conditional on the fence, so this one stopped there.
    IT_ASSIGN_OR_RETURN(CompanyState now, LoadCompanyState(backend_, catalog_.layout(), company));
    if (now.state == LifecycleState::kRetired && now.incarnation == state.incarnation) {
      return Status::Ok();
    }
    if (now.incarnation != state.incarnation) {
      return Status::Conflict("Company " + company.str() +
                              " was offboarded by another offboarding meanwhile, and its id "
                              "has been registered again since; the new registration was "
                              "left alone");
    }
  }
  IT_RETURN_IF_ERROR(purged);
  return Retire(state);
}

Status CompanyLifecycle::Fence(const CompanyId& company, const OffboardOptions& options,
                               CompanyState* state) {
  const Layout& layout = catalog_.layout();
  for (int attempt = 0; attempt < 5; ++attempt) {
    IT_ASSIGN_OR_RETURN(*state, LoadCompanyState(backend_, layout, company));
    switch (state->state) {
      case LifecycleState::kRetired:
      case LifecycleState::kOffboarding:
        return Status::Ok();  // done, or resume the purge
      case LifecycleState::kOnboarding:
        if (!options.abandon_onboarding) {
          return Status::Conflict("Company " + company.str() +
                                  " is being onboarded; offboard it only once its onboarding "
                                  "was abandoned");
        }
        break;
      case LifecycleState::kActive:
        break;
    }
    const std::string now = Now();
    dynamo::UpdateItemRequest fence;
    fence.table_name = CompanyTable(layout);
    fence.key = layout.CompanyKey(company);
    fence.update_expression = "SET #s = :offboarding, #o = :now";
    fence.condition_expression = "#s = :from AND #i = :inc";
    fence.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                        {"#i", std::string(attr::kIncarnation)},
                                        {"#o", std::string(attr::kOffboardingStarted)}};
    fence.expression_attribute_values = {
        {":offboarding", S(LifecycleStateName(LifecycleState::kOffboarding))},
        {":from", S(LifecycleStateName(state->state))},
        {":inc", S(state->incarnation)},
        {":now", S(now)}};
    auto fenced = backend_.UpdateItem(fence);
    if (fenced.ok()) {
      state->state = LifecycleState::kOffboarding;
      state->offboarding_started = now;
      return Status::Ok();
    }
    if (!IsConditionFailure(fenced.status())) return fenced.status();
    // The record changed between the read and the fence: look again.
  }
  return Status::Conflict("Company " + company.str() + " keeps changing; try again");
}

Status CompanyLifecycle::Retire(const CompanyState& state) {
  const Layout& layout = catalog_.layout();
  dynamo::PutItemRequest put;
  put.table_name = CompanyTable(layout);
  put.item = layout.CompanyKey(state.company_id);
  internal::Set(&put.item, attr::kLifecycleState, S(LifecycleStateName(LifecycleState::kRetired)));
  internal::Set(&put.item, attr::kIncarnation, S(state.incarnation));
  internal::Set(&put.item, attr::kCompanyTier, S(TierName(*state.tier)));
  internal::Set(&put.item, attr::kOffboardingStarted, S(state.offboarding_started));
  internal::Set(&put.item, attr::kRetiredDate, S(Now()));
  put.condition_expression = "#s = :offboarding AND #i = :inc";
  put.expression_attribute_names = {{"#s", std::string(attr::kLifecycleState)},
                                    {"#i", std::string(attr::kIncarnation)}};
  put.expression_attribute_values = {
      {":offboarding", S(LifecycleStateName(LifecycleState::kOffboarding))},
      {":inc", S(state.incarnation)}};
  auto written = backend_.PutItem(put);
  if (written.ok()) return Status::Ok();
  if (!IsConditionFailure(written.status())) return written.status();
  // A concurrent offboarding retired it first.
  IT_ASSIGN_OR_RETURN(CompanyState now, LoadCompanyState(backend_, layout, state.company_id));
  if (now.state == LifecycleState::kRetired && now.incarnation == state.incarnation) {
    return Status::Ok();
  }
  return Status::Conflict("Company " + state.company_id.str() + " changed while offboarding");
}

}  // namespace issuetracker::tenancy

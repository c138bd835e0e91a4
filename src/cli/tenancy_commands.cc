// `issuetracker provision`, `issuetracker seed --sample | --synthetic` and
// `issuetracker verify`: the spec's tables, sample data and verification, on the configured
// backend. Each exits non-zero when it fails (provision also on drift, verify on any failed
// check).
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/iac.h"
#include "dynamo/extensions.h"
#include "tenancy/layout.h"
#include "tenancy/provision.h"
#include "tenancy/schema.h"
#include "tenancy/schema_names.h"
#include "tenancy/tenant_context.h"
#include "tracker/sample_data.h"
#include "tracker/synthetic.h"
#include "tracker/verifier.h"

namespace issuetracker::cli {

namespace {

// Options every tenancy command takes: which deployment's tables.
struct SchemaFlags {
  tenancy::SchemaConfig config;
};

void AddSchemaFlags(CLI::App* command, SchemaFlags* flags) {
  command
      ->add_option("--table-prefix", flags->config.table_prefix,
                   "Prefix of every table name (one per environment sharing a backend)")
      ->capture_default_str();
  command->add_option("--environment", flags->config.environment, "Value of the Environment tag")
      ->capture_default_str();
}

// Opens the backend and checks the schema flags; prints the error and returns nullptr.
std::unique_ptr<dynamo::Backend> Open(const GlobalOptions& options, const SchemaFlags& flags) {
  if (Status s = tenancy::ValidateSchemaConfig(flags.config); !s.ok()) {
    fmt::print(stderr, "{}\n", s.ToString());
    return nullptr;
  }
  auto backend = OpenBackend(options);
  if (!backend.ok()) {
    auto spec = ParseStore(options);
    fmt::print(stderr, "cannot open the store {}: {}\n",
               spec.ok() ? spec->Describe() : options.store, backend.status().ToString());
    return nullptr;
  }
  return std::move(backend).value();
}

// What `provision --emit` prints instead of provisioning.
struct EmitFlags {
  std::string emit;     // "", "cloudformation" or "iam-policy"
  std::string company;  // --company
  std::string tier;     // --tier (iam-policy; else read from the store)
};

// The tier of `company`: --tier, else its CompanyManagement record in the store.
Result<tenancy::Tier> TierOf(const GlobalOptions& options, const SchemaFlags& flags,
                             const tenancy::Layout& layout, const tenancy::CompanyId& company,
                             const std::string& tier) {
  if (!tier.empty()) return tenancy::ParseTier(tier);
  auto backend = Open(options, flags);
  if (!backend) return Status::Validation("cannot read the company's tier; give --tier");
  dynamo::GetItemRequest get;
  get.table_name = layout.SystemTableName(tenancy::SystemTable::kCompanyManagement).str();
  get.key = layout.CompanyKey(company);
  get.consistent_read = true;
  IT_ASSIGN_OR_RETURN(auto found, backend->GetItem(get));
  if (!found.item) {
    return Status::NotFound("company " + company.str() + " is not in the store; give --tier");
  }
  const std::string* stored = dynamo::FindS(*found.item, tenancy::attr::kCompanyTier);
  if (stored == nullptr) {
    return Status::Corruption("company " + company.str() + " has no tier in the store");
  }
  return tenancy::ParseTier(*stored);
}

int RunEmit(const GlobalOptions& options, const SchemaFlags& flags, const EmitFlags& emit) {
  if (Status s = tenancy::ValidateSchemaConfig(flags.config); !s.ok()) {
    fmt::print(stderr, "{}\n", s.ToString());
    return 2;
  }
  tenancy::Layout layout(flags.config);
  tenancy::SchemaCatalog catalog(layout);
  std::optional<tenancy::CompanyId> company;
  if (!emit.company.empty()) {
    auto parsed = tenancy::CompanyId::Parse(emit.company);
    if (!parsed.ok()) {
      fmt::print(stderr, "--company: {}\n", parsed.status().ToString());
      return 2;
    }
    company = *parsed;
  }
  if (emit.emit == "cloudformation") {
    fmt::print("{}", CloudFormationTemplate(catalog, company));
    return 0;
  }
  if (!company) {
    fmt::print(stderr, "provision --emit iam-policy needs --company ID\n");
    return 2;
  }
  auto tier = TierOf(options, flags, layout, *company, emit.tier);
  if (!tier.ok()) {
    fmt::print(stderr, "provision --emit iam-policy: {}\n", tier.status().ToString());
    return 2;
  }
  fmt::print("{}", IamPolicy(catalog, *company, *tier));
  return 0;
}

int RunProvision(const GlobalOptions& options, const SchemaFlags& flags) {
  auto backend = Open(options, flags);
  if (!backend) return 2;
  tenancy::Layout layout(flags.config);
  tenancy::SchemaCatalog catalog(layout);
  tenancy::Provisioner provisioner(*backend, catalog);
  provisioner.set_progress([](std::string_view line) {
    fmt::print(stderr, "provision: waiting: {}\n", line);
    std::fflush(stderr);
  });
  tenancy::ProvisionReport report = provisioner.ProvisionAll();
  fmt::print("{}", report.ToString());
  if (!report.ok()) {
    fmt::print(stderr, "provision: some tables differ from the schema or failed (see above)\n");
    return 1;
  }
  fmt::print("provision: {} tables match the schema\n", report.tables.size());
  return 0;
}

struct SeedFlags {
  bool sample = false;
  bool synthetic = false;
  tracker::SyntheticOptions synthetic_options;
};

// Draws "[#####.....]  52%  52,000/100,000 issues  123,456 issues/s" on stderr: in place on
// a terminal, else one line per 10%.
class ProgressBar {
 public:
  void Update(const tracker::SyntheticProgress& p) {
    double fraction = p.items_total ? static_cast<double>(p.items_done) / p.items_total : 1.0;
    int percent = static_cast<int>(fraction * 100);
    double rate = p.elapsed_seconds > 0 ? p.issues_done / p.elapsed_seconds : 0;
    if (!tty_) {
      if (percent / 10 == last_decile_) return;
      last_decile_ = percent / 10;
    }
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    fmt::print(stderr, "{}[{}] {:3d}%  {}/{} issues  {:.0f} issues/s{}", tty_ ? "\r" : "", bar,
               percent, p.issues_done, p.issues_total, rate, tty_ ? "" : "\n");
    std::fflush(stderr);
  }
  void Finish() {
    if (tty_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_ = isatty(STDERR_FILENO) != 0;
  int last_decile_ = -1;
};

int RunSeed(const GlobalOptions& options, const SchemaFlags& schema, const SeedFlags& flags) {
  if (flags.sample == flags.synthetic) {
    fmt::print(stderr, "seed: give exactly one of --sample or --synthetic\n");
    return 2;
  }
  auto backend = Open(options, schema);
  if (!backend) return 2;
  tenancy::Layout layout(schema.config);
  if (flags.sample) {
    auto counts = tracker::SeedSampleData(
        *backend, layout, tenancy::AdminAccess::Grant("issuetracker seed --sample"));
    if (!counts.ok()) {
      fmt::print(stderr, "seed --sample failed: {}\n", counts.status().ToString());
      return 1;
    }
    fmt::print("Loaded the spec's sample data: {}\n", counts->ToString());
    return 0;
  }
  ProgressBar bar;
  auto report = tracker::SeedSynthetic(
      *backend, layout, tenancy::AdminAccess::Grant("issuetracker seed --synthetic"),
      flags.synthetic_options, [&bar](const tracker::SyntheticProgress& p) { bar.Update(p); });
  bar.Finish();
  if (!report.ok()) {
    fmt::print(stderr, "seed --synthetic failed: {}\n", report.status().ToString());
    return 1;
  }
  fmt::print("Synthetic data: {} ({} Basic, {} Premium, {} Platinum)\n", report->counts.ToString(),
             report->basic, report->premium, report->platinum);
  fmt::print("Setup (company records, Platinum onboarding): {:.2f} s\n", report->setup_seconds);
  const bool bulk_import = dynamo::FindExtensions(*backend) != nullptr;
  fmt::print(
      "Bulk write: {:.2f} s, {:.0f} issues/s, {:.0f} items/s ({} threads, {} in chunks of up to "
      "{} items per table)\n",
      report->write_seconds, report->issues_per_second, report->items_per_second,
      flags.synthetic_options.threads,
      bulk_import ? "ImportItems" : "parallel BatchWriteItem (no bulk import on this store)",
      report->chunk_items);
  return 0;
}

int RunVerify(const GlobalOptions& options, const SchemaFlags& schema, double budget_ms) {
  auto backend = Open(options, schema);
  if (!backend) return 2;
  tenancy::Layout layout(schema.config);
  tracker::VerifyOptions verify_options;
  verify_options.latency_budget_ms = budget_ms;
  tracker::VerifyReport report = tracker::RunVerification(
      *backend, layout, tenancy::AdminAccess::Grant("issuetracker verify"), verify_options);
  fmt::print("{}", report.ToTable());
  return report.ok() ? 0 : 1;
}

}  // namespace

void AddProvisionCommand(CLI::App& app, const GlobalOptions& options) {
  auto flags = std::make_shared<SchemaFlags>();
  auto emit = std::make_shared<EmitFlags>();
  CLI::App* cmd = app.add_subcommand(
      "provision",
      "Create the spec's tables (and recorded Platinum silo tables) when missing; report drift");
  AddSchemaFlags(cmd, flags.get());
  cmd->add_option("--emit", emit->emit,
                  "Print infrastructure as code instead of provisioning: cloudformation (the "
                  "tables' template) or iam-policy (a company's access policy)")
      ->check(CLI::IsMember({"cloudformation", "iam-policy"}));
  cmd->add_option("--company", emit->company,
                  "With --emit: the company (cloudformation: add its Platinum silo tables)");
  cmd->add_option("--tier", emit->tier,
                  "With --emit iam-policy: the company's tier (default: read from the store)")
      ->transform(CLI::IsMember({"Basic", "Premium", "Platinum"}, CLI::ignore_case));
  cmd->callback([&options, flags, emit] {
    int rc = emit->emit.empty() ? RunProvision(options, *flags) : RunEmit(options, *flags, *emit);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

void AddSeedCommand(CLI::App& app, const GlobalOptions& options) {
  auto schema = std::make_shared<SchemaFlags>();
  auto flags = std::make_shared<SeedFlags>();
  CLI::App* cmd = app.add_subcommand("seed", "Load the spec's sample data or synthetic data");
  AddSchemaFlags(cmd, schema.get());
  cmd->add_flag("--sample", flags->sample, "Load exactly the spec's sample data (idempotent)");
  cmd->add_flag("--synthetic", flags->synthetic, "Generate N companies with M issues each");
  tracker::SyntheticOptions& o = flags->synthetic_options;
  cmd->add_option("-N,--companies", o.companies, "Synthetic companies (tiers cycle 1:4:5)")
      ->capture_default_str();
  cmd->add_option("-M,--issues", o.issues_per_company, "Issues per company")->capture_default_str();
  cmd->add_option("--teams", o.teams_per_company, "Teams per company")->capture_default_str();
  cmd->add_option("--users", o.users_per_company, "Users per company (capped by tier)")
      ->capture_default_str();
  cmd->add_option("--comments", o.comments_per_company, "Comments per company")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Writer threads")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed (same seed, same data)")->capture_default_str();
  cmd->add_option("--company-prefix", o.company_prefix, "Synthetic company ids' prefix")
      ->capture_default_str();
  cmd->callback([&options, schema, flags] {
    if (int rc = RunSeed(options, *schema, *flags); rc != 0) throw CLI::RuntimeError(rc);
  });
}

void AddVerifyCommand(CLI::App& app, const GlobalOptions& options) {
  auto schema = std::make_shared<SchemaFlags>();
  auto budget = std::make_shared<double>(100.0);
  CLI::App* cmd = app.add_subcommand(
      "verify", "Run the spec's isolation tests and verification steps; non-zero exit on failure");
  AddSchemaFlags(cmd, schema.get());
  cmd->add_option("--latency-budget-ms", *budget, "Latency limit of the index checks")
      ->capture_default_str();
  cmd->callback([&options, schema, budget] {
    if (int rc = RunVerify(options, *schema, *budget); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace issuetracker::cli

#include "dynamo/client/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace issuetracker::dynamo::client {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<std::string> NonEmpty(const AwsEnvironment& env, std::string_view name) {
  auto v = env.getenv(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ExpandHome(const AwsEnvironment& env, std::string path) {
  if (!path.empty() && path[0] == '~') {
    path = env.getenv("HOME").value_or("") + path.substr(1);
  }
  return path;
}

std::string CredentialsFile(const AwsEnvironment& env) {
  return ExpandHome(env,
                    NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
}

std::string ConfigFile(const AwsEnvironment& env) {
  return ExpandHome(env, NonEmpty(env, "AWS_CONFIG_FILE").value_or("~/.aws/config"));
}

// The profile named by the environment, or nullopt for the implicit "default".
std::optional<std::string> ExplicitProfile(const AwsEnvironment& env) {
  if (auto p = NonEmpty(env, "AWS_PROFILE")) return p;
  return NonEmpty(env, "AWS_DEFAULT_PROFILE");
}

std::string Get(const IniSection& section, std::string_view key) {
  for (const auto& [k, v] : section) {
    if (k == key) return v;
  }
  return {};
}

// The profile's section of the config file: "[profile NAME]", or "[default]" (also
// "[profile default]") for the default profile.
std::optional<IniSection> ConfigSection(const AwsEnvironment& env, const std::string& profile) {
  auto text = ReadFile(ConfigFile(env));
  if (!text) return std::nullopt;
  if (auto s = FindIniSection(*text, "profile " + profile)) return s;
  if (profile == "default") return FindIniSection(*text, "default");
  return std::nullopt;
}

}  // namespace

AwsEnvironment AwsEnvironment::Process() {
  return AwsEnvironment{[](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  }};
}

std::optional<IniSection> FindIniSection(std::string_view text, std::string_view section) {
  std::optional<IniSection> found;
  bool in_section = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      // Collapse "profile   x" to "profile x".
      std::string normalized(name);
      if (name.starts_with("profile")) {
        normalized = "profile " + std::string(Trim(name.substr(7)));
      }
      in_section = normalized == section;
      if (in_section && !found) found.emplace();
      continue;
    }
    // Indented lines continue a nested value (e.g. `s3 =` blocks): not ours.
    if (!in_section || raw.front() == ' ' || raw.front() == '\t') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(Trim(line.substr(0, eq)));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    found->emplace_back(std::move(key), std::string(Trim(line.substr(eq + 1))));
  }
  return found;
}

Result<Credentials> ResolveCredentials(const AwsEnvironment& env) {
  auto key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  auto secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    auto token = NonEmpty(env, "AWS_SESSION_TOKEN");
    if (!token) token = NonEmpty(env, "AWS_SECURITY_TOKEN");
    return Credentials{*key, *secret, token.value_or(""), "environment"};
  }
  if (key || secret) {
    return Status::Validation(std::string("Partial credentials found in env, missing: ") +
                              (key ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }
  const std::optional<std::string> named = ExplicitProfile(env);
  const std::string profile = named.value_or("default");
  bool profile_seen = false;
  auto from_section = [&](const IniSection& s, const std::string& where) -> Result<Credentials> {
    std::string k = Get(s, "aws_access_key_id"), v = Get(s, "aws_secret_access_key");
    if (k.empty() && v.empty()) return Status::NotFound("no keys");
    if (k.empty() || v.empty()) {
      return Status::Validation("Partial credentials found in " + where + ", missing: " +
                                (k.empty() ? "aws_access_key_id" : "aws_secret_access_key"));
    }
    std::string token = Get(s, "aws_session_token");
    if (token.empty()) token = Get(s, "aws_security_token");
    return Credentials{k, v, token, where};
  };
  if (auto text = ReadFile(CredentialsFile(env))) {
    if (auto s = FindIniSection(*text, profile)) {
      profile_seen = true;
      auto c = from_section(*s, "shared credentials file (profile " + profile + ")");
      if (c.ok() || !c.status().Is(Code::kNotFound)) return c;
    }
  }
  if (auto s = ConfigSection(env, profile)) {
    profile_seen = true;
    auto c = from_section(*s, "shared config file (profile " + profile + ")");
    if (c.ok() || !c.status().Is(Code::kNotFound)) return c;
  }
  if (named && !profile_seen) {
    return Status::Validation("The config profile (" + profile + ") could not be found");
  }
  return Status::Validation(
      "Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a "
      "profile in the shared credentials or config file (AWS_PROFILE)");
}

std::optional<std::string> ResolveRegion(const AwsEnvironment& env) {
  if (auto r = NonEmpty(env, "AWS_REGION")) return r;
  if (auto r = NonEmpty(env, "AWS_DEFAULT_REGION")) return r;
  const std::string profile = ExplicitProfile(env).value_or("default");
  if (auto s = ConfigSection(env, profile)) {
    std::string region = Get(*s, "region");
    if (!region.empty()) return region;
  }
  return std::nullopt;
}

}  // namespace issuetracker::dynamo::client

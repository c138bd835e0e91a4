// Credentials and region, found where the AWS SDKs look for them, in their order:
//
//   1. the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN
//      (or the older AWS_SECURITY_TOKEN) for temporary credentials;
//   2. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials),
//      section [<profile>];
//   3. the shared config file (AWS_CONFIG_FILE, default ~/.aws/config), section
//      [profile <profile>] ([default] for the default profile);
//
// where <profile> is AWS_PROFILE (or AWS_DEFAULT_PROFILE), else "default". A profile named
// explicitly that exists in neither file is an error, as in the SDKs. The SDKs' later
// sources (container and EC2 instance metadata, SSO, assume-role and credential_process
// profiles) are not supported: such deployments export credentials to the environment.
//
// The region comes from AWS_REGION, then AWS_DEFAULT_REGION, then the profile's `region`
// in the config file.
//
// Thread-safety: stateless functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dynamo/client/sigv4.h"

namespace issuetracker::dynamo::client {

// Where the lookups read from: the process environment and home directory by default,
// replaceable in tests.
struct AwsEnvironment {
  std::function<std::optional<std::string>(std::string_view name)> getenv;
  // The process's environment ($HOME for the ~ of the default file paths).
  static AwsEnvironment Process();
};

// The credentials the SDKs would use. ValidationException-coded errors name what is wrong
// ("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY", "The config profile
// (p) could not be found", "Unable to locate credentials ..."). Unreadable files count as
// absent.
Result<Credentials> ResolveCredentials(const AwsEnvironment& env);

// The region the SDKs would use, or nullopt when none is configured.
std::optional<std::string> ResolveRegion(const AwsEnvironment& env);

// One section of an INI-style AWS file: its key = value pairs (keys lowercased).
using IniSection = std::vector<std::pair<std::string, std::string>>;
// The section named `section` of INI text, or nullopt. Exposed for tests.
std::optional<IniSection> FindIniSection(std::string_view text, std::string_view section);

}  // namespace issuetracker::dynamo::client

// CommentRepository: discussions on issues.
//
//  - A comment is added only to an existing issue of the same company: the transaction
//    that writes it also checks the issue's key, which is built from the context's company.
//  - Mentions must be active users of the company (checked in the same transaction).
//  - Internal comments (is_internal) can be posted and seen only by Admin and above; for
//    others they are filtered out of every list and Get answers NotFound.
//  - Ids are per-company sequential (CMT-001, ...), like issue ids.
//  - Lists: by issue in date order (IssueIndex; silo: the table's own key), by author
//    (UserIndex; silo: AuthorIndex).
//
// Thread-safety: safe to call from many threads.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "tenancy/tenant_context.h"
#include "tracker/model.h"
#include "tracker/store.h"

namespace issuetracker::tracker {

struct NewComment {
  std::string content;
  bool is_internal = false;
  std::vector<UserEmail> mentions;       // duplicates are dropped; at most kMaxMentions
  std::vector<std::string> attachments;  // file names; at most kMaxAttachments
};

class CommentRepository {
 public:
  explicit CommentRepository(Store store) : store_(store) {}

  // Adds a comment by the acting user. NotFound when the issue does not exist; Validation
  // for a mention that is not an active user of the company; Forbidden for an internal
  // comment below Admin.
  Result<Comment> Add(const tenancy::TenantContext& ctx, const IssueId& issue,
                      const NewComment& comment);

  // One comment of an issue. NotFound when absent or hidden from the caller.
  Result<Comment> Get(const tenancy::TenantContext& ctx, const IssueId& issue,
                      const CommentId& comment);

  // Deletes a comment: its author, or Admin and above.
  Status Delete(const tenancy::TenantContext& ctx, const IssueId& issue, const CommentId& comment);

  // Comments on an issue, oldest first. NotFound when the issue does not exist.
  Result<Page<Comment>> ListByIssue(const tenancy::TenantContext& ctx, const IssueId& issue,
                                    const PageRequest& page);
  // Comments written by `author` in the company.
  Result<Page<Comment>> ListByAuthor(const tenancy::TenantContext& ctx, const UserEmail& author,
                                     const PageRequest& page);

 private:
  // Get without the session check (the callers check).
  Result<Comment> Find(const tenancy::TenantContext& ctx, const IssueId& issue,
                       const CommentId& comment);
  Result<Page<Comment>> List(const tenancy::TenantContext& ctx, const tenancy::QueryPlan& plan,
                             const PageRequest& page);

  Store store_;
};

}  // namespace issuetracker::tracker

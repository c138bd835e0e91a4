#include "tracker/comment_repository.h"

#include <algorithm>

#include "tracker/codec.h"
#include "tracker/permissions.h"
#include "tracker/repository_internal.h"

namespace issuetracker::tracker {

using tenancy::CompanyScope;
using tenancy::Entity;
using tenancy::TenantContext;

namespace {

constexpr std::string_view kAdministratorName = "Platform administrator";

Status ValidateComment(const NewComment& in) {
  IT_RETURN_IF_ERROR(CheckText("content", in.content, kMaxCommentLength, true));
  if (in.mentions.size() > kMaxMentions) {
    return Status::Validation("A comment mentions at most " + std::to_string(kMaxMentions) +
                              " users");
  }
  if (in.attachments.size() > kMaxAttachments) {
    return Status::Validation("A comment has at most " + std::to_string(kMaxAttachments) +
                              " attachments");
  }
  for (const std::string& a : in.attachments) {
    IT_RETURN_IF_ERROR(CheckText("attachment name", a, kMaxAttachmentNameLength, true));
  }
  return Status::Ok();
}

bool SeesInternal(const TenantContext& ctx) {
  return Allows(ctx.role(), Action::kViewInternalComments);
}

}  // namespace

Result<Comment> CommentRepository::Add(const TenantContext& ctx, const IssueId& issue_id,
                                       const NewComment& in) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_RETURN_IF_ERROR(Check(ctx, Action::kComment));
  if (in.is_internal) IT_RETURN_IF_ERROR(Check(ctx, Action::kPostInternalComment));
  IT_RETURN_IF_ERROR(ValidateComment(in));
  const tenancy::Layout& layout = *store_.layout;
  const CompanyScope& scope = ctx.scope();
  IT_ASSIGN_OR_RETURN(Issue issue, internal::GetIssue(store_, ctx, issue_id));
  std::string author_name(kAdministratorName);
  if (!ctx.administrative()) {
    IT_ASSIGN_OR_RETURN(User author, internal::GetUser(store_, ctx, ctx.actor()));
    author_name = author.full_name;
  }
  std::vector<UserEmail> mentions;
  for (const UserEmail& m : in.mentions) {
    if (std::find(mentions.begin(), mentions.end(), m) == mentions.end()) mentions.push_back(m);
  }
  std::optional<Comment> created;
  auto build = [&](uint64_t n, Txn* txn) {
    Comment comment{.comment_id = CommentId::FromSequence(n),
                    .issue_id = issue_id,
                    .company_id = ctx.company_id(),
                    .author_email = ctx.actor(),
                    .author_name = author_name,
                    .content = in.content,
                    .created_date = store_.Now(),
                    .is_internal = in.is_internal,
                    .attachments = in.attachments,
                    .mentions = mentions};
    dynamo::Item key =
        layout.CommentKey(scope, {issue_id, comment.comment_id}, comment.created_date);
    Expr e;
    std::string condition = "attribute_not_exists(" + e.Name(internal::KeyAttribute(key)) + ")";
    // Pooled keys hold the comment id, so a clash means the id is taken; silo keys hold the
    // issue and the time, so a clash means two comments in the same microsecond.
    txn->Put(layout.TableFor(scope, Entity::kComment).str(), EncodeComment(layout, scope, comment),
             condition, std::move(e), RetryStatus("comment key taken", !scope.silo()));
    dynamo::Item issue_key = layout.IssueKey(scope, issue_id, issue.created_date);
    Expr ie;
    std::string exists = "attribute_exists(" + ie.Name(internal::KeyAttribute(issue_key)) + ")";
    txn->Check(layout.TableFor(scope, Entity::kIssue).str(), std::move(issue_key), exists,
               std::move(ie), Status::NotFound("Issue " + issue_id.str() + " does not exist"));
    for (const UserEmail& m : mentions) {
      internal::CheckActiveUser(
          store_, scope, m, txn,
          Status::Validation("Mentioned user " + m.str() + " is not a user of this company"));
    }
    created = std::move(comment);
    return Status::Ok();
  };
  IT_RETURN_IF_ERROR(CommitWithNextSequence(store_, ctx, Counter::kComment, build).status());
  return std::move(*created);
}

Result<Comment> CommentRepository::Get(const TenantContext& ctx, const IssueId& issue,
                                       const CommentId& comment_id) {
  return CheckedRead(store_, ctx, Find(ctx, issue, comment_id));
}

Result<Comment> CommentRepository::Find(const TenantContext& ctx, const IssueId& issue,
                                        const CommentId& comment_id) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  const CompanyScope& scope = ctx.scope();
  IT_ASSIGN_OR_RETURN(auto item,
                      Fetch(store_, store_.layout->CommentLookup(scope, {issue, comment_id})));
  Status missing = Status::NotFound("Comment " + comment_id.str() + " on issue " + issue.str() +
                                    " does not exist");
  if (!item) return missing;
  IT_ASSIGN_OR_RETURN(Comment comment, DecodeComment(*store_.layout, scope, *item));
  // A pooled comment id is unique in the company; it must also belong to this issue.
  if (comment.issue_id != issue) return missing;
  if (comment.is_internal && !SeesInternal(ctx)) return missing;
  return comment;
}

Status CommentRepository::Delete(const TenantContext& ctx, const IssueId& issue,
                                 const CommentId& comment_id) {
  IT_RETURN_IF_ERROR(StartWrite(store_, ctx));
  IT_ASSIGN_OR_RETURN(Comment comment, Find(ctx, issue, comment_id));
  if (comment.author_email != ctx.actor()) {
    IT_RETURN_IF_ERROR(Check(ctx, Action::kDeleteAnyComment));
  }
  const tenancy::Layout& layout = *store_.layout;
  Txn txn;
  txn.Delete(layout.TableFor(ctx.scope(), Entity::kComment).str(),
             layout.CommentKey(ctx.scope(), {issue, comment_id}, comment.created_date), "", Expr(),
             Status::Ok());
  return CommitWrite(store_, ctx, &txn);
}

Result<Page<Comment>> CommentRepository::ListByIssue(const TenantContext& ctx, const IssueId& issue,
                                                     const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  Status exists = internal::GetIssue(store_, ctx, issue).status();
  if (!exists.ok()) return CheckedRead(store_, ctx, Result<Page<Comment>>(exists));
  return List(ctx, store_.layout->CommentsByIssue(ctx.scope(), issue), page);
}

Result<Page<Comment>> CommentRepository::ListByAuthor(const TenantContext& ctx,
                                                      const UserEmail& author,
                                                      const PageRequest& page) {
  IT_RETURN_IF_ERROR(Check(ctx, Action::kViewCompany));
  return List(ctx, store_.layout->CommentsByAuthor(ctx.scope(), author), page);
}

Result<Page<Comment>> CommentRepository::List(const TenantContext& ctx,
                                              const tenancy::QueryPlan& plan,
                                              const PageRequest& page) {
  std::optional<QueryFilter> filter;
  if (!SeesInternal(ctx)) {
    QueryFilter f;
    std::string internal_attr = f.expr.Name(field::kIsInternal);
    f.expression = "attribute_not_exists(" + internal_attr + ") OR " + internal_attr + " = " +
                   f.expr.Value(dynamo::AttributeValue::Bool(false));
    filter = std::move(f);
  }
  IT_ASSIGN_OR_RETURN(RawPage raw, QueryPage(store_, ctx, plan, page, filter));
  return CheckedRead(store_, ctx,
                     DecodePage<Comment>(std::move(raw), [&](const dynamo::Item& item) {
                       return DecodeComment(*store_.layout, ctx.scope(), item);
                     }));
}

}  // namespace issuetracker::tracker

// The authorization context of one request, handed by the Gateway to every
// resource: who is calling (Principal), the identity snapshot it was
// authenticated against, and the checks a resource makes once it knows the
// exact component (e.g. the resolved "_table/<catalog>.<schema>.<table>").
// Deny by default: the Gateway refuses to send a success response from a
// resource that never asked (a bug guard). With security disabled every
// check passes and no policy applies. The Access also carries the
// request's audit notes (audit_notes.h): copies of an Access share them, and
// so does any streamed body that holds the pointer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "auth/security_state.h"
#include "auth/table_policy.h"
#include "core/table_schema.h"
#include "util/result.h"

namespace lakegate::api {

struct AuditNotes;
struct Service;

class Access {
 public:
  // Security off: everything allowed.
  static Access open();
  Access(std::shared_ptr<const auth::Principal> principal,
         std::shared_ptr<const auth::SecuritySnapshot> snapshot);

  bool enabled() const { return principal_ != nullptr; }
  const auth::Principal* principal() const { return principal_.get(); }
  bool bypasses_rbac() const { return !enabled() || principal_->is_sys_admin(); }

  // kForbidden with DreamFactory's message unless the role allows `verb` on
  // `component` of `service`.
  Status authorize(const Service& service, std::string_view component, std::string_view verb) const;
  // True when `verb` on `component` is allowed (no error, no record).
  bool allows(const Service& service, std::string_view component, std::string_view verb) const;
  // authorize + the role's row filter and column rules for a table component.
  Result<auth::TablePolicy> table_policy(const Service& service, std::string_view component,
                                         std::string_view verb) const;
  // True when the role has any grant on `service` (a row for it or for all
  // services with a non-empty verb mask): the service is listed and its root
  // answers.
  bool has_any_grant(const Service& service) const;
  // True when any access row of the role for this service (or all services)
  // carries a row filter or column rule: raw SQL would bypass them.
  bool restricted_on(const Service& service) const;
  // True once any check ran (authorize, allows, table_policy, or mark_checked
  // for resources that need no component check).
  bool checked() const { return *checked_; }
  void mark_checked() const { *checked_ = true; }

  // Functions refused in read-only SQL besides the built-in ones
  // (security.denied_functions); `functions` must outlive the Access.
  void deny_functions(const std::vector<std::string>* functions) { denied_functions_ = functions; }
  const std::vector<std::string>& denied_functions() const;

  // This request's audit notes (never null; fresh for every Access built by
  // open() or the constructor, shared by its copies). Resources pass it to
  // what runs statements; the Gateway reads it for the audit record.
  const std::shared_ptr<AuditNotes>& audit_notes() const { return audit_notes_; }

 private:
  std::shared_ptr<const auth::Principal> principal_;
  std::shared_ptr<const auth::SecuritySnapshot> snapshot_;
  std::shared_ptr<bool> checked_ = std::make_shared<bool>(false);
  const std::vector<std::string>* denied_functions_ = nullptr;
  std::shared_ptr<AuditNotes> audit_notes_;
};

// `schema` without the columns in `policy.hidden_columns`.
catalog::TableSchema visible_schema(const catalog::TableSchema& schema,
                                    const auth::TablePolicy& policy);

// "_table/<catalog>.<schema>.<table>" — the component RBAC sees for a table.
std::string table_component(const catalog::TableName& name);

}  // namespace lakegate::api

// Result<T>: either a value of T or a non-OK Status.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/status.h"

namespace issuetracker {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok()
  Result(Status status) : rep_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(rep_).ok());
  }
  Result(T value) : rep_(std::move(value)) {}  // NOLINT: implicit by design
  template <typename U>
  requires std::is_constructible_v<T, U&&> &&
      (!std::is_same_v<std::decay_t<U>, Status>)&&(!std::is_same_v<std::decay_t<U>, T>)
          Result(U&& value)
      : rep_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(rep_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(rep_); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(rep_); }
  const T& value() const& { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> rep_;
};

}  // namespace issuetracker

#define IT_CONCAT_INNER_(a, b) a##b
#define IT_CONCAT_(a, b) IT_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` (a Status) is not OK.
#define IT_RETURN_IF_ERROR(expr)                \
  do {                                          \
    ::issuetracker::Status it_status_ = (expr); \
    if (!it_status_.ok()) return it_status_;    \
  } while (0)

// `IT_ASSIGN_OR_RETURN(auto x, FnReturningResult())` assigns the value or returns the Status.
#define IT_ASSIGN_OR_RETURN(lhs, expr) \
  IT_ASSIGN_OR_RETURN_IMPL_(IT_CONCAT_(it_result_, __LINE__), lhs, expr)
#define IT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

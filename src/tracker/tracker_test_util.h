// Helpers shared by the tracker's tests: parsed identifiers and status assertions that
// take a Status or a Result alike.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "tracker/model.h"

namespace issuetracker::tracker {

inline UserEmail Email(std::string_view e) { return UserEmail::Parse(e).value(); }
inline CompanyId Cid(std::string_view c) { return CompanyId::Parse(c).value(); }

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace issuetracker::tracker

#define ASSERT_OK(expr)                                                      \
  do {                                                                       \
    ::issuetracker::Status it_ok_ = ::issuetracker::tracker::StatusOf(expr); \
    ASSERT_TRUE(it_ok_.ok()) << it_ok_.ToString();                           \
  } while (0)
#define EXPECT_CODE(expr, code_)                                              \
  do {                                                                        \
    ::issuetracker::Status it_s_ = ::issuetracker::tracker::StatusOf(expr);   \
    EXPECT_EQ(it_s_.code(), ::issuetracker::Code::code_) << it_s_.ToString(); \
  } while (0)

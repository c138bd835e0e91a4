// Dates as the tracker stores them: ISO-8601 strings in UTC that sort chronologically as
// strings (every GSI sort key on a date relies on that).
//
//   timestamps  "2024-01-15T14:30:00.123456Z" (fixed width, microseconds): created_date,
//               updated_date, last_login_date of everything the tracker writes;
//   dates       "2024-01-15": due dates (and the spec's sample data, which uses dates).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace issuetracker::tracker {

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" for microseconds since the Unix epoch.
std::string FormatTimestamp(int64_t micros);
// "YYYY-MM-DD" for microseconds since the Unix epoch.
std::string FormatDate(int64_t micros);
// Whether `text` is a calendar date "YYYY-MM-DD" (years 1000..9999).
bool IsCalendarDate(std::string_view text);

}  // namespace issuetracker::tracker

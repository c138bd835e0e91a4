#include "tracker/dates.h"

#include <cstdio>

namespace issuetracker::tracker {
namespace {

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{y + (m <= 2), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string FormatTimestamp(int64_t micros) {
  int64_t seconds = FloorDiv(micros, 1'000'000);
  int64_t frac = micros - seconds * 1'000'000;
  int64_t days = FloorDiv(seconds, 86'400);
  int64_t sod = seconds - days * 86'400;
  Civil c = CivilFromDays(days);
  if (c.year < 0 || c.year > 9999) {
    char buf[128];  // room for any value of every field
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(c.year), c.month, c.day,
                  static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                  static_cast<long long>(sod % 60), static_cast<long long>(frac));
    return buf;
  }
  // Every timestamp written goes through here (seeding formats millions): fixed-width
  // digits without printf.
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto digits = [&out](size_t end, int64_t value, int width) {
    for (int k = 0; k < width; ++k, value /= 10) out[end - k] = static_cast<char>('0' + value % 10);
  };
  digits(3, c.year, 4);
  digits(6, c.month, 2);
  digits(9, c.day, 2);
  digits(12, sod / 3600, 2);
  digits(15, sod / 60 % 60, 2);
  digits(18, sod % 60, 2);
  digits(25, frac, 6);
  return out;
}

std::string FormatDate(int64_t micros) { return FormatTimestamp(micros).substr(0, 10); }

bool IsCalendarDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  auto num = [&t](size_t pos, size_t len, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, m, d;
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return false;
  if (y < 1000 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

}  // namespace issuetracker::tracker
